import { Testing } from 'cdktf';
import { ServiceAlarms } from './ServiceAlarms';
import { resources, testStack } from './testing/fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:automock-dev-alerts';

function alarms(includeLoadBalancer5xx = false) {
  const stack = testStack();
  new ServiceAlarms(stack, 'Alarms', {
    namePrefix: 'automock-dev-petstore-mockserver',
    topicArns: [TOPIC],
    clusterName: 'automock-dev',
    serviceName: 'svc',
    loadBalancerArnSuffix: 'app/alb/1',
    targetGroupArnSuffixes: { api: 'targetgroup/api/1', dashboard: 'targetgroup/dash/2' },
    includeLoadBalancer5xx,
  });
  const all = Object.values(
    resources(JSON.parse(Testing.synth(stack)), 'aws_cloudwatch_metric_alarm'),
  ) as any[];
  return (suffix: string) => all.filter((a) => a.alarm_name.endsWith(suffix));
}

describe('ServiceAlarms (default thresholds)', () => {
  const find = alarms();

  it('critical: UnHealthyHostCount > 0 for 5 minutes, per target group', () => {
    const [a] = find('critical-api-unhealthy-hosts');
    expect(a).toMatchObject({
      metric_name: 'UnHealthyHostCount',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
      dimensions: { TargetGroup: 'targetgroup/api/1', LoadBalancer: 'app/alb/1' },
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    });
    expect(find('critical-dashboard-unhealthy-hosts')).toHaveLength(1);
  });

  it('critical: more than 10 5XX in 5 minutes', () => {
    const [a] = find('critical-api-5xx');
    expect(a).toMatchObject({
      metric_name: 'HTTPCode_Target_5XX_Count',
      statistic: 'Sum',
      period: 300,
      evaluation_periods: 1,
      threshold: 10,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: [TOPIC],
    });
    expect(find('critical-alb-5xx')).toHaveLength(0);
  });

  it.each([
    ['cpu', 'CPUUtilization'],
    ['memory', 'MemoryUtilization'],
  ])('warning: %s > 70%% for 10 minutes', (key, metric) => {
    const [a] = find(`warning-${key}-high`);
    expect(a).toMatchObject({
      metric_name: metric,
      threshold: 70,
      comparison_operator: 'GreaterThanThreshold',
      period: 300,
      evaluation_periods: 2,
      alarm_actions: [TOPIC],
    });
    expect(a.period * a.evaluation_periods).toBe(600);
  });

  it('adds the ALB 5XX alarm on an ALB the project owns', () => {
    const [a] = alarms(true)('critical-alb-5xx');
    expect(a).toMatchObject({
      metric_name: 'HTTPCode_ELB_5XX_Count',
      threshold: 10,
      dimensions: { LoadBalancer: 'app/alb/1' },
    });
  });
});
