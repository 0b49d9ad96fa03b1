import { declaredNames, kmsKeyArnSchema } from './data-common';
import type { WorkloadSection, WorkloadSectionContext } from './section';

/** One subscription of a topic, as written: exactly one of `sqs`, `email`, `https`, `lambda`. */
export interface TopicSubscriptionInput {
  /** A queue of this workload (its `name` in `queues`); its policy lets the topic send. */
  readonly sqs?: string;
  /** An address; AWS mails it a confirmation link. */
  readonly email?: string;
  /** An `https://` endpoint; AWS posts it a confirmation request. */
  readonly https?: string;
  /** ARN of a Lambda function (its resource policy must let SNS invoke it). */
  readonly lambda?: string;
  /** Deliver the bare message, without SNS's JSON envelope (SQS and HTTPS only). @default false */
  readonly rawMessageDelivery?: boolean;
  /** SNS filter policy: only matching messages are delivered. @default - every message */
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  /** What the filter policy matches. @default 'MessageAttributes' */
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

/** One SNS topic of a workload, as written. */
export interface TopicInput {
  /**
   * Name within the workload (1-200 of `[A-Za-z0-9_-]`); the topic is created as
   * `<prefix>-<env>-<workload>-<name>` (`.fifo` appended for a FIFO topic).
   */
  readonly name: string;
  /** FIFO topic (strict ordering, deduplication). @default false */
  readonly fifo?: boolean;
  /** FIFO only: deduplicate on a SHA-256 of the body. @default false */
  readonly contentBasedDeduplication?: boolean;
  /**
   * Customer managed KMS key that encrypts the topic.
   * @default - one customer managed key the workload creates for its topics
   */
  readonly kmsKeyArn?: string;
  /** Subscriptions. @default [] */
  readonly subscriptions?: readonly TopicSubscriptionInput[];
}

/** A resolved subscription. */
export interface TopicSubscription {
  readonly protocol: 'sqs' | 'email' | 'https' | 'lambda';
  /** Queue name for `sqs`, otherwise the address, URL or ARN. */
  readonly endpoint: string;
  readonly rawMessageDelivery: boolean;
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

/** A topic with every default filled in. */
export interface Topic {
  readonly name: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  /** Undefined: the workload's own topic key. */
  readonly kmsKeyArn?: string;
  readonly subscriptions: readonly TopicSubscription[];
}

/** SNS topic names without `.fifo`: 256 characters less the suffix, kept short for the prefix. */
export const TOPIC_NAME_PATTERN = '^[A-Za-z0-9_-]{1,200}$';
const LAMBDA_ARN =
  /^arn:aws(-[a-z]+)*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PROTOCOLS = ['sqs', 'email', 'https', 'lambda'] as const;

const subscriptionSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'One subscription: exactly one of sqs, email, https, lambda.',
  properties: {
    sqs: { type: 'string', minLength: 1, description: 'Name of a queue of this workload.' },
    email: {
      type: 'string',
      minLength: 3,
      description: 'Email address (AWS mails a confirmation).',
    },
    https: { type: 'string', pattern: '^https://', description: 'HTTPS endpoint URL.' },
    lambda: { type: 'string', minLength: 1, description: 'ARN of a Lambda function.' },
    rawMessageDelivery: {
      type: 'boolean',
      default: false,
      description: 'Deliver the bare message without the SNS envelope (sqs and https only).',
    },
    filterPolicy: {
      type: 'object',
      description: 'SNS filter policy: only matching messages are delivered.',
    },
    filterPolicyScope: {
      enum: ['MessageAttributes', 'MessageBody'],
      default: 'MessageAttributes',
      description: 'What the filter policy matches.',
    },
  },
};

const topicSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      pattern: TOPIC_NAME_PATTERN,
      description: 'Topic name within the workload: 1-200 of [A-Za-z0-9_-] (.fifo is added).',
    },
    fifo: { type: 'boolean', default: false, description: 'FIFO topic.' },
    contentBasedDeduplication: {
      type: 'boolean',
      default: false,
      description: 'FIFO only: deduplicate messages on a SHA-256 of the body.',
    },
    kmsKeyArn: kmsKeyArnSchema('the topic (default: a customer managed key of the workload)'),
    subscriptions: {
      type: 'array',
      default: [],
      items: subscriptionSchema,
      description: 'Subscriptions of the topic.',
    },
  },
};

