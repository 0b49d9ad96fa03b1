import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingScheduledAction } from '@cdktf/provider-aws/lib/appautoscaling-scheduled-action';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IssueCollector } from '@automock/core';
import { ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** One band of a step-scaling table: when the metric is in [from, to), change capacity by `change` percent. */
export interface ScalingStep {
  /** Lower bound (inclusive) of the metric value. */
  readonly from: number;
  /** Upper bound (exclusive). @default - no upper bound */
  readonly to?: number;
  /** Percent change of the running task count, e.g. 50 for +50%. */
  readonly change: number;
}

/** The step-scaling tables ({@link DEFAULT_SCALING} unless given). */
export interface ScalingTables {
  /** Average service CPU % bands. */
  readonly cpu: readonly ScalingStep[];
  /** Average service memory % bands. */
  readonly memory: readonly ScalingStep[];
  /** ALB requests per target per minute bands. */
  readonly requestsPerTarget: readonly ScalingStep[];
  /** Scale in when CPU and memory both stay below this percent... */
  readonly scaleInBelowPercent: number;
  /** ...for this many minutes... */
  readonly scaleInAfterMinutes: number;
  /** ...by this percent (negative). */
  readonly scaleInChange: number;
  /** Seconds after a scale-out before another scale-out step is applied. */
  readonly scaleOutCooldownSeconds: number;
  /** Seconds after a scale-in before another. */
  readonly scaleInCooldownSeconds: number;
}

/**
 * The default table: scale out in proportion to how far load is past a comfortable level (CPU and
 * memory +50% at 70-80, +100% at 80-90, +200% above 90; requests per target +50% at
 * 500-1000/min, +100% above 1000), so a load test ramps up within minutes; scale in by a quarter
 * only when CPU and memory have both stayed below 40% for 5 minutes, so an idle mock shrinks
 * without flapping.
 */
export const DEFAULT_SCALING: ScalingTables = {
  cpu: [
    { from: 70, to: 80, change: 50 },
    { from: 80, to: 90, change: 100 },
    { from: 90, change: 200 },
  ],
  memory: [
    { from: 70, to: 80, change: 50 },
    { from: 80, to: 90, change: 100 },
    { from: 90, change: 200 },
  ],
  requestsPerTarget: [
    { from: 500, to: 1000, change: 50 },
    { from: 1000, change: 100 },
  ],
  scaleInBelowPercent: 40,
  scaleInAfterMinutes: 5,
  scaleInChange: -25,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
};

/** Target tracking: Application Auto Scaling holds each given metric near its target. */
export interface TargetTracking {
  /** Average service CPU percent to hold. @default - not tracked */
  readonly cpuPercent?: number;
  /** Average service memory percent to hold. @default - not tracked */
  readonly memoryPercent?: number;
  /** ALB requests per target (per minute) to hold; needs `requests`. @default - not tracked */
  readonly requestsPerTarget?: number;
  /** Seconds after a scale-out before another. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds after a scale-in before another. @default 300 */
  readonly scaleInCooldownSeconds?: number;
}

/** A scheduled change of the task bounds (an Application Auto Scaling scheduled action). */
export interface ScheduledCapacity {
  /** Short name, unique in the service; the action is `<namePrefix>-<name>`. */
  readonly name: string;
  /** `cron(<6 fields>)`, `at(yyyy-mm-ddThh:mm:ss)` or `rate(<n> <unit>)`. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default 'UTC' */
  readonly timezone?: string;
  /** Fewest tasks from then on. */
  readonly minTasks: number;
  /** Most tasks from then on. */
  readonly maxTasks: number;
}

/** Props of {@link ServiceAutoscaling}. */
export interface ServiceAutoscalingProps extends TerraformMetaArguments {
  /** Name prefix for policies and alarms, e.g. `automock-dev-petstore`. */
  readonly namePrefix: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Step tables. @default DEFAULT_SCALING */
  readonly tables?: ScalingTables;
  /** Target tracking policies instead of the step tables. @default - step tables */
  readonly targetTracking?: TargetTracking;
  /** Scheduled changes of the task bounds, beside the policies. @default [] */
  readonly schedules?: readonly ScheduledCapacity[];
  /** Request scaling needs the ALB and target group CloudWatch dimensions. @default - no request scaling */
  readonly requests?: {
    readonly loadBalancerArnSuffix: string;
    readonly targetGroupArnSuffix: string;
  };
}

function checkSteps(issues: IssueCollector, field: string, steps: readonly ScalingStep[]): void {
  if (steps.length === 0) issues.add(field, [], 'must hold at least one step');
  steps.forEach((s, i) => {
    const next = steps[i + 1];
    if (next && s.to !== next.from)
      issues.add(`${field}[${i}].to`, s.to, `must equal the next step's from (${next.from})`);
    if (!next && s.to !== undefined)
      issues.add(`${field}[${i}].to`, s.to, 'must be left out: the last step is open-ended');
    if (!(s.change > 0)) issues.add(`${field}[${i}].change`, s.change, 'must be positive');
  });
}

/** Checks step tables: contiguous bands, the last open-ended, positive changes. */
export function checkScalingTables(
  issues: IssueCollector,
  field: string,
  tables: ScalingTables | undefined,
): void {
  if (tables === undefined) return;
  checkSteps(issues, `${field}.cpu`, tables.cpu);
  checkSteps(issues, `${field}.memory`, tables.memory);
  // An empty request table means no request scaling.
  if (tables.requestsPerTarget.length > 0)
    checkSteps(issues, `${field}.requestsPerTarget`, tables.requestsPerTarget);
}

/**
 * Step scaling of an ECS service per a table: one high alarm and one policy per metric, and a
 * metric-math alarm for scale-in that fires only when the larger of CPU and memory is low.
 * Or, with `targetTracking`, one target tracking policy per tracked metric (AWS creates and owns
 * their alarms).
 */
export class ServiceAutoscaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly policies: Record<string, AppautoscalingPolicy> = {};
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};
  readonly scheduledActions: Record<string, AppautoscalingScheduledAction> = {};

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkScalingTables(issues, 'ServiceAutoscaling.tables', props.tables);
    const tt = props.targetTracking;
    if (tt) {
      if (
        tt.cpuPercent === undefined &&
        tt.memoryPercent === undefined &&
        tt.requestsPerTarget === undefined
      )
        issues.add('ServiceAutoscaling.targetTracking', tt, 'must track at least one metric');
      if (tt.requestsPerTarget !== undefined && !props.requests)
        issues.add(
          'ServiceAutoscaling.targetTracking.requestsPerTarget',
          tt.requestsPerTarget,
          'needs requests (a load balancer and target group)',
        );
    }
    const names = new Set<string>();
    (props.schedules ?? []).forEach((x, i) => {
      const f = `ServiceAutoscaling.schedules[${i}]`;
      if (names.has(x.name)) issues.add(`${f}.name`, x.name, 'must be unique');
      names.add(x.name);
      if (x.minTasks > x.maxTasks)
        issues.add(`${f}.minTasks`, x.minTasks, `must be at most maxTasks (${x.maxTasks})`);
      if (x.minTasks < props.minTasks || x.maxTasks > props.maxTasks)
        issues.add(
          f,
          `${x.minTasks}-${x.maxTasks}`,
          `must be within the service's bounds (${props.minTasks}-${props.maxTasks})`,
        );
    });
    issues.throwIfAny('ServiceAutoscaling');
    const t = props.tables ?? DEFAULT_SCALING;
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };

    this.target = new AppautoscalingTarget(this, 'Target', {
      ...meta,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    const scalable = {
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
    };
    if (props.targetTracking) this.trackTargets(props, props.targetTracking, scalable, meta);
    else this.stepTables(props, t, scalable, meta, service);
    this.schedule(props, scalable, meta);
  }

  /**
   * One scheduled action per schedule, each after the policies and the one before: Application
   * Auto Scaling answers concurrent changes of one scalable target with ConcurrentUpdateException
   * (hashicorp/terraform-provider-aws issue 17915), and Terraform would otherwise make them at once.
   */
  private schedule(
    props: ServiceAutoscalingProps,
    scalable: { serviceNamespace: string; scalableDimension: string; resourceId: string },
    meta: TerraformMetaArguments,
  ): void {
    let after: ITerraformDependable[] = Object.values(this.policies);
    for (const x of props.schedules ?? []) {
      const action = new AppautoscalingScheduledAction(this, `Schedule-${x.name}`, {
        ...meta,
        dependsOn: [...(meta.dependsOn ?? []), ...after],
        ...scalable,
        name: `${props.namePrefix}-${x.name}`,
        schedule: x.schedule,
        timezone: x.timezone ?? 'UTC',
        scalableTargetAction: {
          minCapacity: String(x.minTasks),
          maxCapacity: String(x.maxTasks),
        },
      });
      this.scheduledActions[x.name] = action;
      after = [action];
    }
  }

  private stepTables(
    props: ServiceAutoscalingProps,
    t: ScalingTables,
    scalable: { serviceNamespace: string; scalableDimension: string; resourceId: string },
    meta: TerraformMetaArguments,
    service: { ClusterName: string; ServiceName: string },
  ): void {
    const stepOut = (
      key: string,
      steps: readonly ScalingStep[],
      metric: {
        namespace: string;
        metricName: string;
        statistic: string;
        dimensions: Record<string, string>;
      },
    ) => {
      const threshold = steps[0]!.from;
      const policy = new AppautoscalingPolicy(this, `${key}ScaleOut`, {
        ...meta,
        ...scalable,
        name: `${props.namePrefix}-${key.toLowerCase()}-scale-out`,
        policyType: 'StepScaling',
        stepScalingPolicyConfiguration: {
          adjustmentType: 'PercentChangeInCapacity',
          cooldown: t.scaleOutCooldownSeconds,
          metricAggregationType: 'Average',
          // +50% of one task rounds to zero; always add at least one.
          minAdjustmentMagnitude: 1,
          stepAdjustment: steps.map((s) => ({
            metricIntervalLowerBound: String(s.from - threshold),
            metricIntervalUpperBound: s.to === undefined ? undefined : String(s.to - threshold),
            scalingAdjustment: s.change,
          })),
        },
      });
      this.policies[`${key}ScaleOut`] = policy;
      this.alarms[`${key}High`] = new CloudwatchMetricAlarm(this, `${key}HighAlarm`, {
        ...meta,
        alarmName: `${props.namePrefix}-${key.toLowerCase()}-high`,
        alarmDescription: `Scale out: ${metric.metricName} >= ${threshold}`,
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions,
        statistic: metric.statistic,
        period: 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [policy.arn],
      });
    };

    stepOut('Cpu', t.cpu, {
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      statistic: 'Average',
      dimensions: service,
    });
    stepOut('Memory', t.memory, {
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      statistic: 'Average',
      dimensions: service,
    });
    if (props.requests && t.requestsPerTarget.length > 0) {
      stepOut('Requests', t.requestsPerTarget, {
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCountPerTarget',
        // Sum over a 60 s period = requests per target per minute.
        statistic: 'Sum',
        dimensions: {
          TargetGroup: props.requests.targetGroupArnSuffix,
          LoadBalancer: props.requests.loadBalancerArnSuffix,
        },
      });
    }

    const scaleIn = new AppautoscalingPolicy(this, 'ScaleIn', {
      ...meta,
      ...scalable,
      name: `${props.namePrefix}-scale-in`,
      policyType: 'StepScaling',
      stepScalingPolicyConfiguration: {
        adjustmentType: 'PercentChangeInCapacity',
        cooldown: t.scaleInCooldownSeconds,
        metricAggregationType: 'Average',
        minAdjustmentMagnitude: 1,
        stepAdjustment: [{ metricIntervalUpperBound: '0', scalingAdjustment: t.scaleInChange }],
      },
    });
    this.policies.ScaleIn = scaleIn;
    const utilisation = (metricId: string, metricName: string) => ({
      id: metricId,
      returnData: false,
      metric: {
        namespace: 'AWS/ECS',
        metricName,
        dimensions: service,
        stat: 'Average',
        period: 60,
      },
    });
    // Both below the bound <=> the larger of the two below it: one alarm, no composite needed
    // (composite alarms cannot drive Application Auto Scaling).
    this.alarms.Low = new CloudwatchMetricAlarm(this, 'LowAlarm', {
      ...meta,
      alarmName: `${props.namePrefix}-cpu-memory-low`,
      alarmDescription: `Scale in: CPU and memory below ${t.scaleInBelowPercent}% for ${t.scaleInAfterMinutes} minutes`,
      comparisonOperator: 'LessThanThreshold',
      threshold: t.scaleInBelowPercent,
      evaluationPeriods: t.scaleInAfterMinutes,
      datapointsToAlarm: t.scaleInAfterMinutes,
      treatMissingData: 'notBreaching',
      metricQuery: [
        utilisation('cpu', 'CPUUtilization'),
        utilisation('memory', 'MemoryUtilization'),
        {
          id: 'busiest',
          expression: 'MAX([cpu, memory])',
          label: 'max(CPU, memory) %',
          returnData: true,
        },
      ],
      alarmActions: [scaleIn.arn],
    });
  }

  private trackTargets(
    props: ServiceAutoscalingProps,
    tt: TargetTracking,
    scalable: { serviceNamespace: string; scalableDimension: string; resourceId: string },
    meta: TerraformMetaArguments,
  ): void {
    const track = (key: string, metricType: string, targetValue: number, label?: string) => {
      this.policies[`${key}Tracking`] = new AppautoscalingPolicy(this, `${key}Tracking`, {
        ...meta,
        ...scalable,
        name: `${props.namePrefix}-${key.toLowerCase()}-tracking`,
        policyType: 'TargetTrackingScaling',
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          scaleInCooldown: tt.scaleInCooldownSeconds ?? 300,
          scaleOutCooldown: tt.scaleOutCooldownSeconds ?? 60,
          predefinedMetricSpecification: {
            predefinedMetricType: metricType,
            ...(label ? { resourceLabel: label } : {}),
          },
        },
      });
    };
    if (tt.cpuPercent !== undefined) track('Cpu', 'ECSServiceAverageCPUUtilization', tt.cpuPercent);
    if (tt.memoryPercent !== undefined)
      track('Memory', 'ECSServiceAverageMemoryUtilization', tt.memoryPercent);
    if (tt.requestsPerTarget !== undefined && props.requests)
      track(
        'Requests',
        'ALBRequestCountPerTarget',
        tt.requestsPerTarget,
        // app/<alb>/<id>/targetgroup/<tg>/<id>: the ALB's and the target group's suffixes.
        `${props.requests.loadBalancerArnSuffix}/${props.requests.targetGroupArnSuffix}`,
      );
  }
}
