import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { runCommand } from '@oclif/test';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ecsServiceName } from '@automock/core';
import * as appModule from '../environment/app-module';
import { costReport } from '../services/cost-report';
import { declaredWorkload, workloadStatus } from '../services/workload-status';

const PKG_ROOT = resolve(__dirname, '../..');
const ecs = mockClient(ECSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);

const SHOP = `name: shop
environments: [dev]
services:
  - name: api
    image: public.ecr.aws/nginx/nginx:1.27
    port: 8080
    routing: { kind: shared, paths: ['/shop/*'] }
  - name: worker
    image: public.ecr.aws/nginx/nginx:1.27
    routing: { kind: worker }
`;
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/am-dev-shop-api/abc';

describe('workloads in status and cost', () => {
  let dir: string;
  const saved = { app: process.env.AUTOMOCK_APP_MODULE };
  const config = (c: object) => writeFileSync(join(dir, 'app.json'), JSON.stringify(c));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automock-workload-'));
    config({
      environments: [{ name: 'dev', accountId: '123456789012', region: 'us-east-1' }],
      workloadSections: ['services'],
    });
    mkdirSync(join(dir, 'workloads'));
    writeFileSync(join(dir, 'workloads', 'shop.yaml'), SHOP);
    process.env.AUTOMOCK_APP_MODULE = join(__dirname, '../testing/config-app.ts');
    process.env.AUTOMOCK_TEST_APP_CONFIG = join(dir, 'app.json');
    ecs.reset();
    elb.reset();
  });
  afterEach(() => {
    process.env.AUTOMOCK_APP_MODULE = saved.app;
    delete process.env.AUTOMOCK_TEST_APP_CONFIG;
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('describes every service of the workload and the target health of the routed one', async () => {
    const w = declaredWorkload('dev', 'shop');
    ecs.on(DescribeServicesCommand).callsFake((input: { cluster: string; services: string[] }) => ({
      services: input.services
        .filter((n) => n.endsWith('-api'))
        .map((n) => ({
          serviceName: n,
          status: 'ACTIVE',
          runningCount: 2,
          desiredCount: 2,
          pendingCount: 0,
          deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
          loadBalancers: [{ targetGroupArn: TG, containerName: 'api', containerPort: 8080 }],
          events: [],
        })),
    }));
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
      TargetHealthDescriptions: [
        { TargetHealth: { State: 'healthy' } },
        { TargetHealth: { State: 'unhealthy' } },
        { TargetHealth: { State: 'healthy' } },
      ],
    });
    const st = await workloadStatus(w, {
      ecs: new ECSClient({ region: 'us-east-1' }),
      elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
    });
    // One call for both services, in the environment's cluster.
    const calls = ecs.commandCalls(DescribeServicesCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.services).toHaveLength(2);
    expect(input.cluster).toMatch(/dev/);
    expect(st.stack).toBe('dev-shop');
    expect(st.services.map((s) => [s.name, s.routing])).toEqual([
      ['api', 'shared'],
      ['worker', 'worker'],
    ]);
    const [api, worker] = st.services;
    expect(api!.ecs).toMatchObject({ status: 'ACTIVE', running: 2, desired: 2 });
    expect(api!.ecs).toMatchObject({ rolloutState: 'COMPLETED' });
    expect(api!.targets).toEqual([{ targetGroupArn: TG, states: { healthy: 2, unhealthy: 1 } }]);
    // ECS did not return it: reported missing, not dropped.
    expect(worker!.ecs).toMatchObject({ status: 'MISSING', running: 0 });
    expect(worker!.targets).toEqual([]);
  });

  it('reports an ECS error per service instead of failing', async () => {
    ecs.on(DescribeServicesCommand).rejects(new Error('AccessDenied'));
    const st = await workloadStatus(declaredWorkload('dev', 'shop'), {
      ecs: new ECSClient({ region: 'us-east-1' }),
      elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
    });
    expect(st.services.map((s) => s.ecs)).toEqual([
      { error: 'Error: AccessDenied' },
      { error: 'Error: AccessDenied' },
    ]);
  });

  it('prints each service from `automock status --workload`', async () => {
    const w = declaredWorkload('dev', 'shop');
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: ecsServiceName(w.env.prefix, 'dev', 'shop', 'worker'),
          status: 'ACTIVE',
          runningCount: 0,
          desiredCount: 0,
          pendingCount: 0,
        },
      ],
    });
    const { stdout, error } = await runCommand(['status', '--env', 'dev', '--workload', 'shop'], {
      root: PKG_ROOT,
    });
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^dev\/shop \(stack dev-shop\): 2 services$/m);
    expect(stdout).toMatch(/^ {2}api \(shared\)$/m);
    expect(stdout).toMatch(/^ {2}worker \(worker\)$/m);
    expect(stdout).toMatch(/tasks\s+0 running, 0 desired, 0 pending/);
    expect(stdout).toMatch(/service\s+\S+-api in \S+: MISSING/);
  });

  it('exits 2 naming a workload that is not declared, and the declared ones', async () => {
    const { error } = await runCommand(['status', '--env', 'dev', '--workload', 'shoe'], {
      root: PKG_ROOT,
    });
    expect(error?.message).toBe(
      'workload: got "shoe", not declared in environment dev (declared: shop)',
    );
    expect(error?.oclif?.exit).toBe(2);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
  });

  it('refuses --workload without --env, and with --project', async () => {
    for (const args of [
      ['status', '--workload', 'shop'],
      ['status', '--env', 'dev', '--workload', 'shop', '--project', 'x'],
      ['cost', '--workload', 'shop'],
    ]) {
      const { error } = await runCommand(args, { root: PKG_ROOT });
      expect(error?.oclif?.exit).toBe(2);
    }
  });

  it('prices the workload stack alone with `cost --workload`, and refuses an undeclared one', async () => {
    // The config app lists no environments to read-only commands; cost checks the name first.
    jest
      .spyOn(appModule, 'resolveEnvironment')
      .mockImplementation(() => ({}) as ReturnType<typeof appModule.resolveEnvironment>);
    // One queue: the smallest workload the registry accepts; selecting the stack is what is
    // under test here.
    config({ environments: [{ name: 'dev', accountId: '123456789012', region: 'us-east-1' }] });
    writeFileSync(
      join(dir, 'workloads', 'shop.yaml'),
      'name: shop\nenvironments: [dev]\nqueues:\n  - name: jobs\n',
    );
    // The repository's cdktf.json (its context), with the synthesis written under the temp dir.
    const root = dir;
    writeFileSync(join(dir, 'cdktf.json'), readFileSync(resolve(PKG_ROOT, '../../cdktf.json')));
    const r = await costReport(root, { env: 'dev', workload: 'shop' });
    expect(r.stacks.map((s) => s.stack)).toEqual(['dev-shop']);
    await expect(costReport(root, { env: 'dev', workload: 'shoe' })).rejects.toMatchObject({
      message: 'workload: got "shoe", not declared in environment dev (declared: shop)',
      exitCode: 2,
    });
  });

  it("lists the database's pgAdmin with its path, header and secrets, and prices its task", async () => {
    config({
      environments: [
        { name: 'dev', accountId: '123456789012', region: 'us-east-1', databaseSubnets: true },
      ],
      workloadSections: ['services', 'database'],
    });
    writeFileSync(
      join(dir, 'workloads', 'shop.yaml'),
      `${SHOP}database:\n  pgAdmin: { email: dba@example.com, path: /db/pgadmin }\n`,
    );
    const w = declaredWorkload('dev', 'shop');
    const pgadmin = ecsServiceName(w.env.prefix, 'dev', 'shop', 'pgadmin');
    ecs.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: pgadmin,
          status: 'ACTIVE',
          runningCount: 1,
          desiredCount: 1,
          pendingCount: 0,
          loadBalancers: [{ targetGroupArn: TG }],
        },
      ],
    });
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ TargetHealth: { State: 'healthy' } }],
    });
    const st = await workloadStatus(w, {
      ecs: new ECSClient({ region: 'us-east-1' }),
      elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
    });
    expect(st.services.map((s) => [s.name, s.routing])).toEqual([
      ['api', 'shared'],
      ['worker', 'worker'],
      ['pgadmin', 'shared'],
    ]);
    expect(st.services[2]).toEqual(
      expect.objectContaining({
        ecs: expect.objectContaining({ service: pgadmin, running: 1 }),
        targets: [{ targetGroupArn: TG, states: { healthy: 1 } }],
        pgAdmin: {
          path: '/db/pgadmin',
          header: 'x-automock-control-token',
          tokenSecret: 'automock/dev/shop/pgadmin/control-token',
          controlPlaneCidrs: [],
          email: 'dba@example.com',
          passwordSecret: 'automock/dev/shop/pgadmin/login-password',
        },
      }),
    );
    const { stdout, error } = await runCommand(['status', '--env', 'dev', '--workload', 'shop'], {
      root: PKG_ROOT,
    });
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^dev\/shop \(stack dev-shop\): 3 services$/m);
    expect(stdout).toMatch(/^ {2}pgadmin \(shared\)$/m);
    expect(stdout).toMatch(
      /path\s+\/db\/pgadmin on the shared ALB: header x-automock-control-token \(token in secret automock\/dev\/shop\/pgadmin\/control-token\); 403 otherwise/,
    );
    expect(stdout).toMatch(
      /login\s+dba@example.com, password in secret automock\/dev\/shop\/pgadmin\/login-password/,
    );

    // `automock cost --workload`: pgAdmin's task is priced like any Fargate service (256/512).
    jest
      .spyOn(appModule, 'resolveEnvironment')
      .mockImplementation(() => ({}) as ReturnType<typeof appModule.resolveEnvironment>);
    writeFileSync(join(dir, 'cdktf.json'), readFileSync(resolve(PKG_ROOT, '../../cdktf.json')));
    // The database alone: the services above break AM-ECS-5, which synthesis enforces.
    writeFileSync(
      join(dir, 'workloads', 'shop.yaml'),
      'name: shop\nenvironments: [dev]\ndatabase:\n  pgAdmin: { email: dba@example.com }\n',
    );
    const cost = await costReport(dir, { env: 'dev', workload: 'shop' });
    const lines = cost.stacks[0]!.lines.filter((l) => /aws_ecs_service\.pgadmin_/.test(l.resource));
    expect(lines.map((l) => [l.item, l.basis])).toEqual(
      expect.arrayContaining([
        ['Fargate vCPU', expect.stringMatching(/^1 task x 0\.25 vCPU x /)],
        ['Fargate memory', expect.stringMatching(/^1 task x 0\.5 GB x /)],
      ]),
    );
    expect(lines.every((l) => l.hourly > 0)).toBe(true);
  });
});
