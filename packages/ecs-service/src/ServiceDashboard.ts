import { IssueCollector, NAME_RULES } from '@automock/core';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';

/** Layout and sampling of {@link ServiceDashboard}. */
export const DASHBOARD_DEFAULTS = {
  /** Seconds per data point of every metric widget. */
  periodSeconds: 60,
  /** Widget width in the dashboard's 24-column grid (two widgets a row). */
  widgetWidth: 12,
  /** Widget height in grid units. */
  widgetHeight: 6,
} as const;

/** A Logs Insights table on the dashboard. */
export interface DashboardLogWidget {
  /** Widget title. */
  readonly title: string;
  /** Log groups the query reads (at most 50, CloudWatch's limit for one query). */
  readonly logGroupNames: readonly string[];
  /** Logs Insights query, without the `SOURCE` clause (the widget adds it). */
  readonly query: string;
}

/** Props of {@link ServiceDashboard}. */
export interface ServiceDashboardProps extends TerraformMetaArguments {
  /** Dashboard name: 1-255 of `A-Z a-z 0-9 - _` (core's `projectDashboardName`). */
  readonly dashboardName: string;
  /** Region of the metrics: dashboards are global, every widget names its region. */
  readonly region: string;
  /** ECS cluster of the service (`ClusterName` dimension). */
  readonly clusterName: string;
  /** ECS service name (`ServiceName` dimension). */
  readonly serviceName: string;
  /** CloudWatch `LoadBalancer` dimension (`app/<name>/<id>`). @default - no load balancer widgets */
  readonly loadBalancerArnSuffix?: string;
  /** Target groups to chart, by a short label (`targetgroup/<name>/<id>` each). @default {} */
  readonly targetGroupArnSuffixes?: Readonly<Record<string, string>>;
  /**
   * Also chart the 5XX the ALB itself answers (HTTPCode_ELB_5XX_Count). Only meaningful on an ALB
   * the service owns: on a shared ALB that metric mixes every project.
   * @default false
   */
  readonly includeLoadBalancer5xx?: boolean;
  /** Logs Insights tables below the metrics. @default [] */
  readonly logWidgets?: readonly DashboardLogWidget[];
  /** Seconds per data point (60 or a multiple of 60). @default DASHBOARD_DEFAULTS.periodSeconds */
  readonly periodSeconds?: number;
}

/** CloudWatch's limit on log groups one Logs Insights query reads. */
const LOG_GROUPS_PER_QUERY = 50;

/**
 * Checks a dashboard's props: the name within PutDashboard's rules, a period CloudWatch can
 * chart, log widgets that name their log groups.
 */
export function checkServiceDashboard(
  issues: IssueCollector,
  owner: string,
  props: ServiceDashboardProps,
): void {
  const bad = (field: string, value: unknown, rule: string) =>
    issues.add(`${owner}.${field}`, value, rule);
  const name = props.dashboardName;
  if (!Token.isUnresolved(name)) {
    if (!/^[A-Za-z0-9_-]+$/.test(name) || name.length > NAME_RULES.dashboard.max)
      bad(
        'dashboardName',
        name,
        `must be 1-${NAME_RULES.dashboard.max} letters, digits, '-' or '_' (PutDashboard)`,
      );
  }
  const period = props.periodSeconds;
  if (period !== undefined && (!Number.isInteger(period) || period < 60 || period % 60 !== 0))
    bad('periodSeconds', period, 'must be a whole number of minutes in seconds (60, 120, ...)');
  for (const [i, w] of (props.logWidgets ?? []).entries()) {
    if (w.logGroupNames.length === 0 || w.logGroupNames.length > LOG_GROUPS_PER_QUERY)
      bad(
        `logWidgets[${i}].logGroupNames`,
        w.logGroupNames,
        `must list 1-${LOG_GROUPS_PER_QUERY} log groups`,
      );
    if (w.query.trim().length === 0) bad(`logWidgets[${i}].query`, w.query, 'must not be empty');
  }
}

type Metric = (string | Record<string, string>)[];

