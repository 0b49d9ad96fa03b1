import { Testing } from 'cdktf';
import { DEFAULT_SCALING, ServiceAutoscaling, ServiceAutoscalingProps } from './ServiceAutoscaling';
import { resources, testStack } from './testing/fixtures';

function synth(over: Partial<ServiceAutoscalingProps> = {}) {
  const stack = testStack();
  new ServiceAutoscaling(stack, 'Scaling', {
    namePrefix: 'automock-dev-petstore',
    clusterName: 'automock-dev',
    serviceName: 'automock-dev-petstore-mockserver',
    minTasks: 10,
    maxTasks: 200,
    requests: { loadBalancerArnSuffix: 'app/alb/1', targetGroupArnSuffix: 'targetgroup/tg/2' },
    ...over,
  });
  const json = JSON.parse(Testing.synth(stack));
  const policies = Object.values(resources(json, 'aws_appautoscaling_policy')) as any[];
  const alarms = Object.values(resources(json, 'aws_cloudwatch_metric_alarm')) as any[];
  const policy = (suffix: string) => policies.find((p) => p.name.endsWith(suffix));
  const alarm = (suffix: string) => alarms.find((a) => a.alarm_name.endsWith(suffix));
  return { json, policies, alarms, policy, alarm };
}

// metric value band -> percent change, reading the policy like Application Auto Scaling does
function bands(policy: any, threshold: number) {
  return policy.step_scaling_policy_configuration.step_adjustment.map((s: any) => [
    s.metric_interval_lower_bound === undefined
      ? -Infinity
      : threshold + Number(s.metric_interval_lower_bound),
    s.metric_interval_upper_bound === undefined
      ? Infinity
      : threshold + Number(s.metric_interval_upper_bound),
    s.scaling_adjustment,
  ]);
}

describe('ServiceAutoscaling: the default table', () => {
  const { json, policy, alarm } = synth();

  it('scales between min and max', () => {
    expect(Object.values(resources(json, 'aws_appautoscaling_target'))[0]).toMatchObject({
      min_capacity: 10,
      max_capacity: 200,
      scalable_dimension: 'ecs:service:DesiredCount',
      resource_id: 'service/automock-dev/automock-dev-petstore-mockserver',
    });
  });

  it.each([
    ['cpu', 'CPUUtilization'],
    ['memory', 'MemoryUtilization'],
  ])('%s: +50%% at 70-80, +100%% at 80-90, +200%% above 90', (key, metric) => {
    const a = alarm(`-${key}-high`);
    expect(a).toMatchObject({
      namespace: 'AWS/ECS',
      metric_name: metric,
      statistic: 'Average',
      threshold: 70,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      dimensions: { ClusterName: 'automock-dev', ServiceName: 'automock-dev-petstore-mockserver' },
    });
    const p = policy(`-${key}-scale-out`);
    expect(a.alarm_actions).toEqual([expect.stringContaining('aws_appautoscaling_policy.')]);
    expect(p.step_scaling_policy_configuration).toMatchObject({
      adjustment_type: 'PercentChangeInCapacity',
      min_adjustment_magnitude: 1,
      cooldown: 60,
    });
    expect(bands(p, 70)).toEqual([
      [70, 80, 50],
      [80, 90, 100],
      [90, Infinity, 200],
    ]);
  });

  it('requests per target: +50% at 500-1000/min, +100% above 1000', () => {
    const a = alarm('-requests-high');
    expect(a).toMatchObject({
      namespace: 'AWS/ApplicationELB',
      metric_name: 'RequestCountPerTarget',
      statistic: 'Sum',
      period: 60,
      threshold: 500,
      dimensions: { TargetGroup: 'targetgroup/tg/2', LoadBalancer: 'app/alb/1' },
    });
    expect(bands(policy('-requests-scale-out'), 500)).toEqual([
      [500, 1000, 50],
      [1000, Infinity, 100],
    ]);
  });

  it('scales in by 25% when CPU and memory stay below 40% for 5 minutes', () => {
    const a = alarm('-cpu-memory-low');
    expect(a).toMatchObject({
      comparison_operator: 'LessThanThreshold',
      threshold: 40,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
    });
    const expr = a.metric_query.find((q: any) => q.return_data);
    expect(expr.expression).toBe('MAX([cpu, memory])');
    const metrics = a.metric_query
      .filter((q: any) => q.metric)
      .map((q: any) => [q.id, q.metric.metric_name, q.metric.period]);
    expect(metrics).toEqual([
      ['cpu', 'CPUUtilization', 60],
      ['memory', 'MemoryUtilization', 60],
    ]);
    const p = policy('-scale-in');
    expect(p.step_scaling_policy_configuration).toMatchObject({
      cooldown: 300,
      adjustment_type: 'PercentChangeInCapacity',
    });
    expect(bands(p, 40)).toEqual([[-Infinity, 40, -25]]);
  });

  it('exports the default table unchanged', () => {
    expect(DEFAULT_SCALING.cpu.map((s) => s.change)).toEqual([50, 100, 200]);
    expect(DEFAULT_SCALING.scaleInChange).toBe(-25);
  });
});

describe('ServiceAutoscaling without a load balancer', () => {
  it('has no request scaling', () => {
    const { policy, alarm } = synth({ requests: undefined });
    expect(policy('-requests-scale-out')).toBeUndefined();
    expect(alarm('-requests-high')).toBeUndefined();
  });

  it('rejects a table with a gap', () => {
    expect(() =>
      synth({
        tables: {
          ...DEFAULT_SCALING,
          cpu: [
            { from: 70, to: 80, change: 50 },
            { from: 85, change: 100 },
          ],
        },
      }),
    ).toThrow(/cpu\[0\]\.to: got 80, must equal the next step's from \(85\)/);
  });
});
