import { errorRule, PolicyRule } from '../rule';

/** The AWS managed SNS key: its policy cannot grant CloudWatch alarms the use of it. */
export const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

export const SNS_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-SNS-1',
    'SNS topics are encrypted with a customer managed KMS key (alarms cannot publish with alias/aws/sns)',
    (stack) =>
      stack
        .resources('aws_sns_topic')
        .filter((t) => {
          const key = t.body.kms_master_key_id;
          return typeof key !== 'string' || key === '' || key.endsWith(AWS_MANAGED_SNS_KEY);
        })
        .map((t) => ({
          address: t.address,
          message: `kms_master_key_id is ${JSON.stringify(t.body.kms_master_key_id ?? null)}; use a customer managed key whose policy lets cloudwatch.amazonaws.com use it`,
        })),
  ),
];
