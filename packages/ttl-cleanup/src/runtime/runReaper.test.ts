import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { archivedStateKey, projectStateKey, workloadStateKey } from '@automock/core';
import { DeploymentRegistry } from '@automock/registry';
import { mockClient } from 'aws-sdk-client-mock';
import { configFromEnv } from './lambda';
import { type ReaperClients, type ReaperConfig, runReaper } from './runReaper';
import { type BackendEmulators, startBackendEmulators } from '@automock/test-support/emulators';
import {
  type FakeAws,
  type FakeResource,
  dedicatedProject,
  instantClock,
  type mockedServiceClients,
  teardownTestBed,
} from '@automock/test-support/fake-aws';
import { createBackendTables } from '@automock/test-support/tables';

const T0 = new Date('2026-05-04T08:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const STATE_BUCKET = 'automock-tfstate-123456789012-us-east-1';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:automock-dev-notifications';
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/automock-dev/0f5c1d';

let emulators: BackendEmulators;
let registry: DeploymentRegistry;
let dynamodb: DynamoDBClient;
let stateS3: S3Client;
let config: ReaperConfig;
let clients: ReaperClients;
let fake: FakeAws;
let sns: ReturnType<typeof mockClient>;
let ecs: ReturnType<typeof mockClient>;
let now: Date;

beforeAll(async () => {
  emulators = await startBackendEmulators([STATE_BUCKET]);
});
afterAll(() => emulators.stop());

beforeEach(async () => {
  let services: ReturnType<typeof mockedServiceClients>;
  ({ clients, fake, services, dynamodb, stateS3 } = teardownTestBed({
    ...emulators,
    stateBucket: STATE_BUCKET,
    resources: [
      ...dedicatedProject('dev', 'old'),
      ...dedicatedProject('dev', 'fresh'),
      ...dedicatedProject('staging', 'old'),
      ...workloadPreview('dev', 'shop-pr-1'),
      ...workloadPreview('dev', 'shop-pr-2'),
      ...workloadPreview('staging', 'shop-pr-1'),
    ],
  }));
  const { registryTable, lockTable } = await createBackendTables(dynamodb);
  registry = new DeploymentRegistry({ client: dynamodb, tableName: registryTable });
  config = {
    env: 'dev',
    accountId: '123456789012',
    namePrefix: 'automock',
    registryTable,
    lockTable,
    stateBucket: STATE_BUCKET,
    topicArn: TOPIC,
  };
  sns = mockClient(services.sns);
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  ecs = fake.mocks.ecs as unknown as ReturnType<typeof mockClient>;
  now = T0;
});
afterEach(() => {
  fake.restore();
  sns.restore();
});

/**
 * What a preview of a workload with one worker service leaves running (tagged like a project with
 * the preview's name): its ECS service, task definition, security group and log group.
 */
function workloadPreview(env: string, name: string): FakeResource[] {
  const tags = { 'automock:env': env, 'automock:project': name };
  const id = `${env}-${name}`;
  return [
    `arn:aws:ecs:us-east-1:123456789012:service/automock-${env}/automock-${id}-worker`,
    `arn:aws:ecs:us-east-1:123456789012:task-definition/automock-${id}-worker:1`,
    `arn:aws:ec2:us-east-1:123456789012:security-group/sg-${id}-worker`,
    `arn:aws:logs:us-east-1:123456789012:log-group:/automock/${env}/${name}/worker`,
  ].map((arn) => ({ arn, tags }));
}

/** Registers an active workload preview of `shop` in `env`, created at T0. */
async function activePreview(project: string, ttlHours: number, env = 'dev') {
  const d = await registry.register({
    env,
    project,
    kind: 'workload',
    workload: 'shop',
    createdBy: 'alice',
    ttlHours,
    now: T0,
  });
  return registry.transition(env, project, {
    from: ['deploying'],
    to: 'active',
    expectedVersion: d.version,
    fields: { outputs: { worker_service: `automock-${env}-${project}-worker` } },
    now: T0,
  });
}

async function active(
  project: string,
  ttlHours: number,
  createdAt = T0,
  extra: { outputs?: Record<string, string>; hourlyCost?: number } = {},
) {
  const d = await registry.register({
    env: 'dev',
    project,
    createdBy: 'alice',
    ttlHours,
    now: createdAt,
    isolation: 'dedicated',
    hourlyCost: extra.hourlyCost,
  });
  return registry.transition('dev', project, {
    from: ['deploying'],
    to: 'active',
    expectedVersion: d.version,
    fields: { outputs: { url: `http://${project}.example`, ...extra.outputs } },
    now: createdAt,
  });
}

async function putState(project: string) {
  await stateS3.send(
    new PutObjectCommand({
      Bucket: STATE_BUCKET,
      Key: projectStateKey('dev', project),
      Body: '{"version":4}',
    }),
  );
  await dynamodb.send(
    new PutItemCommand({
      TableName: config.lockTable,
      Item: {
        LockID: { S: `${STATE_BUCKET}/${projectStateKey('dev', project)}-md5` },
        Digest: { S: 'abc' },
      },
    }),
  );
}

async function stateExists(key: string): Promise<boolean> {
  try {
    await stateS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function lockDigestExists(project: string): Promise<boolean> {
  const out = await dynamodb.send(
    new GetItemCommand({
      TableName: config.lockTable,
      Key: { LockID: { S: `${STATE_BUCKET}/${projectStateKey('dev', project)}-md5` } },
    }),
  );
  return out.Item !== undefined;
}

const reap = (extra: Partial<Parameters<typeof runReaper>[0]> = {}) =>
  runReaper({
    clients,
    config,
    clock: instantClock(),
    now: () => now,
    log: () => undefined,
    ...extra,
  });

const destroyer = {
  cluster: 'automock-dev',
  taskDefinition: 'automock-dev-destroyer',
  containerName: 'destroyer',
  subnets: ['subnet-pub-a', 'subnet-pub-b'],
  securityGroups: ['sg-destroyer'],
  assignPublicIp: true,
};

describe('warnings', () => {
  it('warns once, within the hour before expiry, with the extend-ttl command', async () => {
    await active('soon', 2);
    await active('later', 4);
    await active('forever', 0);
    now = at(59); // 'soon' expires at +120 min: 61 min left, not yet
    await reap();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    now = at(60); // exactly one hour left
    const r = await reap();
    expect(r.outcomes).toEqual([
      {
        project: 'soon',
        action: 'warned',
        detail: '60 min: automock extend-ttl --env dev --project soon --hours 2',
      },
    ]);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[automock] dev/soon will be torn down in 60 min');
    expect(input.Message).toContain('expires at 2026-05-04T10:00:00.000Z');
    expect(input.Message).toContain('automock extend-ttl --env dev --project soon --hours 2');
    expect((await registry.get('dev', 'soon'))?.warnedAt).toBe(at(60).toISOString());

    now = at(90);
    await reap();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('stages the warnings: 60 minutes before, then 15, each once', async () => {
    await active('soon', 2);
    const warned = async (minute: number) => {
      now = at(minute);
      return (await reap()).outcomes.map((o) => `${o.action} ${o.detail?.split(':')[0]}`);
    };
    expect(await warned(60)).toEqual(['warned 60 min']);
    expect(await warned(75)).toEqual([]);
    expect(await warned(104)).toEqual([]);
    expect(await warned(105)).toEqual(['warned 15 min']);
    expect(await warned(110)).toEqual([]);
    const subjects = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject);
    expect(subjects).toEqual([
      '[automock] dev/soon will be torn down in 60 min',
      '[automock] dev/soon will be torn down in 15 min',
    ]);
    expect(await registry.get('dev', 'soon')).toMatchObject({
      warnedStage: 15,
      warnedAt: at(105).toISOString(),
    });
  });

  it("a run that missed a stage sends only the latest one due, and follows the environment's stages", async () => {
    config = { ...config, warningMinutes: [120, 30, 5] };
    await active('soon', 3);
    now = at(175); // 5 min left: the 120 and 30 stages were missed
    const r = await reap();
    expect(r.outcomes.map((o) => o.detail?.split(':')[0])).toEqual(['5 min']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    now = at(176);
    expect((await reap()).outcomes).toEqual([]);
  });

  it("warns the deployer's own topic as well as the environment's", async () => {
    const own = 'arn:aws:sns:us-east-1:123456789012:automock-dev-soon-alarms';
    await active('soon', 1, T0, { outputs: { notification_topic_arn: own } });
    now = at(10);
    await reap();
    const topics = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn);
    expect(topics).toEqual([TOPIC, own]);
    const input = sns.commandCalls(PublishCommand)[1]!.args[0].input;
    expect(input.Message).toContain('automock extend-ttl --env dev --project soon --hours 1');
    expect(input.MessageAttributes!.kind.StringValue).toBe('expiry-warning');
  });

  it('a failed publish releases the claim so the next run warns', async () => {
    await active('soon', 1);
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    now = at(10);
    const r = await reap();
    expect(r.outcomes[0]).toMatchObject({ project: 'soon', action: 'error' });
    expect((await registry.get('dev', 'soon'))?.warnedAt).toBeUndefined();
    await reap();
    expect((await registry.get('dev', 'soon'))?.warnedAt).toBe(at(10).toISOString());
  });

  it('an extension clears the warning so the new expiry is warned again', async () => {
    await active('soon', 1);
    now = at(10);
    await reap();
    await registry.extendTtl('dev', 'soon', 1, at(20));
    now = at(70); // new expiry at +120
    await reap();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('teardown through the destroyer task', () => {
  beforeEach(() => {
    config = { ...config, destroyer };
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }] });
  });

  it('starts the task for an expired project and leaves unexpired ones alone', async () => {
    await active('old', 1);
    await active('fresh', 8);
    now = at(61);
    const r = await reap();
    expect(r.outcomes.filter((o) => o.action !== 'warned')).toEqual([
      { project: 'old', action: 'task-started', detail: TASK_ARN },
    ]);
    const input = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      cluster: 'automock-dev',
      taskDefinition: 'automock-dev-destroyer',
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-pub-a', 'subnet-pub-b'],
          assignPublicIp: 'ENABLED',
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: 'destroyer',
            environment: [
              { name: 'AUTOMOCK_ENV', value: 'dev' },
              { name: 'AUTOMOCK_PROJECT', value: 'old' },
            ],
          },
        ],
      },
    });
    expect(await registry.get('dev', 'old')).toMatchObject({
      status: 'destroying',
      teardown: { method: 'terraform-task', taskArn: TASK_ARN, startedAt: at(61).toISOString() },
    });
    expect((await registry.get('dev', 'fresh'))?.status).toBe('active');
    expect(fake.calls).toEqual([]);
  });

  it('follows the task: running, then stopped with exit 0 -> state archived, lock digest gone, destroyed', async () => {
    await active('old', 1);
    await putState('old');
    now = at(61);
    await reap();
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }] });
    now = at(76);
    expect((await reap()).outcomes).toEqual([
      { project: 'old', action: 'task-running', detail: 'RUNNING for 15 min' },
    ]);

    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK_ARN,
          lastStatus: 'STOPPED',
          containers: [{ name: 'destroyer', exitCode: 0 }],
        },
      ],
    });
    now = at(91);
    expect((await reap()).outcomes).toEqual([
      { project: 'old', action: 'destroyed', detail: 'terraform-task' },
    ]);
    expect(await registry.get('dev', 'old')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'terraform-task',
      destroyedAt: at(91).toISOString(),
      destroyedBy: 'reaper',
    });
    expect(await stateExists(projectStateKey('dev', 'old'))).toBe(false);
    expect(await stateExists(archivedStateKey('dev', 'old', at(91)))).toBe(true);
    expect(await lockDigestExists('old')).toBe(false);
    expect(fake.calls).toEqual([]);
  });

  it('falls back to the sweep when the task failed', async () => {
    await active('old', 1);
    now = at(61);
    await reap();
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK_ARN,
          lastStatus: 'STOPPED',
          stoppedReason: 'Essential container exited',
          containers: [{ name: 'destroyer', exitCode: 1 }],
        },
      ],
    });
    now = at(76);
    const r = await reap();
    expect(r.outcomes).toEqual([
      { project: 'old', action: 'destroyed', detail: 'sweep deleted 20 resources' },
    ]);
    const d = await registry.get('dev', 'old');
    expect(d).toMatchObject({ status: 'destroyed', destroyMethod: 'sweep' });
    expect(d?.teardown?.fallbackReason).toMatch(
      /destroyer task stopped \(Essential container exited; exit 1\)/,
    );
    expect(fake.calls.some((c) => c.startsWith('DeleteVpc vpc-dev-old'))).toBe(true);
    // Only this project's resources: none of 'fresh' nor staging's 'old'.
    expect(fake.calls.filter((c) => c.includes('fresh'))).toEqual([]);
    expect(fake.calls.filter((c) => c.includes('staging'))).toEqual([]);
  });

  it('stops a task that runs too long and sweeps', async () => {
    await active('old', 1);
    now = at(61);
    await reap();
    ecs
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ taskArn: TASK_ARN, lastStatus: 'RUNNING' }] });
    ecs.on(StopTaskCommand).resolves({});
    now = at(61 + 46);
    const r = await reap();
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(1);
    expect(r.outcomes[0]).toMatchObject({ action: 'destroyed' });
  });

  it('sweeps at once when RunTask fails', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });
    await active('old', 1);
    now = at(61);
    const r = await reap();
    expect(r.outcomes[0]).toMatchObject({ project: 'old', action: 'destroyed' });
    expect((await registry.get('dev', 'old'))?.teardown?.fallbackReason).toBe(
      'RunTask failed: RESOURCE:ENI',
    );
  });
});

