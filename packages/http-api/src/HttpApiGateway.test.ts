// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { ACCESS_LOG_FORMAT, HttpApiGateway, type HttpApiGatewayProps } from './index';

type Json = Record<string, any>;

const POOL = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const props: HttpApiGatewayProps = {
  name: 'automock-dev-shop',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-private-a', 'subnet-private-b'],
  securityGroupName: 'automock-dev-shop-http-api',
  target: {
    listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/a/1/2',
    securityGroupId: 'sg-alb',
    port: 80,
    protocol: 'HTTP',
  },
  routePaths: ['/orders', '/myapp'],
  throttling: { burstLimit: 100, rateLimit: 50 },
  accessLog: { logGroupName: '/aws/apigateway/automock-dev-shop', retentionDays: 30 },
};
const AUTH = { issuer: POOL, audience: ['client-web', 'client-cli'] };
const DOMAIN = { name: 'shop-api.dev.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function synth(over: Partial<HttpApiGatewayProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const api = new HttpApiGateway(stack, 'Api', { ...props, ...over });
  new TerraformOutput(stack, 'url', { value: api.url });
  const text = Testing.synth(stack);
  const json: Json = JSON.parse(text);
  const all = (type: string) => Object.values(json.resource[type] ?? {}) as Json[];
  const ref = (type: string, attr = 'id') => {
    const [key] = Object.keys(json.resource[type] ?? {});
    return `\${${type}.${key}.${attr}}`;
  };
  return { api, json, all, ref, text, stack };
}

