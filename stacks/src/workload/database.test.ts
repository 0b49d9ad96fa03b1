import {
  databaseSection,
  type DatabaseInput,
  type DatabaseResolved,
  defineEnvironment,
  defineWorkload,
  IssueCollector,
  type ResolvedService,
} from '@automock/core';
import { decide } from '@automock/test-support/iam';
import { Testing } from 'cdktf';
import { databaseBuilder, databaseClientsBuilder } from './database';
import { servicesBuilder } from './services';
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

describe("a service's database access (issue 14)", () => {
  test('read grants the RDS-managed master secret and the connection parameters, nothing wider', () => {
    const w = defineWorkload(
      {
        name: 'shop',
        environments: ['dev'],
        database: { clients: ['api'] },
        services: [
          {
            name: 'api',
            image: 'public.ecr.aws/nginx/nginx:1.27',
            access: [{ database: 'postgres', mode: 'read' }],
          },
        ],
      },
      ENV,
    );
    const b = testBuild({ env: ENV, network: NETWORK });
    databaseBuilder.build(w.sections.database as DatabaseResolved, b.ctx);
    servicesBuilder.build(w.sections.services as readonly ResolvedService[], b.ctx);
    const json: Json = JSON.parse(Testing.synth(b.stack));
    const [, policy] = Object.entries(json.resource.aws_iam_role_policy as Json).find(([k]) =>
      k.includes('Service-api_Fargate_TaskPolicy'),
    )!;
    const [instance] = Object.keys(json.resource.aws_db_instance as Json);
    expect(JSON.parse(policy.policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: `\${aws_db_instance.${instance}.master_user_secret[0].secret_arn}`,
      },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: expect.arrayContaining([
          expect.stringMatching(/^\$\{aws_ssm_parameter\..+\.arn\}$/),
        ]),
      },
    ]);
  });

  test('a service asking for a database the workload lacks is a field/value/rule error', () => {
    expect(() =>
      defineWorkload(
        {
          name: 'shop',
          environments: ['dev'],
          services: [
            { name: 'api', image: 'img:1', access: [{ database: 'postgres', mode: 'read' }] },
          ],
        },
        ENV,
      ),
    ).toThrow(
      /services\[0\]\.access\[0\]\.database.*postgres.*must name a database of this workload/s,
    );
  });
});

