import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  type FakeAws,
  type FakeResource,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, sweepProject } from './sweep';

// Issue 13 D1: a workload's tables, secrets, queues, topics (and subscriptions, removed with their
// topic) and its own topic key.
const ENV = 'dev';
const WORKLOAD = 'shop';
const A = '123456789012';
const R = 'us-east-1';
const BOTH = { 'automock:env': ENV, 'automock:project': WORKLOAD };
const ARNS = {
  table: `arn:aws:dynamodb:${R}:${A}:table/automock-dev-shop-pool`,
  secret: `arn:aws:secretsmanager:${R}:${A}:secret:automock/dev/shop/api-token-AbCdEf`,
  queue: `arn:aws:sqs:${R}:${A}:automock-dev-shop-orders`,
  dlq: `arn:aws:sqs:${R}:${A}:automock-dev-shop-orders-dlq`,
  topic: `arn:aws:sns:${R}:${A}:automock-dev-shop-events`,
  key: `arn:aws:kms:${R}:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
};

let fake: FakeAws | undefined;
let restore: (() => void)[] = [];
afterEach(() => {
  fake?.restore();
  for (const r of restore) r();
  restore = [];
});

function setup(
  resources: FakeResource[],
  opts: {
    keyState?: string;
    goneQueue?: boolean;
    goneAlias?: boolean;
    protectedNames?: string[];
  } = {},
) {
  const clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(clients, resources, { ignoreTagFilters: true });
  const calls: string[] = [];
  const ddb = mockClient(clients.dynamodb);
  const sqs = mockClient(clients.sqs);
  const sns = mockClient(clients.sns);
  const kms = mockClient(clients.kms);
  restore = [() => ddb.restore(), () => sqs.restore(), () => sns.restore(), () => kms.restore()];
  ddb.on(DeleteTableCommand).callsFake((i) => (calls.push(`DeleteTable ${i.TableName}`), {}));
  sqs.on(GetQueueUrlCommand).callsFake((i) => {
    calls.push(`GetQueueUrl ${i.QueueName} ${i.QueueOwnerAWSAccountId}`);
    if (opts.goneQueue) {
      const e = new Error('The specified queue does not exist.');
      e.name = 'QueueDoesNotExist';
      throw e;
    }
    return { QueueUrl: `https://sqs.${R}.amazonaws.com/${A}/${i.QueueName}` };
  });
  sqs.on(DeleteQueueCommand).callsFake((i) => (calls.push(`DeleteQueue ${i.QueueUrl}`), {}));
  sns.on(DeleteTopicCommand).callsFake((i) => (calls.push(`DeleteTopic ${i.TopicArn}`), {}));
  kms
    .on(DescribeKeyCommand)
    .resolves({ KeyMetadata: { KeyId: 'k', KeyState: (opts.keyState ?? 'Enabled') as never } });
  kms
    .on(ListAliasesCommand)
    .resolves({ Aliases: [{ AliasName: 'alias/automock-dev-shop-topics' }] });
  kms.on(DeleteAliasCommand).callsFake((i) => {
    calls.push(`DeleteAlias ${i.AliasName}`);
    if (opts.goneAlias) {
      const e = new Error('Alias is not found.');
      e.name = 'NotFoundException';
      throw e;
    }
    return {};
  });
  kms
    .on(ScheduleKeyDeletionCommand)
    .callsFake((i) => (calls.push(`ScheduleKeyDeletion ${i.KeyId} ${i.PendingWindowInDays}`), {}));
  const secrets = fake.mocks.secrets;
  secrets
    .on(DeleteSecretCommand)
    .callsFake(
      (i) => (calls.push(`DeleteSecret ${i.SecretId} ${String(i.ForceDeleteWithoutRecovery)}`), {}),
    );
  const run = () =>
    sweepProject(clients, {
      accountId: A,
      namePrefix: 'automock',
      env: ENV,
      project: WORKLOAD,
      clock: instantClock(),
      protectedNames: opts.protectedNames ?? [],
    });
  return { calls, run };
}

