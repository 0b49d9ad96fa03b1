import { LambdaFunction, LambdaFunctionConfig } from '@cdktf/provider-aws/lib/lambda-function';
import { check, findings, testStack } from '../testing/fixtures';

const fn = (over: Partial<LambdaFunctionConfig> = {}): LambdaFunctionConfig => ({
  functionName: 'reaper',
  role: 'arn:aws:iam::111111111111:role/reaper',
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  filename: 'reaper.zip',
  environment: { variables: { REGISTRY_TABLE: 't', DB_PASSWORD_SECRET_ARN: 'arn:x' } },
  ...over,
});

describe('Lambda rules', () => {
  test('nodejs22.x and nodejs24.x pass AM-LAMBDA-1; container images are not judged', () => {
    const { app, stack } = testStack();
    new LambdaFunction(stack, 'a', fn());
    new LambdaFunction(stack, 'b', fn({ functionName: 'b', runtime: 'nodejs24.x' }));
    new LambdaFunction(
      stack,
      'c',
      fn({ functionName: 'c', runtime: undefined, packageType: 'Image', imageUri: 'x' }),
    );
    const r = check(app);
    expect(findings(r, 'AM-LAMBDA-1')).toHaveLength(0);
    expect(findings(r, 'AM-LAMBDA-2')).toHaveLength(0);
  });

  test('AM-LAMBDA-1: nodejs18.x and a python runtime are caught', () => {
    const { app, stack } = testStack();
    new LambdaFunction(stack, 'a', fn({ runtime: 'nodejs18.x' }));
    new LambdaFunction(stack, 'b', fn({ functionName: 'b', runtime: 'python3.12' }));
    expect(findings(check(app), 'AM-LAMBDA-1').map((f) => f.address)).toEqual([
      'aws_lambda_function.a',
      'aws_lambda_function.b',
    ]);
  });

  test('AM-LAMBDA-2: a secret-looking environment variable is caught', () => {
    const { app, stack } = testStack();
    new LambdaFunction(stack, 'a', fn({ environment: { variables: { GITHUB_TOKEN: 'x' } } }));
    expect(findings(check(app), 'AM-LAMBDA-2')[0]!.message).toMatch(/GITHUB_TOKEN/);
  });
});