describe('races and resumption', () => {
  it('an extend-ttl landing between the listing and the expiring write wins', async () => {
    config = { ...config, destroyer };
    await active('old', 1);
    const other = new DeploymentRegistry({
      client: emulators.dynamo.client(),
      tableName: config.registryTable,
    });
    // The user extends right after the reaper has listed the environment.
    const racing = {
      send: async (cmd: unknown) => {
        const out = await dynamodb.send(cmd as never);
        if (cmd instanceof QueryCommand)
          await other.extendTtl('dev', 'old', 2, at(61), { by: 'alice' });
        return out;
      },
    } as unknown as DynamoDBClient;
    now = at(61);
    const r = await runReaper({
      clients: { ...clients, dynamodb: racing },
      config,
      clock: instantClock(),
      now: () => now,
      log: () => undefined,
    });
    expect(r.outcomes).toEqual([
      {
        project: 'old',
        action: 'left-alone',
        detail: expect.stringMatching(/found active at version 3 .* by alice/),
      },
    ]);
    expect(await registry.get('dev', 'old')).toMatchObject({
      status: 'active',
      expiresAt: at(61 + 120).toISOString(),
    });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
    expect(fake.calls).toEqual([]);
  });

  it('a sweep cut short by the deadline is resumed by the next run, nothing deleted twice', async () => {
    await active('old', 1);
    await putState('old');
    now = at(61);
    let budget = 14;
    const first = await reap({
      clock: { timeLeftMs: () => (budget-- > 0 ? 60_000 : 0), sleep: async () => undefined },
    });
    expect(first.stoppedForDeadline).toBe(true);
    expect(first.outcomes[0]).toMatchObject({ project: 'old', action: 'sweep-in-progress' });
    const mid = await registry.get('dev', 'old');
    expect(mid?.status).toBe('destroying');
    const doneFirst = mid?.teardown?.deleted ?? [];
    expect(doneFirst.length).toBeGreaterThan(0);
    expect(doneFirst.length).toBeLessThan(20);

    now = at(76);
    const second = await reap();
    expect(second.outcomes).toEqual([
      { project: 'old', action: 'destroyed', detail: 'sweep deleted 20 resources' },
    ]);
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
    expect(await registry.get('dev', 'old')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'sweep',
      teardown: { runs: 2 },
    });
    expect(await stateExists(archivedStateKey('dev', 'old', at(76)))).toBe(true);
    expect(await lockDigestExists('old')).toBe(false);
  });

  it('a project left in expiring by a crashed run is torn down by the next', async () => {
    config = { ...config, destroyer };
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }] });
    const d = await active('old', 1);
    await registry.transition('dev', 'old', {
      from: ['active'],
      to: 'expiring',
      expectedVersion: d.version,
      by: 'reaper',
    });
    now = at(75);
    expect((await reap()).outcomes).toEqual([
      { project: 'old', action: 'task-started', detail: TASK_ARN },
    ]);
  });

  it('a run that crashed after RunTask but before recording the task falls back to the sweep', async () => {
    const d = await active('old', 1);
    await registry.transition('dev', 'old', {
      from: ['active'],
      to: 'expiring',
      expectedVersion: d.version,
    });
    await registry.transition('dev', 'old', {
      from: ['expiring'],
      to: 'destroying',
      fields: { teardown: { method: 'terraform-task', startedAt: at(61).toISOString() } },
    });
    config = { ...config, destroyer };
    now = at(76);
    const r = await reap();
    expect(r.outcomes).toEqual([
      { project: 'old', action: 'destroyed', detail: 'sweep deleted 20 resources' },
    ]);
    expect((await registry.get('dev', 'old'))?.teardown?.fallbackReason).toBe(
      'no destroyer task was recorded',
    );
  });

  it('one failing project does not stop the others', async () => {
    await active('fresh', 1);
    await active('old', 1, at(1));
    fake.mocks.tagging
      .on(GetResourcesCommand, {
        TagFilters: [
          { Key: 'automock:env', Values: ['dev'] },
          { Key: 'automock:project', Values: ['fresh'] },
        ],
      })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    now = at(70);
    const r = await reap();
    expect(r.outcomes).toEqual([
      { project: 'fresh', action: 'error', detail: 'AccessDeniedException: denied' },
      { project: 'old', action: 'destroyed', detail: 'sweep deleted 20 resources' },
    ]);
    expect((await registry.get('dev', 'fresh'))?.status).toBe('destroying');
  });

  it('dry run reports and changes nothing', async () => {
    config = { ...config, dryRun: true, destroyer };
    await active('old', 1);
    await active('fresh', 2);
    now = at(61);
    const r = await reap();
    expect(r.outcomes.map((o) => [o.project, o.action, o.wouldDelete?.length])).toEqual([
      ['old', 'would-tear-down', 20],
      ['fresh', 'would-warn', undefined],
    ]);
    expect((await registry.get('dev', 'old'))?.status).toBe('active');
    expect((await registry.get('dev', 'old'))?.version).toBe(2);
    expect(fake.calls).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });
});

