// The sweep's block for scheduled and event tasks (workload sections scheduledTasks and
// eventTasks): schedule groups, EventBridge rules (targets first) and their dead-letter queues.
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListTagsForResourceCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  FAKE_ACCOUNT,
  type FakeAws,
  type FakeResource,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, sweepProject, SWEEP_ORDER } from './sweep';

const ENV = 'dev';
const WL = 'shop';
const A = `arn:aws:%s:us-east-1:${FAKE_ACCOUNT}:`;
const arn = (svc: string, rest: string) => A.replace('%s', svc) + rest;
const both = { 'automock:env': ENV, 'automock:project': WL };
const RULE = arn('events', 'rule/automock-dev-shop-order-processor');
const BUS_RULE = arn('events', 'rule/orders-bus/automock-dev-shop-refunds');
const DLQ = arn('sqs', 'automock-dev-shop-order-processor-dlq');
const GROUP = arn('scheduler', 'schedule-group/automock-dev-shop');
const TD = arn('ecs', 'task-definition/automock-dev-shop-order-processor-event:3');

let fake: FakeAws | undefined;
afterEach(() => fake?.restore());

/** Clients with the tagged `resources`, and the three task clients mocked, recording calls in order. */
function setup(
  resources: FakeResource[],
  groups: { Name: string; Arn: string; tags: Record<string, string> }[],
) {
  const calls: string[] = [];
  const base = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(base, resources);
  const o = { region: REGION, credentials: { ...CREDENTIALS } };
  const clients = {
    ...base,
    scheduler: new SchedulerClient(o),
    eventbridge: new EventBridgeClient(o),
    sqs: new SQSClient(o),
  };
  const scheduler = mockClient(clients.scheduler);
  scheduler.on(ListScheduleGroupsCommand).resolves({
    ScheduleGroups: groups.map((g) => ({ Name: g.Name, Arn: g.Arn })),
  });
  for (const g of groups)
    scheduler
      .on(ListTagsForResourceCommand, { ResourceArn: g.Arn })
      .resolves({ Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })) });
  scheduler.on(DeleteScheduleGroupCommand).callsFake((i) => {
    calls.push(`DeleteScheduleGroup ${i.Name}`);
    return {};
  });
  const events = mockClient(clients.eventbridge);
  events.on(ListTargetsByRuleCommand).callsFake((i) => {
    calls.push(`ListTargetsByRule ${i.EventBusName ?? 'default'}/${i.Rule}`);
    return { Targets: [{ Id: 'ecs-task', Arn: 'x' }] };
  });
  events.on(RemoveTargetsCommand).callsFake((i) => {
    calls.push(`RemoveTargets ${i.EventBusName ?? 'default'}/${i.Rule} ${i.Ids.join(',')}`);
    return {};
  });
  events.on(DeleteRuleCommand).callsFake((i) => {
    calls.push(`DeleteRule ${i.EventBusName ?? 'default'}/${i.Name}`);
    return {};
  });
  const sqs = mockClient(clients.sqs);
  sqs.on(GetQueueUrlCommand).callsFake((i) => ({
    QueueUrl: `https://sqs.us-east-1.amazonaws.com/${i.QueueOwnerAWSAccountId}/${i.QueueName}`,
  }));
  sqs.on(DeleteQueueCommand).callsFake((i) => {
    calls.push(`DeleteQueue ${i.QueueUrl}`);
    return {};
  });
  const restore = () => [scheduler, events, sqs].forEach((m) => m.restore());
  return { clients, calls, sqs, restore };
}

const sweep = (clients: Parameters<typeof sweepProject>[0]) =>
  sweepProject(clients, {
    accountId: FAKE_ACCOUNT,
    namePrefix: 'automock',
    env: ENV,
    project: WL,
    clock: instantClock(),
  });

