import { resourceName, Topic as ResolvedTopic } from '@automock/core';
import { Topic, TopicKey } from '@automock/data-messaging';
import { queueConstruct } from './queues';
import type { WorkloadSectionBuilder } from './section-builder';

// SNS: 256 characters, a FIFO topic's `.fifo` included.
const SNS_MAX = 256;

/**
 * Builds the `topics` section: KMS-encrypted SNS topics and their subscriptions, provided as
 * `topic` refs with a write (publish) grant. Order 11, just after the queues (10): an `sqs`
 * subscription looks its queue up and adds the topic to that queue's policy.
 */
export const topicsBuilder: WorkloadSectionBuilder<readonly ResolvedTopic[]> = {
  key: 'topics',
  order: 11,
  build(topics, ctx) {
    let workloadKey: TopicKey | undefined;
    const defaultKey = (): string => {
      if (ctx.notificationKeyArn) return ctx.notificationKeyArn;
      workloadKey ??= new TopicKey(ctx.scope, 'topic-key', {
        accountId: ctx.env.accountId,
        aliasName: resourceName('generic', { ...ctx.nameParts, kind: 'topics' }),
        description: `Encrypts the SNS topics of workload ${ctx.workload} in ${ctx.env.name}`,
        deletionWindowDays: ctx.env.deletionProtection || ctx.env.production ? 30 : 7,
      });
      return workloadKey.arn;
    };
    for (const t of topics) {
      const parts = { ...ctx.nameParts, kind: t.name };
      const name = resourceName('snsTopic', parts);
      const topicName =
        t.fifo && name.length + '.fifo'.length > SNS_MAX ? resourceName('sqsQueue', parts) : name;
      const topic = new Topic(ctx.scope, `topic-${t.name}`, {
        topicName,
        fifo: t.fifo,
        contentBasedDeduplication: t.contentBasedDeduplication,
        kmsKeyArn: t.kmsKeyArn ?? defaultKey(),
        subscriptions: t.subscriptions.map((s) => ({
          protocol: s.protocol,
          endpoint: s.protocol === 'sqs' ? ctx.lookup('queue', s.endpoint).arn : s.endpoint,
          rawMessageDelivery: s.rawMessageDelivery,
          ...(s.filterPolicy ? { filterPolicy: s.filterPolicy } : {}),
          ...(s.filterPolicyScope ? { filterPolicyScope: s.filterPolicyScope } : {}),
        })),
      });
      for (const s of t.subscriptions) {
        if (s.protocol !== 'sqs') continue;
        const queue = queueConstruct(ctx.scope, s.endpoint);
        if (!queue) throw new Error(`topics: queue ${s.endpoint} was not built in this workload`);
        queue.allowTopic(topic.arn);
      }
      ctx.provide({
        kind: 'topic',
        name: t.name,
        arn: topic.arn,
        attributes: { topicName: topic.topic.name },
        grants: topic.grants(),
      });
    }
  },
};
