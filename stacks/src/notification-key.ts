import { Environment, policyJson, resourceName } from '@automock/core';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';

/**
 * The customer managed KMS key that encrypts an environment's SNS topics. An AWS managed key
 * (`alias/aws/sns`) would not do: its policy cannot be changed, and CloudWatch alarms can publish
 * to an encrypted topic only when the key policy grants `cloudwatch.amazonaws.com`
 * kms:Decrypt and kms:GenerateDataKey* (SNS developer guide, "compatibility with AWS services").
 * Principals of the account (the reaper Lambda) get it through their IAM policies.
 */
export function notificationKey(scope: Construct, env: Environment): KmsKey {
  const account = `arn:aws:iam::${env.accountId}:root`;
  const key = new KmsKey(scope, 'notification-key', {
    description: `Encrypts the AutoMock ${env.name} notification topics`,
    enableKeyRotation: true,
    deletionWindowInDays: env.deletionProtection ? 30 : 7,
    policy: policyJson([
      {
        // The key's default policy: IAM policies of the account decide (the reaper's role).
        Sid: 'AccountIamPolicies',
        Effect: 'Allow',
        Principal: { AWS: account },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': env.accountId },
          ArnLike: {
            'aws:SourceArn': `arn:aws:cloudwatch:${env.region}:${env.accountId}:alarm:${env.prefix}-${env.name}-*`,
          },
        },
      },
    ]),
  });
  new KmsAlias(scope, 'notification-key-alias', {
    name: `alias/${resourceName('generic', { prefix: env.prefix, env: env.name, kind: 'notifications' })}`,
    targetKeyId: key.keyId,
  });
  return key;
}
