import { defineEnvironment } from '@automock/core';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  awsMocks,
  FakeMockServer,
  mockServingAws,
  service,
  startFakeMockServer,
  TARGET_GROUP_ARN,
} from '../testing/serving-mock';
import {
  expectedFrom,
  MockNotServingError,
  waitForMock,
  WaitForMockOptions,
  WaitStep,
} from './wait-for-mock';

const aws = awsMocks();
const env = defineEnvironment({ name: 'test', accountId: '123456789012', region: 'us-east-1' });
const EXPECTATIONS = [
  { id: 'users', httpRequest: { path: '/users' }, httpResponse: { statusCode: 200 } },
  { httpRequest: { path: '/health' }, httpResponse: { statusCode: 200 } },
];

/** A clock that jumps forward instead of sleeping. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('waitForMock', () => {
  let mock: FakeMockServer;
  let lines: string[];
  beforeEach(async () => {
    mockServingAws(aws);
    mock = await startFakeMockServer({ expectations: EXPECTATIONS });
    lines = [];
  });
  afterEach(() => mock.stop());

  const wait = (over: Partial<WaitForMockOptions> = {}) =>
    waitForMock({
      env,
      project: 'demo',
      cluster: 'automock-test',
      service: 'automock-test-demo-mockserver',
      baseUrl: mock.url,
      expected: expectedFrom(EXPECTATIONS),
      clients: {
        ecs: new ECSClient({ region: 'us-east-1' }),
        elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
        secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      },
      clock: fakeClock(),
      pollMs: 10_000,
      timeoutMs: 120_000,
      progress: {
        start: (s: WaitStep) => lines.push(`start ${s}`),
        update: (s: WaitStep, d: string) => lines.push(`update ${s}: ${d}`),
        done: (s: WaitStep, d: string) => lines.push(`done ${s}: ${d}`),
      },
      ...over,
    });

  it('passes once the service is stable, its targets healthy and the mock serves its expectations', async () => {
    const r = await wait();
    expect(r.steps.map((s) => s.step)).toEqual(['service', 'targets', 'mock']);
    expect(lines).toEqual([
      'start service',
      'done service: 1/1 tasks running, rollout COMPLETED',
      'start targets',
      'done targets: automock-test-demo-api 1/1 healthy',
      'start mock',
      'done mock: ready, 2 expectations active',
    ]);
    // Through the load balancer, with the project's token: never anonymously.
    expect(mock.requests.map((q) => `${q.method} ${q.path} ${q.authorised}`)).toEqual([
      'GET /mockserver/ready true',
      'PUT /mockserver/retrieve?type=active_expectations&format=json true',
    ]);
  });

  it('waits through a rollout in progress, unhealthy targets and a mock not ready yet', async () => {
    aws.ecs
      .on(DescribeServicesCommand)
      .resolvesOnce({
        services: [
          service({
            runningCount: 0,
            deployments: [{ ...service().deployments![0]!, rolloutState: 'IN_PROGRESS' }],
          }),
        ],
      })
      .resolves({ services: [service()] });
    aws.elb
      .on(DescribeTargetHealthCommand)
      .resolvesOnce({
        TargetHealthDescriptions: [
          { TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' } },
        ],
      })
      .resolves({ TargetHealthDescriptions: [{ TargetHealth: { State: 'healthy' } }] });
    // One 503 from readiness, then ready: counted in checks, not in wall-clock time.
    mock.unreadyChecks = 1;
    const res = await wait();
    expect(res.durationMs).toBe(30_000);
    // Two readiness checks and a retrieve, one read of the token.
    expect(aws.secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(lines).toContain('update service: 0/1 tasks running, rollout IN_PROGRESS');
    expect(lines).toContain(
      'update targets: automock-test-demo-api 0/1 healthy (initial: Elb.RegistrationInProgress)',
    );
    expect(lines).toContain('update mock: GET /mockserver/ready answered 503');
  });

  it('fails on a circuit-breaker rollback, quoting the reason and the ECS events', async () => {
    aws.ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          runningCount: 0,
          deployments: [
            {
              id: 'ecs-svc/1111111111111111111',
              status: 'PRIMARY',
              rolloutState: 'FAILED',
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            },
          ],
          events: [
            {
              createdAt: new Date('2026-01-01T10:05:00Z'),
              message:
                '(service automock-test-demo-mockserver) deployment ecs-svc/1111111111111111111 deployment failed: tasks failed to start.',
            },
          ],
        }),
      ],
    });
    const err = (await wait().catch((e) => e)) as MockNotServingError;
    expect(err).toBeInstanceOf(MockNotServingError);
    expect(err.reason).toBe('rollback');
    expect(err.message).toMatch(
      /test\/demo: the ECS deployment failed and was rolled back by the circuit breaker: ECS deployment circuit breaker: tasks failed to start\./,
    );
    expect(err.message).toMatch(
      /ECS events \(newest first\):\n {2}2026-01-01T10:05:00\.000Z \(service automock-test-demo-mockserver\) deployment .* failed/,
    );
    expect(err.exitCode).toBe(1);
  });

  it('fails when a task of the deployment stops, naming the container and its exit code', async () => {
    aws.ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [service({ runningCount: 0 })] })
      .on(ListTasksCommand, { desiredStatus: 'STOPPED' })
      .resolves({
        taskArns: ['arn:aws:ecs:us-east-1:123456789012:task/automock-test/abc123', 'arn:old'],
      })
      .on(DescribeTasksCommand)
      .resolves({
        tasks: [
          {
            taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/automock-test/abc123',
            startedBy: 'ecs-svc/1111111111111111111',
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
            containers: [{ name: 'mockserver', exitCode: 1 }],
          },
          // A task of an older deployment says nothing about this one.
          { taskArn: 'arn:old', startedBy: 'ecs-svc/0000', stopCode: 'EssentialContainerExited' },
        ],
      });
    const err = (await wait().catch((e) => e)) as MockNotServingError;
    expect(err.reason).toBe('stopped-tasks');
    expect(err.message).toMatch(
      /test\/demo: 1 task of the deployment stopped: abc123: Essential container in task exited \[mockserver exit 1\]/,
    );
  });

  it('ignores tasks stopped by a Spot interruption', async () => {
    aws.ecs
      .on(ListTasksCommand)
      .resolves({ taskArns: ['arn:spot'] })
      .on(DescribeTasksCommand)
      .resolves({
        tasks: [
          {
            taskArn: 'arn:spot',
            startedBy: 'ecs-svc/1111111111111111111',
            stopCode: 'SpotInterruption',
          },
        ],
      });
    await expect(wait()).resolves.toBeDefined();
  });

  it('times out on targets that stay unhealthy, saying what it still waited for', async () => {
    aws.elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          TargetHealth: {
            State: 'unhealthy',
            Reason: 'Target.ResponseCodeMismatch',
            Description: 'Health checks failed with these codes: [503]',
          },
        },
      ],
    });
    const err = (await wait({ timeoutMs: 60_000 }).catch((e) => e)) as MockNotServingError;
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(
      /^test\/demo did not come up within 60 s: still waiting for load balancer targets healthy \(automock-test-demo-api 0\/1 healthy \(unhealthy: Health checks failed with these codes: \[503\]\)\)/,
    );
    expect(err.message).toMatch(/has reached a steady state/);
    expect(err.suggestions.join('\n')).toMatch(/automock logs --env test --project demo/);
    expect(aws.elb.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({
      TargetGroupArn: TARGET_GROUP_ARN,
    });
  });

  it('times out when the mock answers without the expectations of the file', async () => {
    mock.expectations = [EXPECTATIONS[1]!];
    const err = (await wait({ timeoutMs: 30_000 }).catch((e) => e)) as MockNotServingError;
    expect(err.reason).toBe('timeout');
    expect(err.message).toMatch(/ready, but 1 expectation loaded, missing ids users/);
  });

  it('stops at once on Ctrl-C (the signal) with exit code 130', async () => {
    aws.ecs.on(DescribeServicesCommand).resolves({ services: [service({ runningCount: 0 })] });
    const ctl = new AbortController();
    const clock = fakeClock();
    const p = wait({
      clock: {
        now: clock.now,
        sleep: async (ms) => {
          ctl.abort();
          await clock.sleep(ms);
        },
      },
      signal: ctl.signal,
    }).catch((e) => e);
    const err = (await p) as { exitCode: number; message: string };
    expect(err.exitCode).toBe(130);
    expect(err.message).toMatch(/Interrupted by Ctrl-C while waiting for ECS service stable/);
  });
});

describe('expectedFrom', () => {
  it('counts ids and plain items; an OpenAPI item counts only through its id', () => {
    expect(
      expectedFrom([
        { id: 'a', httpRequest: {} },
        { httpRequest: {} },
        { specUrlOrPayload: 'https://example.com/openapi.json' },
        { id: 'spec', specUrlOrPayload: 'x' },
      ]),
    ).toEqual({ ids: ['a', 'spec'], plainCount: 2 });
    expect(expectedFrom({ httpRequest: {} })).toEqual({ ids: [], plainCount: 1 });
  });
});
