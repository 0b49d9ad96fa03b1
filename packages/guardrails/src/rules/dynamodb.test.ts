import { DynamodbTable, DynamodbTableConfig } from '@cdktf/provider-aws/lib/dynamodb-table';
import { check, findings, PROD, testStack } from '../testing/fixtures';

const table = (over: Partial<DynamodbTableConfig> = {}): DynamodbTableConfig => ({
  name: 'registry',
  hashKey: 'pk',
  billingMode: 'PAY_PER_REQUEST',
  attribute: [{ name: 'pk', type: 'S' }],
  pointInTimeRecovery: { enabled: true },
  serverSideEncryption: { enabled: true },
  ...over,
});

describe('DynamoDB rules', () => {
  test('a table with PITR and SSE passes', () => {
    const { app, stack } = testStack();
    new DynamodbTable(stack, 't', table());
    const r = check(app);
    expect(findings(r, 'AM-DDB-1')).toHaveLength(0);
    expect(findings(r, 'AM-DDB-2')).toHaveLength(0);
  });

  test('AM-DDB-1: no point-in-time recovery is a warning in dev and an error in prod', () => {
    for (const [env, severity] of [
      [undefined, 'warning'],
      [PROD, 'error'],
    ] as const) {
      const { app, stack } = testStack(env);
      new DynamodbTable(stack, 't', table({ pointInTimeRecovery: { enabled: false } }));
      const f = findings(check(app, env), 'AM-DDB-1');
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe(severity);
    }
  });

  test('AM-DDB-2: a table without server-side encryption is caught', () => {
    const { app, stack } = testStack();
    new DynamodbTable(stack, 't', table({ serverSideEncryption: undefined }));
    const f = findings(check(app), 'AM-DDB-2');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('error');
  });
});
