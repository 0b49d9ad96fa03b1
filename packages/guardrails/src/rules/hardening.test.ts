import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import {
  LbListenerRule,
  LbListenerRuleAction,
  LbListenerRuleCondition,
} from '@cdktf/provider-aws/lib/lb-listener-rule';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { TerraformStack } from 'cdktf';
import { albPatternMatches } from '../alb-routing';
import { check, findings, PROD, testStack } from '../testing/fixtures';

const DIGEST = `@sha256:${'0f'.repeat(32)}`;
const log = {
  logDriver: 'awslogs',
  options: { 'awslogs-group': 'g', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'x' },
};

function task(stack: TerraformStack, containers: Record<string, unknown>[]) {
  return new EcsTaskDefinition(stack, 'td', {
    family: 'automock-dev-petstore-mockserver',
    containerDefinitions: JSON.stringify(
      containers.map((c) => ({ essential: true, logConfiguration: log, ...c })),
    ),
  });
}

const mockserver = {
  name: 'mockserver',
  image: `mockserver/mockserver:9.4.0${DIGEST}`,
  user: '65532:65532',
  readonlyRootFilesystem: true,
};

describe('AM-ECS-4 images pinned by digest', () => {
  test('a digest-pinned image passes', () => {
    const { app, stack } = testStack(PROD);
    task(stack, [mockserver]);
    expect(findings(check(app, PROD), 'AM-ECS-4')).toHaveLength(0);
  });

  test('a tag is a warning outside production and an error in it', () => {
    for (const env of [undefined, PROD]) {
      const { app, stack } = testStack(env);
      task(stack, [{ ...mockserver, image: 'mockserver/mockserver:9.4.0' }]);
      const f = findings(check(app, env), 'AM-ECS-4');
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe(env ? 'error' : 'warning');
      expect(f[0]!.message).toMatch(/container mockserver \(mockserver\/mockserver:9.4.0\)/);
    }
  });
});

