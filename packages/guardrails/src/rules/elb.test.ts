import { Lb, LbConfig } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
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
