import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { TerraformStack, Testing } from 'cdktf';
import { Queue, Secret, Table, Topic, TopicKey } from './index';

function stack() {
  const app = Testing.app();
  const s = new TerraformStack(app, 'test');
  new AwsProvider(s, 'aws', { region: 'us-east-1' });
  return s;
}
const synth = (s: TerraformStack) => Testing.synth(s);
const only = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});

describe('Table', () => {
  it('declares keys, indexes, PITR, KMS encryption, TTL, deletion protection and a stream', () => {
    const s = stack();
    const t = new Table(s, 'Pool', {
      tableName: 'automock-prod-broker-pool',
      partitionKey: { name: 'PK', type: 'S' },
      sortKey: { name: 'SK', type: 'S' },
      attributes: [
        { name: 'PK', type: 'S' },
        { name: 'SK', type: 'S' },
        { name: 'GSI1PK', type: 'S' },
        { name: 'GSI2PK', type: 'N' },
      ],
      globalIndexes: [
        {
          name: 'StatusIndex',
          partitionKey: { name: 'GSI1PK', type: 'S' },
          sortKey: { name: 'SK', type: 'S' },
          projection: 'ALL',
          nonKeyAttributes: [],
        },
        {
          name: 'TrackIndex',
          partitionKey: { name: 'GSI2PK', type: 'N' },
          projection: 'INCLUDE',
          nonKeyAttributes: ['status'],
        },
      ],
      billing: { mode: 'PROVISIONED', read: 5, write: 2 },
      ttlAttribute: 'expiresAt',
      stream: 'NEW_AND_OLD_IMAGES',
    });
    const out = synth(s);
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      name: 'automock-prod-broker-pool',
      billing_mode: 'PROVISIONED',
      read_capacity: 5,
      write_capacity: 2,
      hash_key: 'PK',
      range_key: 'SK',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      ttl: { enabled: true, attribute_name: 'expiresAt' },
      stream_enabled: true,
      stream_view_type: 'NEW_AND_OLD_IMAGES',
    });
    const table = only(JSON.parse(out), 'aws_dynamodb_table')[0];
    expect(table.attribute).toHaveLength(4);
    expect(table.global_secondary_index).toEqual([
      {
        name: 'StatusIndex',
        hash_key: 'GSI1PK',
        range_key: 'SK',
        projection_type: 'ALL',
        read_capacity: 5,
        write_capacity: 2,
      },
      {
        name: 'TrackIndex',
        hash_key: 'GSI2PK',
        projection_type: 'INCLUDE',
        non_key_attributes: ['status'],
        read_capacity: 5,
        write_capacity: 2,
      },
    ]);
    const g = t.grants();
    expect(g.read[0]!.Action).toEqual([
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'dynamodb:DescribeTable',
      'dynamodb:ConditionCheckItem',
    ]);
    expect(g.write[0]!.Action).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]);
    expect(g.read[0]!.Resource).toEqual([t.arn, `${t.arn}/index/*`]);
  });

  it('is on demand with a customer key when asked, without capacity', () => {
    const s = stack();
    const t = new Table(s, 'T', {
      tableName: 'tbl',
      partitionKey: { name: 'id', type: 'S' },
      attributes: [{ name: 'id', type: 'S' }],
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      deletionProtection: false,
    });
    const table = only(JSON.parse(synth(s)), 'aws_dynamodb_table')[0];
    expect(table.billing_mode).toBe('PAY_PER_REQUEST');
    expect(table.read_capacity).toBeUndefined();
    expect(table.server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: 'arn:aws:kms:us-east-1:123456789012:key/abc',
    });
    expect(table.deletion_protection_enabled).toBe(false);
    const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    expect(t.grants().read[1]).toEqual({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: key });
    expect(t.grants().write[1]!.Action).toEqual([
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
    ]);
  });
});

const GENERATE = {
  length: 40,
  excludeCharacters: '"\'\\',
  excludePunctuation: false,
  excludeUppercase: false,
  excludeLowercase: false,
  excludeNumbers: false,
  includeSpace: false,
  requireEachIncludedType: true,
};

describe('Secret', () => {
  it('generates the value in an ephemeral resource and writes it write-only, never into the JSON', () => {
    const s = stack();
    const secret = new Secret(s, 'ApiToken', {
      secretName: 'automock-dev-broker-api-token',
      description: 'broker API token',
      generate: GENERATE,
      recoveryWindowDays: 7,
    });
    const out = synth(s);
    const json = JSON.parse(out);
    expect(out).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: 'automock-dev-broker-api-token',
      recovery_window_in_days: 7,
    });
    const [[id, eph]] = Object.entries<any>(json.ephemeral.aws_secretsmanager_random_password);
    expect(eph).toEqual({
      password_length: 40,
      exclude_characters: '"\'\\',
      exclude_punctuation: false,
      exclude_uppercase: false,
      exclude_lowercase: false,
      exclude_numbers: false,
      include_space: false,
      require_each_included_type: true,
    });
    const version = only(json, 'aws_secretsmanager_secret_version')[0];
    expect(version.secret_string_wo).toBe(
      `\${ephemeral.aws_secretsmanager_random_password.${id}.random_password}`,
    );
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.secret_string).toBeUndefined();
    expect(Object.keys(json.data ?? {})).not.toContain('aws_secretsmanager_random_password');
    expect(secret.grants().read).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: secret.arn,
      },
    ]);
  });

  it('creates an empty secret for a person to fill, with kms:Decrypt in its grant', () => {
    const s = stack();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    const secret = new Secret(s, 'Partner', {
      secretName: 'p',
      kmsKeyArn: key,
      recoveryWindowDays: 0,
    });
    const json = JSON.parse(synth(s));
    expect(json.ephemeral).toBeUndefined();
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(only(json, 'aws_secretsmanager_secret')[0]).toMatchObject({
      kms_key_id: key,
      recovery_window_in_days: 0,
    });
    expect(secret.grants().read[1]).toEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: key,
    });
    expect(Secret.putValueCommand('p')).toBe(
      'aws secretsmanager put-secret-value --secret-id p --secret-string file://value.txt',
    );
  });

  it('gives two secrets two ephemeral blocks', () => {
    const s = stack();
    new Secret(s, 'A', { secretName: 'a', generate: GENERATE });
    new Secret(s, 'B', { secretName: 'b', generate: GENERATE });
    const json = JSON.parse(synth(s));
    expect(Object.keys(json.ephemeral.aws_secretsmanager_random_password)).toHaveLength(2);
  });
});