describe('AM-ECS-5 non-root, read-only root file system', () => {
  test('a non-root container on a read-only root passes, and so does a labelled exception', () => {
    const { app, stack } = testStack();
    task(stack, [
      mockserver,
      {
        name: 'loader',
        image: `public.ecr.aws/aws-cli/aws-cli:2.22.35${DIGEST}`,
        user: '0',
        readonlyRootFilesystem: true,
        dockerLabels: { 'automock.runs-as-root': 'volumes are owned by root; it chmods them' },
      },
    ]);
    expect(findings(check(app), 'AM-ECS-5')).toHaveLength(0);
  });

  test.each([
    [{ user: undefined }, /runs as the image's user \(unset, may be root\)/],
    [{ user: 'root:root' }, /runs as root \(root:root\)/],
    [{ user: '0' }, /runs as root \(0\)/],
    [{ readonlyRootFilesystem: false }, /has a writable root file system/],
    [
      { user: '0', dockerLabels: { 'automock.runs-as-root': 'because' } },
      /runs as root \(0\)/, // a reason of fewer than 10 characters is no reason
    ],
  ])('%o is caught', (over, message) => {
    const { app, stack } = testStack();
    task(stack, [{ ...mockserver, ...over }]);
    const f = findings(check(app), 'AM-ECS-5');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(message);
  });
});

describe('AM-ELB-5 and AM-ELB-6: who reaches MockServer through the listeners', () => {
  function alb(stack: TerraformStack, defaultForward = true) {
    const lb = new Lb(stack, 'alb', {
      name: 'automock-dev-petstore',
      subnets: ['a', 'b'],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      accessLogs: { bucket: 'logs', enabled: true, prefix: 'projects/petstore' },
    });
    return new LbListener(stack, 'http', {
      loadBalancerArn: lb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [
        defaultForward
          ? { type: 'forward', targetGroupArn: 'arn:tg/api' }
          : {
              type: 'fixed-response',
              fixedResponse: { contentType: 'text/plain', statusCode: '403' },
            },
      ],
    });
  }
  const cp: LbListenerRuleCondition = {
    pathPattern: { values: ['/mockserver/*', '/_mockserver_*'] },
  };
  const forward: LbListenerRuleAction[] = [{ type: 'forward', targetGroupArn: 'arn:tg/control' }];
  const deny: LbListenerRuleAction[] = [
    { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '403' } },
  ];
  function rule(
    stack: TerraformStack,
    id: string,
    listenerArn: string,
    priority: number,
    condition: LbListenerRuleCondition[],
    action: LbListenerRuleAction[],
  ) {
    return new LbListenerRule(stack, id, { listenerArn, priority, condition, action });
  }
  function token(stack: TerraformStack) {
    return new SecretsmanagerSecretVersion(stack, 'token', { secretId: 's', secretString: 'x' })
      .secretString;
  }

  test('token rule, then a refusal, then the data plane: the control plane is closed', () => {
    const { app, stack } = testStack(PROD);
    task(stack, [mockserver]);
    const l = alb(stack);
    rule(
      stack,
      'cpToken',
      l.arn,
      1,
      [cp, { httpHeader: { httpHeaderName: 'x-automock-control-token', values: [token(stack)] } }],
      forward,
    );
    rule(stack, 'cpNet', l.arn, 2, [cp, { sourceIp: { values: ['10.8.0.0/16'] } }], forward);
    rule(stack, 'cpDeny', l.arn, 3, [cp], deny);
    const r = check(app, PROD);
    expect(findings(r, 'AM-ELB-5')).toHaveLength(0);
    // the data plane is still open to the internet: flagged in production
    expect(findings(r, 'AM-ELB-6').map((f) => f.address)).toEqual(['aws_lb_listener.http']);
  });

  test('no control-plane rule at all: the default forward is caught', () => {
    const { app, stack } = testStack();
    task(stack, [mockserver]);
    alb(stack);
    const f = findings(check(app), 'AM-ELB-5');
    expect(f.map((x) => x.address)).toEqual(['aws_lb_listener.http']);
    expect(f[0]!.message).toMatch(
      /forwards \/mockserver\/expectation on aws_lb_listener.http to anyone/,
    );
  });

  test.each<[string, LbListenerRuleCondition]>([
    [
      'a literal header (it is in the JSON)',
      {
        httpHeader: {
          httpHeaderName: 'x-automock-control-token',
          values: ['0123456789abcdef0123456789abcdef'],
        },
      },
    ],
    [
      'a wildcard header',
      { httpHeader: { httpHeaderName: 'x-automock-control-token', values: ['*'] } },
    ],
    ['source 0.0.0.0/0', { sourceIp: { values: ['10.0.0.0/8', '0.0.0.0/0'] } }],
    ['a method (the caller picks it)', { httpRequestMethod: { values: ['PUT'] } }],
  ])('a control-plane rule protected only by %s is caught', (_label, condition) => {
    const { app, stack } = testStack();
    task(stack, [mockserver]);
    const l = alb(stack, false);
    rule(stack, 'cp', l.arn, 1, [cp, condition], forward);
    expect(findings(check(app), 'AM-ELB-5').map((f) => f.address)).toEqual([
      'aws_lb_listener_rule.cp',
    ]);
  });

  test('a refusal placed after a catch-all forward does not help (priority order)', () => {
    const { app, stack } = testStack();
    task(stack, [mockserver]);
    const l = alb(stack, false);
    rule(
      stack,
      'all',
      l.arn,
      1,
      [{ hostHeader: { values: ['petstore.mocks.example.com'] } }],
      forward,
    );
    rule(stack, 'cpDeny', l.arn, 2, [cp], deny);
    expect(findings(check(app), 'AM-ELB-5').map((f) => f.address)).toEqual([
      'aws_lb_listener_rule.all',
    ]);
  });

  test("rules on another stack's listener are judged by their own order; its default is not ours", () => {
    const { app, stack } = testStack(PROD);
    task(stack, [mockserver]);
    const shared = '${data.terraform_remote_state.env.outputs.https_listener_arn}';
    rule(
      stack,
      'cpToken',
      shared,
      10,
      [cp, { httpHeader: { httpHeaderName: 'x', values: [token(stack)] } }],
      forward,
    );
    rule(stack, 'cpDeny', shared, 11, [cp], deny);
    rule(
      stack,
      'host',
      shared,
      12,
      [{ hostHeader: { values: ['p.example.com'] } }, { sourceIp: { values: ['203.0.113.0/24'] } }],
      forward,
    );
    const r = check(app, PROD);
    expect(findings(r, 'AM-ELB-5')).toHaveLength(0);
    expect(findings(r, 'AM-ELB-6')).toHaveLength(0);
  });

  test('stacks without MockServer are not judged by AM-ELB-5/6', () => {
    const { app, stack } = testStack(PROD);
    alb(stack);
    const r = check(app, PROD);
    expect(findings(r, 'AM-ELB-5')).toHaveLength(0);
    expect(findings(r, 'AM-ELB-6')).toHaveLength(0);
  });

  test('ALB path patterns: * spans slashes, ? is one character, case matters', () => {
    expect(albPatternMatches('/mockserver/*', '/mockserver/a/b')).toBe(true);
    expect(albPatternMatches('/mockserver/*', '/mockserverx')).toBe(false);
    expect(albPatternMatches('/_mockserver_*', '/_mockserver_ui_websocket')).toBe(true);
    expect(albPatternMatches('/Mockserver/*', '/mockserver/x')).toBe(false);
    expect(albPatternMatches('/a?c', '/abc')).toBe(true);
  });
});

describe('AM-ELB-7 production ALB access logs', () => {
  test('logs on passes; none is an error in production only', () => {
    const ok = testStack(PROD);
    new Lb(ok.stack, 'alb', {
      name: 'a',
      subnets: ['a', 'b'],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      accessLogs: { bucket: 'logs', enabled: true, prefix: 'shared' },
    });
    expect(findings(check(ok.app, PROD), 'AM-ELB-7')).toHaveLength(0);

    for (const env of [undefined, PROD]) {
      const bad = testStack(env);
      new Lb(bad.stack, 'alb', {
        name: 'a',
        subnets: ['a', 'b'],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: true,
      });
      expect(findings(check(bad.app, env), 'AM-ELB-7').map((f) => f.severity)).toEqual(
        env ? ['error'] : [],
      );
    }
  });
});

describe('AM-SNS-1 topics encrypted with a customer managed key', () => {
  test('a key reference passes', () => {
    const { app, stack } = testStack();
    new SnsTopic(stack, 't', { name: 't', kmsMasterKeyId: '${aws_kms_key.k.arn}' });
    expect(findings(check(app), 'AM-SNS-1')).toHaveLength(0);
  });

  test.each([undefined, 'alias/aws/sns', 'arn:aws:kms:us-east-1:111111111111:alias/aws/sns'])(
    'kms_master_key_id %s is caught',
    (key) => {
      const { app, stack } = testStack();
      new SnsTopic(stack, 't', { name: 't', kmsMasterKeyId: key });
      expect(findings(check(app), 'AM-SNS-1').map((f) => f.address)).toEqual(['aws_sns_topic.t']);
    },
  );
});