describe('HttpApiGateway', () => {
  test('an HTTP API whose routes ANY <path> and ANY <path>/{proxy+} all go to one VPC-link integration', () => {
    const { all, ref } = synth();
    expect(all('aws_apigatewayv2_api')).toEqual([
      expect.objectContaining({
        name: 'automock-dev-shop',
        protocol_type: 'HTTP',
        disable_execute_api_endpoint: false,
      }),
    ]);
    expect(all('aws_apigatewayv2_route').map((r) => r.route_key)).toEqual([
      'ANY /orders',
      'ANY /orders/{proxy+}',
      'ANY /myapp',
      'ANY /myapp/{proxy+}',
    ]);
    for (const r of all('aws_apigatewayv2_route'))
      expect(r.target).toBe(`integrations/${ref('aws_apigatewayv2_integration')}`);
    expect(all('aws_apigatewayv2_integration')).toEqual([
      expect.objectContaining({
        integration_type: 'HTTP_PROXY',
        integration_method: 'ANY',
        connection_type: 'VPC_LINK',
        connection_id: ref('aws_apigatewayv2_vpc_link'),
        integration_uri: props.target.listenerArn,
      }),
    ]);
    expect(all('aws_apigatewayv2_integration')[0]!.tls_config).toBeUndefined();
  });

  test('an HTTPS listener is reached over TLS, verifying the name its certificate covers', () => {
    const { all } = synth({
      target: { ...props.target, port: 443, protocol: 'HTTPS', serverName: 'shop.dev.example.com' },
    });
    expect(all('aws_apigatewayv2_integration')[0]!.tls_config).toEqual({
      server_name_to_verify: 'shop.dev.example.com',
    });
    expect(() => synth({ target: { ...props.target, port: 443, protocol: 'HTTPS' } })).toThrow(
      /target\.serverName/,
    );
  });

  test('the JWT authorizer trusts the pool as issuer and its clients as audience, on every route', () => {
    const { all, ref } = synth({ authorizer: { ...AUTH, scopes: ['orders/read'] } });
    expect(all('aws_apigatewayv2_authorizer')).toEqual([
      expect.objectContaining({
        authorizer_type: 'JWT',
        identity_sources: ['$request.header.Authorization'],
        jwt_configuration: { issuer: POOL, audience: ['client-web', 'client-cli'] },
      }),
    ]);
    const routes = all('aws_apigatewayv2_route');
    expect(routes).toHaveLength(4);
    for (const r of routes)
      expect(r).toEqual(
        expect.objectContaining({
          authorization_type: 'JWT',
          authorizer_id: ref('aws_apigatewayv2_authorizer'),
          authorization_scopes: ['orders/read'],
        }),
      );
  });

  test('without an authorizer every route says NONE, and there is no authorizer', () => {
    const { all } = synth();
    expect(all('aws_apigatewayv2_authorizer')).toEqual([]);
    for (const r of all('aws_apigatewayv2_route')) {
      expect(r.authorization_type).toBe('NONE');
      expect(r.authorizer_id).toBeUndefined();
    }
    expect(() => synth({ authorizer: { issuer: POOL, audience: [] } })).toThrow(/audience/);
  });

  test('the $default stage deploys automatically and logs every request as JSON to its log group', () => {
    const { all, ref } = synth();
    const [stage] = all('aws_apigatewayv2_stage');
    expect(stage).toEqual(
      expect.objectContaining({
        name: '$default',
        auto_deploy: true,
        api_id: ref('aws_apigatewayv2_api'),
      }),
    );
    expect(stage!.access_log_settings.destination_arn).toBe(ref('aws_cloudwatch_log_group', 'arn'));
    const format = JSON.parse(stage!.access_log_settings.format);
    expect(format).toEqual(ACCESS_LOG_FORMAT);
    expect(format).toEqual(
      expect.objectContaining({ requestId: '$context.requestId', status: '$context.status' }),
    );
    expect(all('aws_cloudwatch_log_group')).toEqual([
      { name: '/aws/apigateway/automock-dev-shop', retention_in_days: 30 },
    ]);
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(
      synth({ accessLog: { ...props.accessLog, kmsKeyArn: key } }).all(
        'aws_cloudwatch_log_group',
      )[0]!.kms_key_id,
    ).toBe(key);
  });

  test('every route is throttled by the stage’s default route settings', () => {
    const [stage] = synth({ throttling: { burstLimit: 20, rateLimit: 7.5 } }).all(
      'aws_apigatewayv2_stage',
    );
    expect(stage!.default_route_settings).toEqual({
      throttling_burst_limit: 20,
      throttling_rate_limit: 7.5,
    });
  });

  test('the VPC link sits in the private subnets given, behind its own security group', () => {
    const { all, ref } = synth();
    expect(all('aws_apigatewayv2_vpc_link')).toEqual([
      {
        name: 'automock-dev-shop',
        subnet_ids: ['subnet-private-a', 'subnet-private-b'],
        security_group_ids: [ref('aws_security_group')],
      },
    ]);
    const [sg] = all('aws_security_group');
    expect(sg).toEqual(
      expect.objectContaining({ name: 'automock-dev-shop-http-api', vpc_id: 'vpc-1' }),
    );
    // No inline rules: Terraform drops AWS's default allow-all egress.
    expect(sg!.egress).toBeUndefined();
    expect(sg!.ingress).toBeUndefined();
  });

  test('the link may reach only the load balancer on its listener port, which admits the link', () => {
    const { all, ref } = synth({
      target: { ...props.target, port: 443, protocol: 'HTTPS', serverName: 'x.dev.example.com' },
    });
    expect(all('aws_vpc_security_group_egress_rule')).toEqual([
      expect.objectContaining({
        security_group_id: ref('aws_security_group'),
        referenced_security_group_id: 'sg-alb',
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      }),
    ]);
    expect(all('aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        security_group_id: 'sg-alb',
        referenced_security_group_id: ref('aws_security_group'),
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
      }),
    ]);
    const text = JSON.stringify([
      ...all('aws_vpc_security_group_egress_rule'),
      ...all('aws_vpc_security_group_ingress_rule'),
    ]);
    expect(text).not.toContain('0.0.0.0/0');
    expect(text).not.toContain('cidr_ipv4');
  });

  test('a custom domain: DNS-validated certificate, regional TLS 1.2 domain, root mapping, alias; execute-api off', () => {
    const { all, ref, json } = synth({ domain: DOMAIN });
    expect(all('aws_acm_certificate')).toEqual([
      expect.objectContaining({ domain_name: DOMAIN.name, validation_method: 'DNS' }),
    ]);
    expect(all('aws_acm_certificate_validation')).toHaveLength(1);
    const [domain] = all('aws_apigatewayv2_domain_name');
    expect(domain!.domain_name).toBe(DOMAIN.name);
    expect(domain!.domain_name_configuration).toEqual({
      certificate_arn: ref('aws_acm_certificate_validation', 'certificate_arn'),
      endpoint_type: 'REGIONAL',
      security_policy: 'TLS_1_2',
    });
    expect(all('aws_apigatewayv2_api_mapping')).toEqual([
      expect.objectContaining({
        api_id: ref('aws_apigatewayv2_api'),
        domain_name: ref('aws_apigatewayv2_domain_name'),
        stage: ref('aws_apigatewayv2_stage'),
      }),
    ]);
    const alias = all('aws_route53_record').find((r) => r.type === 'A');
    expect(alias).toEqual(
      expect.objectContaining({ zone_id: DOMAIN.hostedZoneId, name: DOMAIN.name }),
    );
    expect(alias!.alias.name).toContain('domain_name_configuration[0].target_domain_name');
    expect(all('aws_apigatewayv2_api')[0]!.disable_execute_api_endpoint).toBe(true);
    expect(json.output.url.value).toBe(`https://${DOMAIN.name}`);
  });

  test('without a domain: no certificate, no domain name, the stage URL', () => {
    const { all, json } = synth();
    for (const t of [
      'aws_acm_certificate',
      'aws_apigatewayv2_domain_name',
      'aws_apigatewayv2_api_mapping',
      'aws_route53_record',
    ])
      expect([t, all(t)]).toEqual([t, []]);
    expect(json.output.url.value).toMatch(/aws_apigatewayv2_stage\.[^.]+\.invoke_url/);
  });

  test('CORS is the API’s, answered by API Gateway', () => {
    const cors = {
      allowOrigins: ['https://app.example.com'],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization'],
      exposeHeaders: [],
      maxAgeSeconds: 600,
      allowCredentials: true,
    };
    expect(synth({ cors }).all('aws_apigatewayv2_api')[0]!.cors_configuration).toEqual({
      allow_origins: ['https://app.example.com'],
      allow_methods: ['GET', 'POST'],
      allow_headers: ['authorization'],
      expose_headers: [],
      max_age: 600,
      allow_credentials: true,
    });
    expect(synth().all('aws_apigatewayv2_api')[0]!.cors_configuration).toBeUndefined();
  });

  test('bad props are refused, naming field, value and rule', () => {
    expect(() => synth({ routePaths: [] })).toThrow(/routePaths.*at least one/s);
    expect(() => synth({ routePaths: ['/a', '/a'] })).toThrow(/must not repeat/);
    expect(() => synth({ routePaths: ['orders'] })).toThrow(/routePaths\[0\]/);
    expect(() => synth({ name: 'x'.repeat(129) })).toThrow(/1-128/);
  });
});