function resolveSubscription(
  s: TopicSubscriptionInput,
  field: string,
  ctx: WorkloadSectionContext,
): TopicSubscription | undefined {
  const given = PROTOCOLS.filter((p) => s[p] !== undefined);
  if (given.length !== 1) {
    ctx.issues.add(field, given, 'must set exactly one of sqs, email, https, lambda');
    return undefined;
  }
  const protocol = given[0]!;
  const endpoint = s[protocol]!;
  if (protocol === 'sqs' && !ctx.declared('queue', endpoint)) {
    ctx.issues.add(
      `${field}.sqs`,
      endpoint,
      'must name a queue of this workload (its queues[].name)',
    );
  }
  if (protocol === 'email' && !EMAIL.test(endpoint)) {
    ctx.issues.add(`${field}.email`, endpoint, 'must be an email address such as ops@example.com');
  }
  if (protocol === 'lambda' && !LAMBDA_ARN.test(endpoint)) {
    ctx.issues.add(
      `${field}.lambda`,
      endpoint,
      'must be a Lambda function ARN such as arn:aws:lambda:us-east-1:111111111111:function:name',
    );
  }
  if (s.rawMessageDelivery === true && protocol !== 'sqs' && protocol !== 'https') {
    ctx.issues.add(
      `${field}.rawMessageDelivery`,
      true,
      `must be left out for ${protocol} (SNS delivers raw messages to SQS and HTTP/S endpoints only)`,
    );
  }
  if (s.filterPolicyScope !== undefined && s.filterPolicy === undefined) {
    ctx.issues.add(
      `${field}.filterPolicyScope`,
      s.filterPolicyScope,
      'must come with a filterPolicy',
    );
  }
  return {
    protocol,
    endpoint,
    rawMessageDelivery: s.rawMessageDelivery ?? false,
    ...(s.filterPolicy
      ? {
          filterPolicy: s.filterPolicy,
          filterPolicyScope: s.filterPolicyScope ?? 'MessageAttributes',
        }
      : {}),
  };
}

function resolveTopic(t: TopicInput, field: string, ctx: WorkloadSectionContext): Topic {
  const fifo = t.fifo ?? false;
  if (!fifo && t.contentBasedDeduplication === true) {
    ctx.issues.add(
      `${field}.contentBasedDeduplication`,
      true,
      'must be left out unless fifo is true (only FIFO topics deduplicate)',
    );
  }
  const subscriptions = (t.subscriptions ?? [])
    .map((s, i) => resolveSubscription(s, `${field}.subscriptions[${i}]`, ctx))
    .filter((s): s is TopicSubscription => s !== undefined);
  return {
    name: t.name,
    fifo,
    contentBasedDeduplication: t.contentBasedDeduplication ?? false,
    ...(t.kmsKeyArn ? { kmsKeyArn: t.kmsKeyArn } : {}),
    subscriptions,
  };
}

/** The `topics` section: SNS topics of a workload and their subscriptions. */
export const topicsSection: WorkloadSection<readonly TopicInput[], readonly Topic[]> = {
  key: 'topics',
  schema: {
    type: 'array',
    description: 'SNS topics of the workload, KMS-encrypted, with their subscriptions.',
    default: [],
    items: topicSchema,
  },
  declares: (input, field) => declaredNames('topic', input, field),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const topics = input.map((t, i) => resolveTopic(t, `${ctx.field}[${i}]`, ctx));
    return ctx.issues.issues.length === before ? topics : undefined;
  },
};