describe('the teardown notice', () => {
  it('after a sweep: what was removed, how, why the sweep took over, and the session cost', async () => {
    const own = 'arn:aws:sns:us-east-1:123456789012:automock-dev-old-alarms';
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });
    config = { ...config, destroyer };
    await active('old', 2, T0, { outputs: { notification_topic_arn: own }, hourlyCost: 0.1234 });
    now = at(125);
    const r = await reap();
    expect(r.outcomes[0]).toMatchObject({ action: 'destroyed' });
    const notices = sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.MessageAttributes!.kind.StringValue === 'teardown');
    expect(notices.map((n) => n.TopicArn)).toEqual([TOPIC, own]);
    const n = notices[0]!;
    expect(n.Subject).toBe('[automock] dev/old was torn down');
    expect(n.Message).toContain('with the tag-scoped sweep');
    expect(n.Message).toContain('The sweep took over because: RunTask failed: RESOURCE:ENI');
    expect(n.Message).toContain('Removed 20 resources:');
    expect(n.Message).toContain('arn:aws:ec2:us-east-1:123456789012:vpc/vpc-dev-old');
    // Registered at T0, torn down at +125 min: 3 billed hours at $0.1234.
    expect(n.Message).toMatch(
      /Session cost: about \$0\.37 \(3 h at \$0\.1234\/h, the estimate from the price table of \d{4}-\d{2}-\d{2}/,
    );
  });

  it('after the terraform task: terraform destroyed it; no cost recorded is said so', async () => {
    config = { ...config, destroyer };
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }] });
    await active('old', 1);
    await putState('old');
    now = at(61);
    await reap();
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: TASK_ARN,
          lastStatus: 'STOPPED',
          containers: [{ name: 'destroyer', exitCode: 0 }],
        },
      ],
    });
    now = at(80);
    await reap();
    const n = sns.commandCalls(PublishCommand).at(-1)!.args[0].input;
    expect(n.Subject).toBe('[automock] dev/old was torn down');
    expect(n.Message).toContain('with terraform destroy of the stored stack');
    expect(n.Message).toContain('State archived to archive/dev/old/');
    expect(n.Message).toContain('Session cost: not known');
  });

  it('a notice that cannot be sent never undoes the teardown', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError' }));
    await active('old', 1);
    now = at(61);
    const lines: string[] = [];
    const r = await reap({ log: (l: string) => lines.push(l) });
    expect(r.outcomes[0]).toMatchObject({ action: 'destroyed' });
    expect((await registry.get('dev', 'old'))?.status).toBe('destroyed');
    expect(lines.join('\n')).toMatch(/teardown notice not sent: AuthorizationError/);
  });
});

