import { ConfigValidationError } from '@automock/core';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Testing } from 'cdktf';
import { DedicatedAlb } from './DedicatedAlb';
import {
  FargateService,
  FargateServiceProps,
  secretPolicyResource,
  secretValueFrom,
} from './FargateService';
import { ServiceAutoscaling } from './ServiceAutoscaling';
import { only, resources, testStack } from './testing/fixtures';

const ACCOUNT = '123456789012';

/** A worker: what the workload layer's services without a load balancer look like. */
function worker(over: Partial<FargateServiceProps> = {}, stack = testStack()) {
  const svc = new FargateService(stack, 'Worker', {
    prefix: 'automock',
    env: 'dev',
    project: 'shop',
    serviceName: 'worker',
    region: 'us-east-1',
    clusterName: 'automock-dev',
    clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/automock-dev`,
    vpcId: 'vpc-1',
    subnetIds: ['subnet-a'],
    size: { cpu: 256, memory: 512 },
    logRetentionDays: 14,
    minTasks: 0,
    maxTasks: 2,
    containers: [{ name: 'worker', image: 'img:1', port: 9000 }],
    ...over,
  });
  const json = JSON.parse(Testing.synth(stack)) as any;
  return { svc, json, stack };
}

describe('FargateService beyond MockServer', () => {
  it('runs a worker at zero tasks with no inbound rule', () => {
    const { json } = worker();
    expect(only(json, 'aws_ecs_service').desired_count).toBe(0);
    expect(resources(json, 'aws_vpc_security_group_ingress_rule')).toEqual({});
  });

  it('admits given networks (an internal service) and registers in Cloud Map', () => {
    const { json } = worker({
      ingressCidrs: ['10.0.0.0/16'],
      serviceDiscoveryArn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:service/srv-1`,
    });
    expect(Object.values(resources(json, 'aws_vpc_security_group_ingress_rule'))).toEqual([
      expect.objectContaining({ from_port: 9000, to_port: 9000, cidr_ipv4: '10.0.0.0/16' }),
    ]);
    expect(only(json, 'aws_ecs_service').service_registries).toEqual({
      registry_arn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:service/srv-1`,
    });
  });

  it.each([
    [{ ingressCidrs: ['0.0.0.0/0'] }, 'FargateService.ingressCidrs', '0.0.0.0/0'],
    [{ minTasks: 1, desiredCount: 5 }, 'FargateService.desiredCount', 5],
    [{ capacity: [] }, 'FargateService.capacity', []],
    [
      {
        capacity: [
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 1 },
        ],
      },
      'FargateService.capacity',
      expect.anything(),
    ],
    [{ deployment: { maximumPercent: 250 } }, 'FargateService.deployment.maximumPercent', 250],
    [
      { deployment: { minimumHealthyPercent: -1 } },
      'FargateService.deployment.minimumHealthyPercent',
      -1,
    ],
  ] as const)('refuses %j', (over, field, value) => {
    let error: unknown;
    try {
      worker(over as Partial<FargateServiceProps>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues).toContainEqual(
      expect.objectContaining({ field, value }),
    );
  });

  it('still needs a task when a load balancer targets it', () => {
    expect(() =>
      worker({
        loadBalancerSecurityGroupId: 'sg-alb',
        targets: [
          {
            label: 'w',
            targetGroupArn: 'arn:tg',
            arnSuffix: 'targetgroup/w/1',
            containerName: 'worker',
            containerPort: 9000,
          },
        ],
      }),
    ).toThrow(/minTasks/);
  });

  it('mixes capacity providers, and sets deployment and circuit breaker', () => {
    const { json } = worker({
      capacity: [
        { capacityProvider: 'FARGATE', weight: 1, base: 2 },
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
      ],
      deployment: {
        minimumHealthyPercent: 50,
        maximumPercent: 100,
        circuitBreaker: { enable: false, rollback: false },
      },
    });
    const svc = only(json, 'aws_ecs_service');
    expect(svc.launch_type).toBeUndefined();
    expect(svc.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE', weight: 1, base: 2 },
      { capacity_provider: 'FARGATE_SPOT', weight: 4 },
    ]);
    expect(svc.deployment_minimum_healthy_percent).toBe(50);
    expect(svc.deployment_maximum_percent).toBe(100);
    expect(svc.deployment_circuit_breaker).toEqual({ enable: false, rollback: false });
  });

  it('accepts a secret created in the same stack, and grants exactly its ARN', () => {
    const stack = testStack();
    const secret = new SecretsmanagerSecret(stack, 'Token', { name: 'automock/dev/shop/token' });
    const { json } = worker(
      {
        containers: [
          {
            name: 'worker',
            image: 'img:1',
            secrets: {
              TOKEN: { secretsManagerArn: secret.arn, key: 'value' },
              FLAG: { ssmParameterArn: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/flag` },
            },
          },
        ],
      },
      stack,
    );
    const defs = JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);
    expect(defs[0].secrets).toEqual([
      { name: 'FLAG', valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/flag` },
      { name: 'TOKEN', valueFrom: '${aws_secretsmanager_secret.Token.arn}:value::' },
    ]);
    const policy = Object.values(resources(json, 'aws_iam_role_policy')).find(
      (p: any) => p.name === 'execution',
    ) as any;
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements).toContainEqual({
      Sid: 'ReadOwnSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['${aws_secretsmanager_secret.Token.arn}'],
    });
    expect(statements).toContainEqual({
      Sid: 'ReadOwnParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameters'],
      Resource: [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/flag`],
    });
    expect(statements.map((s: any) => s.Sid)).not.toContain('DecryptOwnSecrets');
  });

  it('sets the container health check timing', () => {
    const { json } = worker({
      containers: [
        {
          name: 'worker',
          image: 'img:1',
          healthCheck: { command: ['CMD', 'true'], interval: 10, timeout: 3, retries: 5 },
        },
      ],
    });
    const defs = JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);
    expect(defs[0].healthCheck).toEqual({
      command: ['CMD', 'true'],
      interval: 10,
      timeout: 3,
      retries: 5,
      startPeriod: 60,
    });
  });

  it('skips autoscaling when told, and tracks targets when asked', () => {
    const fixed = worker({ autoscaling: false, minTasks: 1, maxTasks: 1 });
    expect(fixed.svc.autoscaling).toBeUndefined();
    expect(resources(fixed.json, 'aws_appautoscaling_target')).toEqual({});
    const tracked = worker({ targetTracking: { cpuPercent: 50, scaleInCooldownSeconds: 120 } });
    expect(only(tracked.json, 'aws_appautoscaling_policy')).toMatchObject({
      name: 'automock-dev-shop-worker-cpu-tracking',
      policy_type: 'TargetTrackingScaling',
      target_tracking_scaling_policy_configuration: {
        target_value: 50,
        scale_in_cooldown: 120,
        scale_out_cooldown: 60,
      },
    });
    expect(resources(tracked.json, 'aws_cloudwatch_metric_alarm')).toEqual({});
  });

  it('refuses request tracking without a load balancer, and tracking nothing', () => {
    const stack = testStack();
    const base = {
      namePrefix: 'x',
      clusterName: 'c',
      serviceName: 's',
      minTasks: 1,
      maxTasks: 2,
    };
    expect(
      () =>
        new ServiceAutoscaling(stack, 'A', { ...base, targetTracking: { requestsPerTarget: 9 } }),
    ).toThrow(/requestsPerTarget/);
    expect(() => new ServiceAutoscaling(stack, 'B', { ...base, targetTracking: {} })).toThrow(
      /at least one metric/,
    );
  });
});

