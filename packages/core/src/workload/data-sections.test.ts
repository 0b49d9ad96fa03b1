import Ajv from 'ajv';
import { defineEnvironment, Environment } from '../environment';
import { IssueCollector } from '../errors';
import { QueueDeadLetterInput, QueueInput, queuesSection } from './queues';
import { SecretGenerateInput, SecretInput, secretsSection } from './secrets';
import type { WorkloadRefKind, WorkloadSection } from './section';
import { TableIndexInput, TableInput, tablesSection } from './tables';
import { TopicInput, TopicSubscriptionInput, topicsSection } from './topics';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
const PROD = defineEnvironment({ name: 'prod', accountId: '123456789012', region: 'us-east-1' });
const ajv = new Ajv({ allErrors: true, strict: false });

interface Run<R> {
  /** Schema errors as `path rule`. */
  schema: string[];
  /** Resolve problems as `field: value: rule`. */
  issues: string[];
  value: R | undefined;
}

function run<I, R>(
  section: WorkloadSection<I, R>,
  input: unknown,
  opts: { env?: Environment; declared?: readonly [WorkloadRefKind, string][] } = {},
): Run<R> {
  const validate = ajv.compile(section.schema);
  if (!validate(input)) {
    return {
      schema: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`),
      issues: [],
      value: undefined,
    };
  }
  const issues = new IssueCollector();
  const value = section.resolve(input as I, {
    env: opts.env ?? DEV,
    workload: 'broker',
    issues,
    field: `workload[dev/broker].${section.key}`,
    declared: (kind, name) => (opts.declared ?? []).some(([k, n]) => k === kind && n === name),
  });
  return {
    schema: [],
    issues: issues.issues.map((i) => `${i.field}: ${JSON.stringify(i.value)}: ${i.rule}`),
    value,
  };
}

type Items = { items: { properties: Record<string, { properties?: Record<string, unknown> }> } };
const itemKeys = (s: WorkloadSection) =>
  Object.keys((s.schema as unknown as Items).items.properties).sort();
const sorted = (o: object) => Object.keys(o).sort();

describe('data and messaging sections: schemas match the input types', () => {
  // Each record must name every key of its type and no other (the compiler checks that), and the
  // schema must list exactly the same keys.
  const table: Record<keyof TableInput, true> = {
    name: true,
    partitionKey: true,
    sortKey: true,
    globalIndexes: true,
    billing: true,
    pointInTimeRecovery: true,
    kmsKeyArn: true,
    ttlAttribute: true,
    deletionProtection: true,
    stream: true,
  };
  const index: Record<keyof TableIndexInput, true> = {
    name: true,
    partitionKey: true,
    sortKey: true,
    projection: true,
  };
  const secret: Record<keyof SecretInput, true> = {
    name: true,
    description: true,
    generate: true,
    valueFromUser: true,
    kmsKeyArn: true,
    recoveryWindowDays: true,
  };
  const generate: Record<keyof SecretGenerateInput, true> = {
    length: true,
    excludeCharacters: true,
    excludePunctuation: true,
    excludeUppercase: true,
    excludeLowercase: true,
    excludeNumbers: true,
    includeSpace: true,
    requireEachIncludedType: true,
  };
  const queue: Record<keyof QueueInput, true> = {
    name: true,
    fifo: true,
    contentBasedDeduplication: true,
    visibilityTimeoutSeconds: true,
    retentionSeconds: true,
    delaySeconds: true,
    maxMessageSizeBytes: true,
    receiveWaitSeconds: true,
    deadLetter: true,
    kmsKeyArn: true,
  };
  const deadLetter: Record<keyof QueueDeadLetterInput, true> = {
    maxReceiveCount: true,
    retentionSeconds: true,
  };
  const topic: Record<keyof TopicInput, true> = {
    name: true,
    fifo: true,
    contentBasedDeduplication: true,
    kmsKeyArn: true,
    subscriptions: true,
  };
  const subscription: Record<keyof TopicSubscriptionInput, true> = {
    sqs: true,
    email: true,
    https: true,
    lambda: true,
    rawMessageDelivery: true,
    filterPolicy: true,
    filterPolicyScope: true,
  };
  const props = (s: WorkloadSection) => (s.schema as unknown as Items).items.properties;

  it('lists the same keys as the types', () => {
    expect(itemKeys(tablesSection)).toEqual(sorted(table));
    expect(sorted((props(tablesSection).globalIndexes as any).items.properties)).toEqual(
      sorted(index),
    );
    expect(itemKeys(secretsSection)).toEqual(sorted(secret));
    expect(sorted(props(secretsSection).generate!.properties!)).toEqual(sorted(generate));
    expect(itemKeys(queuesSection)).toEqual(sorted(queue));
    expect(sorted(props(queuesSection).deadLetter!.properties!)).toEqual(sorted(deadLetter));
    expect(itemKeys(topicsSection)).toEqual(sorted(topic));
    expect(sorted((props(topicsSection).subscriptions as any).items.properties)).toEqual(
      sorted(subscription),
    );
  });

  it('describes every property and is valid draft-07', () => {
    for (const s of [tablesSection, secretsSection, queuesSection, topicsSection]) {
      expect(ajv.validateSchema(s.schema)).toBe(true);
      for (const [k, p] of Object.entries(props(s)))
        expect([k, typeof (p as { description?: unknown }).description]).toEqual([k, 'string']);
    }
  });

  it('declares each item name with its field', () => {
    expect(
      tablesSection.declares!([{ name: 'pool' }, { nope: 1 }, 'x'], 'workload[dev/b].tables'),
    ).toEqual([{ kind: 'table', name: 'pool', field: 'workload[dev/b].tables[0].name' }]);
    expect(queuesSection.declares!({ not: 'a list' }, 'q')).toEqual([]);
    expect(secretsSection.declares!([{ name: 'api' }], 's')[0]!.kind).toBe('secret');
    expect(topicsSection.declares!([{ name: 'events' }], 't')[0]!.kind).toBe('topic');
  });
});

const POOL: TableInput = {
  name: 'pool',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalIndexes: [
    {
      name: 'StatusIndex',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
    { name: 'TrackIndex', partitionKey: { name: 'GSI2PK', type: 'S' }, projection: 'KEYS_ONLY' },
    {
      name: 'IdempotencyIndex',
      partitionKey: { name: 'GSI3PK', type: 'S' },
      projection: { include: ['status'] },
    },
  ],
};

describe('tablesSection', () => {
  it('fills defaults: on-demand, PITR, deletion protection from the environment', () => {
    const r = run(tablesSection, [POOL]);
    expect(r.issues).toEqual([]);
    const t = r.value![0]!;
    expect(t).toMatchObject({
      billing: { mode: 'PAY_PER_REQUEST' },
      pointInTimeRecovery: true,
      deletionProtection: false,
    });
    expect(t.globalIndexes.map((g) => [g.name, g.projection, g.nonKeyAttributes])).toEqual([
      ['StatusIndex', 'ALL', []],
      ['TrackIndex', 'KEYS_ONLY', []],
      ['IdempotencyIndex', 'INCLUDE', ['status']],
    ]);
    expect(t.attributes.map((a) => a.name)).toEqual([
      'PK',
      'SK',
      'GSI1PK',
      'GSI1SK',
      'GSI2PK',
      'GSI3PK',
    ]);
    expect(run(tablesSection, [POOL], { env: PROD }).value![0]!.deletionProtection).toBe(true);
    expect(
      run(tablesSection, [{ ...POOL, deletionProtection: false }], { env: PROD }).value![0]!
        .deletionProtection,
    ).toBe(false);
  });

  it('takes provisioned capacity', () => {
    const r = run(tablesSection, [{ ...POOL, billing: { provisioned: { read: 5, write: 2 } } }]);
    expect(r.value![0]!.billing).toEqual({ mode: 'PROVISIONED', read: 5, write: 2 });
  });

  it('rejects in the schema: unknown keys, bad names, bad types, more than 20 indexes', () => {
    expect(run(tablesSection, [{ ...POOL, colour: 'red' }]).schema.join()).toMatch(
      /must NOT have additional properties/,
    );
    expect(run(tablesSection, [{ ...POOL, name: 'a b' }]).schema.join()).toMatch(
      /\/0\/name must match pattern/,
    );
    expect(run(tablesSection, [{ ...POOL, name: 'ab' }]).schema.join()).toMatch(/\/0\/name/);
    expect(
      run(tablesSection, [{ ...POOL, partitionKey: { name: 'PK', type: 'X' } }]).schema.join(),
    ).toMatch(/partitionKey\/type must be equal to one of the allowed values/);
    const many = Array.from({ length: 21 }, (_, i) => ({
      name: `idx${i}`,
      partitionKey: { name: `k${i}`, type: 'S' },
    }));
    expect(run(tablesSection, [{ ...POOL, globalIndexes: many }]).schema.join()).toMatch(
      /globalIndexes must NOT have more than 20 items/,
    );
    expect(
      run(tablesSection, [
        { ...POOL, billing: { provisioned: { read: 0, write: 1 } } },
      ]).schema.join(),
    ).toMatch(/read must be >= 1/);
  });

  it('reports an attribute declared with two types, duplicate index names, key attributes projected', () => {
    const r = run(tablesSection, [
      {
        ...POOL,
        globalIndexes: [
          { name: 'ByPK', partitionKey: { name: 'PK', type: 'N' } },
          { name: 'ByPK', partitionKey: { name: 'X', type: 'S' }, projection: { include: ['SK'] } },
        ],
        ttlAttribute: 'SK',
      },
    ]);
    expect(r.value).toBeUndefined();
    expect(r.issues).toEqual([
      'workload[dev/broker].tables[0].globalIndexes[0].partitionKey.type: "N": must be S: attribute "PK" is declared as S at workload[dev/broker].tables[0].partitionKey, and an attribute has one type',
      'workload[dev/broker].tables[0].globalIndexes[1].name: "ByPK": must be unique in the table (also at workload[dev/broker].tables[0].globalIndexes[0].name)',
      'workload[dev/broker].tables[0].globalIndexes[1].projection.include[0]: "SK": must be a non-key attribute (key attributes are always projected)',
      'workload[dev/broker].tables[0].ttlAttribute: "SK": must not be a key attribute (TTL reads a number attribute of each item, keys cannot be removed)',
    ]);
  });

  it('reports a sort key equal to the partition key', () => {
    const r = run(tablesSection, [
      { ...POOL, sortKey: { name: 'PK', type: 'S' }, globalIndexes: [] },
    ]);
    expect(r.issues).toEqual([
      'workload[dev/broker].tables[0].sortKey.name: "PK": must differ from the partition key’s name',
    ]);
  });
});

describe('secretsSection', () => {
  it('generates by default, with a 7-day recovery window outside production and 30 in it', () => {
    const r = run(secretsSection, [{ name: 'api-token' }]);
    expect(r.value).toEqual([
      {
        name: 'api-token',
        value: {
          kind: 'generate',
          generate: {
            length: 32,
            excludeCharacters: '',
            excludePunctuation: false,
            excludeUppercase: false,
            excludeLowercase: false,
            excludeNumbers: false,
            includeSpace: false,
            requireEachIncludedType: true,
          },
        },
        recoveryWindowDays: 7,
      },
    ]);
    expect(run(secretsSection, [{ name: 't' }], { env: PROD }).value![0]!.recoveryWindowDays).toBe(
      30,
    );
    expect(
      run(secretsSection, [{ name: 't', recoveryWindowDays: 0 }]).value![0]!.recoveryWindowDays,
    ).toBe(0);
  });

  it('creates an empty secret for valueFromUser', () => {
    expect(
      run(secretsSection, [{ name: 'partner-key', valueFromUser: true }]).value![0]!.value,
    ).toEqual({
      kind: 'user',
    });
  });

  it('rejects a value in the file, bad names and lengths in the schema', () => {
    expect(run(secretsSection, [{ name: 't', value: 'hunter2' }]).schema.join()).toMatch(
      /must NOT have additional properties/,
    );
    expect(run(secretsSection, [{ name: 'a b' }]).schema.join()).toMatch(/name must match pattern/);
    expect(run(secretsSection, [{ name: 't', generate: { length: 5000 } }]).schema.join()).toMatch(
      /length must be <= 4096/,
    );
  });

  it('reports generate with valueFromUser, nothing left to draw from, windows of 1-6 days', () => {
    const r = run(secretsSection, [
      { name: 'a', valueFromUser: true, generate: {} },
      {
        name: 'b',
        generate: {
          excludePunctuation: true,
          excludeUppercase: true,
          excludeLowercase: true,
          excludeNumbers: true,
        },
      },
      { name: 'c', generate: { length: 3 } },
      { name: 'd', recoveryWindowDays: 3 },
    ]);
    expect(r.value).toBeUndefined();
    expect(r.issues).toEqual([
      'workload[dev/broker].secrets[0].generate: {}: must be left out when valueFromUser is true (the value is either generated or put by a person)',
      'workload[dev/broker].secrets[1].generate: {"excludePunctuation":true,"excludeUppercase":true,"excludeLowercase":true,"excludeNumbers":true}: must leave at least one kind of character',
      'workload[dev/broker].secrets[2].generate.length: 3: must be at least 4 to hold one character of each of the 4 included types',
      'workload[dev/broker].secrets[3].recoveryWindowDays: 3: must be 0 (delete at once) or 7-30 (Secrets Manager’s recovery window)',
    ]);
  });
});

describe('queuesSection', () => {
  it('fills SQS defaults and the dead-letter retention', () => {
    const r = run(queuesSection, [{ name: 'orders', deadLetter: { maxReceiveCount: 5 } }]);
    expect(r.value).toEqual([
      {
        name: 'orders',
        fifo: false,
        contentBasedDeduplication: false,
        visibilityTimeoutSeconds: 30,
        retentionSeconds: 345600,
        delaySeconds: 0,
        maxMessageSizeBytes: 262144,
        receiveWaitSeconds: 0,
        deadLetter: { maxReceiveCount: 5, retentionSeconds: 1209600 },
      },
    ]);
  });

  it('rejects out-of-range settings in the schema', () => {
    const r = run(queuesSection, [
      { name: 'q', visibilityTimeoutSeconds: 43201, delaySeconds: 901, retentionSeconds: 59 },
    ]);
    expect(r.schema).toEqual([
      '/0/visibilityTimeoutSeconds must be <= 43200',
      '/0/retentionSeconds must be >= 60',
      '/0/delaySeconds must be <= 900',
    ]);
    expect(run(queuesSection, [{ name: 'q.fifo' }]).schema.join()).toMatch(
      /name must match pattern/,
    );
    expect(
      run(queuesSection, [{ name: 'q', deadLetter: { maxReceiveCount: 0 } }]).schema.join(),
    ).toMatch(/maxReceiveCount must be >= 1/);
  });

  it('reports deduplication on a standard queue and a dead-letter queue that keeps less', () => {
    const r = run(queuesSection, [
      {
        name: 'q',
        contentBasedDeduplication: true,
        retentionSeconds: 86400,
        deadLetter: { maxReceiveCount: 3, retentionSeconds: 3600 },
      },
    ]);
    expect(r.issues).toEqual([
      'workload[dev/broker].queues[0].contentBasedDeduplication: true: must be left out unless fifo is true (only FIFO queues deduplicate)',
      "workload[dev/broker].queues[0].deadLetter.retentionSeconds: 3600: must be at least the queue's retentionSeconds (86400), or messages expire as they arrive",
    ]);
  });
});

describe('topicsSection', () => {
  it('resolves subscriptions of every kind', () => {
    const r = run(
      topicsSection,
      [
        {
          name: 'orders',
          subscriptions: [
            { sqs: 'orders', rawMessageDelivery: true, filterPolicy: { type: ['created'] } },
            { email: 'ops@example.com' },
            { https: 'https://hooks.example.com/sns' },
            { lambda: 'arn:aws:lambda:us-east-1:123456789012:function:audit' },
          ],
        },
      ],
      { declared: [['queue', 'orders']] },
    );
    expect(r.issues).toEqual([]);
    expect(r.value![0]!.subscriptions).toEqual([
      {
        protocol: 'sqs',
        endpoint: 'orders',
        rawMessageDelivery: true,
        filterPolicy: { type: ['created'] },
        filterPolicyScope: 'MessageAttributes',
      },
      { protocol: 'email', endpoint: 'ops@example.com', rawMessageDelivery: false },
      { protocol: 'https', endpoint: 'https://hooks.example.com/sns', rawMessageDelivery: false },
      {
        protocol: 'lambda',
        endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:audit',
        rawMessageDelivery: false,
      },
    ]);
    expect(r.value![0]!.kmsKeyArn).toBeUndefined();
  });

  it('rejects plain http and unknown keys in the schema', () => {
    expect(
      run(topicsSection, [{ name: 't', subscriptions: [{ https: 'http://x' }] }]).schema.join(),
    ).toMatch(/https must match pattern/);
    expect(run(topicsSection, [{ name: 't', sms: '+1' }]).schema.join()).toMatch(/additional/);
  });

  it('reports a queue that is not declared, two or no endpoints, bad addresses, raw email', () => {
    const r = run(topicsSection, [
      {
        name: 't',
        subscriptions: [
          { sqs: 'nowhere' },
          { email: 'a@b.co', https: 'https://x' },
          {},
          { email: 'not-an-address', rawMessageDelivery: true },
          { lambda: 'audit' },
          { https: 'https://x', filterPolicyScope: 'MessageBody' },
        ],
      },
    ]);
    expect(r.value).toBeUndefined();
    expect(r.issues).toEqual([
      'workload[dev/broker].topics[0].subscriptions[0].sqs: "nowhere": must name a queue of this workload (its queues[].name)',
      'workload[dev/broker].topics[0].subscriptions[1]: ["email","https"]: must set exactly one of sqs, email, https, lambda',
      'workload[dev/broker].topics[0].subscriptions[2]: []: must set exactly one of sqs, email, https, lambda',
      'workload[dev/broker].topics[0].subscriptions[3].email: "not-an-address": must be an email address such as ops@example.com',
      'workload[dev/broker].topics[0].subscriptions[3].rawMessageDelivery: true: must be left out for email (SNS delivers raw messages to SQS and HTTP/S endpoints only)',
      'workload[dev/broker].topics[0].subscriptions[4].lambda: "audit": must be a Lambda function ARN such as arn:aws:lambda:us-east-1:111111111111:function:name',
      'workload[dev/broker].topics[0].subscriptions[5].filterPolicyScope: "MessageBody": must come with a filterPolicy',
    ]);
  });
});
