import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { check, findings, PROD, testStack } from '../testing/fixtures';

describe('SQS and Secrets Manager rules (issue 13 D1)', () => {
  test('AM-SQS-1: SSE-SQS or a KMS key passes', () => {
    const { app, stack } = testStack();
    new SqsQueue(stack, 'sse', { name: 'a', sqsManagedSseEnabled: true });
    new SqsQueue(stack, 'kms', {
      name: 'b',
      kmsMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:key/abc',
    });
    expect(findings(check(app), 'AM-SQS-1')).toHaveLength(0);
  });

  test('AM-SQS-1: a queue with encryption off or unset is an error', () => {
    const { app, stack } = testStack();
    new SqsQueue(stack, 'off', { name: 'a', sqsManagedSseEnabled: false });
    new SqsQueue(stack, 'unset', { name: 'b' });
    const f = findings(check(app), 'AM-SQS-1');
    expect(f.map((x) => x.severity)).toEqual(['error', 'error']);
  });

  test('AM-SM-1: a rotated secret passes', () => {
    const { app, stack } = testStack();
    const s = new SecretsmanagerSecret(stack, 's', { name: 'automock/dev/shop/api-token' });
    new SecretsmanagerSecretRotation(stack, 'r', {
      secretId: s.id,
      rotationLambdaArn: 'arn:aws:lambda:us-east-1:111111111111:function:rotate',
      rotationRules: { automaticallyAfterDays: 30 },
    });
    expect(findings(check(app), 'AM-SM-1')).toHaveLength(0);
  });

  test('AM-SM-1: a secret without rotation is a warning, in production too', () => {
    for (const env of [undefined, PROD]) {
      const { app, stack } = testStack(env);
      new SecretsmanagerSecret(stack, 's', { name: 'automock/dev/shop/api-token' });
      const f = findings(check(app, env), 'AM-SM-1');
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe('warning');
    }
  });
});
