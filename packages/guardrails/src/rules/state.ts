import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

export const STATE_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-STATE-1',
    'The Terraform state bucket and lock table have lifecycle prevent_destroy',
    (stack, ctx) =>
      stack
        .resources('aws_s3_bucket', 'aws_dynamodb_table')
        .filter((r) =>
          r.type === 'aws_s3_bucket'
            ? typeof r.body.bucket === 'string' && ctx.stateBuckets.has(r.body.bucket)
            : typeof r.body.name === 'string' && ctx.lockTables.has(r.body.name),
        )
        .filter((r) => !asList(r.body.lifecycle).some((l) => l.prevent_destroy === true))
        .map((r) => ({
          address: r.address,
          message: `holds Terraform ${r.type === 'aws_s3_bucket' ? 'state' : 'state locks'} but has no lifecycle { prevent_destroy = true }`,
        })),
  ),
];
