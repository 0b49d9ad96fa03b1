import { Lb, LbConfig } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import {
  LbListenerRule,
  type LbListenerRuleConfig,
} from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformStack } from 'cdktf';
import { check, findings, PROD, testStack } from '../testing/fixtures';

function alb(stack: TerraformStack, over: Partial<LbConfig> = {}): Lb {
  return new Lb(stack, 'alb', {
    name: 'automock-dev',
    loadBalancerType: 'application',
    subnets: ['subnet-1', 'subnet-2'],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    ...over,
  });
}

function httpsListener(stack: TerraformStack, lb: Lb, sslPolicy?: string) {
  return new LbListener(stack, 'https', {
    loadBalancerArn: lb.arn,
    port: 443,
    protocol: 'HTTPS',
    certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x',
    ...(sslPolicy ? { sslPolicy } : {}),
    defaultAction: [
      { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404' } },
    ],
  });
}

describe('load balancer rules', () => {
  test('an ALB that drops invalid headers, with a TLS 1.3 listener, passes AM-ELB-1..4 in prod', () => {
    const { app, stack } = testStack(PROD);
    httpsListener(stack, alb(stack), 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    const r = check(app, PROD);
    for (const id of ['AM-ELB-1', 'AM-ELB-2', 'AM-ELB-3', 'AM-ELB-4'])
      expect(findings(r, id)).toHaveLength(0);
  });

  test('AM-ELB-1: an ALB that forwards invalid headers is caught', () => {
    const { app, stack } = testStack();
    alb(stack, { dropInvalidHeaderFields: false });
    expect(findings(check(app), 'AM-ELB-1').map((f) => f.address)).toEqual(['aws_lb.alb']);
  });

  test('AM-ELB-1: network load balancers are not judged (they do not parse HTTP)', () => {
    const { app, stack } = testStack();
    alb(stack, { loadBalancerType: 'network', dropInvalidHeaderFields: undefined });
    expect(findings(check(app), 'AM-ELB-1')).toHaveLength(0);
  });

  test.each([undefined, 'ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-TLS13-1-1-2021-06'])(
    'AM-ELB-2: HTTPS listener with policy %s is caught',
    (policy) => {
      const { app, stack } = testStack();
      httpsListener(stack, alb(stack), policy);
      const r = check(app);
      expect(findings(r, 'AM-ELB-2')).toHaveLength(1);
      expect(findings(r, 'AM-ELB-3')).toHaveLength(0);
    },
  );

  test('AM-ELB-3: a TLS 1.2-only policy passes AM-ELB-2 but warns', () => {
    const { app, stack } = testStack(PROD);
    httpsListener(stack, alb(stack), 'ELBSecurityPolicy-TLS-1-2-2017-01');
    const r = check(app, PROD);
    expect(findings(r, 'AM-ELB-2')).toHaveLength(0);
    expect(findings(r, 'AM-ELB-3').map((f) => f.severity)).toEqual(['warning']);
  });

  test('AM-ELB-4: no deletion protection is an error in prod and not checked in dev', () => {
    const prod = testStack(PROD);
    alb(prod.stack, { enableDeletionProtection: false });
    expect(findings(check(prod.app, PROD), 'AM-ELB-4').map((f) => f.severity)).toEqual(['error']);
    const dev = testStack();
    alb(dev.stack, { enableDeletionProtection: false });
    expect(findings(check(dev.app), 'AM-ELB-4')).toHaveLength(0);
  });
});

describe('AM-ELB-8: database admin UIs behind a listener', () => {
  const paths = { pathPattern: { values: ['/pgadmin', '/pgadmin/*'] } };
  type RuleOver = (token: SecretsmanagerSecretVersion) => Partial<LbListenerRuleConfig>;

  function caught(
    rule: RuleOver | undefined,
    opts: { image?: string; defaultForward?: boolean } = {},
  ) {
    const { app, stack } = testStack();
    const lb = alb(stack);
    const tg = new LbTargetGroup(stack, 'tg', {
      name: 'automock-dev-ledger-pgadmin',
      port: 8080,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: 'vpc-1',
    });
    const listener = new LbListener(stack, 'http', {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [
        opts.defaultForward
          ? { type: 'forward', targetGroupArn: tg.arn }
          : {
              type: 'fixed-response',
              fixedResponse: { contentType: 'text/plain', statusCode: '404' },
            },
      ],
    });
    const td = new EcsTaskDefinition(stack, 'td', {
      family: 'automock-dev-ledger-pgadmin',
      containerDefinitions: JSON.stringify([
        { name: 'pgadmin', image: opts.image ?? 'dpage/pgadmin4:9.11', essential: true },
      ]),
    });
    new EcsService(stack, 'svc', {
      name: 'automock-dev-ledger-pgadmin',
      taskDefinition: td.arn,
      loadBalancer: [{ targetGroupArn: tg.arn, containerName: 'pgadmin', containerPort: 8080 }],
    });
    const token = new SecretsmanagerSecretVersion(stack, 'token', {
      secretId: 'automock/dev/ledger/pgadmin/control-token',
      secretString: 'generated',
    });
    if (rule)
      new LbListenerRule(stack, 'rule', {
        listenerArn: listener.arn,
        priority: 100,
        condition: [paths],
        action: [{ type: 'forward', targetGroupArn: tg.arn }],
        ...rule(token),
      });
    return findings(check(app), 'AM-ELB-8').map((f) => [f.address, f.severity, f.message]);
  }
  const RULE = [
    'aws_lb_listener_rule.rule',
    'error',
    expect.stringMatching(/dpage\/pgadmin4:9.11/),
  ];

  test('a path-only rule, a literal header or the internet as source is caught', () => {
    expect(caught(() => ({}))).toEqual([RULE]);
    expect(
      caught(() => ({
        condition: [paths, { httpHeader: { httpHeaderName: 'x-token', values: ['letmein'] } }],
      })),
    ).toEqual([RULE]);
    expect(caught(() => ({ condition: [paths, { sourceIp: { values: ['0.0.0.0/0'] } }] }))).toEqual(
      [RULE],
    );
    // A weighted forward reaches it just the same.
    expect(
      caught(() => ({
        action: [
          {
            type: 'forward',
            forward: { targetGroup: [{ arn: '${aws_lb_target_group.tg.arn}', weight: 1 }] },
          },
        ],
      })),
    ).toEqual([RULE]);
  });

  test('a listener whose default forwards to the admin UI is caught', () => {
    expect(caught(undefined, { defaultForward: true })).toEqual([
      ['aws_lb_listener.http', 'error', expect.stringMatching(/forwards every request/)],
    ]);
  });

  test('a secret header, non-internet CIDRs or authentication pass; other images are not judged', () => {
    expect(
      caught((token) => ({
        condition: [
          paths,
          {
            httpHeader: {
              httpHeaderName: 'x-automock-control-token',
              values: [token.secretString],
            },
          },
        ],
      })),
    ).toEqual([]);
    expect(
      caught(() => ({ condition: [paths, { sourceIp: { values: ['10.20.0.0/16'] } }] })),
    ).toEqual([]);
    expect(
      caught(() => ({
        action: [
          {
            type: 'authenticate-cognito',
            order: 1,
            authenticateCognito: {
              userPoolArn: 'arn:aws:cognito-idp:us-east-1:111111111111:userpool/x',
              userPoolClientId: 'c',
              userPoolDomain: 'd',
            },
          },
          { type: 'forward', order: 2, targetGroupArn: '${aws_lb_target_group.tg.arn}' },
        ],
      })),
    ).toEqual([]);
    expect(caught(() => ({}), { image: 'public.ecr.aws/nginx/nginx:1.27' })).toEqual([]);
  });
});
