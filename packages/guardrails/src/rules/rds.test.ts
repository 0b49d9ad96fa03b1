import { DbInstance, type DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { SecurityGroup, type SecurityGroupConfig } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import {
  VpcSecurityGroupIngressRule,
  type VpcSecurityGroupIngressRuleConfig,
} from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
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

  describe("AM-RDS-6: the database's security group", () => {
    type Ingress = Partial<VpcSecurityGroupIngressRuleConfig>;
    function rds6(
      ingress: (app: SecurityGroup) => Ingress[],
      group: Partial<SecurityGroupConfig> = {},
    ) {
      const { app, stack } = testStack();
      const db = new SecurityGroup(stack, 'postgres', { name: 'db', vpcId: 'vpc-1', ...group });
      const api = new SecurityGroup(stack, 'api', { name: 'api', vpcId: 'vpc-1' });
      // A group on no database is not judged, whatever it admits.
      const web = new SecurityGroup(stack, 'web', { name: 'web', vpcId: 'vpc-1' });
      new VpcSecurityGroupIngressRule(stack, 'webopen', {
        securityGroupId: web.id,
        cidrIpv4: '0.0.0.0/0',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
      });
      new DbInstance(stack, 'db', { ...good, vpcSecurityGroupIds: [db.id] });
      ingress(api).forEach(
        (over, i) =>
          new VpcSecurityGroupIngressRule(stack, `in${i}`, {
            securityGroupId: db.id,
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            ...over,
          }),
      );
      return {
        app,
        stack,
        db,
        found: () => findings(check(app), 'AM-RDS-6').map((f) => [f.address, f.message]),
      };
    }

    test("admitting the workload's own groups passes", () => {
      expect(rds6((api) => [{ referencedSecurityGroupId: api.id }]).found()).toEqual([]);
    });

    test('an address range, a prefix list or a group from elsewhere is caught', () => {
      expect(
        rds6((api) => [
          { referencedSecurityGroupId: api.id },
          { cidrIpv4: '10.0.0.0/16' },
          { prefixListId: 'pl-0123456789abcdef0' },
          { referencedSecurityGroupId: 'sg-0123456789abcdef0' },
        ]).found(),
      ).toEqual([
        [
          'aws_vpc_security_group_ingress_rule.in1',
          expect.stringMatching(/lets 10\.0\.0\.0\/16 reach a database/),
        ],
        ['aws_vpc_security_group_ingress_rule.in2', expect.stringMatching(/pl-0123456789abcdef0/)],
        [
          'aws_vpc_security_group_ingress_rule.in3',
          expect.stringMatching(/security group sg-0123456789abcdef0/),
        ],
      ]);
    });

    test('inline ingress blocks and aws_security_group_rule are read too', () => {
      const inline = rds6(() => [], {
        ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['0.0.0.0/0'] }],
      });
      expect(inline.found()).toEqual([
        ['aws_security_group.postgres', expect.stringMatching(/0\.0\.0\.0\/0/)],
      ]);
      const legacy = rds6(() => []);
      new SecurityGroupRule(legacy.stack, 'legacy', {
        type: 'ingress',
        securityGroupId: legacy.db.id,
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ['192.0.2.0/24'],
      });
      expect(legacy.found()).toEqual([
        ['aws_security_group_rule.legacy', expect.stringMatching(/192\.0\.2\.0\/24/)],
      ]);
    });
  });
});
