import Ajv from 'ajv';
import { defineEnvironment, type Environment, type EnvironmentInput } from '../environment';
import { IssueCollector } from '../errors';
import {
  DATABASE_REF,
  type DatabaseInput,
  type DatabaseResolved,
  databaseSection,
  isPerformanceInsightsRetention,
} from './database';
import { isSupportedPostgresVersion } from './rds-postgres-versions';

const base: EnvironmentInput = { name: 'dev', accountId: '123456789012', region: 'eu-west-1' };
const DEV = defineEnvironment({ ...base, databaseSubnets: true });
const PROD = defineEnvironment({
  ...base,
  name: 'prod',
  databaseSubnets: true,
  deletionProtection: true,
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(databaseSection.schema);

function run(
  input: DatabaseInput,
  env: Environment = DEV,
  services: readonly string[] = ['api'],
): { resolved?: DatabaseResolved; issues: { field: string; value: unknown; rule: string }[] } {
  expect([validate(input), validate.errors]).toEqual([true, null]);
  const issues = new IssueCollector();
  const resolved = databaseSection.resolve(input, {
    env,
    workload: 'shop-api',
    issues,
    field: `workload[${env.name}/shop-api].database`,
    declared: (kind, name) => kind === 'service' && services.includes(name),
  });
  return { resolved, issues: [...issues.issues] };
}

describe('the database section', () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const every: Required<DatabaseInput> = {
      engineVersion: '17',
      instanceClass: 'db.t4g.micro',
      databaseName: 'shop',
      username: 'app',
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      backupRetentionDays: 7,
      multiAz: false,
      performanceInsights: false,
      performanceInsightsRetentionDays: 7,
      parameters: {},
      clients: [],
      pgAdmin: { email: 'dba@example.com' },
    };
    const props = databaseSection.schema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props).sort()).toEqual(Object.keys(every).sort());
    for (const k of Object.keys(props))
      expect([k, typeof props[k]!.description]).toEqual([k, 'string']);
    expect(validate(every)).toBe(true);
  });

  test('defaults: 7-day backups, single-AZ outside production, seed SSM names', () => {
    const { resolved } = run({});
    expect(resolved).toEqual(
      expect.objectContaining({
        identifier: 'automock-dev-shop-api',
        parameterGroupName: 'automock-dev-shop-api-postgres',
        family: 'postgres17',
        engineVersion: '17',
        databaseName: 'shop_api',
        username: 'postgres',
        backupRetentionDays: 7,
        allocatedStorageGiB: 20,
        maxAllocatedStorageGiB: 100,
        multiAz: false,
        deletionProtection: false,
        clients: [],
        ssmParameters: {
          host: '/dev/shop-api/postgres_host',
          port: '/dev/shop-api/postgres_port',
          database: '/dev/shop-api/postgres_database',
          username: '/dev/shop-api/postgres_username',
        },
      }),
    );
    expect(resolved!.finalSnapshotIdentifier).toBeUndefined();
  });

  test('a prod-like environment: Multi-AZ, deletion protection and a final snapshot', () => {
    const { resolved } = run({ engineVersion: '16.11' }, PROD);
    expect(resolved).toEqual(
      expect.objectContaining({
        multiAz: true,
        deletionProtection: true,
        finalSnapshotIdentifier: 'automock-prod-shop-api-final',
        family: 'postgres16',
      }),
    );
    expect(run({ multiAz: false }, PROD).resolved!.multiAz).toBe(false);
  });

  test('an environment without database subnets is a clear error naming field, value and rule', () => {
    const env = defineEnvironment(base);
    const { resolved, issues } = run({}, env);
    expect(resolved).toBeUndefined();
    expect(issues).toEqual([
      {
        field: 'workload[dev/shop-api].database',
        value: 'database',
        rule: expect.stringMatching(
          /needs an environment with database subnets: set databaseSubnets: true on environment dev/,
        ),
      },
    ]);
  });

  test('refuses unsupported versions, storage autoscaling below the allocation, unknown clients', () => {
    const { resolved, issues } = run({
      engineVersion: '12',
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 50,
      performanceInsights: true,
      performanceInsightsRetentionDays: 30,
      clients: ['api', 'ghost'],
    });
    expect(resolved).toBeUndefined();
    expect(
      issues.map((i) => [i.field.replace('workload[dev/shop-api].database.', ''), i.value]),
    ).toEqual([
      ['engineVersion', '12'],
      ['maxAllocatedStorageGiB', 50],
      ['performanceInsightsRetentionDays', 30],
      ['clients[1]', 'ghost'],
    ]);
    expect(run({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 0 }).issues).toEqual([]);
  });

  test('production keeps backups on', () => {
    expect(run({ backupRetentionDays: 0 }, PROD).issues).toEqual([
      expect.objectContaining({
        field: 'workload[prod/shop-api].database.backupRetentionDays',
        value: 0,
      }),
    ]);
    expect(run({ backupRetentionDays: 0 }).issues).toEqual([]);
  });

  test('the schema refuses unknown keys, storage below 20 GiB, bad names and more than 35 days of backups', () => {
    for (const bad of [
      { publiclyAccessible: true },
      { allocatedStorageGiB: 10 },
      { databaseName: '1db' },
      { backupRetentionDays: 36 },
      { instanceClass: 't3.micro' },
    ])
      expect([bad, validate(bad)]).toEqual([bad, false]);
  });

  test('declares the database for the other sections; the version list and retention periods', () => {
    expect(databaseSection.declares!({}, 'workload[dev/x].database')).toEqual([
      { ...DATABASE_REF, field: 'workload[dev/x].database' },
    ]);
    expect(['14', '18', '17.7'].map(isSupportedPostgresVersion)).toEqual([true, true, true]);
    expect(['13', '9.6', '17.7.1', 'latest'].map(isSupportedPostgresVersion)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([7, 31, 713, 731].map(isPerformanceInsightsRetention)).toEqual([true, true, true, true]);
    expect([8, 30, 744].map(isPerformanceInsightsRetention)).toEqual([false, false, false]);
  });
});
