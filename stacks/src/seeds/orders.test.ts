import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defineWorkload, Workload, WorkloadInput } from '@automock/core';
import { Testing } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { checkPolicy } from '../policy';
import { WorkloadStack } from '../workload-stack';
import { resolveWorkloads, yamlWorkload } from '../workloads';

/**
 * The seed-004-style workload stacks/workloads/orders.yaml, and its TypeScript twin: the same
 * definition through `defineWorkload` must give a byte-identical stack.
 */
type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;
type Res = Record<string, unknown>;

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
// In the default app (stacks/workloads/): these tests read the file the app deploys.
const FILE = path.join(__dirname, '..', '..', 'workloads', 'orders.yaml');

/** The twin, as a team writing TypeScript would declare it. */
export const ordersTwin: WorkloadInput = {
  name: 'orders',
  description: 'Orders application (seed 004 style)',
  environments: ['dev'],
  suppressions: [
    {
      id: 'AM-ECS-5',
      reason:
        "The node images run as their image's user with a writable root file system; the services and tasks sections have no user or read-only root file system setting yet.",
    },
  ],
  queues: [{ name: 'main-queue', deadLetter: { maxReceiveCount: 5 } }],
  buckets: [
    {
      name: 'assets',
      public: {
        reason: 'Static web assets served to browsers (seed 004: assets bucket is public)',
      },
      cors: [{ allowedMethods: ['GET', 'HEAD'], allowedOrigins: ['*'] }],
    },
    { name: 'backend', versioning: true },
  ],
  repositories: [
    {
      name: 'backend',
      environments: ['dev'],
      lifecycle: { keepLast: 30, untaggedExpireAfterDays: 7 },
    },
    {
      name: 'worker',
      environments: ['dev'],
      lifecycle: { keepLast: 30, untaggedExpireAfterDays: 7 },
    },
  ],
  services: [
    {
      name: 'backend',
      image: 'public.ecr.aws/docker/library/node:20-alpine',
      cpu: 256,
      memory: 512,
      port: 8080,
      command: ['node', 'server.js'],
      environment: {
        NODE_ENV: 'production',
        QUEUE_URL: '${queue:main-queue:url}',
        ASSETS_BUCKET: '${bucket:assets:bucketName}',
        BACKEND_BUCKET: '${bucket:backend:bucketName}',
      },
      healthCheck: { path: '/health' },
      logs: { retentionDays: 7 },
      access: [
        { queue: 'main-queue', mode: 'write' },
        { bucket: 'assets', mode: 'write' },
        { bucket: 'backend', mode: 'write' },
      ],
      routing: { kind: 'shared', paths: ['/orders', '/orders/*'] },
    },
    {
      name: 'inventory',
      image: 'public.ecr.aws/docker/library/node:20-alpine',
      port: 3000,
      command: ['node', 'inventory.js'],
      logs: { retentionDays: 7 },
      routing: { kind: 'internal' },
    },
    {
      name: 'worker',
      image: 'public.ecr.aws/docker/library/node:20-alpine',
      cpu: 512,
      memory: 1024,
      command: ['node', 'worker.js'],
      environment: { QUEUE_URL: '${queue:main-queue:url}' },
      minCount: 0,
      desiredCount: 1,
      maxCount: 2,
      logs: { retentionDays: 7 },
      access: [{ queue: 'main-queue', mode: 'read' }],
      routing: { kind: 'worker' },
    },
  ],
  scheduledTasks: [
    {
      name: 'daily-cleanup',
      service: 'backend',
      command: ['node', 'cleanup.js'],
      schedule: 'rate(1 day)',
    },
  ],
  eventTasks: [
    {
      name: 'order-processor',
      service: 'backend',
      command: ['node', 'process-order.js'],
      ruleName: 'order-events',
      eventPattern: { source: ['com.myapp.orders'], detailType: ['Order Created'] },
    },
  ],
  outputs: {
    backend_ecr_repo_url: '${repository:backend:repositoryUrl}',
    account_id: '${aws:accountId}',
    region: '${aws:region}',
    assets_bucket: '${bucket:assets:bucketName}',
    main_queue_url: '${queue:main-queue:url}',
  },
};