describe('sweep: workload data and messaging', () => {
  it('classifies topics, queues, tables and keys, never subscriptions or index ARNs', () => {
    expect(classify(ARNS.topic)).toEqual({ arn: ARNS.topic, kind: 'sns-topic', id: ARNS.topic });
    expect(classify(ARNS.queue)).toEqual({
      arn: ARNS.queue,
      kind: 'sqs-queue',
      id: 'automock-dev-shop-orders',
    });
    expect(classify(ARNS.table)!.id).toBe('automock-dev-shop-pool');
    expect(classify(ARNS.key)!.kind).toBe('kms-key');
    expect(classify(`${ARNS.topic}:0f7b0e4e-0000-4000-8000-000000000000`)).toBeUndefined();
    expect(classify(`${ARNS.table}/index/StatusIndex`)).toBeUndefined();
    expect(classify(`arn:aws:kms:${R}:${A}:alias/x`)).toBeUndefined();
  });

  it('removes each type in dependency order: topic, queues, table, secret, then the key', async () => {
    const { calls, run } = setup(Object.values(ARNS).map((arn) => ({ arn, tags: BOTH })));
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.complete).toBe(true);
    expect(calls).toEqual([
      `DeleteTopic ${ARNS.topic}`,
      `GetQueueUrl automock-dev-shop-orders ${A}`,
      `DeleteQueue https://sqs.${R}.amazonaws.com/${A}/automock-dev-shop-orders`,
      `GetQueueUrl automock-dev-shop-orders-dlq ${A}`,
      `DeleteQueue https://sqs.${R}.amazonaws.com/${A}/automock-dev-shop-orders-dlq`,
      'DeleteTable automock-dev-shop-pool',
      `DeleteSecret ${ARNS.secret} true`,
      'DeleteAlias alias/automock-dev-shop-topics',
      'ScheduleKeyDeletion 1234abcd-12ab-34cd-56ef-1234567890ab 7',
    ]);
    expect([...r.deleted].sort()).toEqual(Object.values(ARNS).sort());
  });

  it('an alias gone between listing and deleting does not count the key as deleted: it is still scheduled', async () => {
    const { calls, run } = setup([{ arn: ARNS.key, tags: BOTH }], { goneAlias: true });
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteAlias alias/automock-dev-shop-topics',
      'ScheduleKeyDeletion 1234abcd-12ab-34cd-56ef-1234567890ab 7',
    ]);
  });

  it('never deletes one without both tags', async () => {
    const resources: FakeResource[] = Object.values(ARNS).flatMap((arn) => [
      { arn, tags: { 'automock:env': ENV } },
    ]);
    resources.push(
      { arn: `${ARNS.queue}-x`, tags: { 'automock:project': WORKLOAD } },
      { arn: `${ARNS.table}-y`, tags: { 'automock:env': ENV, 'automock:project': 'other' } },
    );
    const { calls, run } = setup(resources);
    const r = await run();
    expect(calls).toEqual([]);
    expect(r.planned).toEqual([]);
    expect(r.skipped).toHaveLength(resources.length);
  });

  it('leaves the registry and lock tables alone even if they carried both tags', async () => {
    const registry = `arn:aws:dynamodb:${R}:${A}:table/automock-deployments`;
    const { calls, run } = setup([{ arn: registry, tags: BOTH }], {
      protectedNames: ['automock-deployments', 'automock-terraform-locks'],
    });
    const r = await run();
    expect(calls).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'protected (state bucket, lock table or registry)',
    ]);
  });

  it('counts a queue already gone as deleted and never reschedules a key pending deletion', async () => {
    const { calls, run } = setup(
      [
        { arn: ARNS.queue, tags: BOTH },
        { arn: ARNS.key, tags: BOTH },
      ],
      { goneQueue: true, keyState: 'PendingDeletion' },
    );
    const r = await run();
    expect(r.complete).toBe(true);
    expect([...r.deleted].sort()).toEqual([ARNS.key, ARNS.queue].sort());
    expect(calls).toEqual([`GetQueueUrl automock-dev-shop-orders ${A}`]);
  });
});
