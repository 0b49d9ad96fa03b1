import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import {
  Apigatewayv2Stage,
  Apigatewayv2StageConfig,
} from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { TerraformStack } from 'cdktf';
import { check, findings, testStack } from '../testing/fixtures';

const CERT = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';

function api(stack: TerraformStack) {
  return new Apigatewayv2Api(stack, 'api', { name: 'automock-dev-shop', protocolType: 'HTTP' });
}

function stage(over: Partial<Apigatewayv2StageConfig> = {}) {
  const t = testStack();
  const a = api(t.stack);
  const logs = new CloudwatchLogGroup(t.stack, 'logs', {
    name: '/automock/dev/shop/http-api',
    retentionInDays: 30,
  });
  new Apigatewayv2Stage(t.stack, 'stage', {
    apiId: a.id,
    name: '$default',
    autoDeploy: true,
    accessLogSettings: { destinationArn: logs.arn, format: '{"requestId":"$context.requestId"}' },
    defaultRouteSettings: { throttlingBurstLimit: 100, throttlingRateLimit: 50 },
    ...over,
  });
  return check(t.app);
}

describe('API Gateway rules (issue 14, httpApi)', () => {
  test('AM-APIGW-1: a stage with an access log passes; one without is an error', () => {
    expect(findings(stage(), 'AM-APIGW-1')).toHaveLength(0);
    const f = findings(stage({ accessLogSettings: undefined }), 'AM-APIGW-1');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0]!.message).toContain('access_log_settings');
  });

  test('AM-APIGW-2: a stage throttling its default route passes; one without limits is an error', () => {
    expect(findings(stage(), 'AM-APIGW-2')).toHaveLength(0);
    expect(
      findings(stage({ defaultRouteSettings: undefined }), 'AM-APIGW-2').map((x) => x.severity),
    ).toEqual(['error']);
    expect(
      findings(stage({ defaultRouteSettings: { throttlingBurstLimit: 100 } }), 'AM-APIGW-2'),
    ).toHaveLength(1);
  });

  test('AM-APIGW-3: a TLS 1.2 custom domain passes; TLS_1_0 is an error', () => {
    const domain = (securityPolicy: string) => {
      const t = testStack();
      new Apigatewayv2DomainName(t.stack, 'domain', {
        domainName: 'shop-api.dev.example.com',
        domainNameConfiguration: { certificateArn: CERT, endpointType: 'REGIONAL', securityPolicy },
      });
      return check(t.app);
    };
    expect(findings(domain('TLS_1_2'), 'AM-APIGW-3')).toHaveLength(0);
    const f = findings(domain('TLS_1_0'), 'AM-APIGW-3');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0]!.message).toContain('TLS_1_0');
  });

  test('AM-APIGW-4: routes with a JWT authorizer pass; an open route is an error unless suppressed with a reason', () => {
    const routes = (authorizationType?: string) => {
      const t = testStack();
      const a = api(t.stack);
      new Apigatewayv2Route(t.stack, 'route', {
        apiId: a.id,
        routeKey: 'ANY /orders/{proxy+}',
        ...(authorizationType ? { authorizationType } : {}),
        ...(authorizationType === 'JWT' ? { authorizerId: 'abc123' } : {}),
      });
      return t.app;
    };
    expect(findings(check(routes('JWT')), 'AM-APIGW-4')).toHaveLength(0);
    for (const open of [undefined, 'NONE']) {
      const f = findings(check(routes(open)), 'AM-APIGW-4');
      expect([open, f.map((x) => x.severity)]).toEqual([open, ['error']]);
      expect(f[0]!.message).toContain('ANY /orders/{proxy+}');
    }
    const report = check(routes('NONE'), undefined, {
      projectFor: () => ({
        name: 'shop',
        suppressions: [{ id: 'AM-APIGW-4', reason: 'a public read-only catalogue, no user data' }],
      }),
    });
    expect(findings(report, 'AM-APIGW-4')).toEqual([]);
  });
});
