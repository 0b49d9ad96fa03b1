import { policyJson, PolicyStatement } from '@automock/core';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ResourceGrants } from './grants';

/** One subscription of a {@link Topic}. */
export interface TopicSubscriptionProps {
  readonly protocol: 'sqs' | 'email' | 'https' | 'lambda';
  /** Queue ARN, address, URL or function ARN. */
  readonly endpoint: string;
  /** Without SNS's JSON envelope (SQS and HTTPS only). @default false */
  readonly rawMessageDelivery?: boolean;
  /** SNS filter policy. @default - every message */
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  /** @default 'MessageAttributes' when a filter policy is given */
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

/** Props of {@link Topic}. */
export interface TopicProps {
  /** Topic name without `.fifo` (core's `resourceName('snsTopic', ...)`). */
  readonly topicName: string;
  /** FIFO topic (`.fifo` is appended). @default false */
  readonly fifo?: boolean;
  /** FIFO only. @default false */
  readonly contentBasedDeduplication?: boolean;
  /** ARN of the customer managed KMS key that encrypts the topic (never `alias/aws/sns`: AM-SNS-1). */
  readonly kmsKeyArn: string;
  /** @default [] */
  readonly subscriptions?: readonly TopicSubscriptionProps[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** An SNS topic encrypted with a customer managed key, and its subscriptions. */
export class Topic extends Construct {
  readonly topic: SnsTopic;
  readonly subscriptions: SnsTopicSubscription[];
  readonly arn: string;
  private readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: TopicProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    const fifo = props.fifo ?? false;
    this.topic = new SnsTopic(this, 'Topic', {
      dependsOn: props.dependsOn,
      name: `${props.topicName}${fifo ? '.fifo' : ''}`,
      kmsMasterKeyId: props.kmsKeyArn,
      ...(fifo ? { fifoTopic: true } : {}),
      ...(fifo && props.contentBasedDeduplication ? { contentBasedDeduplication: true } : {}),
    });
    this.arn = this.topic.arn;
    this.subscriptions = (props.subscriptions ?? []).map(
      (s, i) =>
        new SnsTopicSubscription(this, `Subscription${i}`, {
          topicArn: this.topic.arn,
          protocol: s.protocol,
          endpoint: s.endpoint,
          ...(s.rawMessageDelivery ? { rawMessageDelivery: true } : {}),
          ...(s.filterPolicy
            ? {
                filterPolicy: JSON.stringify(s.filterPolicy),
                filterPolicyScope: s.filterPolicyScope ?? 'MessageAttributes',
              }
            : {}),
        }),
    );
  }

  /** Write: Publish to this topic, with the data key SNS encrypts the message under. */
  grants(): Pick<ResourceGrants, 'write'> {
    return {
      write: [
        { Effect: 'Allow', Action: 'sns:Publish', Resource: this.arn },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: this.kmsKeyArn,
        },
      ],
    };
  }
}

/** Props of {@link TopicKey}. */
export interface TopicKeyProps {
  /** The account whose IAM policies decide who may use the key. */
  readonly accountId: string;
  /** Alias name without `alias/`. */
  readonly aliasName: string;
  /** Key description. */
  readonly description: string;
  /** Days before a deleted key is gone (7-30). @default 30 */
  readonly deletionWindowDays?: number;
}

/**
 * A customer managed key for topics, rotated yearly, whose policy is KMS's default one (the
 * account's IAM policies decide): publishers get kms:GenerateDataKey* and kms:Decrypt through
 * the topic's write grant.
 */
export class TopicKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: TopicKeyProps) {
    super(scope, id);
    const statement: PolicyStatement = {
      Sid: 'AccountIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    this.key = new KmsKey(this, 'Key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policyJson([statement]),
    });
    new KmsAlias(this, 'Alias', { name: `alias/${props.aliasName}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
