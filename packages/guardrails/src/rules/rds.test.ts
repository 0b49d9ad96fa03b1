import { DbInstance, type DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { check, findings, PROD, testStack } from '../testing/fixtures';

/** An instance that satisfies every RDS rule, in production too. */
const good: DbInstanceConfig = {
  identifier: 'automock-prod-shop',
  engine: 'postgres',
  instanceClass: 'db.t4g.micro',
  allocatedStorage: 20,
  username: 'postgres',
  manageMasterUserPassword: true,
  storageEncrypted: true,
  publiclyAccessible: false,
  backupRetentionPeriod: 7,
  deletionProtection: true,
  skipFinalSnapshot: false,
  finalSnapshotIdentifier: 'automock-prod-shop-final',
};

function run(ruleId: string, instances: Record<string, Partial<DbInstanceConfig>>, prod = false) {
  const env = prod ? PROD : undefined;
  const { app, stack } = testStack(env);
  for (const [id, over] of Object.entries(instances))
    new DbInstance(stack, id, { ...good, identifier: `automock-x-${id}`, ...over });
  return findings(check(app, env), ruleId).map((f) => [
    f.address.split('.')[1]!.split('_')[0],
    f.severity,
    f.message,
  ]);
}

describe('RDS rules', () => {
  test('AM-RDS-1: unencrypted (or unset) storage is caught; encrypted passes', () => {
    expect(
      run('AM-RDS-1', {
        plain: { storageEncrypted: false },
        unset: { storageEncrypted: undefined },
        ok: {},
      }),
    ).toEqual([
      ['plain', 'error', expect.stringMatching(/storage_encrypted/)],
      ['unset', 'error', expect.stringMatching(/storage_encrypted/)],
    ]);
  });

  test('AM-RDS-2: a publicly accessible instance is caught unless suppressed with a reason; private passes', () => {
    expect(run('AM-RDS-2', { open: { publiclyAccessible: true }, ok: {} })).toEqual([
      ['open', 'error', expect.stringMatching(/publicly_accessible/)],
    ]);
    const { app, stack } = testStack();
    new DbInstance(stack, 'open', { ...good, publiclyAccessible: true });
    const report = check(app, undefined, {
      projectFor: () => ({
        name: 'shop',
        suppressions: [
          { id: 'AM-RDS-2', reason: 'a demo database reached from a fixed office address' },
        ],
      }),
    });
    expect(findings(report, 'AM-RDS-2')).toEqual([]);
  });

  test('AM-RDS-3: fewer than 7 days of backups warn, and fail in production; 7 passes', () => {
    expect(
      run('AM-RDS-3', {
        short: { backupRetentionPeriod: 1 },
        unset: { backupRetentionPeriod: undefined },
        ok: {},
      }),
    ).toEqual([
      ['short', 'warning', expect.stringMatching(/backup_retention_period is 1/)],
      ['unset', 'warning', expect.stringMatching(/"unset"/)],
    ]);
    expect(run('AM-RDS-3', { short: { backupRetentionPeriod: 0 }, ok: {} }, true)).toEqual([
      ['short', 'error', expect.stringMatching(/is 0/)],
    ]);
  });

  test('AM-RDS-4: production needs deletion protection and a final snapshot; outside production it is off', () => {
    const bad = {
      unprotected: { deletionProtection: false },
      skipping: { skipFinalSnapshot: true, finalSnapshotIdentifier: undefined },
      ok: {},
    };
    expect(run('AM-RDS-4', bad, true)).toEqual([
      ['unprotected', 'error', expect.stringMatching(/deletion_protection/)],
      ['skipping', 'error', expect.stringMatching(/skip_final_snapshot/)],
    ]);
    expect(run('AM-RDS-4', bad)).toEqual([]);
  });

  test('AM-RDS-5: a password in the configuration is caught; RDS-managed or write-only passes', () => {
    expect(
      run('AM-RDS-5', {
        inline: { manageMasterUserPassword: undefined, password: 'not-a-real-password' },
        managed: {},
        wo: { manageMasterUserPassword: undefined, passwordWo: 'x', passwordWoVersion: 1 },
      }),
    ).toEqual([['inline', 'error', expect.stringMatching(/Terraform state in plain text/)]]);
  });
});