describe('Queue', () => {
  it('encrypts with SSE-SQS, denies non-TLS, and redrives to its dead-letter queue', () => {
    const s = stack();
    const q = new Queue(s, 'Orders', {
      queueName: 'automock-dev-shop-orders',
      deadLetter: { maxReceiveCount: 5, retentionSeconds: 1209600 },
    });
    q.allowTopic('arn:aws:sns:us-east-1:123456789012:automock-dev-shop-events');
    const out = synth(s);
    expect(out).toHaveResourceWithProperties(SqsQueue, {
      name: 'automock-dev-shop-orders',
      sqs_managed_sse_enabled: true,
      visibility_timeout_seconds: 30,
      message_retention_seconds: 345600,
      max_message_size: 262144,
    });
    expect(out).toHaveResourceWithProperties(SqsQueue, {
      name: 'automock-dev-shop-orders-dlq',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    const json = JSON.parse(out);
    const main = only(json, 'aws_sqs_queue').find((x) => x.name === 'automock-dev-shop-orders');
    expect(main.redrive_policy).toMatch(
      /jsonencode\(\{"deadLetterTargetArn" = aws_sqs_queue\.\w+\.arn, "maxReceiveCount" = 5\}\)/,
    );
    const policies = only(json, 'aws_sqs_queue_policy').map((p) => JSON.parse(p.policy));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.Statement[0]).toMatchObject({
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
    const withTopic = policies.find((p) => p.Statement.length === 2);
    expect(withTopic.Statement[1]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Condition: {
        ArnEquals: {
          'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:automock-dev-shop-events',
        },
      },
    });
    expect(withTopic.Statement[1].Resource).toMatch(/^\$\{aws_sqs_queue\.\w+\.arn\}$/);
  });

  it('names FIFO queues .fifo, uses a customer key, and grants least privilege', () => {
    const s = stack();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    const q = new Queue(s, 'Q', {
      queueName: 'q',
      fifo: true,
      contentBasedDeduplication: true,
      kmsKeyArn: key,
      deadLetter: { maxReceiveCount: 1, retentionSeconds: 600 },
    });
    const queues = only(JSON.parse(synth(s)), 'aws_sqs_queue');
    expect(
      queues.map((x) => [x.name, x.fifo_queue, x.kms_master_key_id, x.sqs_managed_sse_enabled]),
    ).toEqual([
      ['q-dlq.fifo', true, key, undefined],
      ['q.fifo', true, key, undefined],
    ]);
    const g = q.grants();
    expect(g.read).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ],
        Resource: q.arn,
      },
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: key },
    ]);
    expect(g.write[0]!.Action).toEqual([
      'sqs:SendMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ]);
    expect(g.write[1]!.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
  });
});

describe('Topic', () => {
  it('encrypts with the given key, subscribes every kind, grants Publish and the key', () => {
    const s = stack();
    const key = new TopicKey(s, 'Key', {
      accountId: '123456789012',
      aliasName: 'automock-dev-shop-topics',
      description: 'topics',
    });
    const t = new Topic(s, 'Events', {
      topicName: 'automock-dev-shop-events',
      kmsKeyArn: key.arn,
      subscriptions: [
        {
          protocol: 'sqs',
          endpoint: 'arn:aws:sqs:us-east-1:123456789012:q',
          rawMessageDelivery: true,
          filterPolicy: { type: ['created'] },
        },
        { protocol: 'email', endpoint: 'ops@example.com' },
      ],
    });
    const out = synth(s);
    expect(out).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(out).toHaveResourceWithProperties(SnsTopic, { name: 'automock-dev-shop-events' });
    const json = JSON.parse(out);
    expect(only(json, 'aws_sns_topic')[0].kms_master_key_id).toMatch(
      /^\$\{aws_kms_key\.\w+\.arn\}$/,
    );
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'sqs',
      raw_message_delivery: true,
      filter_policy: '{"type":["created"]}',
      filter_policy_scope: 'MessageAttributes',
    });
    expect(out).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'ops@example.com',
    });
    expect(t.grants().write).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: t.arn },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: key.arn },
    ]);
    expect(JSON.parse(only(json, 'aws_kms_key')[0].policy).Statement).toHaveLength(1);
  });

  it('names a FIFO topic .fifo', () => {
    const s = stack();
    new Topic(s, 'T', {
      topicName: 't',
      fifo: true,
      contentBasedDeduplication: true,
      kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    });
    expect(synth(s)).toHaveResourceWithProperties(SnsTopic, {
      name: 't.fifo',
      fifo_topic: true,
      content_based_deduplication: true,
    });
  });
});
