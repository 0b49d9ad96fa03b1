import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { check, findings, PROD, testStack } from '../testing/fixtures';

describe('Cognito rules (issue 14 identity)', () => {
  test('AM-COG-1: a production pool with deletion protection passes', () => {
    const { app, stack } = testStack(PROD);
    new CognitoUserPool(stack, 'p', { name: 'users', deletionProtection: 'ACTIVE' });
    expect(findings(check(app, PROD), 'AM-COG-1')).toHaveLength(0);
  });

  test('AM-COG-1: a production pool without it is an error; outside production it is not checked', () => {
    const { app, stack } = testStack(PROD);
    new CognitoUserPool(stack, 'off', { name: 'a', deletionProtection: 'INACTIVE' });
    new CognitoUserPool(stack, 'unset', { name: 'b' });
    const f = findings(check(app, PROD), 'AM-COG-1');
    expect(f.map((x) => x.severity)).toEqual(['error', 'error']);
    const dev = testStack();
    new CognitoUserPool(dev.stack, 'p', { name: 'users' });
    expect(findings(check(dev.app), 'AM-COG-1')).toHaveLength(0);
  });

  test('AM-COG-2: 8 characters or more (or Cognito default) passes; fewer is an error', () => {
    const ok = testStack();
    new CognitoUserPool(ok.stack, 'a', { name: 'a', passwordPolicy: { minimumLength: 8 } });
    new CognitoUserPool(ok.stack, 'b', { name: 'b' });
    expect(findings(check(ok.app), 'AM-COG-2')).toHaveLength(0);
    const bad = testStack();
    new CognitoUserPool(bad.stack, 'a', { name: 'a', passwordPolicy: { minimumLength: 6 } });
    expect(findings(check(bad.app), 'AM-COG-2').map((x) => x.severity)).toEqual(['error']);
  });

  test('AM-COG-3: https and http://localhost redirects pass; plain http elsewhere is an error', () => {
    const ok = testStack();
    new CognitoUserPoolClient(ok.stack, 'c', {
      name: 'web',
      userPoolId: 'eu-west-1_abc',
      callbackUrls: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
      logoutUrls: ['https://app.example.com/'],
    });
    expect(findings(check(ok.app), 'AM-COG-3')).toHaveLength(0);
    const bad = testStack();
    new CognitoUserPoolClient(bad.stack, 'c', {
      name: 'web',
      userPoolId: 'eu-west-1_abc',
      callbackUrls: ['http://app.example.com/cb'],
      logoutUrls: ['https://app.example.com/#out'],
    });
    const f = findings(check(bad.app), 'AM-COG-3');
    expect(f.map((x) => x.severity)).toEqual(['error', 'error']);
    expect(f[0]!.message).toMatch(/http:\/\/app\.example\.com/);
  });
});
