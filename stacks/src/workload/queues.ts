import { Queue as ResolvedQueue, resourceName } from '@automock/core';
import { Queue } from '@automock/data-messaging';
import type { Construct } from 'constructs';
import type { WorkloadSectionBuilder } from './section-builder';

const queueId = (name: string) => `queue-${name}`;

/** The queue construct the queues builder made for `name` under `scope` (for topic subscriptions). */
export function queueConstruct(scope: Construct, name: string): Queue | undefined {
  const q = scope.node.tryFindChild(queueId(name));
  return q instanceof Queue ? q : undefined;
}

/** Builds the `queues` section: encrypted, TLS-only SQS queues (and their DLQs) as `queue` refs. */
export const queuesBuilder: WorkloadSectionBuilder<readonly ResolvedQueue[]> = {
  key: 'queues',
  order: 10,
  build(queues, ctx) {
    for (const q of queues) {
      const queue = new Queue(ctx.scope, queueId(q.name), {
        queueName: resourceName('sqsQueue', { ...ctx.nameParts, kind: q.name }),
        fifo: q.fifo,
        contentBasedDeduplication: q.contentBasedDeduplication,
        visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
        retentionSeconds: q.retentionSeconds,
        delaySeconds: q.delaySeconds,
        maxMessageSizeBytes: q.maxMessageSizeBytes,
        receiveWaitSeconds: q.receiveWaitSeconds,
        ...(q.deadLetter
          ? {
              deadLetter: {
                ...q.deadLetter,
                // Named on its own so the `-dlq` suffix never pushes it past SQS's 80 characters.
                queueName: resourceName('sqsQueue', { ...ctx.nameParts, kind: `${q.name}-dlq` }),
              },
            }
          : {}),
        ...(q.kmsKeyArn ? { kmsKeyArn: q.kmsKeyArn } : {}),
      });
      ctx.provide({
        kind: 'queue',
        name: q.name,
        arn: queue.arn,
        attributes: {
          url: queue.url,
          queueName: queue.queue.name,
          ...(queue.deadLetterQueue
            ? { deadLetterArn: queue.deadLetterQueue.arn, deadLetterUrl: queue.deadLetterQueue.url }
            : {}),
        },
        grants: queue.grants(),
      });
    }
  },
};
