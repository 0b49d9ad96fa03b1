import { routingRules } from './routing';

const token = '${aws_secretsmanager_secret_version.t.secret_string}';
const cp = {
  paths: ['/mockserver/*', '/_mockserver_*'],
  targetGroupArn: 'arn:tg/control',
  header: { name: 'x-automock-control-token', value: token },
};

describe('routingRules', () => {
  it('orders protected paths first, then path targets, then the data plane', () => {
    const { rules, defaultAction } = routingRules('T', {
      protectedPaths: { ...cp, sourceCidrs: ['10.0.0.0/16'] },
      pathTargets: [{ paths: ['/api/*'], targetGroupArn: 'arn:tg/api2' }],
      defaultTargetGroupArn: 'arn:tg/api',
      allowedCidrs: ['203.0.113.0/24'],
    });
    expect(rules.map((r) => r.id)).toEqual([
      'ControlPlaneToken',
      'ControlPlaneNetwork',
      'ControlPlaneDeny',
      'PathRule0',
      'DataPlane',
    ]);
    expect(rules[3]!.conditions).toEqual([
      { pathPattern: { values: ['/api/*'] } },
      { sourceIp: { values: ['203.0.113.0/24'] } },
    ]);
    expect(defaultAction.type).toBe('fixed-response');
  });

  it('forwards by default when the data plane is open and there is no host', () => {
    const { rules, defaultAction } = routingRules('T', { defaultTargetGroupArn: 'arn:tg/api' });
    expect(rules).toEqual([]);
    expect(defaultAction).toEqual({ type: 'forward', targetGroupArn: 'arn:tg/api' });
  });

  it('refuses a literal or short header value, or one with ALB wildcards', () => {
    for (const value of ['secret', 'a'.repeat(40) + '*'])
      expect(() =>
        routingRules('T', {
          protectedPaths: { ...cp, header: { ...cp.header, value } },
          defaultTargetGroupArn: 'x',
        }),
      ).toThrow(/T.protectedPaths.header.value: got "a literal/);
  });

  it('refuses a rule with more than 5 condition values', () => {
    expect(() =>
      routingRules('T', {
        host: 'a.example.com',
        protectedPaths: { ...cp, sourceCidrs: ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16'] },
        defaultTargetGroupArn: 'x',
      }),
    ).toThrow(/rule ControlPlaneNetwork needs 6 condition values, an ALB rule takes at most 5/);
  });

  it('refuses an empty allow list', () => {
    expect(() => routingRules('T', { defaultTargetGroupArn: 'x', allowedCidrs: [] })).toThrow(
      /T.allowedCidrs: got \[\]/,
    );
  });
});