describe("the database's pgAdmin (issue 14)", () => {
  const SHARED_ALB = {
    arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/automock-dev-shared/1',
    securityGroupId: 'sg-shared-alb',
    listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/x/1/http',
  };
  const withPgAdmin = (env = ENV) =>
    defineWorkload(
      {
        name: 'shop',
        environments: ['dev'],
        database: { pgAdmin: { email: 'dba@example.com' } },
      },
      env,
    ).sections.database as DatabaseResolved;

  test('runs pgAdmin on the shared listener, protected, and admits it to the database on 5432', () => {
    const b = testBuild({ env: ENV, network: NETWORK, sharedAlb: SHARED_ALB });
    const d = withPgAdmin();
    databaseBuilder.build(d, b.ctx);
    const json: Json = JSON.parse(Testing.synth(b.stack));
    const all = (type: string) => Object.values(json.resource[type] ?? {}) as Json[];
    const rules = all('aws_lb_listener_rule').sort((x, y) => x.priority - y.priority);
    expect(rules.map((r) => [r.listener_arn, r.priority, r.action[0].type])).toEqual([
      [SHARED_ALB.listenerArn, d.pgAdmin!.priority, 'forward'],
      [SHARED_ALB.listenerArn, d.pgAdmin!.priority + 1, 'fixed-response'],
    ]);
    expect(rules[0]!.condition[1].http_header.http_header_name).toBe('x-automock-control-token');
    const ingress = all('aws_vpc_security_group_ingress_rule');
    const [dbSg] = Object.keys(json.resource.aws_security_group as Json).filter((k) =>
      k.startsWith('database_'),
    );
    expect(
      ingress
        .filter((r) => r.security_group_id === `\${aws_security_group.${dbSg}.id}`)
        .map((r) => [r.from_port, r.referenced_security_group_id]),
    ).toEqual([[5432, expect.stringMatching(/^\$\{aws_security_group\.pgadmin_Service/)]]);
    expect(
      ingress
        .filter((r) => r.referenced_security_group_id === SHARED_ALB.securityGroupId)
        .map((r) => r.from_port),
    ).toEqual([8080]);
    expect(all('aws_ecs_service').map((s) => s.name)).toEqual(['automock-dev-shop-pgadmin']);
    expect(
      all('aws_secretsmanager_secret')
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      'automock/dev/shop/pgadmin/control-token',
      'automock/dev/shop/pgadmin/login-password',
    ]);
    const ref = b.provided.get('database/postgres')!;
    expect(ref.attributes!.pgAdminPath).toBe('/pgadmin');
  });

  test("pgAdmin's execution role reads its login password and nothing else, as IAM decides; its task role may do nothing", async () => {
    const b = testBuild({ env: ENV, network: NETWORK, sharedAlb: SHARED_ALB });
    databaseBuilder.build(withPgAdmin(), b.ctx);
    const json: Json = JSON.parse(Testing.synth(b.stack));
    const secretArn = (id: string) => {
      const [name] = Object.keys(json.resource.aws_secretsmanager_secret as Json).filter((k) =>
        k.startsWith(`pgadmin_${id}`),
      );
      return {
        token: `\${aws_secretsmanager_secret.${name}.arn}`,
        arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:automock/dev/shop/pgadmin/${id}-AbCdEf`,
      };
    };
    const password = secretArn('Password');
    const token = secretArn('Token');
    const policies = Object.values(json.resource.aws_iam_role_policy as Json);
    const execution = policies.find((p) =>
      String(p.role).includes('pgadmin_Service_ExecutionRole'),
    )!;
    const doc = JSON.parse(String(execution.policy).split(password.token).join(password.arn));
    const principal = {
      accountId: '123456789012',
      roleArn: 'arn:aws:iam::123456789012:role/automock-dev-shop-pgadmin-execution',
    };
    const read = (resource: string) =>
      decide(principal, [doc], { action: 'secretsmanager:GetSecretValue', resource });
    expect(await read(password.arn)).toBe('Allowed');
    expect(await read(token.arn)).toBe('ImplicitlyDenied');
    expect(
      await read('arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf'),
    ).toBe('ImplicitlyDenied');
    expect(policies.some((p) => String(p.role).includes('pgadmin_Service_TaskRole'))).toBe(false);
  });

  test('with a domain (an HTTPS listener) its session cookie is Secure; without one it is not', () => {
    const secure = (env: typeof ENV) => {
      const b = testBuild({ env, network: NETWORK, sharedAlb: SHARED_ALB });
      databaseBuilder.build(withPgAdmin(env), b.ctx);
      const json: Json = JSON.parse(Testing.synth(b.stack));
      const [td] = Object.values(json.resource.aws_ecs_task_definition as Json);
      return JSON.parse(String(td.container_definitions))[0].environment.find(
        (e: Json) => e.name === 'PGADMIN_CONFIG_SESSION_COOKIE_SECURE',
      ).value;
    };
    const withDomain = defineEnvironment({
      name: 'dev',
      accountId: '123456789012',
      region: 'eu-west-1',
      databaseSubnets: true,
      domain: { name: 'mocks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    });
    expect([secure(withDomain), secure(ENV)]).toEqual(['True', 'False']);
  });

  test('without a shared ALB in the context it is refused with the reason', () => {
    const b = testBuild({ env: ENV, network: NETWORK });
    expect(() => databaseBuilder.build(withPgAdmin(), b.ctx)).toThrow(
      /pgAdmin of workload shop needs the shared ALB/,
    );
  });
});

describe("pgAdmin's names at the longest legal prefix, environment and workload", () => {
  test('every name it creates stays within its AWS limit', () => {
    const env = defineEnvironment({
      name: 'e'.repeat(12),
      accountId: '123456789012',
      region: 'ap-southeast-7',
      prefix: 'p'.repeat(20),
      databaseSubnets: true,
    });
    const workload = 'w'.repeat(24);
    const d = defineWorkload(
      {
        name: workload,
        environments: [env.name],
        database: { pgAdmin: { email: 'dba@example.com' } },
      },
      env,
    ).sections.database as DatabaseResolved;
    const b = testBuild({
      env,
      workload,
      nameParts: { prefix: env.prefix, env: env.name, project: workload },
      network: NETWORK,
      sharedAlb: { arn: 'arn:alb', securityGroupId: 'sg-alb', listenerArn: 'arn:listener' },
    });
    databaseBuilder.build(d, b.ctx);
    const json: Json = JSON.parse(Testing.synth(b.stack));
    const names = (type: string, attr: string) =>
      Object.values(json.resource[type] ?? {}).map((r: any) => String(r[attr]));
    // The task and execution roles, the password and the token, the service and its task family.
    expect(
      ['aws_iam_role', 'aws_secretsmanager_secret', 'aws_ecs_service', 'aws_security_group'].map(
        (t) => Object.keys(json.resource[t] ?? {}).length,
      ),
    ).toEqual([2, 2, 1, 2]);
    const [tg] = names('aws_lb_target_group', 'name');
    expect(tg).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/);
    expect(tg!.length).toBeLessThanOrEqual(32);
    for (const r of names('aws_iam_role', 'name')) expect([r, r.length <= 64]).toEqual([r, true]);
    for (const s of names('aws_secretsmanager_secret', 'name'))
      expect([s, /^[A-Za-z0-9/_+=.@-]{1,512}$/.test(s)]).toEqual([s, true]);
    for (const n of [
      ...names('aws_ecs_service', 'name'),
      ...names('aws_ecs_task_definition', 'family'),
    ])
      expect([n, /^[A-Za-z0-9_-]{1,255}$/.test(n)]).toEqual([n, true]);
    for (const g of names('aws_security_group', 'name'))
      expect([g, g.length <= 255]).toEqual([g, true]);
  });
});
