import { ConfigValidationError, projectDashboardName } from '@automock/core';
import { Testing } from 'cdktf';
import { mockServerLogQueries } from './mockserver-log-queries';
import { SavedLogQueries } from './SavedLogQueries';
import { ServiceDashboard, ServiceDashboardProps } from './ServiceDashboard';
import { resources, testStack } from './testing/fixtures';

const BASE: ServiceDashboardProps = {
  dashboardName: 'automock-dev-petstore',
  region: 'eu-west-1',
  clusterName: 'automock-dev',
  serviceName: 'automock-dev-petstore-mockserver',
  loadBalancerArnSuffix: 'app/alb/1',
  targetGroupArnSuffixes: { api: 'targetgroup/api/1', control: 'targetgroup/dash/2' },
};

function synthDashboard(props: Partial<ServiceDashboardProps> = {}) {
  const stack = testStack();
  new ServiceDashboard(stack, 'Dashboard', { ...BASE, ...props });
  const [d] = Object.values(
    resources(JSON.parse(Testing.synth(stack)), 'aws_cloudwatch_dashboard'),
  ) as any[];
  const body = JSON.parse(d.dashboard_body) as { widgets: any[] };
  const byTitle = (title: string) => body.widgets.find((w) => w.properties.title === title);
  return { d, body, byTitle };
}

describe('ServiceDashboard', () => {
  it('charts requests, 5XX and p50/p99 latency per target group on the ALB', () => {
    const { d, byTitle } = synthDashboard();
    expect(d.dashboard_name).toBe('automock-dev-petstore');
    expect(byTitle('Requests').properties).toMatchObject({
      region: 'eu-west-1',
      stat: 'Sum',
      period: 60,
      metrics: [
        [
          'AWS/ApplicationELB',
          'RequestCount',
          'TargetGroup',
          'targetgroup/api/1',
          'LoadBalancer',
          'app/alb/1',
          { label: 'api' },
        ],
        [
          'AWS/ApplicationELB',
          'RequestCount',
          'TargetGroup',
          'targetgroup/dash/2',
          'LoadBalancer',
          'app/alb/1',
          { label: 'control' },
        ],
      ],
    });
    const errors = byTitle('5XX responses').properties.metrics as any[][];
    expect(errors.map((m) => m[1])).toEqual([
      'HTTPCode_Target_5XX_Count',
      'HTTPCode_Target_5XX_Count',
    ]);
    const latency = byTitle('Latency (seconds)').properties.metrics as any[][];
    expect(latency.map((m) => [m[1], m[3], m[6].stat])).toEqual([
      ['TargetResponseTime', 'targetgroup/api/1', 'p50'],
      ['TargetResponseTime', 'targetgroup/dash/2', 'p50'],
      ['TargetResponseTime', 'targetgroup/api/1', 'p99'],
      ['TargetResponseTime', 'targetgroup/dash/2', 'p99'],
    ]);
  });

  it("charts the service's CPU, memory and running/desired/pending tasks", () => {
    const { byTitle } = synthDashboard();
    const service = [
      'ClusterName',
      'automock-dev',
      'ServiceName',
      'automock-dev-petstore-mockserver',
    ];
    expect(byTitle('CPU and memory (%)').properties.metrics).toEqual([
      ['AWS/ECS', 'CPUUtilization', ...service, { label: 'CPU' }],
      ['AWS/ECS', 'MemoryUtilization', ...service, { label: 'memory' }],
    ]);
    expect((byTitle('Tasks').properties.metrics as any[][]).map((m) => [m[0], m[1]])).toEqual([
      ['ECS/ContainerInsights', 'RunningTaskCount'],
      ['ECS/ContainerInsights', 'DesiredTaskCount'],
      ['ECS/ContainerInsights', 'PendingTaskCount'],
    ]);
  });

  it("adds the ALB's own 5XX only when asked (an ALB the service owns)", () => {
    const shared = synthDashboard().byTitle('5XX responses').properties.metrics as any[][];
    expect(shared.some((m) => m[1] === 'HTTPCode_ELB_5XX_Count')).toBe(false);
    const own = synthDashboard({ includeLoadBalancer5xx: true }).byTitle('5XX responses').properties
      .metrics as any[][];
    expect(own).toContainEqual([
      'AWS/ApplicationELB',
      'HTTPCode_ELB_5XX_Count',
      'LoadBalancer',
      'app/alb/1',
      { label: 'load balancer' },
    ]);
  });

  it('leaves out the load balancer charts without a load balancer', () => {
    const { body } = synthDashboard({ loadBalancerArnSuffix: undefined });
    expect(body.widgets.map((w) => w.properties.title)).toEqual(['CPU and memory (%)', 'Tasks']);
  });

  it('lays widgets out two a row and Logs Insights tables full width below them', () => {
    const { body } = synthDashboard({
      logWidgets: [{ title: 'Unmatched', logGroupNames: ['/a', '/b'], query: 'fields @message' }],
    });
    expect(body.widgets.map((w) => [w.x, w.y, w.width])).toEqual([
      [0, 0, 12],
      [12, 0, 12],
      [0, 6, 12],
      [12, 6, 12],
      [0, 12, 12],
      [0, 18, 24],
    ]);
    expect(body.widgets[5]).toMatchObject({
      type: 'log',
      properties: {
        title: 'Unmatched',
        region: 'eu-west-1',
        view: 'table',
        query: "SOURCE '/a' | SOURCE '/b' | fields @message",
      },
    });
  });

  it('refuses names PutDashboard refuses, bad periods and empty log widgets, all at once', () => {
    const make = () =>
      new ServiceDashboard(testStack(), 'Dashboard', {
        ...BASE,
        dashboardName: 'automock/dev petstore',
        periodSeconds: 90,
        logWidgets: [{ title: 'x', logGroupNames: [], query: ' ' }],
      });
    expect(make).toThrow(ConfigValidationError);
    expect(make).toThrow(/dashboardName: got "automock\/dev petstore"/);
    expect(make).toThrow(/periodSeconds: got 90/);
    expect(make).toThrow(/logWidgets\[0\]\.logGroupNames/);
    expect(make).toThrow(/logWidgets\[0\]\.query/);
    expect(
      () => new ServiceDashboard(testStack(), 'D', { ...BASE, dashboardName: 'a'.repeat(256) }),
    ).toThrow(/dashboardName/);
  });

  it("core's dashboard names stay within PutDashboard's rules for the longest projects", () => {
    const name = projectDashboardName('automock', 'e'.repeat(40), 'p'.repeat(300));
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(
      () => new ServiceDashboard(testStack(), 'D', { ...BASE, dashboardName: name }),
    ).not.toThrow();
  });
});

