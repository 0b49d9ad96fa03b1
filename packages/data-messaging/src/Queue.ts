import { policyJson, PolicyStatement } from '@automock/core';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Fn, ITerraformDependable, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { denyInsecureTransport, ResourceGrants } from './grants';

/** Props of {@link Queue}. */
export interface QueueProps {
  /** Queue name without `.fifo` (core's `resourceName('sqsQueue', ...)`, at most 75 characters). */
  readonly queueName: string;
  /** FIFO queue (`.fifo` is appended to both names). @default false */
  readonly fifo?: boolean;
  /** FIFO only: deduplicate on the body's SHA-256. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 345600 */
  readonly retentionSeconds?: number;
  /** @default 0 */
  readonly delaySeconds?: number;
  /** @default 262144 */
  readonly maxMessageSizeBytes?: number;
  /** @default 0 */
  readonly receiveWaitSeconds?: number;
  /**
   * A dead-letter queue created alongside, with the same encryption and policy; named
   * `queueName` (without `.fifo`), by default `<queueName>-dlq`.
   * @default - none
   */
  readonly deadLetter?: {
    readonly maxReceiveCount: number;
    readonly retentionSeconds: number;
    readonly queueName?: string;
  };
  /** Customer managed KMS key. @default - SQS-managed encryption (SSE-SQS) */
  readonly kmsKeyArn?: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Consumer actions. */
export const QUEUE_READ_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;
/** Producer actions. */
export const QUEUE_WRITE_ACTIONS = [
  'sqs:SendMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
] as const;

/**
 * An SQS queue that is always encrypted at rest (SSE-SQS, or SSE-KMS with the given key) and
 * whose policy refuses any request without TLS; optionally with its dead-letter queue. Topics
 * that deliver to it are added with {@link Queue.allowTopic}.
 */
export class Queue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue?: SqsQueue;
  readonly arn: string;
  readonly url: string;
  private readonly kmsKeyArn?: string;
  private readonly topics: string[] = [];

  constructor(scope: Construct, id: string, props: QueueProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    const fifo = props.fifo ?? false;
    const suffix = fifo ? '.fifo' : '';
    const encryption = props.kmsKeyArn
      ? { kmsMasterKeyId: props.kmsKeyArn }
      : { sqsManagedSseEnabled: true };
    const common = {
      dependsOn: props.dependsOn,
      ...encryption,
      ...(fifo ? { fifoQueue: true } : {}),
    };

    if (props.deadLetter) {
      this.deadLetterQueue = new SqsQueue(this, 'DeadLetter', {
        ...common,
        name: `${props.deadLetter.queueName ?? `${props.queueName}-dlq`}${suffix}`,
        messageRetentionSeconds: props.deadLetter.retentionSeconds,
      });
      this.tlsOnly('DeadLetterPolicy', this.deadLetterQueue, () => []);
    }
    this.queue = new SqsQueue(this, 'Queue', {
      ...common,
      name: `${props.queueName}${suffix}`,
      ...(fifo && props.contentBasedDeduplication ? { contentBasedDeduplication: true } : {}),
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 30,
      messageRetentionSeconds: props.retentionSeconds ?? 345_600,
      delaySeconds: props.delaySeconds ?? 0,
      maxMessageSize: props.maxMessageSizeBytes ?? 262_144,
      receiveWaitTimeSeconds: props.receiveWaitSeconds ?? 0,
      ...(props.deadLetter && this.deadLetterQueue
        ? {
            redrivePolicy: Fn.jsonencode({
              deadLetterTargetArn: this.deadLetterQueue.arn,
              maxReceiveCount: props.deadLetter.maxReceiveCount,
            }),
          }
        : {}),
    });
    this.arn = this.queue.arn;
    this.url = this.queue.url;
    this.tlsOnly('Policy', this.queue, () =>
      this.topics.map((topicArn, i): PolicyStatement => ({
        Sid: `AllowTopic${i}`,
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: this.queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      })),
    );
  }

  /** Lets an SNS topic deliver to this queue (only that topic: `aws:SourceArn`). */
  allowTopic(topicArn: string): void {
    this.topics.push(topicArn);
  }

  /** Statements for this queue only (and its KMS key when it has one). */
  grants(): ResourceGrants {
    const key = (actions: string[]): PolicyStatement[] =>
      this.kmsKeyArn ? [{ Effect: 'Allow', Action: actions, Resource: this.kmsKeyArn }] : [];
    return {
      read: [
        { Effect: 'Allow', Action: [...QUEUE_READ_ACTIONS], Resource: this.arn },
        ...key(['kms:Decrypt']),
      ],
      write: [
        { Effect: 'Allow', Action: [...QUEUE_WRITE_ACTIONS], Resource: this.arn },
        ...key(['kms:GenerateDataKey', 'kms:Decrypt']),
      ],
    };
  }

  private tlsOnly(id: string, queue: SqsQueue, extra: () => PolicyStatement[]): void {
    new SqsQueuePolicy(this, id, {
      queueUrl: queue.url,
      // Lazy: topics built after this queue add their statements before synthesis.
      policy: Lazy.stringValue({
        produce: () => policyJson([denyInsecureTransport('sqs:*', queue.arn), ...extra()]),
      }),
    });
  }
}