describe('a sweep that finds nothing of a deployed project', () => {
  it('is reported (the run fails for the failure destination), not finalised', async () => {
    await active('vanished', 1);
    now = at(61);
    const r = await reap();
    expect(r.outcomes).toEqual([
      {
        project: 'vanished',
        action: 'found-nothing',
        detail: expect.stringMatching(/found nothing tagged .*automock:project=vanished/),
      },
    ]);
    const d = await registry.get('dev', 'vanished');
    expect(d?.status).toBe('destroying');
    expect(d?.teardown?.lastError).toMatch(/check the region and the credentials/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('configFromEnv', () => {
  it('reads the construct-set variables', () => {
    expect(
      configFromEnv({
        AUTOMOCK_ENV: 'dev',
        AUTOMOCK_ACCOUNT_ID: '123456789012',
        AUTOMOCK_NAME_PREFIX: 'automock',
        WARNING_MINUTES: '120,30,5',
        REGISTRY_TABLE: 'r',
        STATE_BUCKET: 'b',
        LOCK_TABLE: 'l',
        DESTROYER_CLUSTER: 'c',
        DESTROYER_TASK_DEFINITION: 'td',
        DESTROYER_SUBNETS: 'a, b',
        DESTROYER_SECURITY_GROUPS: 'sg',
        DESTROYER_PUBLIC_IP: 'true',
      }),
    ).toMatchObject({
      env: 'dev',
      accountId: '123456789012',
      namePrefix: 'automock',
      warningMinutes: [120, 30, 5],
      topicArn: undefined,
      destroyer: { subnets: ['a', 'b'], assignPublicIp: true, containerName: 'destroyer' },
    });
  });

  it('names every missing variable', () => {
    expect(() => configFromEnv({ AUTOMOCK_ENV: 'dev' })).toThrow(
      /AUTOMOCK_ACCOUNT_ID, AUTOMOCK_NAME_PREFIX, REGISTRY_TABLE, STATE_BUCKET, LOCK_TABLE are required/,
    );
  });
});

describe('workload previews', () => {
  it('sweeps an expired preview by its tags and archives its workload state; leaves an unexpired one and another environment’s alone', async () => {
    await activePreview('shop-pr-1', 1);
    await activePreview('shop-pr-2', 8);
    // Expired too, but of staging: not this reaper's environment.
    await activePreview('shop-pr-1', 1, 'staging');
    const state = workloadStateKey('dev', 'shop-pr-1');
    await stateS3.send(
      new PutObjectCommand({ Bucket: STATE_BUCKET, Key: state, Body: '{"version":4}' }),
    );
    now = at(61);
    const r = await reap();
    expect(r.outcomes.filter((o) => o.action !== 'warned')).toEqual([
      { project: 'shop-pr-1', action: 'destroyed', detail: 'sweep deleted 4 resources' },
    ]);
    expect(fake.calls).toEqual(
      expect.arrayContaining([
        'DeleteService automock-dev/automock-dev-shop-pr-1-worker',
        'DeregisterTaskDefinition automock-dev-shop-pr-1-worker:1',
        'DeleteSecurityGroup sg-dev-shop-pr-1-worker',
        'DeleteLogGroup /automock/dev/shop-pr-1/worker',
      ]),
    );
    expect(fake.calls.filter((c) => c.includes('shop-pr-2'))).toEqual([]);
    expect(fake.calls.filter((c) => c.includes('staging'))).toEqual([]);
    expect(await registry.get('dev', 'shop-pr-1')).toMatchObject({
      kind: 'workload',
      workload: 'shop',
      status: 'destroyed',
      destroyMethod: 'sweep',
      destroyedBy: 'reaper',
    });
    expect(await stateExists(state)).toBe(false);
    expect(await stateExists(archivedStateKey('dev', 'shop-pr-1', at(61)))).toBe(true);
    expect(await registry.get('dev', 'shop-pr-2')).toMatchObject({ status: 'active' });
    expect(await registry.get('staging', 'shop-pr-1')).toMatchObject({ status: 'active' });
  });

  it('warns before a preview expires, naming the command that extends it', async () => {
    await activePreview('shop-pr-1', 2);
    now = at(60);
    const r = await reap();
    expect(r.outcomes).toEqual([
      {
        project: 'shop-pr-1',
        action: 'warned',
        detail: '60 min: automock extend-ttl --env dev --project shop-pr-1 --hours 2',
      },
    ]);
  });
});