describe('SavedLogQueries', () => {
  const groups = {
    mockserver: '/ecs/automock/dev/petstore/mockserver',
    configLoader: '/ecs/automock/dev/petstore/config-loader',
  };

  it("saves the MockServer queries under the project's prefix, on its log groups", () => {
    const stack = testStack();
    new SavedLogQueries(stack, 'Queries', {
      namePrefix: 'automock-dev-petstore',
      queries: mockServerLogQueries(groups),
    });
    const defs = Object.values(
      resources(JSON.parse(Testing.synth(stack)), 'aws_cloudwatch_query_definition'),
    ) as any[];
    const byName = Object.fromEntries(defs.map((d) => [d.name, d]));
    expect(Object.keys(byName).sort()).toEqual([
      'automock-dev-petstore-expectations-loaded',
      'automock-dev-petstore-requests',
      'automock-dev-petstore-unmatched',
    ]);
    expect(byName['automock-dev-petstore-unmatched']).toMatchObject({
      log_group_names: [groups.mockserver],
      query_string: expect.stringMatching(/filter @message like \/no expectation for:\//),
    });
    expect(byName['automock-dev-petstore-expectations-loaded'].log_group_names).toEqual([
      groups.mockserver,
      groups.configLoader,
    ]);
  });

  it('refuses duplicate or malformed keys, empty log groups and overlong queries', () => {
    const make = () =>
      new SavedLogQueries(testStack(), 'Q', {
        namePrefix: 'p',
        queries: [
          { key: 'a', logGroupNames: ['/x'], queryString: 'fields @message' },
          { key: 'a', logGroupNames: ['/x'], queryString: 'fields @message' },
          { key: 'Bad Key', logGroupNames: [], queryString: 'x'.repeat(10001) },
        ],
      });
    expect(make).toThrow(/queries\[1\]\.key: got "a", must be unique/);
    expect(make).toThrow(/queries\[2\]\.key: got "Bad Key"/);
    expect(make).toThrow(/queries\[2\]\.logGroupNames/);
    expect(make).toThrow(/queries\[2\]\.queryString/);
    expect(
      () =>
        new SavedLogQueries(testStack(), 'Q', {
          namePrefix: 'p'.repeat(250),
          queries: [{ key: 'requests', logGroupNames: ['/x'], queryString: 'fields @message' }],
        }),
    ).toThrow(/namePrefix/);
  });
});
