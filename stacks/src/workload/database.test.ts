import {
  databaseSection,
  type DatabaseInput,
  type DatabaseResolved,
  defineEnvironment,
  IssueCollector,
} from '@automock/core';
import { Testing } from 'cdktf';
import { databaseBuilder, databaseClientsBuilder } from './database';
import { TEST_NETWORK, testBuild } from './testing';

type Json = Record<string, any>;

const ENV = defineEnvironment({
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
  databaseSubnets: true,
});
const NETWORK = {
  ...TEST_NETWORK,
  databaseSubnetIds: ['subnet-db-a', 'subnet-db-b'],
  databaseSubnetGroupName: 'automock-dev-database',
};

function resolve(input: DatabaseInput, env = ENV): DatabaseResolved {
  const issues = new IssueCollector();
  const out = databaseSection.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: 'workload[dev/shop].database',
    declared: (kind, name) => kind === 'service' && ['api', 'worker', 'admin'].includes(name),
  });
  expect(issues.issues).toEqual([]);
  return out!;
}

function build(input: DatabaseInput, services: string[] = []) {
  const b = testBuild({ env: ENV, network: NETWORK });
  for (const s of services)
    b.ctx.provide({
      kind: 'service',
      name: s,
      arn: `arn:aws:ecs:eu-west-1:123456789012:service/x/${s}`,
      attributes: { securityGroupId: `sg-${s}` },
    });
  const d = resolve(input);
  databaseBuilder.build(d, b.ctx);
  databaseClientsBuilder.build(d, b.ctx);
  const json: Json = JSON.parse(Testing.synth(b.stack));
  const all = (type: string) => Object.values(json.resource[type] ?? {}) as Json[];
  return { ...b, json, all };
}

describe('the database builder', () => {
  test('runs before the services (10) and admits them after they exist (25)', () => {
    expect([databaseBuilder.order, databaseClientsBuilder.order]).toEqual([10, 25]);
    expect([databaseBuilder.key, databaseClientsBuilder.key]).toEqual(['database', 'database']);
  });

  test('an encrypted, private instance in the database subnet group, named for the workload', () => {
    const { all } = build({});
    const [db] = all('aws_db_instance');
    expect(db).toEqual(
      expect.objectContaining({
        identifier: 'automock-dev-shop',
        db_subnet_group_name: 'automock-dev-database',
        storage_encrypted: true,
        publicly_accessible: false,
        backup_retention_period: 7,
        manage_master_user_password: true,
        multi_az: false,
        deletion_protection: false,
        skip_final_snapshot: true,
      }),
    );
    expect(all('aws_security_group')[0]).toEqual(
      expect.objectContaining({ name: 'automock-dev-shop-postgres', vpc_id: TEST_NETWORK.vpcId }),
    );
    expect(
      all('aws_ssm_parameter')
        .map((p) => p.name)
        .sort(),
    ).toEqual([
      '/dev/shop/postgres_database',
      '/dev/shop/postgres_host',
      '/dev/shop/postgres_port',
      '/dev/shop/postgres_username',
    ]);
  });

  test('admits 5432 from exactly the security groups of the client services', () => {
    const { all } = build({ clients: ['api', 'worker'] }, ['api', 'worker', 'admin']);
    expect(
      all('aws_vpc_security_group_ingress_rule').map((r) => [
        r.referenced_security_group_id,
        r.from_port,
        r.to_port,
      ]),
    ).toEqual([
      ['sg-api', 5432, 5432],
      ['sg-worker', 5432, 5432],
    ]);
  });

  test('provides the database with its connection and a read grant on the secret and parameters only', () => {
    const { provided, resolve: res } = build({});
    const ref = provided.get('database/postgres')!;
    expect(res(ref.attributes)).toEqual(
      expect.objectContaining({
        port: '5432',
        databaseName: 'shop',
        hostParameter: '/dev/shop/postgres_host',
        masterUserSecretArn: expect.stringMatching(
          /aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/,
        ),
      }),
    );
    const read = res(ref.grants!.read!);
    expect(read.flatMap((s) => s.Action)).toEqual([
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
      'ssm:GetParameter',
      'ssm:GetParameters',
    ]);
    expect(ref.grants!.write).toBeUndefined();
  });

  test('a network without database subnets is refused with the reason', () => {
    const b = testBuild({ env: ENV, network: TEST_NETWORK });
    expect(() => databaseBuilder.build(resolve({}), b.ctx)).toThrow(
      /network of workload shop has no database subnets \(environment dev needs databaseSubnets: true\)/,
    );
  });
});