describe('scheduled capacity', () => {
  it('puts one scheduled action per schedule on the scalable target, one after another', () => {
    const { json } = worker({
      minTasks: 1,
      maxTasks: 10,
      targetTracking: { cpuPercent: 70 },
      schedules: [
        { name: 'night', schedule: 'cron(0 20 * * ? *)', minTasks: 1, maxTasks: 1 },
        {
          name: 'morning',
          schedule: 'cron(0 7 * * ? *)',
          timezone: 'Europe/Berlin',
          minTasks: 2,
          maxTasks: 10,
        },
      ],
    });
    const actions = resources(json, 'aws_appautoscaling_scheduled_action');
    const byName = (n: string) =>
      (Object.entries(actions) as [string, any][]).find(([, a]) => a.name.endsWith(n))!;
    const [night, morning] = [byName('-night'), byName('-morning')];
    expect(night![1]).toMatchObject({
      name: 'automock-dev-shop-worker-night',
      schedule: 'cron(0 20 * * ? *)',
      timezone: 'UTC',
      scalable_target_action: { min_capacity: '1', max_capacity: '1' },
    });
    expect(night![1].resource_id).toMatch(/^\$\{aws_appautoscaling_target\..+\.resource_id\}$/);
    expect(night![1].depends_on).toEqual([expect.stringMatching(/^aws_appautoscaling_policy\./)]);
    expect(morning![1]).toMatchObject({
      timezone: 'Europe/Berlin',
      scalable_target_action: { min_capacity: '2', max_capacity: '10' },
      depends_on: [`aws_appautoscaling_scheduled_action.${night![0]}`],
    });
  });

  it('refuses bounds outside the service, min above max, and a name twice', () => {
    const base = { namePrefix: 'x', clusterName: 'c', serviceName: 's', minTasks: 1, maxTasks: 4 };
    const at = (minTasks: number, maxTasks: number, name = 'a') => ({
      name,
      schedule: 'rate(1 day)',
      minTasks,
      maxTasks,
    });
    const make = (schedules: any[]) => () =>
      new ServiceAutoscaling(testStack(), 'A', { ...base, schedules });
    expect(make([at(0, 2)])).toThrow(/within the service's bounds \(1-4\)/);
    expect(make([at(1, 5)])).toThrow(/within the service's bounds/);
    expect(make([at(3, 2)])).toThrow(/must be at most maxTasks \(2\)/);
    expect(make([at(1, 2), at(1, 2)])).toThrow(/schedules\[1\]\.name/);
  });
});

describe('sidecar containers', () => {
  it('maps a UDP port without opening it, reserves CPU and memory, logs to its own group', () => {
    const { json, svc } = worker({
      minTasks: 1,
      loadBalancerSecurityGroupId: 'sg-alb',
      containers: [
        { name: 'worker', image: 'img:1', port: 9000 },
        {
          name: 'xray-daemon',
          image: 'public.ecr.aws/xray/aws-xray-daemon:3.6.6',
          port: 2000,
          portProtocol: 'udp',
          cpu: 32,
          memoryReservation: 256,
          logName: 'worker/xray-daemon',
          essential: false,
        },
      ],
    });
    const defs = JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);
    expect(defs[1]).toMatchObject({
      cpu: 32,
      memoryReservation: 256,
      essential: false,
      portMappings: [{ containerPort: 2000, protocol: 'udp' }],
      logConfiguration: {
        options: { 'awslogs-group': '/ecs/automock/dev/shop/worker/xray-daemon' },
      },
    });
    expect(defs[0].cpu).toBeUndefined();
    expect(svc.logGroupNames['xray-daemon']).toBe('/ecs/automock/dev/shop/worker/xray-daemon');
    expect(
      Object.values(resources(json, 'aws_vpc_security_group_ingress_rule')).map((r: any) => [
        r.ip_protocol,
        r.from_port,
      ]),
    ).toEqual([['tcp', 9000]]);
  });

  it("refuses containers reserving more than the task's size", () => {
    const c = (cpu: number, memoryReservation: number) => ({
      name: `c${cpu}`,
      image: 'i',
      cpu,
      memoryReservation,
    });
    expect(() => worker({ containers: [c(200, 100), c(100, 100)] })).toThrow(
      /reserve at most the task's cpu \(256\)/,
    );
    expect(() => worker({ containers: [c(10, 300), c(20, 300)] })).toThrow(
      /reserve at most the task's memory \(512 MiB\)/,
    );
  });
});

describe('secret references', () => {
  it('keys a JSON field as <arn>:<key>:: and leaves other sources alone', () => {
    expect(secretValueFrom({ secretsManagerArn: 'arn:s', key: 'k' })).toBe('arn:s:k::');
    expect(secretValueFrom({ secretsManagerArn: 'arn:s' })).toBe('arn:s');
    expect(secretValueFrom({ ssmParameterArn: 'arn:p' })).toBe('arn:p');
    expect(secretValueFrom('arn:literal')).toBe('arn:literal');
  });

  it("matches a partial secret ARN's random suffix, and keeps a complete one", () => {
    const base = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:`;
    expect(secretPolicyResource(`${base}db`)).toBe(`${base}db-??????`);
    expect(secretPolicyResource(`${base}db-AbCdEf`)).toBe(`${base}db-AbCdEf`);
    expect(secretPolicyResource(`${base}db-AbCdEf:key::`)).toBe(`${base}db-AbCdEf`);
  });
});

describe('DedicatedAlb with a given certificate', () => {
  it('serves HTTPS with the certificate and policy given, and redirects HTTP', () => {
    const stack = testStack();
    new DedicatedAlb(stack, 'Alb', {
      name: 'automock-dev-shop-api',
      securityGroupName: 'automock-dev-shop-api-alb',
      vpcId: 'vpc-1',
      vpcCidr: '10.0.0.0/16',
      publicSubnetIds: ['subnet-a', 'subnet-b'],
      defaultTargetGroupArn: 'arn:tg',
      certificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`,
      tlsPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    });
    const json = JSON.parse(Testing.synth(stack)) as any;
    const listeners = Object.values(resources(json, 'aws_lb_listener')) as any[];
    expect(listeners.find((l) => l.port === 443)).toMatchObject({
      protocol: 'HTTPS',
      certificate_arn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-3-2021-06',
    });
    expect(listeners.find((l) => l.port === 80).default_action[0].type).toBe('redirect');
    expect(resources(json, 'aws_acm_certificate')).toEqual({});
    expect(resources(json, 'aws_route53_record')).toEqual({});
  });

  describe('EFS volumes (issue 14, workload files)', () => {
    const efs = (over: Partial<FargateServiceProps> = {}) =>
      worker({
        efsVolumes: [
          { name: 'uploads', fileSystemId: 'fs-1', accessPointId: 'fsap-1' },
          { name: 'shared', fileSystemId: 'fs-2' },
        ],
        containers: [
          {
            name: 'worker',
            image: 'img:1',
            mountPoints: [
              { sourceVolume: 'uploads', containerPath: '/app/uploads' },
              { sourceVolume: 'shared', containerPath: '/shared', readOnly: true },
            ],
          },
        ],
        ...over,
      });

    it('declares each as a task volume with transit encryption and IAM authorization', () => {
      const { json } = efs();
      expect(only(json, 'aws_ecs_task_definition').volume).toEqual([
        {
          name: 'uploads',
          efs_volume_configuration: {
            file_system_id: 'fs-1',
            transit_encryption: 'ENABLED',
            authorization_config: { iam: 'ENABLED', access_point_id: 'fsap-1' },
          },
        },
        {
          name: 'shared',
          efs_volume_configuration: {
            file_system_id: 'fs-2',
            transit_encryption: 'ENABLED',
            authorization_config: { iam: 'ENABLED' },
          },
        },
      ]);
    });

    it('mounts them into the container at their paths, read-only where asked', () => {
      const { json } = efs();
      const [c] = JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);
      expect(c.mountPoints).toEqual([
        { sourceVolume: 'uploads', containerPath: '/app/uploads', readOnly: false },
        { sourceVolume: 'shared', containerPath: '/shared', readOnly: true },
      ]);
    });

    it('refuses a mount point naming no volume, and two volumes of one name', () => {
      const problems = (over: Partial<FargateServiceProps>) => {
        try {
          efs(over);
        } catch (e) {
          if (e instanceof ConfigValidationError) return e.issues.map((i) => [i.field, i.value]);
          throw e;
        }
        return [];
      };
      expect(
        problems({
          containers: [
            {
              name: 'worker',
              image: 'img:1',
              mountPoints: [{ sourceVolume: 'photos', containerPath: '/p' }],
            },
          ],
        }),
      ).toEqual([['FargateService.containers[worker].mountPoints', 'photos']]);
      expect(problems({ volumes: ['uploads'] })).toEqual([['FargateService.volumes', 'uploads']]);
    });
  });
});
