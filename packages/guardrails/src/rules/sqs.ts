import { errorRule, PolicyRule } from '../rule';

export const SQS_RULES: readonly PolicyRule[] = [
  errorRule('AM-SQS-1', 'SQS queues are encrypted at rest (SSE-SQS or a KMS key)', (stack) =>
    stack
      .resources('aws_sqs_queue')
      .filter((q) => {
        const key = q.body.kms_master_key_id;
        const kms = typeof key === 'string' && key.length > 0;
        // SSE-SQS is on by default for new queues, but `false` turns it off: only an explicit
        // setting or a key proves the queue is encrypted whatever the account's default.
        return !kms && q.body.sqs_managed_sse_enabled !== true;
      })
      .map((q) => ({
        address: q.address,
        message: 'sets neither sqs_managed_sse_enabled = true nor kms_master_key_id',
      })),
  ),
];
