import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Environment, Workload } from '@automock/core';
import { USER_POOL_READ_ACTIONS, USER_POOL_WRITE_ACTIONS } from '@automock/identity';
import { App, Testing } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { checkPolicy } from '../policy';
import { WorkloadStack } from '../workload-stack';
import { resolveWorkloads, WORKLOADS_DIR, yamlWorkload } from '../workloads';

/**
 * Seed 004's full example, declared in stacks/workloads/myapp.yaml (the default app's dev-myapp):
 * each item of the seed's list is an expectation on dev's synthesised stack.
 */
type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;
type Res = Record<string, unknown>;

const FILE = path.join(WORKLOADS_DIR, 'myapp.yaml');
const TEXT = readFileSync(FILE, 'utf8');
const dev: Environment = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const workloadOf = (text: string): Workload =>
  resolveWorkloads([yamlWorkload(text, FILE)], [dev], ENVIRONMENTS)[0]!.workload;
const workload = workloadOf(TEXT);
const app: App = Testing.app();
const stack = new WorkloadStack(app, { workload });
const json = JSON.parse(Testing.synth(stack)) as Json;

const all = (type: string): Res[] => Object.values(json.resource?.[type] ?? {});
const one = (type: string, where: (r: Res) => boolean = () => true): Res => {
  const found = all(type).filter(where);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const taskDefinition = (suffix: string) =>
  one('aws_ecs_task_definition', (r) => String(r.family).endsWith(`-${suffix}`));
const containers = (suffix: string) =>
  JSON.parse(String(taskDefinition(suffix).container_definitions)) as Res[];
const service = (name: string) =>
  one('aws_ecs_service', (r) => String(r.name).endsWith(`-myapp-${name}`));
const envOf = (c: Res) =>
  Object.fromEntries(
    (c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
  );

describe('seed 004: myapp, declared in stacks/workloads/myapp.yaml', () => {
  test('is deployed to dev only, on the environment’s network and cluster', () => {
    expect(workload.environments).toEqual(['dev']);
    expect(stack.info.name).toBe('dev-myapp');
    expect(json.resource.aws_vpc).toBeUndefined();
    expect(json.resource.aws_ecs_cluster).toBeUndefined();
  });

  test('backend: port 8080, /health checked by the environment’s ALB, NODE_ENV=production', () => {
    const [app] = containers('backend');
    expect(app!.portMappings).toEqual([
      expect.objectContaining({ containerPort: 8080, protocol: 'tcp' }),
    ]);
    expect(envOf(app!).NODE_ENV).toBe('production');
    const tg = one('aws_lb_target_group');
    expect(tg.port).toBe(8080);
    expect(tg.health_check).toMatchObject({ path: '/health' });
    const rule = one('aws_lb_listener_rule');
    expect(String(rule.listener_arn)).toMatch(/terraform_remote_state\.environment.+listener_arn/);
    expect(service('backend').load_balancer).toEqual([
      expect.objectContaining({ container_name: 'backend', container_port: 8080 }),
    ]);
  });

  test('backend: X-Ray daemon sidecar, its address in the application, the task role may send traces', () => {
    const [app, daemon] = containers('backend');
    expect(daemon).toMatchObject({
      name: 'xray-daemon',
      image: expect.stringMatching(/^public\.ecr\.aws\/xray\/aws-xray-daemon:/),
      portMappings: [expect.objectContaining({ containerPort: 2000, protocol: 'udp' })],
    });
    expect(envOf(app!).AWS_XRAY_DAEMON_ADDRESS).toBe('127.0.0.1:2000');
    const task = all('aws_iam_role_policy').find(
      (p) => p.name === 'task' && String(p.role).includes('Service-backend'),
    )!;
    expect(String(task.policy)).toContain('xray:PutTraceSegments');
  });

  test('backend: CPU and memory target tracking, and a floor of one task at night by schedule', () => {
    const target = one('aws_appautoscaling_target', (t) =>
      String(t.resource_id).includes('backend'),
    );
    expect([target.min_capacity, target.max_capacity]).toEqual([1, 4]);
    expect(
      all('aws_appautoscaling_scheduled_action')
        .map((a) => [a.name, a.schedule, a.scalable_target_action])
        .sort(),
    ).toEqual([
      [
        'automock-dev-myapp-backend-morning',
        'cron(0 6 ? * MON-FRI *)',
        { min_capacity: '1', max_capacity: '4' },
      ],
      [
        'automock-dev-myapp-backend-night',
        'cron(0 20 * * ? *)',
        { min_capacity: '1', max_capacity: '1' },
      ],
    ]);
  });

  test('worker: 512 CPU units, 1024 MiB, port 3000, desired 2, registered in Cloud Map', () => {
    const td = taskDefinition('worker');
    expect([td.cpu, td.memory]).toEqual(['512', '1024']);
    expect(containers('worker')[0]!.portMappings).toEqual([
      expect.objectContaining({ containerPort: 3000 }),
    ]);
    expect(service('worker').desired_count).toBe(2);
    expect(service('worker').service_registries).toBeDefined();
    expect(one('aws_service_discovery_service').name).toBe('worker-myapp');
  });

  test('postgres: database myapp, user postgres, engine 16, in the database subnets, not public, password kept by RDS', () => {
    const db = one('aws_db_instance');
    expect(db).toMatchObject({
      engine: 'postgres',
      db_name: 'myapp',
      username: 'postgres',
      publicly_accessible: false,
      storage_encrypted: true,
      manage_master_user_password: true,
    });
    expect(String(db.engine_version)).toMatch(/^16/);
    expect(db.password).toBeUndefined();
    expect(String(db.db_subnet_group_name)).toMatch(
      /terraform_remote_state\.environment.+database/,
    );
  });

  test('Cognito: a web client, the hosted UI domain myapp-auth, groups test and admin, MFA optional', () => {
    expect(one('aws_cognito_user_pool').mfa_configuration).toBe('OPTIONAL');
    expect(one('aws_cognito_user_pool_client').name).toMatch(/web$/);
    expect(one('aws_cognito_user_pool_domain').domain).toBe('myapp-auth');
    expect(
      all('aws_cognito_user_group')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['admin', 'test']);
  });

  const backendTaskPolicy = () =>
    JSON.parse(
      String(
        all('aws_iam_role_policy').find(
          (p) => p.name === 'task' && String(p.role).includes('Service-backend'),
        )!.policy,
      ),
    ) as { Statement: { Action: string[]; Resource: string | string[]; Condition?: unknown }[] };
  const grantsOn = (resourcePart: string) =>
    backendTaskPolicy()
      .Statement.filter((st) => [st.Resource].flat().some((r) => r.includes(resourcePart)))
      .flatMap((st) => st.Action);

  test('EFS uploads: encrypted, a mount target in every private subnet, access point /uploads as 1000:1000 with 0755', () => {
    const fs = one('aws_efs_file_system');
    expect(fs).toMatchObject({
      encrypted: true,
      creation_token: 'automock-dev-myapp-files-uploads',
    });
    const target = one('aws_efs_mount_target');
    expect(String(target.count)).toMatch(
      /^\$\{length\(data\.terraform_remote_state\..+\.outputs\.private_subnet_ids\)\}$/,
    );
    expect(one('aws_efs_access_point')).toMatchObject({
      posix_user: { uid: 1000, gid: 1000 },
      root_directory: {
        path: '/uploads',
        creation_info: { owner_uid: 1000, owner_gid: 1000, permissions: '0755' },
      },
    });
  });

  test('EFS uploads: mounted into the backend at /app/uploads through its access point, encrypted in transit, IAM-authorised', () => {
    const volumes = taskDefinition('backend').volume as Res[];
    expect(volumes).toEqual([
      expect.objectContaining({
        efs_volume_configuration: expect.objectContaining({
          transit_encryption: 'ENABLED',
          file_system_id: expect.stringMatching(/^\$\{aws_efs_file_system\..+\.id\}$/),
          authorization_config: {
            access_point_id: expect.stringMatching(/^\$\{aws_efs_access_point\..+\.id\}$/),
            iam: 'ENABLED',
          },
        }),
      }),
    ]);
    const [app, daemon] = containers('backend');
    expect(app!.mountPoints).toEqual([
      { sourceVolume: volumes[0]!.name, containerPath: '/app/uploads', readOnly: false },
    ]);
    expect(daemon!.mountPoints ?? []).toEqual([]);
    const efs = backendTaskPolicy().Statement.find((st) =>
      String(st.Resource).includes('aws_efs_file_system'),
    )!;
    expect(efs.Action).toEqual(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite']);
    expect(JSON.stringify(efs.Condition)).toContain('elasticfilesystem:AccessPointArn');
    // The worker names no mount: it gets neither the volume nor the grant.
    expect(taskDefinition('worker').volume ?? []).toEqual([]);
  });

  test('SES: the domain mail.example.com and the test address admin@example.com, no DNS written (dev has no zone); the backend may send', () => {
    expect(
      all('aws_sesv2_email_identity')
        .map((i) => i.email_identity)
        .sort(),
    ).toEqual(['admin@example.com', 'mail.example.com']);
    expect(json.resource.aws_route53_record).toBeUndefined();
    expect(grantsOn('aws_sesv2_email_identity').sort()).toEqual([
      'ses:SendEmail',
      'ses:SendRawEmail',
    ]);
  });

  test("Cognito: the backend's user management on the pool (seed 004's IAM policy), action by action; the worker none", () => {
    const statements = backendTaskPolicy().Statement.filter((st) =>
      [st.Resource].flat().some((r) => r.includes('aws_cognito_user_pool')),
    );
    // On the pool's ARN only, never on another pool or `*`.
    for (const st of statements)
      expect([st.Resource].flat()).toEqual([
        expect.stringMatching(/^\$\{aws_cognito_user_pool\.[^.]+\.arn\}$/),
      ]);
    expect(statements.flatMap((st) => st.Action).sort()).toEqual(
      [...USER_POOL_WRITE_ACTIONS, ...USER_POOL_READ_ACTIONS].sort(),
    );
    const worker = all('aws_iam_role_policy').find(
      (p) => p.name === 'task' && String(p.role).includes('Service-worker'),
    );
    expect(String(worker?.policy ?? '')).not.toContain('cognito-idp:');
  });

  test('an assets bucket, public with its reason; the queue main-queue', () => {
    const bucket = one('aws_s3_bucket');
    expect(String(bucket.bucket)).toContain('myapp-assets');
    expect(one('aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_policy: false,
    });
    expect(String(one('aws_sqs_queue', (q) => !String(q.name).includes('dlq')).name)).toMatch(
      /main-queue$/,
    );
  });

  test('scheduled task daily-cleanup: rate(1 day), node cleanup.js', () => {
    const schedule = one('aws_scheduler_schedule');
    expect(schedule.schedule_expression).toBe('rate(1 day)');
    const [c] = containers('daily-cleanup-scheduled');
    expect(c!.command).toEqual(['node', 'cleanup.js']);
  });

  test('event task order-processor: its rule order-events on "Order Created" from com.myapp.orders, with a dead-letter queue', () => {
    const rule = one('aws_cloudwatch_event_rule');
    expect(rule.name).toBe('automock-dev-myapp-order-events');
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['com.myapp.orders'],
      'detail-type': ['Order Created'],
    });
    const target = one('aws_cloudwatch_event_target');
    expect(target.dead_letter_config).toBeDefined();
  });

  test('ECR repositories for backend and worker in dev', () => {
    expect(
      all('aws_ecr_repository')
        .map((r) => r.name)
        .sort(),
    ).toEqual([expect.stringMatching(/myapp-backend$/), expect.stringMatching(/myapp-worker$/)]);
  });

  test('HTTP API: ANY /myapp and /myapp/{proxy+} through a VPC link to the shared ALB, which routes /myapp and /myapp/* from the VPC only to the backend', () => {
    expect(all('aws_apigatewayv2_api')).toEqual([
      expect.objectContaining({ name: `${dev.prefix}-dev-myapp`, protocol_type: 'HTTP' }),
    ]);
    expect(all('aws_apigatewayv2_route').map((r) => r.route_key)).toEqual([
      'ANY /myapp',
      'ANY /myapp/{proxy+}',
    ]);
    // dev has no domain: the HTTP listener, which carries the backend's /myapp rule
    const integration = one('aws_apigatewayv2_integration');
    expect(integration).toMatchObject({
      connection_type: 'VPC_LINK',
      integration_type: 'HTTP_PROXY',
    });
    expect(String(integration.integration_uri)).toMatch(/outputs\.http_listener_arn\}$/);
    const rule = one('aws_lb_listener_rule');
    expect(String(rule.listener_arn)).toBe(integration.integration_uri);
    expect(JSON.stringify(rule.condition)).toContain('"/myapp","/myapp/*"');
    // ...from the VPC's addresses only (the VPC link): nobody skips the authorizer by calling the
    // internet-facing ALB
    expect(rule.condition).toEqual(
      expect.arrayContaining([{ source_ip: { values: [dev.vpcCidr] } }]),
    );
    expect(String(one('aws_apigatewayv2_vpc_link').subnet_ids)).toMatch(
      /outputs\.private_subnet_ids\}$/,
    );
    expect(one('aws_vpc_security_group_egress_rule', (r) => r.from_port === 80)).toMatchObject({
      to_port: 80,
      referenced_security_group_id: expect.stringMatching(/alb_security_group_id\}$/),
    });
  });

  test('HTTP API: every route needs a token of the users pool issued to its web client', () => {
    const authorizer = one('aws_apigatewayv2_authorizer');
    expect(authorizer).toMatchObject({ authorizer_type: 'JWT' });
    const jwt = authorizer.jwt_configuration as { issuer: string; audience: string[] };
    // the pool's endpoint is cognito-idp.<region>.amazonaws.com/<pool id>
    expect(jwt.issuer).toMatch(/^https:\/\/\$\{aws_cognito_user_pool\..+\.endpoint\}$/);
    expect(jwt.audience).toEqual([
      expect.stringMatching(/^\$\{aws_cognito_user_pool_client\..+\.id\}$/),
    ]);
    for (const r of all('aws_apigatewayv2_route'))
      expect(r).toMatchObject({ authorization_type: 'JWT', authorizer_id: expect.any(String) });
  });

  test("HTTP API: access log kept as dev keeps logs, throttled 100/50, no custom domain (dev has none); api_url is the stage's URL", () => {
    const stage = one('aws_apigatewayv2_stage');
    expect(stage).toMatchObject({
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_burst_limit: 100, throttling_rate_limit: 50 },
    });
    expect(one('aws_cloudwatch_log_group', (r) => String(r.name).endsWith('/http-api'))).toEqual(
      expect.objectContaining({
        name: `/${dev.prefix}/dev/myapp/http-api`,
        retention_in_days: dev.logRetentionDays,
      }),
    );
    expect(all('aws_apigatewayv2_domain_name')).toEqual([]);
    const out = json.output as unknown as Record<string, { value: string }>;
    expect(out.api_url!.value).toMatch(/^\$\{aws_apigatewayv2_stage\..+\.invoke_url\}$/);
  });

  test("the seed's outputs", () => {
    const out = json.output as unknown as Record<string, { value: string }>;
    expect(Object.keys(out).sort()).toEqual(
      expect.arrayContaining([
        'account_id',
        'api_url',
        'backend_cloud_map_arn',
        'backend_ecr_repo_url',
        'backend_task_role_name',
        'region',
      ]),
    );
    expect(out.account_id!.value).toBe(dev.accountId);
    expect(out.region!.value).toBe(dev.region);
    expect(out.backend_ecr_repo_url!.value).toMatch(
      /^\$\{aws_ecr_repository\..+\.repository_url\}$/,
    );
    expect(out.backend_task_role_name!.value).toMatch(/^\$\{aws_iam_role\..+backend.+\.name\}$/);
    expect(out.backend_cloud_map_arn!.value).toMatch(
      new RegExp(`^arn:aws:servicediscovery:${dev.region}:${dev.accountId}:namespace/\\$\\{`),
    );
  });

  test('refuses the database in an environment without database subnets, naming the field', () => {
    expect(dev.databaseSubnets).toBe(true);
    const plain: Environment = { ...dev, databaseSubnets: false };
    expect(() =>
      resolveWorkloads(
        [yamlWorkload(TEXT, FILE)],
        [plain],
        ENVIRONMENTS.map((e) => (e === dev ? plain : e)),
      ),
    ).toThrow(/database.*databaseSubnets/s);
  });

  test('passes the guardrails with 0 errors', () => {
    const report = checkPolicy(app);
    expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
  });
});
