import { declaredNames, kmsKeyArnSchema } from './data-common';
import type { WorkloadSection, WorkloadSectionContext } from './section';

/** The dead-letter queue created beside a queue. */
export interface QueueDeadLetterInput {
  /** Receives of a message before SQS moves it to the dead-letter queue (1-1000). */
  readonly maxReceiveCount: number;
  /** Seconds the dead-letter queue keeps a message (60-1209600). @default 1209600 (14 days) */
  readonly retentionSeconds?: number;
}

/** One SQS queue of a workload, as written. */
export interface QueueInput {
  /**
   * Name within the workload (1-75 of `[A-Za-z0-9_-]`); the queue is created as
   * `<prefix>-<env>-<workload>-<name>` (`.fifo` appended for a FIFO queue).
   */
  readonly name: string;
  /** First-in-first-out queue with exactly-once processing. @default false */
  readonly fifo?: boolean;
  /** FIFO only: deduplicate on a SHA-256 of the body. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** Seconds a received message stays hidden (0-43200). @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** Seconds a message is kept (60-1209600). @default 345600 (4 days) */
  readonly retentionSeconds?: number;
  /** Seconds every message is delayed (0-900). @default 0 */
  readonly delaySeconds?: number;
  /** Largest message in bytes (1024-262144). @default 262144 */
  readonly maxMessageSizeBytes?: number;
  /** Seconds a ReceiveMessage call waits for a message (0-20, long polling). @default 0 */
  readonly receiveWaitSeconds?: number;
  /** A dead-letter queue created alongside. @default - none */
  readonly deadLetter?: QueueDeadLetterInput;
  /** Customer managed KMS key. @default - SQS-managed encryption (SSE-SQS) */
  readonly kmsKeyArn?: string;
}

/** A queue with every default filled in. */
export interface Queue {
  readonly name: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  readonly delaySeconds: number;
  readonly maxMessageSizeBytes: number;
  readonly receiveWaitSeconds: number;
  readonly deadLetter?: { readonly maxReceiveCount: number; readonly retentionSeconds: number };
  readonly kmsKeyArn?: string;
}

/** SQS queue names without `.fifo`: 80 characters less the suffix. */
export const QUEUE_NAME_PATTERN = '^[A-Za-z0-9_-]{1,75}$';
const MIN_RETENTION = 60;
const MAX_RETENTION = 1_209_600;

const int = (min: number, max: number, def: number | undefined, description: string) => ({
  type: 'integer',
  minimum: min,
  maximum: max,
  ...(def !== undefined ? { default: def } : {}),
  description,
});

const queueSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      pattern: QUEUE_NAME_PATTERN,
      description: 'Queue name within the workload: 1-75 of [A-Za-z0-9_-] (.fifo is added).',
    },
    fifo: { type: 'boolean', default: false, description: 'First-in-first-out queue.' },
    contentBasedDeduplication: {
      type: 'boolean',
      default: false,
      description: 'FIFO only: deduplicate messages on a SHA-256 of the body.',
    },
    visibilityTimeoutSeconds: int(0, 43_200, 30, 'Seconds a received message stays hidden.'),
    retentionSeconds: int(MIN_RETENTION, MAX_RETENTION, 345_600, 'Seconds a message is kept.'),
    delaySeconds: int(0, 900, 0, 'Seconds every message is delayed.'),
    maxMessageSizeBytes: int(1024, 262_144, 262_144, 'Largest message in bytes.'),
    receiveWaitSeconds: int(0, 20, 0, 'Seconds ReceiveMessage waits for a message.'),
    deadLetter: {
      type: 'object',
      additionalProperties: false,
      required: ['maxReceiveCount'],
      description:
        'A dead-letter queue created alongside, receiving what fails maxReceiveCount times.',
      properties: {
        maxReceiveCount: int(1, 1000, undefined, 'Receives before a message is moved.'),
        retentionSeconds: int(
          MIN_RETENTION,
          MAX_RETENTION,
          MAX_RETENTION,
          'Seconds the dead-letter queue keeps a message.',
        ),
      },
    },
    kmsKeyArn: kmsKeyArnSchema('the queue (default: SQS-managed encryption)'),
  },
};

function resolveQueue(q: QueueInput, field: string, ctx: WorkloadSectionContext): Queue {
  const fifo = q.fifo ?? false;
  if (!fifo && q.contentBasedDeduplication === true) {
    ctx.issues.add(
      `${field}.contentBasedDeduplication`,
      true,
      'must be left out unless fifo is true (only FIFO queues deduplicate)',
    );
  }
  const retentionSeconds = q.retentionSeconds ?? 345_600;
  const deadLetter = q.deadLetter
    ? {
        maxReceiveCount: q.deadLetter.maxReceiveCount,
        retentionSeconds: q.deadLetter.retentionSeconds ?? MAX_RETENTION,
      }
    : undefined;
  // A standard queue's message keeps its first enqueue time in the dead-letter queue, so a
  // shorter retention there drops it before anyone can look at it.
  if (deadLetter && deadLetter.retentionSeconds < retentionSeconds) {
    ctx.issues.add(
      `${field}.deadLetter.retentionSeconds`,
      deadLetter.retentionSeconds,
      `must be at least the queue's retentionSeconds (${retentionSeconds}), or messages expire as they arrive`,
    );
  }
  return {
    name: q.name,
    fifo,
    contentBasedDeduplication: q.contentBasedDeduplication ?? false,
    visibilityTimeoutSeconds: q.visibilityTimeoutSeconds ?? 30,
    retentionSeconds,
    delaySeconds: q.delaySeconds ?? 0,
    maxMessageSizeBytes: q.maxMessageSizeBytes ?? 262_144,
    receiveWaitSeconds: q.receiveWaitSeconds ?? 0,
    ...(deadLetter ? { deadLetter } : {}),
    ...(q.kmsKeyArn ? { kmsKeyArn: q.kmsKeyArn } : {}),
  };
}

/** The `queues` section: SQS queues of a workload, each optionally with its dead-letter queue. */
export const queuesSection: WorkloadSection<readonly QueueInput[], readonly Queue[]> = {
  key: 'queues',
  schema: {
    type: 'array',
    description: 'SQS queues of the workload, always encrypted, TLS only.',
    default: [],
    items: queueSchema,
  },
  declares: (input, field) => declaredNames('queue', input, field),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const queues = input.map((q, i) => resolveQueue(q, `${ctx.field}[${i}]`, ctx));
    return ctx.issues.issues.length === before ? queues : undefined;
  },
};