/**
 * One CloudWatch dashboard for a load-balanced ECS service: requests, 5XX answers, latency
 * (p50/p99), CPU and memory, and the task count (running, desired, pending, from Container
 * Insights), then optional Logs Insights tables.
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  /** The dashboard's name. */
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkServiceDashboard(issues, 'ServiceDashboard', props);
    issues.throwIfAny('ServiceDashboard');
    this.dashboardName = props.dashboardName;
    this.dashboard = new CloudwatchDashboard(this, 'Resource', {
      provider: props.provider,
      dependsOn: props.dependsOn,
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets: dashboardWidgets(props) }),
    });
  }
}

/** The dashboard's widgets, two a row, in the order the props describe. */
export function dashboardWidgets(props: ServiceDashboardProps): Record<string, unknown>[] {
  const period = props.periodSeconds ?? DASHBOARD_DEFAULTS.periodSeconds;
  const { widgetWidth: w, widgetHeight: h } = DASHBOARD_DEFAULTS;
  const lb = props.loadBalancerArnSuffix;
  const targets = lb ? Object.entries(props.targetGroupArnSuffixes ?? {}) : [];
  const perTarget = (metricName: string, stat?: string): Metric[] =>
    targets.map(([label, tg]) => [
      'AWS/ApplicationELB',
      metricName,
      'TargetGroup',
      tg,
      'LoadBalancer',
      lb!,
      { label: `${label}${stat ? ` ${stat}` : ''}`, ...(stat ? { stat } : {}) },
    ]);
  const service = ['ClusterName', props.clusterName, 'ServiceName', props.serviceName];

  const charts: { title: string; metrics: Metric[]; stat: string; yLabel?: string }[] = [];
  if (targets.length > 0) {
    charts.push({ title: 'Requests', metrics: perTarget('RequestCount'), stat: 'Sum' });
    const errors = perTarget('HTTPCode_Target_5XX_Count');
    if (props.includeLoadBalancer5xx)
      errors.push([
        'AWS/ApplicationELB',
        'HTTPCode_ELB_5XX_Count',
        'LoadBalancer',
        lb!,
        { label: 'load balancer' },
      ]);
    charts.push({ title: '5XX responses', metrics: errors, stat: 'Sum' });
    charts.push({
      title: 'Latency (seconds)',
      metrics: [
        ...perTarget('TargetResponseTime', 'p50'),
        ...perTarget('TargetResponseTime', 'p99'),
      ],
      stat: 'p50',
    });
  }
  charts.push({
    title: 'CPU and memory (%)',
    metrics: [
      ['AWS/ECS', 'CPUUtilization', ...service, { label: 'CPU' }],
      ['AWS/ECS', 'MemoryUtilization', ...service, { label: 'memory' }],
    ],
    stat: 'Average',
  });
  charts.push({
    title: 'Tasks',
    metrics: ['RunningTaskCount', 'DesiredTaskCount', 'PendingTaskCount'].map((m) => [
      'ECS/ContainerInsights',
      m,
      ...service,
      { label: m.replace('TaskCount', '').toLowerCase() },
    ]),
    stat: 'Average',
  });

  const widgets: Record<string, unknown>[] = charts.map((c, i) => ({
    type: 'metric',
    x: (i % 2) * w,
    y: Math.floor(i / 2) * h,
    width: w,
    height: h,
    properties: {
      title: c.title,
      region: props.region,
      view: 'timeSeries',
      stacked: false,
      period,
      stat: c.stat,
      metrics: c.metrics,
    },
  }));
  const top = Math.ceil(charts.length / 2) * h;
  for (const [i, lw] of (props.logWidgets ?? []).entries()) {
    widgets.push({
      type: 'log',
      x: 0,
      y: top + i * h,
      width: 2 * w,
      height: h,
      properties: {
        title: lw.title,
        region: props.region,
        view: 'table',
        query: `${lw.logGroupNames.map((g) => `SOURCE '${g}'`).join(' | ')} | ${lw.query}`,
      },
    });
  }
  return widgets;
}
