import {
  defineWorkload,
  type Environment,
  type HttpApi,
  type ResolvedService,
  type WorkloadInput,
} from '@automock/core';
import { TerraformOutput, Testing } from 'cdktf';
import { httpApiBuilder } from './http-api';
import { servicesBuilder } from './services';
import { testWorkloadContext, testWorkloadEnvironment } from './testing';

const DOMAIN = { name: 'dev.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const POOL = {
  kind: 'userPool',
  name: 'users',
  arn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI',
  attributes: {
    id: 'us-east-1_AbCdEfGhI',
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI',
    'client:web': 'client-web-id',
    'client:cli': 'client-cli-id',
  },
};

function resolved(httpApi: WorkloadInput['httpApi'], env: Environment): HttpApi {
  const w = defineWorkload(
    {
      name: 'shop',
      environments: ['dev'],
      identity: { clients: [{ name: 'web' }, { name: 'cli' }] },
      services: [
        {
          name: 'backend',
          image: 'nginx:1.27',
          port: 8080,
          routing: { kind: 'shared', paths: ['/shop', '/shop/*'] },
        },
      ],
      httpApi,
    },
    env,
  );
  return w.sections.httpApi as HttpApi;
}

function build(httpApi: WorkloadInput['httpApi'], domain = false) {
  const env = testWorkloadEnvironment(domain ? { domain: DOMAIN } : {});
  const ctx = testWorkloadContext({
    env,
    refs: [POOL],
    sharedAlb: {
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/1',
      securityGroupId: 'sg-shared-alb',
      listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/${domain ? 'https' : 'http'}`,
      listenerProtocol: domain ? 'HTTPS' : 'HTTP',
    },
  });
  httpApiBuilder.build(resolved(httpApi, env), ctx);
  const ref = ctx.provided.get('httpApi/api')!;
  new TerraformOutput(ctx.stack, 'url', { value: ref.attributes!.url });
  const json = JSON.parse(Testing.synth(ctx.stack));
  const all = (type: string): any[] => Object.values(json.resource[type] ?? {});
  return { ctx, ref, json, all };
}

describe('httpApi builder', () => {
  test("routes the services' ALB paths through a VPC link in the private subnets to the shared ALB's HTTP listener", () => {
    const { all } = build({});
    expect(all('aws_apigatewayv2_api')[0].name).toBe('automock-dev-shop');
    expect(all('aws_apigatewayv2_route').map((r) => r.route_key)).toEqual([
      'ANY /shop',
      'ANY /shop/{proxy+}',
    ]);
    expect(all('aws_apigatewayv2_vpc_link')[0].subnet_ids).toEqual([
      'subnet-private-a',
      'subnet-private-b',
    ]);
    const [integration] = all('aws_apigatewayv2_integration');
    expect(integration.integration_uri).toMatch(/listener\/app\/shared\/1\/http$/);
    expect(integration.tls_config).toBeUndefined();
    expect(all('aws_vpc_security_group_egress_rule')[0]).toEqual(
      expect.objectContaining({ referenced_security_group_id: 'sg-shared-alb', from_port: 80 }),
    );
    expect(all('aws_vpc_security_group_ingress_rule')[0]).toEqual(
      expect.objectContaining({ security_group_id: 'sg-shared-alb', from_port: 80, to_port: 80 }),
    );
    expect(all('aws_security_group')[0].name).toBe('automock-dev-shop-http-api');
  });

  test('the access log goes to /<prefix>/<env>/<workload>/http-api, kept as the environment keeps logs', () => {
    const { all } = build({});
    expect(all('aws_cloudwatch_log_group')).toEqual([
      expect.objectContaining({
        name: '/automock/dev/shop/http-api',
        retention_in_days: testWorkloadEnvironment().logRetentionDays,
      }),
    ]);
  });

  test("the authorizer trusts the workload's pool and the named clients' ids", () => {
    const { all } = build({ authorizer: { userPool: 'users', clients: ['web'] } });
    expect(all('aws_apigatewayv2_authorizer')[0].jwt_configuration).toEqual({
      issuer: POOL.attributes.issuer,
      audience: ['client-web-id'],
    });
    for (const r of all('aws_apigatewayv2_route')) expect(r.authorization_type).toBe('JWT');
    expect(
      build({ authorizer: { userPool: 'users' } }).all('aws_apigatewayv2_authorizer')[0]
        .jwt_configuration.audience,
    ).toEqual(['client-web-id', 'client-cli-id']);
  });

  test('with a domain: the HTTPS listener over TLS verified as <workload>.<domain>, and the API at its custom domain', () => {
    const { all, json, ref } = build({}, true);
    expect(ref.name).toBe('api');
    const [integration] = all('aws_apigatewayv2_integration');
    expect(integration.integration_uri).toMatch(/\/https$/);
    expect(integration.tls_config).toEqual({ server_name_to_verify: 'shop.dev.example.com' });
    expect(all('aws_vpc_security_group_egress_rule')[0].from_port).toBe(443);
    expect(all('aws_apigatewayv2_domain_name')[0].domain_name).toBe('shop-api.dev.example.com');
    expect(json.output.url.value).toBe('https://shop-api.dev.example.com');
    expect(ref.kind).toBe('httpApi');
  });

  test('the longest legal names fit every limit AWS documents', () => {
    // A 20-character prefix, a 12-character environment, a 24-character workload and a
    // 62-character domain (the longest the shared ALB's *.<domain> certificate allows).
    const domain = { name: `${'d'.repeat(50)}.example.com`, hostedZoneId: DOMAIN.hostedZoneId };
    const env = testWorkloadEnvironment({
      name: 'hostroutedaa',
      prefix: 'p'.repeat(20),
      domain,
    });
    const workload = `${'n'.repeat(23)}x`;
    const w = defineWorkload(
      {
        name: workload,
        environments: [env.name],
        identity: { clients: [{ name: 'web' }] },
        services: [
          {
            name: 'b'.repeat(32),
            image: 'nginx:1.27',
            port: 8080,
            routing: { kind: 'shared', paths: ['/api', '/api/*'] },
          },
        ],
        // <workload>-api.<domain> would be 91 characters: the shortest prefix makes 64
        httpApi: { authorizer: { userPool: 'users' }, domain: { prefix: 'a' } },
      },
      env,
    );
    const ctx = testWorkloadContext({
      env,
      workload,
      refs: [POOL],
      sharedAlb: {
        arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/1',
        securityGroupId: 'sg-shared-alb',
        listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/2',
        listenerProtocol: 'HTTPS',
      },
    });
    httpApiBuilder.build(w.sections.httpApi as HttpApi, ctx);
    const json = JSON.parse(Testing.synth(ctx.stack));
    const one = (type: string): any => Object.values(json.resource[type])[0];
    const limits: [string, string, number][] = [
      ['API name', one('aws_apigatewayv2_api').name, 128],
      ['VPC link name', one('aws_apigatewayv2_vpc_link').name, 128],
      ['security group name', one('aws_security_group').name, 255],
      ['log group name', one('aws_cloudwatch_log_group').name, 512],
      ['custom domain (ACM first name)', one('aws_apigatewayv2_domain_name').domain_name, 64],
      ['certificate domain', one('aws_acm_certificate').domain_name, 64],
      [
        'TLS server name',
        one('aws_apigatewayv2_integration').tls_config.server_name_to_verify,
        253,
      ],
    ];
    for (const [what, value, max] of limits)
      expect([what, value.length <= max]).toEqual([what, true]);
    expect(one('aws_apigatewayv2_domain_name').domain_name).toHaveLength(64);
  });

  test('a service the API fronts admits only the VPC on the shared ALB, unless its route is direct', () => {
    const env = testWorkloadEnvironment();
    const rulesOf = (direct: boolean) => {
      const w = defineWorkload(
        {
          name: 'shop',
          environments: ['dev'],
          services: [
            {
              name: 'backend',
              image: 'nginx:1.27',
              port: 8080,
              routing: { kind: 'shared', paths: ['/shop', '/shop/*'] },
            },
            {
              name: 'site',
              image: 'nginx:1.27',
              port: 8080,
              routing: { kind: 'shared', paths: ['/site', '/site/*'] },
            },
          ],
          httpApi: { routes: [{ service: 'backend', direct }] },
        },
        env,
      );
      const ctx = testWorkloadContext({
        env,
        sections: w.sections,
        sharedAlb: {
          arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/1',
          securityGroupId: 'sg-shared-alb',
          listenerArn:
            'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/1/2',
        },
      });
      servicesBuilder.build(w.sections.services as readonly ResolvedService[], ctx);
      const json = JSON.parse(Testing.synth(ctx.stack));
      return Object.values(json.resource.aws_lb_listener_rule) as any[];
    };
    const byPath = (rules: any[], path: string) =>
      rules.find((r) => JSON.stringify(r.condition).includes(`"${path}"`)).condition;
    const fronted = rulesOf(false);
    expect(byPath(fronted, '/shop')).toEqual([
      { path_pattern: { values: ['/shop', '/shop/*'] } },
      { source_ip: { values: ['10.0.0.0/16'] } },
    ]);
    // a service the API does not route keeps its rule open
    expect(byPath(fronted, '/site')).toEqual([{ path_pattern: { values: ['/site', '/site/*'] } }]);
    expect(byPath(rulesOf(true), '/shop')).toEqual([
      { path_pattern: { values: ['/shop', '/shop/*'] } },
    ]);
  });

  test("throws without the environment's shared ALB", () => {
    const env = testWorkloadEnvironment();
    const ctx = testWorkloadContext({ env, refs: [POOL] });
    expect(() => httpApiBuilder.build(resolved({}, env), ctx)).toThrow(/shared ALB/);
  });
});
