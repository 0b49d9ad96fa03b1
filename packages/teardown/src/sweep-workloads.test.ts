// Every resource type issue 13 adds to a workload, swept together: the dependency order across
// all of them, and, type by type, never one without both tags.
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DeleteScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListTagsForResourceCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { DeleteServiceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  FAKE_ACCOUNT,
  type FakeAws,
  type FakeAwsOptions,
  type FakeResource,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, sweepProject } from './sweep';

const ENV = 'dev';
const WL = 'shop';
const arn = (svc: string, rest: string) => `arn:aws:${svc}:us-east-1:${FAKE_ACCOUNT}:${rest}`;
const both = { 'automock:env': ENV, 'automock:project': WL };
const GROUP = arn('scheduler', 'schedule-group/automock-dev-shop');
const CLOUD_MAP = arn('servicediscovery', 'service/srv-0123456789abcdef');

/** One resource of every type a workload holds (schedule groups are found by name, not here). */
const WORKLOAD: Readonly<Record<string, string>> = {
  'event-rule': arn('events', 'rule/automock-dev-shop-order-processor'),
  'ecs-service': arn('ecs', 'service/automock-dev/automock-dev-shop-api'),
  'cloudmap-service': CLOUD_MAP,
  'ecs-task-definition': arn('ecs', 'task-definition/automock-dev-shop-api:4'),
  'vpc-endpoint': arn('ec2', 'vpc-endpoint/vpce-0shop'),
  's3-bucket': 'arn:aws:s3:::automock-dev-shop-uploads',
  'ecr-repository': arn('ecr', 'repository/automock-dev-shop-backend'),
  'log-group': arn('logs', 'log-group:/automock/dev/shop/api'),
  'sns-topic': arn('sns', 'automock-dev-shop-orders'),
  'sqs-queue': arn('sqs', 'automock-dev-shop-orders'),
  'dynamodb-table': arn('dynamodb', 'table/automock-dev-shop-pool'),
  secret: arn('secretsmanager', 'secret:automock/dev/shop/api-token-AbCdEf'),
  'kms-key': arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'),
};

let fake: FakeAws | undefined;
let extra: { restore(): void }[] = [];
afterEach(() => {
  fake?.restore();
  for (const m of extra) m.restore();
  extra = [];
});

/**
 * The fake AWS with `resources` in the Tagging API, and the workload services it does not fake
 * mocked here, every delete recorded in the fake's own call list so the order is one sequence.
 */
function setup(
  resources: FakeResource[],
  groupTags: Record<string, string>,
  opts: FakeAwsOptions = {},
) {
  const base = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(base, resources, opts);
  const calls = fake.calls;
  const rec = (what: string) => {
    calls.push(what);
    return {};
  };
  const o = { region: REGION, credentials: { ...CREDENTIALS } };
  const clients = {
    ...base,
    scheduler: new SchedulerClient(o),
    eventbridge: new EventBridgeClient(o),
    sqs: new SQSClient(o),
    sns: new SNSClient(o),
    dynamodb: new DynamoDBClient(o),
    kms: new KMSClient(o),
    servicediscovery: new ServiceDiscoveryClient(o),
  };
  const scheduler = mockClient(clients.scheduler);
  scheduler
    .on(ListScheduleGroupsCommand)
    .resolves({ ScheduleGroups: [{ Name: 'automock-dev-shop', Arn: GROUP }] });
  scheduler
    .on(ListTagsForResourceCommand)
    .resolves({ Tags: Object.entries(groupTags).map(([Key, Value]) => ({ Key, Value })) });
  scheduler.on(DeleteScheduleGroupCommand).callsFake((i) => rec(`DeleteScheduleGroup ${i.Name}`));
  const events = mockClient(clients.eventbridge);
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'task', Arn: 'x' }] });
  events.on(RemoveTargetsCommand).callsFake((i) => rec(`RemoveTargets ${i.Rule}`));
  events.on(DeleteRuleCommand).callsFake((i) => rec(`DeleteEventRule ${i.Name}`));
  const sqs = mockClient(clients.sqs);
  sqs.on(GetQueueUrlCommand).callsFake((i) => ({ QueueUrl: `https://sqs/${i.QueueName}` }));
  sqs.on(DeleteQueueCommand).callsFake((i) => rec(`DeleteQueue ${i.QueueUrl}`));
  const sns = mockClient(clients.sns);
  sns.on(DeleteTopicCommand).callsFake((i) => rec(`DeleteTopic ${i.TopicArn}`));
  const dynamodb = mockClient(clients.dynamodb);
  dynamodb.on(DeleteTableCommand).callsFake((i) => rec(`DeleteTable ${i.TableName}`));
  const kms = mockClient(clients.kms);
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' } });
  kms.on(ListAliasesCommand).resolves({ Aliases: [] });
  kms.on(ScheduleKeyDeletionCommand).callsFake((i) => rec(`ScheduleKeyDeletion ${i.KeyId}`));
  const cloudMap = mockClient(clients.servicediscovery);
  cloudMap.on(DeleteServiceCommand).callsFake((i) => rec(`DeleteCloudMapService ${i.Id}`));
  extra = [scheduler, events, sqs, sns, dynamodb, kms, cloudMap];
  return { clients, calls, cloudMap };
}

