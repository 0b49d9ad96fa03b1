import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Environment, Workload } from '@automock/core';
import { App, Testing } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { checkPolicy } from '../policy';
import { WorkloadStack } from '../workload-stack';
import { resolveWorkloads, yamlWorkload } from '../workloads';

/**
 * Seed 003 (the sandbox broker's Terraform, "Phase 6") as the declared workload
 * stacks/workloads/sandbox-broker.yaml: each bullet of the seed's resource list is an expectation
 * on the synthesised stack of staging (no domain) and prod (a domain: HTTPS).
 */
type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;
type Res = Record<string, unknown>;

// In the default app (stacks/workloads/): these tests read the file the app deploys.
const FILE = path.join(__dirname, '..', '..', 'workloads', 'sandbox-broker.yaml');
const env = (name: string): Environment => ENVIRONMENTS.find((e) => e.name === name)!;
const [staging, prod] = resolveWorkloads(
  [yamlWorkload(readFileSync(FILE, 'utf8'), FILE)],
  [env('staging'), env('prod')],
  ENVIRONMENTS,
).map((p) => p.workload) as [Workload, Workload];

function synth(w: Workload): { json: Json; stack: WorkloadStack; app: App } {
  const app = Testing.app();
  const stack = new WorkloadStack(app, { workload: w });
  return { json: JSON.parse(Testing.synth(stack)) as Json, stack, app };
}
const s = synth(staging);
const p = synth(prod);
const all = (json: Json, type: string): Res[] => Object.values(json.resource?.[type] ?? {});
const one = (json: Json, type: string, where: (r: Res) => boolean = () => true): Res => {
  const found = all(json, type).filter(where);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const container = (json: Json) => {
  const td = one(json, 'aws_ecs_task_definition', (r) => String(r.family).endsWith('-api'));
  return { td, def: (JSON.parse(String(td.container_definitions)) as Res[])[0]! };
};

describe('seed 003: sandbox-broker, declared in stacks/workloads/sandbox-broker.yaml', () => {
  test('is deployed to staging and prod, on each environment’s network and cluster', () => {
    expect(staging.environments).toEqual(['staging', 'prod']);
    expect(s.stack.info.name).toBe('staging-sandbox-broker');
    expect(p.stack.info.name).toBe('prod-sandbox-broker');
    // the environment's VPC (2 public + 2 private subnets, NAT, route tables) is reused
    expect(s.json.resource.aws_vpc).toBeUndefined();
  });

  describe.each([
    ['staging', s],
    ['prod', p],
  ])('%s', (name, { json }) => {
    test('DynamoDB: sandbox-broker-pool, on-demand, 3 GSIs (StatusIndex GSI1PK+GSI1SK, TrackIndex GSI2PK, IdempotencyIndex GSI3PK), PITR, SSE', () => {
      const t = one(json, 'aws_dynamodb_table');
      expect(t.name).toBe(`automock-${name}-sandbox-broker-pool`);
      expect(t.billing_mode).toBe('PAY_PER_REQUEST');
      expect(t.point_in_time_recovery).toEqual({ enabled: true });
      expect(t.server_side_encryption).toMatchObject({ enabled: true });
      const gsis = (t.global_secondary_index as Res[]).map((g) => [
        g.name,
        g.hash_key,
        g.range_key,
      ]);
      expect(gsis).toEqual([
        ['StatusIndex', 'GSI1PK', 'GSI1SK'],
        ['TrackIndex', 'GSI2PK', undefined],
        ['IdempotencyIndex', 'GSI3PK', undefined],
      ]);
    });

    test('task definition: 1 vCPU, 2 GB, sandbox-broker-api image, 8 environment variables, 3 secrets, /healthz check, CloudWatch logs', () => {
      const { td, def } = container(json);
      expect([td.cpu, td.memory]).toEqual(['1024', '2048']);
      expect(td.requires_compatibilities).toEqual(['FARGATE']);
      expect(def.image).toBe('sandbox-broker-api:latest');
      const envVars = def.environment as { name: string; value: string }[];
      expect(envVars.map((e) => e.name).sort()).toEqual([
        'API_BASE_PATH',
        'AWS_REGION',
        'CSP_BASE_URL',
        'DDB_GSI1_NAME',
        'DDB_GSI2_NAME',
        'DDB_GSI3_NAME',
        'DDB_TABLE_NAME',
        'LOG_LEVEL',
      ]);
      const v = Object.fromEntries(envVars.map((e) => [e.name, e.value]));
      expect(v.AWS_REGION).toBe(env(name).region);
      expect(v.DDB_TABLE_NAME).toMatch(/^\$\{aws_dynamodb_table\..+\.name\}$/);
      expect(v.CSP_BASE_URL).toBe('https://csp.infoblox.com');
      const secrets = def.secrets as { name: string; valueFrom: string }[];
      expect(secrets.map((x) => x.name).sort()).toEqual([
        'BROKER_ADMIN_TOKEN',
        'BROKER_API_TOKEN',
        'CSP_API_TOKEN',
      ]);
      for (const x of secrets) expect(x.valueFrom).toMatch(/^\$\{aws_secretsmanager_secret\./);
      expect((def.healthCheck as Res).command).toEqual([
        'CMD-SHELL',
        'curl -f http://localhost:8080/healthz || exit 1',
      ]);
      expect((def.logConfiguration as Res).logDriver).toBe('awslogs');
    });

    test('secrets: broker API, admin and CSP tokens, created by the workload, values never in the repo', () => {
      const secrets = all(json, 'aws_secretsmanager_secret').map((x) => x.name);
      expect(secrets.sort()).toEqual([
        `automock/${name}/sandbox-broker/broker-admin-token`,
        `automock/${name}/sandbox-broker/broker-api-token`,
        `automock/${name}/sandbox-broker/csp-api-token`,
      ]);
      // no secret value in the synthesised stack (the generated ones go through a write-only version)
      expect(JSON.stringify(json)).not.toMatch(/"secret_string"\s*:\s*"[^$]/);
    });

    test('service: desired 2 in private subnets without public IPs, 200/100 rolling, circuit breaker with rollback, 120 s grace', () => {
      const svc = one(json, 'aws_ecs_service');
      expect(svc.desired_count).toBe(2);
      expect(svc.network_configuration).toMatchObject({ assign_public_ip: false });
      expect(String((svc.network_configuration as Res).subnets)).toContain('private_subnet_ids');
      expect(svc.deployment_maximum_percent).toBe(200);
      expect(svc.deployment_minimum_healthy_percent).toBe(100);
      expect(svc.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      expect(svc.health_check_grace_period_seconds).toBe(120);
    });

    test('auto-scaling: 2-10 tasks, CPU > 70% and memory > 80%, 5-minute cooldowns', () => {
      const target = one(json, 'aws_appautoscaling_target');
      expect([target.min_capacity, target.max_capacity]).toEqual([2, 10]);
      const policies = all(json, 'aws_appautoscaling_policy').map(
        (x) => x.target_tracking_scaling_policy_configuration as Res,
      );
      const byMetric = Object.fromEntries(
        policies.map((c) => [
          (c.predefined_metric_specification as Res).predefined_metric_type,
          [c.target_value, c.scale_out_cooldown, c.scale_in_cooldown],
        ]),
      );
      expect(byMetric).toEqual({
        ECSServiceAverageCPUUtilization: [70, 300, 300],
        ECSServiceAverageMemoryUtilization: [80, 300, 300],
      });
    });

    test('ALB: internet-facing, IP target group with /healthz every 30 s and a 30 s deregistration delay', () => {
      const alb = one(json, 'aws_lb');
      expect(alb.internal).toBe(false);
      expect(alb.load_balancer_type).toBe('application');
      const tg = one(json, 'aws_lb_target_group');
      expect(tg.target_type).toBe('ip');
      expect(tg.deregistration_delay).toBe('30');
      expect(tg.health_check).toMatchObject({ path: '/healthz', interval: 30 });
    });

    test('EventBridge: sync every 10 minutes, cleanup and auto-expiry every 5 minutes, created DISABLED', () => {
      const schedules = all(json, 'aws_scheduler_schedule').map((x) => [
        String(x.name).replace(`automock-${name}-sandbox-broker-`, ''),
        x.schedule_expression,
        x.state,
      ]);
      expect(schedules.sort()).toEqual([
        ['auto-expiry', 'rate(5 minutes)', 'DISABLED'],
        ['cleanup', 'rate(5 minutes)', 'DISABLED'],
        ['sync', 'rate(10 minutes)', 'DISABLED'],
      ]);
    });

    test('CloudWatch: the service’s log group keeps 30 days', () => {
      const groups = all(json, 'aws_cloudwatch_log_group').filter((g) =>
        String(g.name).endsWith('/api'),
      );
      expect(groups).toHaveLength(1);
      expect(groups[0]!.retention_in_days).toBe(30);
    });

    test('IAM: the task role reaches the table and its indexes only; execution and scheduler roles exist with the boundary', () => {
      const roles = all(json, 'aws_iam_role');
      for (const r of roles) expect(String(r.permissions_boundary)).toContain('boundary');
      const policies = JSON.stringify(all(json, 'aws_iam_role_policy'));
      expect(policies).toContain('dynamodb:PutItem');
      expect(policies).not.toContain('"dynamodb:*"');
      expect(roles.length).toBeGreaterThanOrEqual(3);
    });

    test('the DynamoDB gateway endpoint: the environment network’s, on its private route tables (none duplicated)', () => {
      expect(json.resource.aws_vpc_endpoint).toBeUndefined();
    });

    test('outputs: the seed’s 15, by its names', () => {
      expect(Object.keys(json.output).sort()).toEqual(
        [
          'alb_dns_name',
          'alb_url',
          'api_endpoint',
          'aws_region',
          'cloudwatch_log_group',
          'dynamodb_table_arn',
          'dynamodb_table_name',
          'ecs_cluster_name',
          'ecs_service_name',
          'private_subnet_ids',
          'public_subnet_ids',
          'secrets_broker_admin_token_arn',
          'secrets_broker_api_token_arn',
          'secrets_csp_api_token_arn',
          'vpc_id',
        ].sort(),
      );
      const out = (k: string) => String(json.output[k]!.value);
      expect(out('alb_dns_name')).toMatch(/^\$\{aws_lb\..+\.dns_name\}$/);
      expect(out('api_endpoint')).toMatch(/\/v1$/);
      expect(out('dynamodb_table_name')).toMatch(/aws_dynamodb_table\..+\.name/);
      expect(out('ecs_cluster_name')).toContain('cluster_name');
      expect(out('private_subnet_ids')).toContain('private_subnet_ids');
      expect(out('secrets_csp_api_token_arn')).toMatch(/aws_secretsmanager_secret\..+\.arn/);
    });
  });

  test('staging (no domain): the HTTP listener forwards to the target group', () => {
    const listeners = all(s.json, 'aws_lb_listener');
    expect(listeners.map((l) => [l.port, l.protocol])).toEqual([[80, 'HTTP']]);
    expect((listeners[0]!.default_action as Res[])[0]!.type).toBe('forward');
  });

  test('prod (a domain): HTTP redirects to HTTPS, whose listener has the TLS 1.3 policy and an ACM certificate', () => {
    const listeners = all(p.json, 'aws_lb_listener');
    const http = listeners.find((l) => l.port === 80)!;
    const https = listeners.find((l) => l.port === 443)!;
    expect((http.default_action as Res[])[0]).toMatchObject({
      type: 'redirect',
      redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' },
    });
    expect(https.protocol).toBe('HTTPS');
    expect(https.ssl_policy).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(String(https.certificate_arn)).toContain('aws_acm_certificate');
    expect(String(p.json.output.alb_url!.value)).toMatch(/^https:\/\//);
    expect(String(s.json.output.alb_url!.value)).toMatch(/^http:\/\//);
  });

  test('both stacks pass the guardrails with 0 errors', () => {
    for (const { app } of [s, p]) {
      const report = checkPolicy(app);
      expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
    }
  });
});
