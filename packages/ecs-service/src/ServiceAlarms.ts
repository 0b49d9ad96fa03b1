import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Alarm thresholds: critical when a mock is failing callers (a target unhealthy for 5 minutes,
 * or 5XX answers past a handful), warning when it runs hot for long enough that autoscaling is
 * not keeping up.
 */
export const ALARM_THRESHOLDS = {
  /** Critical: any unhealthy target for 5 minutes. */
  unhealthyHosts: { threshold: 0, minutes: 5 },
  /** Critical: more than 10 5XX responses in 5 minutes. */
  http5xx: { threshold: 10, minutes: 5 },
  /** Warning: CPU above 70% for 10 minutes. */
  cpu: { threshold: 70, minutes: 10 },
  /** Warning: memory above 70% for 10 minutes. */
  memory: { threshold: 70, minutes: 10 },
} as const;

/** Props of {@link ServiceAlarms}. */
export interface ServiceAlarmsProps extends TerraformMetaArguments {
  /** Name prefix for alarms, e.g. `automock-dev-petstore`. */
  readonly namePrefix: string;
  /** SNS topics that receive alarm and OK notifications (e.g. the environment's and the project's). */
  readonly topicArns: readonly string[];
  readonly clusterName: string;
  readonly serviceName: string;
  /** CloudWatch `LoadBalancer` dimension (`app/<name>/<id>`). @default - no load balancer alarms */
  readonly loadBalancerArnSuffix?: string;
  /** Target groups to watch, by a short label. @default {} */
  readonly targetGroupArnSuffixes?: Readonly<Record<string, string>>;
  /**
   * Also alarm on 5XX the ALB itself generates (HTTPCode_ELB_5XX_Count). Only meaningful on an
   * ALB the project owns: on a shared ALB that metric mixes every project.
   * @default false
   */
  readonly includeLoadBalancer5xx?: boolean;
}

/** Critical and warning alarms of a service, all notifying one SNS topic. */
export class ServiceAlarms extends Construct {
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const actions = { alarmActions: [...props.topicArns], okActions: [...props.topicArns] };
    const add = (
      key: string,
      severity: 'critical' | 'warning',
      cfg: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], 'alarmName'> & {
        suffix: string;
      },
    ) => {
      const { suffix, ...rest } = cfg;
      this.alarms[key] = new CloudwatchMetricAlarm(this, key, {
        ...meta,
        ...actions,
        ...rest,
        alarmName: `${props.namePrefix}-${severity}-${suffix}`,
      });
    };
    const A = ALARM_THRESHOLDS;

    for (const [label, tg] of Object.entries(props.targetGroupArnSuffixes ?? {})) {
      if (!props.loadBalancerArnSuffix) break;
      const dims = { TargetGroup: tg, LoadBalancer: props.loadBalancerArnSuffix };
      add(`UnhealthyHosts-${label}`, 'critical', {
        suffix: `${label}-unhealthy-hosts`,
        alarmDescription: `CRITICAL: unhealthy ${label} targets for ${A.unhealthyHosts.minutes} minutes`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'UnHealthyHostCount',
        dimensions: dims,
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: A.unhealthyHosts.minutes,
        datapointsToAlarm: A.unhealthyHosts.minutes,
        threshold: A.unhealthyHosts.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
      add(`Target5xx-${label}`, 'critical', {
        suffix: `${label}-5xx`,
        alarmDescription: `CRITICAL: more than ${A.http5xx.threshold} ${label} target 5XX responses in ${A.http5xx.minutes} minutes`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: dims,
        statistic: 'Sum',
        period: A.http5xx.minutes * 60,
        evaluationPeriods: 1,
        threshold: A.http5xx.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
    }
    if (props.includeLoadBalancer5xx && props.loadBalancerArnSuffix) {
      add('Alb5xx', 'critical', {
        suffix: 'alb-5xx',
        alarmDescription: `CRITICAL: more than ${A.http5xx.threshold} ALB 5XX responses in ${A.http5xx.minutes} minutes`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_ELB_5XX_Count',
        dimensions: { LoadBalancer: props.loadBalancerArnSuffix },
        statistic: 'Sum',
        period: A.http5xx.minutes * 60,
        evaluationPeriods: 1,
        threshold: A.http5xx.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
    }
    const service = { ClusterName: props.clusterName, ServiceName: props.serviceName };
    for (const [key, metricName, cfg] of [
      ['Cpu', 'CPUUtilization', A.cpu],
      ['Memory', 'MemoryUtilization', A.memory],
    ] as const) {
      add(`${key}Warning`, 'warning', {
        suffix: `${key.toLowerCase()}-high`,
        alarmDescription: `WARNING: ${metricName} above ${cfg.threshold}% for ${cfg.minutes} minutes`,
        namespace: 'AWS/ECS',
        metricName,
        dimensions: service,
        statistic: 'Average',
        period: 300,
        evaluationPeriods: cfg.minutes / 5,
        datapointsToAlarm: cfg.minutes / 5,
        threshold: cfg.threshold,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'missing',
      });
    }
  }
}