const sweep = (clients: Parameters<typeof sweepProject>[0]) =>
  sweepProject(clients, {
    accountId: FAKE_ACCOUNT,
    namePrefix: 'automock',
    env: ENV,
    project: WL,
    clock: instantClock(),
  });

describe('sweep: every resource type of a workload', () => {
  it('classifies Cloud Map services, not namespaces', () => {
    expect(classify(CLOUD_MAP)).toEqual({
      arn: CLOUD_MAP,
      kind: 'cloudmap-service',
      id: 'srv-0123456789abcdef',
    });
    expect(classify(arn('servicediscovery', 'namespace/ns-0123456789abcdef'))).toBeUndefined();
  });

  it('deletes all of them in dependency order', async () => {
    const { clients, calls } = setup(
      Object.values(WORKLOAD).map((a) => ({ arn: a, tags: both })),
      both,
      {
        roles: [{ name: 'automock-dev-shop-api-task', tags: both, inline: ['task'] }],
      },
    );
    const r = await sweep(clients);
    expect(r.failures).toEqual([]);
    expect(r.complete).toBe(true);
    // What starts tasks goes first, then the services, their DNS entries, the task definitions,
    // the network, storage, logs, messaging and data, the roles, secrets and last the key.
    expect(r.planned.map((i) => i.kind)).toEqual([
      'scheduler-schedule-group',
      'event-rule',
      'ecs-service',
      'cloudmap-service',
      'ecs-task-definition',
      'vpc-endpoint',
      's3-bucket',
      'ecr-repository',
      'log-group',
      'sns-topic',
      'sqs-queue',
      'dynamodb-table',
      'iam-role',
      'secret',
      'kms-key',
    ]);
    expect(r.deleted).toEqual(r.planned.map((i) => i.arn));
    // The calls themselves, across services, in the same order.
    const first = (prefix: string) => {
      const i = calls.findIndex((c) => c.startsWith(prefix));
      if (i < 0) throw new Error(`no ${prefix} call in ${calls.join(', ')}`);
      return i;
    };
    const order = [
      'DeleteScheduleGroup automock-dev-shop',
      'RemoveTargets automock-dev-shop-order-processor',
      'DeleteEventRule automock-dev-shop-order-processor',
      'DeleteService automock-dev/automock-dev-shop-api',
      'DeleteCloudMapService srv-0123456789abcdef',
      'DeregisterTaskDefinition automock-dev-shop-api:4',
      'DeleteVpcEndpoints vpce-0shop',
      'DeleteBucket automock-dev-shop-uploads',
      'DeleteRepository automock-dev-shop-backend',
      'DeleteLogGroup /automock/dev/shop/api',
      `DeleteTopic ${WORKLOAD['sns-topic']}`,
      'DeleteQueue https://sqs/automock-dev-shop-orders',
      'DeleteTable automock-dev-shop-pool',
      'DeleteRole automock-dev-shop-api-task',
      'DeleteSecret automock/dev/shop/api-token-AbCdEf',
      'ScheduleKeyDeletion 1234abcd-12ab-34cd-56ef-1234567890ab',
    ].map(first);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('waits for ECS to deregister a Cloud Map service’s instances (ResourceInUse is retried)', async () => {
    const { clients, calls, cloudMap } = setup([{ arn: CLOUD_MAP, tags: both }], {
      'automock:env': ENV,
    });
    const inUse = Object.assign(new Error('instances still registered'), { name: 'ResourceInUse' });
    cloudMap
      .on(DeleteServiceCommand)
      .rejectsOnce(inUse)
      .callsFake((i) => {
        calls.push(`DeleteCloudMapService ${i.Id}`);
        return {};
      });
    const r = await sweep(clients);
    expect(r.deleted).toEqual([CLOUD_MAP]);
    expect(cloudMap.commandCalls(DeleteServiceCommand)).toHaveLength(2);
  });

  // The Tagging API is told to answer whatever the filters say, so only the sweep's own check of
  // both tags stands between these resources and a delete.
  describe.each(Object.entries(WORKLOAD))('never a %s without both tags', (kind, resource) => {
    it.each([
      ['only the env tag', { 'automock:env': ENV }],
      ['only the project tag', { 'automock:project': WL }],
      ['another project', { 'automock:env': ENV, 'automock:project': 'other' }],
      ['another environment', { 'automock:env': 'prod', 'automock:project': WL }],
    ])('%s', async (_why, tags) => {
      expect(classify(resource)?.kind).toBe(kind);
      const { clients, calls } = setup([{ arn: resource, tags }], tags, {
        ignoreTagFilters: true,
      });
      const r = await sweep(clients);
      expect(r.planned).toEqual([]);
      expect(r.skipped.map((s) => s.arn)).toEqual([resource]);
      expect(calls).toEqual([]);
    });
  });

  it('never a schedule group without both tags', async () => {
    const cases: Record<string, string>[] = [
      { 'automock:env': ENV },
      { 'automock:env': ENV, 'automock:project': 'x' },
    ];
    for (const tags of cases) {
      const { clients, calls } = setup([], tags);
      const r = await sweep(clients);
      expect(r.planned).toEqual([]);
      expect(calls).toEqual([]);
      fake?.restore();
      for (const m of extra) m.restore();
      extra = [];
    }
  });
});
