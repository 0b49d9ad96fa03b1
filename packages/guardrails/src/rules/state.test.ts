import { stateBackendNames } from '@automock/core';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { bucket, check, DEV, findings, testStack } from '../testing/fixtures';

const names = stateBackendNames(DEV.prefix, DEV.accountId, DEV.region);

function stateStack(protect: boolean) {
  const { app, stack } = testStack();
  bucket(stack, 'state', {}, { bucket: names.bucket, lifecycle: { preventDestroy: protect } });
  new DynamodbTable(stack, 'locks', {
    name: names.lockTable,
    hashKey: 'LockID',
    attribute: [{ name: 'LockID', type: 'S' }],
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    lifecycle: { preventDestroy: protect },
  });
  new DynamodbTable(stack, 'other', {
    name: 'something-else',
    hashKey: 'k',
    attribute: [{ name: 'k', type: 'S' }],
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
  });
  return app;
}

describe('AM-STATE-1', () => {
  test('state bucket and lock table with prevent_destroy pass', () => {
    expect(findings(check(stateStack(true)), 'AM-STATE-1')).toHaveLength(0);
  });

  test("the environment's state bucket and lock table without prevent_destroy are caught; other tables are not", () => {
    const f = findings(check(stateStack(false)), 'AM-STATE-1');
    expect(f.map((x) => x.address)).toEqual(['aws_s3_bucket.state', 'aws_dynamodb_table.locks']);
  });
});