describe('sweep: scheduled and event tasks', () => {
  it('classifies schedule groups, rules on any bus and queues', () => {
    expect(classify(GROUP)).toEqual({
      arn: GROUP,
      kind: 'scheduler-schedule-group',
      id: 'automock-dev-shop',
    });
    expect(classify(RULE)).toEqual({
      arn: RULE,
      kind: 'event-rule',
      id: 'automock-dev-shop-order-processor',
    });
    expect(classify(BUS_RULE)).toEqual({
      arn: BUS_RULE,
      kind: 'event-rule',
      id: 'orders-bus/automock-dev-shop-refunds',
    });
    expect(classify(DLQ)).toEqual({
      arn: DLQ,
      kind: 'sqs-queue',
      id: 'automock-dev-shop-order-processor-dlq',
    });
  });

  it('orders what starts tasks first: schedule group, rules, the task definitions, then the queues', () => {
    const i = (k: (typeof SWEEP_ORDER)[number]) => SWEEP_ORDER.indexOf(k);
    expect(i('scheduler-schedule-group')).toBeLessThan(i('ecs-task-definition'));
    expect(i('event-rule')).toBeLessThan(i('ecs-task-definition'));
    // Queues go with the workload's data, once nothing that could still use them is left.
    expect(i('ecs-service')).toBeLessThan(i('sqs-queue'));
    expect(i('event-rule')).toBeLessThan(i('iam-role'));
  });

  it('deletes the group, each rule after removing its targets, the task definition, then the queue', async () => {
    const s = setup(
      [
        { arn: DLQ, tags: both },
        { arn: TD, tags: both },
        { arn: RULE, tags: both },
        { arn: BUS_RULE, tags: both },
      ],
      [{ Name: 'automock-dev-shop', Arn: GROUP, tags: both }],
    );
    try {
      const r = await sweep(s.clients);
      expect(r.failures).toEqual([]);
      expect(r.complete).toBe(true);
      expect(r.planned.map((p) => p.kind)).toEqual([
        'scheduler-schedule-group',
        'event-rule',
        'event-rule',
        'ecs-task-definition',
        'sqs-queue',
      ]);
      expect(s.calls).toEqual([
        'DeleteScheduleGroup automock-dev-shop',
        'ListTargetsByRule default/automock-dev-shop-order-processor',
        'RemoveTargets default/automock-dev-shop-order-processor ecs-task',
        'DeleteRule default/automock-dev-shop-order-processor',
        'ListTargetsByRule orders-bus/automock-dev-shop-refunds',
        'RemoveTargets orders-bus/automock-dev-shop-refunds ecs-task',
        'DeleteRule orders-bus/automock-dev-shop-refunds',
        `DeleteQueue https://sqs.us-east-1.amazonaws.com/${FAKE_ACCOUNT}/automock-dev-shop-order-processor-dlq`,
      ]);
      expect(fake!.calls).toEqual([expect.stringMatching(/^DeregisterTaskDefinition /)]);
    } finally {
      s.restore();
    }
  });

  it('never deletes a group, rule or queue without both tags', async () => {
    const s = setup(
      [
        { arn: RULE, tags: { 'automock:env': ENV, 'automock:project': 'other' } },
        { arn: DLQ, tags: { 'automock:env': 'prod', 'automock:project': WL } },
      ],
      [
        { Name: 'automock-dev-shop', Arn: GROUP, tags: { 'automock:env': ENV } },
        // Same prefix, another workload: never matched by name.
        {
          Name: 'automock-dev-shop-2',
          Arn: arn('scheduler', 'schedule-group/automock-dev-shop-2'),
          tags: both,
        },
      ],
    );
    try {
      const r = await sweep(s.clients);
      expect(r.planned).toEqual([]);
      expect(s.calls).toEqual([]);
    } finally {
      s.restore();
    }
  });

  it('counts a queue that is already gone as deleted', async () => {
    const s = setup([{ arn: DLQ, tags: both }], []);
    const err = new Error('The specified queue does not exist.');
    err.name = 'QueueDoesNotExist';
    s.sqs.on(GetQueueUrlCommand).rejects(err);
    try {
      const r = await sweep(s.clients);
      expect(r.failures).toEqual([]);
      expect(r.deleted).toEqual([DLQ]);
      expect(s.calls).toEqual([]);
    } finally {
      s.restore();
    }
  });

  it('reports, without stopping, a rule it has no EventBridge client for', async () => {
    const s = setup([{ arn: RULE, tags: both }], []);
    try {
      const { eventbridge: _, ...withoutEvents } = s.clients;
      const r = await sweep(withoutEvents);
      expect(r.failures).toEqual([
        { arn: RULE, error: expect.stringMatching(/no EventBridge client/) },
      ]);
    } finally {
      s.restore();
    }
  });
});
