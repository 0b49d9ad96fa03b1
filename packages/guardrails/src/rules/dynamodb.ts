import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

const TABLE = 'aws_dynamodb_table';

export const DYNAMODB_RULES: readonly PolicyRule[] = [
  {
    id: 'AM-DDB-1',
    meaning: 'DynamoDB tables have point-in-time recovery (warning outside production)',
    level: 'warning',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(TABLE)
        .filter((t) => !asList(t.body.point_in_time_recovery).some((p) => p.enabled === true))
        .map((t) => ({
          address: t.address,
          message: 'has no point_in_time_recovery { enabled = true }',
        })),
  },
  errorRule('AM-DDB-2', 'DynamoDB tables have server-side encryption with KMS turned on', (stack) =>
    stack
      .resources(TABLE)
      .filter((t) => !asList(t.body.server_side_encryption).some((p) => p.enabled === true))
      .map((t) => ({
        address: t.address,
        message: 'has no server_side_encryption { enabled = true }',
      })),
  ),
];
