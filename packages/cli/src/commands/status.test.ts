import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { Harness, startHarness } from '../testing/harness';

const ecs = mockClient(ECSClient);

describe('automock status and list', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: false });
    ecs.reset();
    const now = new Date();
    await h.registry.register({
      env: 'test',
      project: 'alpha',
      createdBy: 'alice',
      ttlHours: 4,
      size: 'small',
      isolation: 'shared',
      now,
    });
    await h.registry.transition('test', 'alpha', {
      from: ['deploying'],
      to: 'active',
      fields: {
        outputs: {
          mockserver_url: 'http://alb.example.com:10001',
          cloudwatch_dashboard_url:
            'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=automock-test-alpha',
          cluster_name: 'test-cluster',
          service_name: 'test-alpha',
        },
      },
    });
    await h.registry.register({
      env: 'test',
      project: 'beta',
      createdBy: 'bob',
      ttlHours: 0,
      size: 'large',
      now,
    });
    await h.registry.transition('test', 'beta', {
      from: ['deploying'],
      to: 'failed',
      fields: { failureReason: 'apply failed: quota' },
    });
  });
  afterEach(() => h.stop());

  it('combines the registry with ECS: tasks, rollout state and the last events', async () => {
    ecs
      .on(DescribeServicesCommand, { cluster: 'test-cluster', services: ['test-alpha'] })
      .resolves({
        services: [
          {
            status: 'ACTIVE',
            runningCount: 1,
            desiredCount: 2,
            pendingCount: 1,
            deployments: [
              {
                status: 'PRIMARY',
                rolloutState: 'IN_PROGRESS',
                rolloutStateReason: 'ECS deployment in progress',
              },
            ],
            events: [
              {
                createdAt: new Date('2026-01-01T10:00:00Z'),
                message: '(service test-alpha) has started 1 tasks',
              },
            ],
          },
        ],
      });
    const { stdout, error } = await h.run(['status', '--env', 'test', '--project', 'alpha']);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^test\/alpha: active$/m);
    expect(stdout).toMatch(/expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((3h 59m|4h 0m) left\)/);
    expect(stdout).toMatch(/url\s+http:\/\/alb\.example\.com:10001$/m);
    expect(stdout).toMatch(/dashboard\s+http:\/\/alb\.example\.com:10001\/mockserver\/dashboard$/m);
    expect(stdout).toMatch(
      /metrics\s+https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards:name=automock-test-alpha$/m,
    );
    expect(stdout).toMatch(/tasks\s+1 running, 2 desired, 1 pending/);
    expect(stdout).toMatch(/rollout\s+IN_PROGRESS \(ECS deployment in progress\)/);
    expect(stdout).toMatch(
      /event\s+2026-01-01T10:00:00.000Z \(service test-alpha\) has started 1 tasks/,
    );
  });

  it('returns every live project of the environment as JSON, with ECS errors reported per project', async () => {
    ecs.on(DescribeServicesCommand, { cluster: 'test-cluster' }).resolves({
      services: [{ status: 'ACTIVE', runningCount: 2, desiredCount: 2, pendingCount: 0 }],
    });
    const e = new Error('cluster not found');
    e.name = 'ClusterNotFoundException';
    ecs.on(DescribeServicesCommand, { cluster: 'automock-test' }).rejects(e);
    const { stdout } = await h.run(['status', '--env', 'test', '--json']);
    const r = JSON.parse(stdout) as {
      project: string;
      status: string;
      timeLeft: string;
      service: Record<string, unknown>;
      failureReason?: string;
    }[];
    expect(r.map((s) => [s.project, s.status])).toEqual([
      ['alpha', 'active'],
      ['beta', 'failed'],
    ]);
    expect(r[0]!.service).toMatchObject({
      cluster: 'test-cluster',
      service: 'test-alpha',
      running: 2,
      desired: 2,
      pending: 0,
    });
    expect(r[1]!.timeLeft).toBe('never');
    expect(r[1]!.failureReason).toBe('apply failed: quota');
    expect(r[1]!.service).toEqual({ error: 'ClusterNotFoundException: cluster not found' });
  });

  it('without --env covers every environment', async () => {
    await h.registry.register({ env: 'other', project: 'gamma', createdBy: 'carol', ttlHours: 2 });
    ecs.on(DescribeServicesCommand).resolves({ services: [] });
    const { stdout } = await h.run(['status', '--json']);
    const r = JSON.parse(stdout) as { env: string; project: string; service: { status: string } }[];
    expect(r.map((s) => `${s.env}/${s.project}`)).toEqual([
      'test/alpha',
      'test/beta',
      'other/gamma',
    ]);
    expect(r[2]!.service.status).toBe('MISSING');
  });

  it('shows the teardown progress and the last error of a project stuck in destroying', async () => {
    await h.registry.transition('test', 'alpha', {
      from: ['active'],
      to: 'destroying',
      fields: {
        teardown: {
          method: 'sweep',
          startedAt: '2026-11-30T10:00:00.000Z',
          runs: 3,
          deleted: ['arn:aws:logs:us-east-1:123456789012:log-group:/automock/test/alpha'],
          fallbackReason: 'RunTask failed: RESOURCE:ENI',
          lastError:
            'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1: DependencyViolation: in use\nmore',
        },
      },
    });
    ecs.on(DescribeServicesCommand).resolves({ services: [] });
    const { stdout } = await h.run(['status', '--env', 'test', '--project', 'alpha']);
    expect(stdout).toMatch(
      /teardown\s+sweep since 2026-11-30T10:00:00.000Z: 3 runs, 1 resources deleted so far/,
    );
    expect(stdout).toMatch(/fell back\s+RunTask failed: RESOURCE:ENI/);
    expect(stdout).toMatch(/last error\s+arn:aws:ec2:.*vpc-1: DependencyViolation: in use\n/);
    const json = await h.run(['status', '--env', 'test', '--project', 'alpha', '--json']);
    expect(JSON.parse(json.stdout)[0].teardown).toEqual({
      method: 'sweep',
      startedAt: '2026-11-30T10:00:00.000Z',
      runs: 3,
      deleted: 1,
      fallbackReason: 'RunTask failed: RESOURCE:ENI',
      lastError: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1: DependencyViolation: in use\nmore',
    });
  });

  it('names the deployed projects when asked about an unknown one', async () => {
    const { error } = await h.run(['status', '--env', 'test', '--project', 'gamma']);
    expect(error?.message).toBe(
      'project: got "gamma", no deployment of it in test (deployed there: alpha, beta)',
    );
    expect(error?.oclif?.exit).toBe(2);
  });

  it('lists an environment as a table', async () => {
    const { stdout } = await h.run(['list', '--env', 'test']);
    expect(stdout.split('\n')[0]).toMatch(/^project\s+kind\s+status\s+time left\s+size\s+url$/);
    expect(stdout).toMatch(
      /^alpha\s+mock\s+active\s+(3h 59m|4h 0m)\s+small\s+http:\/\/alb\.example\.com:10001$/m,
    );
    expect(stdout).toMatch(/^beta\s+mock\s+failed\s+never\s+large\s+-$/m);
  });

  it('lists as JSON, destroyed projects only with --all', async () => {
    await h.registry.transition('test', 'beta', { from: ['failed'], to: 'destroyed' });
    const { stdout } = await h.run(['list', '--env', 'test', '--json']);
    expect(JSON.parse(stdout).map((d: { project: string }) => d.project)).toEqual(['alpha']);
    const all = await h.run(['list', '--env', 'test', '--all', '--json']);
    expect(
      JSON.parse(all.stdout)
        .map((d: { project: string }) => d.project)
        .sort(),
    ).toEqual(['alpha', 'beta']);
  });

  it('says when the registry table is missing', async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = h.dynamo.endpoint;
    const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
    await h.dynamoClient.send(new DeleteTableCommand({ TableName: h.names.registryTable }));
    const { error } = await h.run(['list', '--env', 'test']);
    expect(error?.message).toMatch(/^AWS resource not found/);
    expect((error as { suggestions?: string[] }).suggestions?.[0]).toMatch(
      /automock bootstrap --region/,
    );
  });
});
