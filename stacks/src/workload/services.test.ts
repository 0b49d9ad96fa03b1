import {
  Environment,
  IssueCollector,
  ResolvedService,
  ServiceInput,
  servicesSection,
  WorkloadResourceRef,
} from '@automock/core';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { TerraformOutput, Testing } from 'cdktf';
import { decide } from '@automock/test-support/iam';
import { checkStacks, IAM_RULES } from '@automock/guardrails';
import { servicesBuilder, XRAY_CONTAINER_NAME } from './services';
import { testWorkloadContext, testWorkloadEnvironment } from './testing';

const ACCOUNT = '123456789012';
const DOMAIN_ENV = testWorkloadEnvironment({
  domain: { name: 'example.com', hostedZoneId: 'Z123456ABCDEFG' },
});
const TABLE_GRANT = {
  Sid: 'WritePool',
  Effect: 'Allow' as const,
  Action: ['dynamodb:PutItem'],
  Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/pool`],
};

function resolveServices(services: ServiceInput[], env: Environment): readonly ResolvedService[] {
  const issues = new IssueCollector();
  const declared = new Set(['secret/api-token', 'table/pool']);
  const out = servicesSection.resolve(services, {
    env,
    workload: 'shop',
    issues,
    field: 'services',
    declared: (k, n) => declared.has(`${k}/${n}`),
  });
  issues.throwIfAny('test');
  return out!;
}

/** Builds services the way the workload stack would, with a same-stack secret and a table. */
function synth(
  services: ServiceInput[],
  opts: { env?: Environment; kms?: boolean; shared?: boolean; namespace?: boolean } = {},
) {
  const env = opts.env ?? testWorkloadEnvironment();
  const ctx = testWorkloadContext({
    env,
    ...(opts.shared === false
      ? {}
      : {
          sharedAlb: {
            arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/automock-dev/abc`,
            securityGroupId: 'sg-alb',
            listenerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/automock-dev/abc/def`,
          },
        }),
    ...(opts.namespace === false
      ? {}
      : { serviceDiscoveryNamespace: { id: 'ns-123', name: 'dev.internal' } }),
  });
  // What the secrets section (13D1) provides: an ARN that is a token of this stack.
  const secret = new SecretsmanagerSecret(ctx.stack, 'ApiToken', { name: 'shop/api-token' });
  const refs: WorkloadResourceRef[] = [
    {
      kind: 'secret',
      name: 'api-token',
      arn: secret.arn,
      ...(opts.kms ? { attributes: { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1` } } : {}),
    },
    {
      kind: 'table',
      name: 'pool',
      arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/pool`,
      grants: { write: [TABLE_GRANT] },
    },
  ];
  for (const r of refs) ctx.provide(r);
  servicesBuilder.build(resolveServices(services, env), ctx);
  const json = JSON.parse(Testing.synth(ctx.stack)) as any;
  const all = (type: string): any[] => Object.values(json.resource?.[type] ?? {});
  const one = (type: string): any => {
    const r = all(type);
    if (r.length !== 1) throw new Error(`expected one ${type}, found ${r.length}`);
    return r[0];
  };
  const policy = (name: string): any =>
    JSON.parse(all('aws_iam_role_policy').find((p) => p.name === name).policy);
  const container = (): any => JSON.parse(one('aws_ecs_task_definition').container_definitions)[0];
  return {
    json,
    all,
    one,
    policy,
    container,
    ctx,
    secretArn: '${aws_secretsmanager_secret.ApiToken.arn}',
  };
}

describe('servicesBuilder', () => {
  it('is the services section, built after data (10) and before tasks (30)', () => {
    expect(servicesBuilder.key).toBe(servicesSection.key);
    expect(servicesBuilder.order).toBe(20);
  });

  it('builds a worker: no load balancer, no inbound rule, zero tasks allowed, Spot', () => {
    const { all, one, container } = synth([
      {
        name: 'worker',
        image: 'img:1',
        command: ['run', 'jobs'],
        environment: { LOG_LEVEL: 'debug' },
        minCount: 0,
        maxCount: 3,
        capacity: 'fargateSpot',
        scaling: { type: 'targetTracking', cpuPercent: 60 },
      },
    ]);
    const svc = one('aws_ecs_service');
    expect(svc.name).toBe('automock-dev-shop-worker');
    expect(svc.desired_count).toBe(0);
    expect(svc.launch_type).toBeUndefined();
    expect(svc.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', weight: 1 },
    ]);
    expect(svc.load_balancer).toEqual([]);
    expect(svc.health_check_grace_period_seconds).toBeUndefined();
    expect(svc.service_registries).toBeUndefined();
    expect(all('aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(all('aws_lb')).toEqual([]);
    expect(svc.network_configuration.subnets).toEqual(['subnet-private-a', 'subnet-private-b']);
    expect(svc.network_configuration.assign_public_ip).toBe(false);
    const c = container();
    expect(c.command).toEqual(['run', 'jobs']);
    expect(c.environment).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
    expect(c.portMappings).toEqual([]);
    expect(one('aws_appautoscaling_target')).toMatchObject({ min_capacity: 0, max_capacity: 3 });
    expect(one('aws_appautoscaling_policy')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      target_tracking_scaling_policy_configuration: {
        target_value: 60,
        scale_in_cooldown: 300,
        scale_out_cooldown: 60,
        predefined_metric_specification: {
          predefined_metric_type: 'ECSServiceAverageCPUUtilization',
        },
      },
    });
  });

  it('resolves a same-workload secret at synthesis: valueFrom and GetSecretValue on exactly its ARN', () => {
    const { policy, container, secretArn } = synth(
      [
        {
          name: 'api',
          image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-api:1`,
          secrets: {
            WHOLE: { secret: 'api-token' },
            TOKEN: { secret: 'api-token', key: 'token' },
            DB: { secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db` },
            FULL: { secretArn: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:cfg-AbCdEf` },
            FLAG: { ssmParameter: '/shop/flag' },
          },
        },
      ],
      { kms: true },
    );
    expect(container().secrets).toEqual([
      { name: 'DB', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db` },
      { name: 'FLAG', valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/shop/flag` },
      { name: 'FULL', valueFrom: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:cfg-AbCdEf` },
      { name: 'TOKEN', valueFrom: `${secretArn}:token::` },
      { name: 'WHOLE', valueFrom: secretArn },
    ]);
    const statements = policy('execution').Statement;
    expect(statements.find((s: any) => s.Sid === 'ReadOwnSecrets').Resource.sort()).toEqual(
      [
        `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-??????`,
        `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:cfg-AbCdEf`,
        secretArn,
      ].sort(),
    );
    expect(statements.find((s: any) => s.Sid === 'ReadOwnParameters').Resource).toEqual([
      `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/shop/flag`,
    ]);
    expect(statements.find((s: any) => s.Sid === 'DecryptOwnSecrets').Resource).toEqual([
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`,
    ]);
  });

  it('names no KMS key when the secret uses the AWS-managed one', () => {
    const { policy } = synth([
      { name: 'api', image: 'i', secrets: { T: { secret: 'api-token' } } },
    ]);
    expect(policy('execution').Statement.map((s: any) => s.Sid)).not.toContain('DecryptOwnSecrets');
  });

  it('grants iam statements and access from the looked-up grants, nothing wider', () => {
    const { policy } = synth([
      {
        name: 'api',
        image: 'i',
        iam: [
          { sid: 'Bedrock', actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:m'] },
        ],
        access: [{ table: 'pool', mode: 'write' }],
      },
    ]);
    expect(policy('task').Statement).toEqual([
      {
        Sid: 'Bedrock',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel'],
        Resource: ['arn:aws:bedrock:m'],
      },
      TABLE_GRANT,
    ]);
  });

  it('refuses access a resource does not grant', () => {
    expect(() =>
      synth([{ name: 'api', image: 'i', access: [{ table: 'pool', mode: 'read' }] }]),
    ).toThrow(/grants no read access/);
  });

  it('routes a shared service: rule on the listener, target group, ALB-only ingress', () => {
    const { one, all } = synth([
      {
        name: 'api',
        image: 'i',
        port: 8080,
        minCount: 2,
        maxCount: 6,
        healthCheck: {
          path: '/healthz',
          intervalSeconds: 15,
          timeoutSeconds: 4,
          healthyThreshold: 3,
          unhealthyThreshold: 5,
        },
        healthCheckGracePeriodSeconds: 120,
        routing: { kind: 'shared', hosts: ['api.example.com'], paths: ['/v1/*'], priority: 300 },
        scaling: { type: 'targetTracking', requestsPerTarget: 500, memoryPercent: 80 },
      },
    ]);
    expect(one('aws_lb_listener_rule')).toMatchObject({
      listener_arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/automock-dev/abc/def`,
      priority: 300,
      condition: [
        { host_header: { values: ['api.example.com'] } },
        { path_pattern: { values: ['/v1/*'] } },
      ],
      action: [
        {
          type: 'forward',
          target_group_arn: expect.stringMatching(/^\$\{aws_lb_target_group\..*\.arn\}$/),
        },
      ],
    });
    const tg = one('aws_lb_target_group');
    expect(tg.name).toBe('automock-dev-shop-api');
    expect(tg.port).toBe(8080);
    expect(tg.deregistration_delay).toBe('30');
    expect(tg.health_check).toMatchObject({
      path: '/healthz',
      interval: 15,
      timeout: 4,
      healthy_threshold: 3,
      unhealthy_threshold: 5,
    });
    expect(all('aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        from_port: 8080,
        to_port: 8080,
        referenced_security_group_id: 'sg-alb',
      }),
    ]);
    const svc = one('aws_ecs_service');
    expect(svc.health_check_grace_period_seconds).toBe(120);
    expect(svc.desired_count).toBe(2);
    expect(svc.launch_type).toBe('FARGATE');
    expect(svc.load_balancer).toEqual([
      expect.objectContaining({ container_name: 'api', container_port: 8080 }),
    ]);
    const policies = all('aws_appautoscaling_policy');
    expect(
      policies.map(
        (p) => p.target_tracking_scaling_policy_configuration.predefined_metric_specification,
      ),
    ).toEqual([
      { predefined_metric_type: 'ECSServiceAverageMemoryUtilization' },
      {
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label: expect.stringContaining('loadbalancer/'),
      },
    ]);
  });

  it('refuses shared routing without the environment ALB', () => {
    expect(() =>
      synth([{ name: 'api', image: 'i', port: 80, routing: { kind: 'shared', paths: ['/'] } }], {
        shared: false,
      }),
    ).toThrow(/shared ALB/);
  });

  it('gives a dedicated service its own HTTPS ALB: TLS policy, redirect, deregistration delay', () => {
    const { one, all } = synth(
      [
        {
          name: 'api',
          image: 'i',
          port: 8080,
          routing: {
            kind: 'dedicated',
            tlsPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
            deregistrationDelaySeconds: 10,
          },
        },
      ],
      { env: DOMAIN_ENV },
    );
    expect(one('aws_lb')).toMatchObject({ name: 'automock-dev-shop-api', internal: false });
    const listeners = all('aws_lb_listener');
    expect(listeners.find((l) => l.port === 443)).toMatchObject({
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    });
    expect(listeners.find((l) => l.port === 80).default_action[0]).toMatchObject({
      type: 'redirect',
      redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' },
    });
    expect(one('aws_acm_certificate').domain_name).toBe('api-shop.example.com');
    expect(all('aws_route53_record').map((r) => r.name)).toContain('api-shop.example.com');
    expect(one('aws_lb_target_group').deregistration_delay).toBe('10');
    const ingress = all('aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 8080);
    expect(ingress).toHaveLength(1);
    expect(ingress[0].referenced_security_group_id).toMatch(/aws_security_group\.Service-api_Alb/);
  });

  it('serves a given certificate without a domain', () => {
    const cert = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/1234-abcd`;
    const { all } = synth([
      { name: 'api', image: 'i', port: 8080, routing: { kind: 'dedicated', certificateArn: cert } },
    ]);
    expect(all('aws_acm_certificate')).toEqual([]);
    expect(all('aws_lb_listener').find((l) => l.port === 443)).toMatchObject({
      certificate_arn: cert,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  it('registers an internal service in Cloud Map, reachable from the VPC only', () => {
    const { one, all } = synth([
      { name: 'catalog', image: 'i', port: 9000, routing: { kind: 'internal' } },
    ]);
    const d = one('aws_service_discovery_service');
    expect(d.name).toBe('catalog-shop');
    expect(d.dns_config).toEqual({
      namespace_id: 'ns-123',
      routing_policy: 'MULTIVALUE',
      dns_records: [{ type: 'A', ttl: 10 }],
    });
    expect(one('aws_ecs_service').service_registries).toEqual({
      registry_arn: expect.stringMatching(/^\$\{aws_service_discovery_service\..*\.arn\}$/),
    });
    expect(all('aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({ from_port: 9000, cidr_ipv4: '10.0.0.0/16' }),
    ]);
    expect(all('aws_lb')).toEqual([]);
  });

  it('refuses internal routing without a namespace', () => {
    expect(() =>
      synth([{ name: 'c', image: 'i', port: 9000, routing: { kind: 'internal' } }], {
        namespace: false,
      }),
    ).toThrow(/Cloud Map namespace/);
  });

  it('sets capacity mixes, deployment, circuit breaker, container health check and retention', () => {
    const { one, container } = synth([
      {
        name: 'w',
        image: 'i',
        desiredCount: 2,
        minCount: 1,
        maxCount: 4,
        capacity: { fargate: { weight: 1, base: 1 }, fargateSpot: { weight: 3 } },
        deployment: {
          minimumHealthyPercent: 50,
          maximumPercent: 150,
          circuitBreaker: { rollback: false },
        },
        healthCheck: {
          command: ['CMD-SHELL', 'true'],
          intervalSeconds: 20,
          startPeriodSeconds: 10,
        },
        logs: { retentionDays: 90 },
        scaling: {
          type: 'steps',
          cpu: [
            { from: 70, to: 90, change: 50 },
            { from: 90, change: 100 },
          ],
          memory: [{ from: 80, change: 50 }],
          scaleOutCooldownSeconds: 120,
        },
      },
    ]);
    const svc = one('aws_ecs_service');
    expect(svc.desired_count).toBe(2);
    expect(svc.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', weight: 1, base: 1 },
      { capacity_provider: 'FARGATE_SPOT', weight: 3 },
    ]);
    expect(svc.deployment_minimum_healthy_percent).toBe(50);
    expect(svc.deployment_maximum_percent).toBe(150);
    expect(svc.deployment_circuit_breaker).toEqual({ enable: true, rollback: false });
    expect(container().healthCheck).toEqual({
      command: ['CMD-SHELL', 'true'],
      interval: 20,
      timeout: 5,
      retries: 3,
      startPeriod: 10,
    });
    expect(one('aws_cloudwatch_log_group')).toMatchObject({
      name: '/ecs/automock/dev/shop/w',
      retention_in_days: 90,
    });
    const { all } = synth([]);
    expect(all('aws_ecs_service')).toEqual([]);
  });

  it('builds step scaling: alarm and step policy per metric, with cooldowns', () => {
    const { all } = synth([
      {
        name: 'w',
        image: 'i',
        maxCount: 4,
        scaling: {
          type: 'steps',
          cpu: [{ from: 75, change: 50 }],
          memory: [{ from: 85, change: 100 }],
          scaleInCooldownSeconds: 600,
        },
      },
    ]);
    const policies = all('aws_appautoscaling_policy');
    expect(policies.map((p) => p.name)).toEqual([
      'automock-dev-shop-w-cpu-scale-out',
      'automock-dev-shop-w-memory-scale-out',
      'automock-dev-shop-w-scale-in',
    ]);
    expect(policies[2].step_scaling_policy_configuration.cooldown).toBe(600);
    expect(
      all('aws_cloudwatch_metric_alarm')
        .map((a) => a.threshold)
        .sort(),
    ).toEqual([40, 75, 85]);
  });

  it('runs a fixed count without autoscaling', () => {
    const { all } = synth([{ name: 'w', image: 'i', minCount: 2 }]);
    expect(all('aws_appautoscaling_target')).toEqual([]);
  });

  it('provides a service ref with the attributes tasks reuse', () => {
    const { ctx } = synth([
      { name: 'api', image: 'img:2', port: 8080, routing: { kind: 'internal' } },
    ]);
    // Tokens read back through an output, as a consumer in the same stack would see them.
    const looked = ctx.lookup('service', 'api');
    new TerraformOutput(ctx.stack, 'ref', { value: { arn: looked.arn, ...looked.attributes } });
    const out = (JSON.parse(Testing.synth(ctx.stack)) as any).output.ref.value;
    const ref = { arn: out.arn, attributes: { ...out, arn: undefined } };
    delete ref.attributes.arn;
    expect(ref.arn).toMatch(/^\$\{aws_ecs_service\..*\.id\}$/);
    expect(ref.attributes).toEqual({
      image: 'img:2',
      containerName: 'api',
      taskRoleArn: expect.stringMatching(/aws_iam_role\..*TaskRole.*\.arn/),
      taskRoleName: expect.stringMatching(/aws_iam_role\..*TaskRole.*\.name/),
      executionRoleArn: expect.stringMatching(/aws_iam_role\..*ExecutionRole.*\.arn/),
      securityGroupId: expect.stringMatching(/aws_security_group\..*\.id/),
      logGroupName: '/ecs/automock/dev/shop/api',
      taskDefinitionArn: expect.stringMatching(/aws_ecs_task_definition\..*\.arn/),
      port: '8080',
      serviceName: expect.stringMatching(/^\$\{aws_ecs_service\..*\.name\}$/),
    });
  });

  it('provides a dedicated service its ALB DNS name and URL (references and outputs name them)', () => {
    const { ctx } = synth([
      {
        name: 'api',
        image: 'img:2',
        port: 8080,
        routing: { kind: 'dedicated', allowHttp: true },
      },
    ]);
    const attrs = ctx.lookup('service', 'api').attributes!;
    new TerraformOutput(ctx.stack, 'ref', { value: { dns: attrs.albDnsName, url: attrs.url } });
    const out = (JSON.parse(Testing.synth(ctx.stack)) as any).output.ref.value;
    expect(out.dns).toMatch(/^\$\{aws_lb\..*\.dns_name\}$/);
    expect(out.url).toMatch(/^http:\/\/\$\{aws_lb\..*\.dns_name\}$/);
  });

  it('gives every role the permissions boundary', () => {
    const { all } = synth([{ name: 'w', image: 'i' }]);
    const roles = all('aws_iam_role');
    expect(roles).toHaveLength(2);
    for (const r of roles)
      expect(r.permissions_boundary).toBe('arn:aws:iam::123456789012:policy/automock-dev-boundary');
  });
});

describe('tracing: the X-Ray daemon sidecar', () => {
  const traced = (over: Partial<ServiceInput> = {}) =>
    synth([
      {
        name: 'api',
        image: 'img:1',
        port: 8080,
        environment: { NODE_ENV: 'production' },
        routing: { kind: 'internal' },
        tracing: { xray: true },
        ...over,
      },
    ]);

  it('adds the daemon: UDP 2000, 32 CPU units and 256 MiB of the task, non-essential, hardened, own log group', () => {
    const { one } = traced();
    const td = one('aws_ecs_task_definition');
    expect([td.cpu, td.memory]).toEqual(['256', '512']);
    const [app, daemon] = JSON.parse(td.container_definitions);
    expect(daemon).toMatchObject({
      name: XRAY_CONTAINER_NAME,
      image: 'public.ecr.aws/xray/aws-xray-daemon:3.6.6',
      essential: false,
      cpu: 32,
      memoryReservation: 256,
      user: '10001',
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 2000, hostPort: 2000, protocol: 'udp' }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/automock/dev/shop/api/xray-daemon' },
      },
    });
    expect(app.dependsOn).toEqual([{ containerName: XRAY_CONTAINER_NAME, condition: 'START' }]);
    expect(app.cpu).toBeUndefined();
  });

  it("points the application's SDK at the daemon on the task's localhost", () => {
    const { container } = traced();
    expect(container().environment).toEqual([
      { name: 'AWS_XRAY_DAEMON_ADDRESS', value: '127.0.0.1:2000' },
      { name: 'NODE_ENV', value: 'production' },
    ]);
  });

  it('gives the daemon a log group beside the application, with its retention', () => {
    const { all } = traced({ logs: { retentionDays: 14 } });
    expect(all('aws_cloudwatch_log_group').map((g) => [g.name, g.retention_in_days])).toEqual([
      ['/ecs/automock/dev/shop/api', 14],
      ['/ecs/automock/dev/shop/api/xray-daemon', 14],
    ]);
  });

  it('opens no port to the daemon: only the application port is admitted', () => {
    const { all } = traced();
    expect(
      all('aws_vpc_security_group_ingress_rule').map((r) => [r.ip_protocol, r.from_port]),
    ).toEqual([['tcp', 8080]]);
  });

  it('lets the task role send traces and read sampling rules, as IAM decides, and nothing more', async () => {
    const { policy, all } = traced();
    const doc = policy('task');
    const role = all('aws_iam_role').find((r) => String(r.name).endsWith('api-task'))!;
    const principal = { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/${role.name}` };
    for (const action of [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
    ])
      expect(await decide(principal, [doc], { action, resource: '*' })).toBe('Allowed');
    for (const action of ['xray:GetSamplingStatisticSummaries', 'xray:DeleteSamplingRule'])
      expect(await decide(principal, [doc], { action, resource: '*' })).toBe('ImplicitlyDenied');
  });

  it('passes the IAM guardrails: the daemon calls have no resource-level permissions', () => {
    const { json } = traced();
    const report = checkStacks([{ name: 'test', json, environment: testWorkloadEnvironment() }], {
      rules: IAM_RULES,
    });
    expect(report.findings).toEqual([]);
  });

  it('adds nothing without tracing', () => {
    const { one, container, all } = traced({ tracing: { xray: false } });
    expect(JSON.parse(one('aws_ecs_task_definition').container_definitions)).toHaveLength(1);
    expect(container().environment).toEqual([{ name: 'NODE_ENV', value: 'production' }]);
    expect(all('aws_iam_role_policy').map((p) => p.name)).not.toContain('task');
  });

  it('uses the image and size given', () => {
    const { one } = traced({
      cpu: 1024,
      memory: 2048,
      tracing: {
        xray: {
          image: 'registry.example.com/xray:1@sha256:' + 'a'.repeat(64),
          cpu: 128,
          memory: 512,
        },
      },
    });
    const daemon = JSON.parse(one('aws_ecs_task_definition').container_definitions)[1];
    expect(daemon).toMatchObject({
      image: `registry.example.com/xray:1@sha256:${'a'.repeat(64)}`,
      cpu: 128,
      memoryReservation: 512,
    });
  });
});

describe('scaling schedules', () => {
  it('puts scheduled actions on the scalable target: a floor at night, the range in the morning', () => {
    const { all, one } = synth([
      {
        name: 'api',
        image: 'img:1',
        port: 8080,
        minCount: 1,
        maxCount: 6,
        routing: { kind: 'internal' },
        scaling: {
          type: 'targetTracking',
          cpuPercent: 60,
          schedules: [
            {
              name: 'night',
              schedule: 'cron(0 20 ? * * *)',
              timezone: 'Europe/Berlin',
              min: 1,
              max: 1,
            },
            {
              name: 'morning',
              schedule: 'cron(0 7 ? * MON-FRI *)',
              timezone: 'Europe/Berlin',
              min: 2,
              max: 6,
            },
          ],
        },
      },
    ]);
    const target = one('aws_appautoscaling_target');
    expect([target.min_capacity, target.max_capacity]).toEqual([1, 6]);
    expect(
      all('aws_appautoscaling_scheduled_action')
        .map((a) => [a.name, a.schedule, a.timezone, a.scalable_target_action])
        .sort(),
    ).toEqual([
      [
        'automock-dev-shop-api-morning',
        'cron(0 7 ? * MON-FRI *)',
        'Europe/Berlin',
        { min_capacity: '2', max_capacity: '6' },
      ],
      [
        'automock-dev-shop-api-night',
        'cron(0 20 ? * * *)',
        'Europe/Berlin',
        { min_capacity: '1', max_capacity: '1' },
      ],
    ]);
    for (const a of all('aws_appautoscaling_scheduled_action'))
      expect(a.resource_id).toMatch(/^\$\{aws_appautoscaling_target\..+\.resource_id\}$/);
  });

  it('puts none without schedules', () => {
    const { all } = synth([
      {
        name: 'w',
        image: 'i',
        minCount: 1,
        maxCount: 3,
        scaling: { type: 'targetTracking', cpuPercent: 50 },
      },
    ]);
    expect(all('aws_appautoscaling_scheduled_action')).toEqual([]);
  });
});