const fromYaml = resolveWorkloads([yamlWorkload(readFileSync(FILE, 'utf8'), FILE)], [dev])[0]!
  .workload;
const synth = (w: Workload) => Testing.synth(new WorkloadStack(Testing.app(), { workload: w }));
const yamlText = synth(fromYaml);
const json = JSON.parse(yamlText) as Json;
const all = (type: string): Res[] => Object.values(json.resource?.[type] ?? {});

describe('the seed-004-style workload orders (stacks/workloads/orders.yaml)', () => {
  test('its TypeScript twin synthesises a byte-identical stack', () => {
    expect(synth(defineWorkload(ordersTwin, dev))).toBe(yamlText);
  });

  test('backend on the shared ALB at /orders with /health checks; worker with no load balancer and 0 minimum', () => {
    const rule = Object.values(json.resource.aws_lb_listener_rule!)[0]!;
    expect(JSON.stringify(rule.condition)).toContain('/orders/*');
    // dev has no domain: the rule goes on the shared ALB's HTTP listener
    expect(String(rule.listener_arn)).toContain('http_listener_arn');
    const tg = Object.values(json.resource.aws_lb_target_group!);
    expect(tg).toHaveLength(1);
    expect(tg[0]!.health_check).toMatchObject({ path: '/health' });
    const worker = all('aws_ecs_service').find((x) => String(x.name).endsWith('worker'))!;
    expect(worker.load_balancer ?? []).toEqual([]);
    const targets = all('aws_appautoscaling_target').map((t) => t.min_capacity);
    expect(targets).toContain(0);
  });

  test('service discovery: inventory registers in the environment’s Cloud Map namespace', () => {
    const sd = Object.values(json.resource.aws_service_discovery_service!);
    expect(sd).toHaveLength(1);
    expect(String((sd[0]!.dns_config as Res).namespace_id)).toContain(
      'service_discovery_namespace_id',
    );
  });

  test('daily-cleanup runs node cleanup.js once a day; order-processor runs on "Order Created" from com.myapp.orders with a DLQ', () => {
    const schedule = Object.values(json.resource.aws_scheduler_schedule!)[0]!;
    expect(schedule.schedule_expression).toBe('rate(1 day)');
    const td = Object.entries(json.resource.aws_ecs_task_definition!).find(([id]) =>
      id.startsWith('ScheduledTask-daily-cleanup'),
    )![1];
    expect(String(td.container_definitions)).toContain('["node","cleanup.js"]');
    const rule = Object.values(json.resource.aws_cloudwatch_event_rule!)[0]!;
    expect(rule.name).toBe('automock-dev-orders-order-events');
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['com.myapp.orders'],
      'detail-type': ['Order Created'],
    });
    const target = Object.values(json.resource.aws_cloudwatch_event_target!)[0]!;
    expect(target.dead_letter_config).toBeDefined();
  });

  test('queue, buckets and dev-only ECR repositories', () => {
    const queues = all('aws_sqs_queue').map((q) => String(q.name));
    expect(queues.some((n) => n.endsWith('main-queue'))).toBe(true);
    expect(all('aws_s3_bucket').length).toBe(2);
    expect(all('aws_ecr_repository').map((r) => r.name)).toEqual([
      'automock-dev-orders-backend',
      'automock-dev-orders-worker',
    ]);
    expect(Object.keys(json.output)).toEqual(
      expect.arrayContaining(['backend_ecr_repo_url', 'main_queue_url']),
    );
  });

  test('passes the guardrails with 0 errors (the public bucket’s findings suppressed with its reason)', () => {
    const app = Testing.app();
    new WorkloadStack(app, { workload: fromYaml });
    const report = checkPolicy(app);
    expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
    expect(fromYaml.suppressions.map((x) => x.id)).toEqual(['AM-ECS-5', 'AM-S3-1', 'AM-S3-5']);
  });
});
