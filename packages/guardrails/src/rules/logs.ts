import { errorRule, PolicyRule } from '../rule';

export const LOG_RULES: readonly PolicyRule[] = [
  errorRule('AM-LOG-1', 'CloudWatch log groups have a retention period', (stack) =>
    stack
      .resources('aws_cloudwatch_log_group')
      .filter((g) => {
        const days = Number(g.body.retention_in_days ?? 0);
        return !Number.isFinite(days) || days <= 0;
      })
      .map((g) => ({
        address: g.address,
        message: `retention_in_days is ${JSON.stringify(g.body.retention_in_days ?? null)}; logs would be kept (and paid for) forever`,
      })),
  ),
];
