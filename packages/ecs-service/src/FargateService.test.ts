import type {} from 'cdktf/lib/testing/adapters/jest';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Testing } from 'cdktf';
import { ConfigValidationError } from '@automock/core';
import { DedicatedAlb } from './DedicatedAlb';
import { FargateService, FargateServiceProps, secretResourceArn } from './FargateService';
import { DEFAULT_SCALING } from './ServiceAutoscaling';
import { ServiceTargetGroup } from './ServiceTargetGroup';
import { only, resources, testStack } from './testing/fixtures';

const ACCOUNT = '123456789012';
const SECRETS = {
  BROKER_API_TOKEN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sandbox-broker/broker-api-token-AbCdEf`,
  BROKER_ADMIN_TOKEN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sandbox-broker/broker-admin-token-GhIjKl`,
  CSP_API_TOKEN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/sandbox-broker/csp-api-token`,
};
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/sandbox-broker-api:v1.0.0`;

/** A sandbox broker's API service (secrets, /healthz, 2-10 tasks), expressed with the generic construct. */
function brokerApi(over: Partial<FargateServiceProps> = {}) {
  const stack = testStack();
  const tg = new ServiceTargetGroup(stack, 'Tg', {
    name: 'sandbox-broker-prod-api',
    vpcId: 'vpc-1',
    port: 8080,
    healthCheckPath: '/healthz',
  });
  const alb = new DedicatedAlb(stack, 'Alb', {
    name: 'sandbox-broker-prod',
    securityGroupName: 'sandbox-broker-prod-alb',
    vpcId: 'vpc-1',
    vpcCidr: '10.0.0.0/16',
    publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
    defaultTargetGroupArn: tg.targetGroupArn,
  });
  const svc = new FargateService(stack, 'Api', {
    prefix: 'sandbox-broker',
    env: 'prod',
    project: 'broker',
    serviceName: 'api',
    region: 'us-east-1',
    clusterName: 'sandbox-broker-cluster',
    clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/sandbox-broker-cluster`,
    vpcId: 'vpc-1',
    subnetIds: ['subnet-priv-a', 'subnet-priv-b'],
    size: { cpu: 1024, memory: 2048 },
    logRetentionDays: 30,
    minTasks: 2,
    maxTasks: 10,
    healthCheckGracePeriodSeconds: 120,
    loadBalancerSecurityGroupId: alb.securityGroupId,
    loadBalancerArnSuffix: alb.arnSuffix,
    listenerDependencies: alb.dependables,
    alarmTopicArns: [`arn:aws:sns:us-east-1:${ACCOUNT}:ops`],
    targets: [
      {
        label: 'api',
        targetGroupArn: tg.targetGroupArn,
        arnSuffix: tg.arnSuffix,
        containerName: 'api',
        containerPort: 8080,
      },
    ],
    containers: [
      {
        name: 'api',
        image: IMAGE,
        port: 8080,
        environment: {
          DDB_TABLE_NAME: 'sandbox-broker-pool',
          AWS_REGION: 'us-east-1',
          CSP_BASE_URL: 'https://csp.infoblox.com',
        },
        secrets: SECRETS,
      },
    ],
    taskRoleStatements: [
      {
        Sid: 'Pool',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        Resource: [
          `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/sandbox-broker-pool`,
          `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/sandbox-broker-pool/index/*`,
        ],
      },
    ],
    ...over,
  });
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw), svc };
}

describe('FargateService expressing a sandbox broker API', () => {
  const { raw, json } = brokerApi();
  const [api] = JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);

  it('injects the three secrets by ARN and the plain environment', () => {
    expect(api.secrets).toEqual(
      Object.entries(SECRETS)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, valueFrom]) => ({ name, valueFrom })),
    );
    expect(api.environment).toContainEqual({
      name: 'DDB_TABLE_NAME',
      value: 'sandbox-broker-pool',
    });
  });

  it('lets the execution role read exactly those secrets and pull exactly that repository', () => {
    const exec = Object.values(resources(json, 'aws_iam_role_policy')).find(
      (p: any) => p.name === 'execution',
    ) as any;
    const doc = JSON.parse(exec.policy);
    const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    expect(bySid.ReadOwnSecrets).toEqual({
      Sid: 'ReadOwnSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [SECRETS.BROKER_API_TOKEN, SECRETS.BROKER_ADMIN_TOKEN],
    });
    expect(bySid.ReadOwnParameters.Resource).toEqual([SECRETS.CSP_API_TOKEN]);
    expect(bySid.ReadOwnParameters.Action).toEqual(['ssm:GetParameters']);
    expect(bySid.PullOwnImages.Resource).toEqual([
      `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/sandbox-broker-api`,
    ]);
    for (const s of doc.Statement) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
  });

  it('health-checks /healthz on the target group', () => {
    expect(only(json, 'aws_lb_target_group').health_check).toMatchObject({
      path: '/healthz',
      matcher: '200',
    });
  });

  it('runs 2 to 10 tasks', () => {
    expect(raw).toHaveResourceWithProperties(AppautoscalingTarget, {
      min_capacity: 2,
      max_capacity: 10,
      resource_id: expect.stringMatching(
        /^service\/sandbox-broker-cluster\/\$\{aws_ecs_service\.\w+\.name\}$/,
      ),
      scalable_dimension: 'ecs:service:DesiredCount',
    });
  });

  it('deploys 200/100 with a rolling-back circuit breaker, grace period and private subnets', () => {
    expect(raw).toHaveResourceWithProperties(EcsService, {
      desired_count: 2,
      launch_type: 'FARGATE',
      deployment_maximum_percent: 200,
      deployment_minimum_healthy_percent: 100,
      deployment_circuit_breaker: { enable: true, rollback: true },
      health_check_grace_period_seconds: 120,
      enable_execute_command: false,
      network_configuration: expect.objectContaining({
        assign_public_ip: false,
        subnets: ['subnet-priv-a', 'subnet-priv-b'],
      }),
      lifecycle: { ignore_changes: ['desired_count'] },
    });
  });

  it('logs to its own group with the retention', () => {
    expect(only(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/ecs/sandbox-broker/prod/broker/api',
      retention_in_days: 30,
    });
  });
});

describe('FargateService options and validation', () => {
  it('ECS Exec adds the SSM message channel actions to the task role', () => {
    const { json } = brokerApi({ enableExecuteCommand: true });
    expect(only(json, 'aws_ecs_service').enable_execute_command).toBe(true);
    const task = Object.values(resources(json, 'aws_iam_role_policy')).find(
      (p: any) => p.name === 'task',
    ) as any;
    const exec = JSON.parse(task.policy).Statement.find((s: any) => s.Sid === 'EcsExec');
    expect(exec.Action).toEqual([
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
    ]);
  });

  it('strips JSON-key suffixes from Secrets Manager references for IAM', () => {
    expect(secretResourceArn(`${SECRETS.BROKER_API_TOKEN}:token::`)).toBe(SECRETS.BROKER_API_TOKEN);
    expect(secretResourceArn(SECRETS.CSP_API_TOKEN)).toBe(SECRETS.CSP_API_TOKEN);
  });

  it.each<[string, Partial<FargateServiceProps>, RegExp]>([
    ['invalid size', { size: { cpu: 256, memory: 4096 } }, /FargateService\.size/],
    ['min > max', { minTasks: 5, maxTasks: 2 }, /FargateService\.maxTasks: got 2/],
    ['zero tasks', { minTasks: 0 }, /FargateService\.minTasks: got 0/],
    [
      'target on a missing port',
      {
        targets: [
          {
            label: 'x',
            targetGroupArn: 'a',
            arnSuffix: 'b',
            containerName: 'api',
            containerPort: 9,
          },
        ],
      },
      /FargateService\.targets: got "api:9"/,
    ],
    [
      'plain-text secret',
      { containers: [{ name: 'api', image: 'x', port: 8080, secrets: { A: 'hunter2' } }] },
      /secrets: got "hunter2"/,
    ],
  ])('rejects %s', (_w, over, re) => {
    expect(() => brokerApi(over)).toThrow(re);
  });

  it('reports every problem at once as a ConfigValidationError, a bad scaling table included', () => {
    let error: unknown;
    try {
      brokerApi({
        minTasks: 0,
        size: { cpu: 256, memory: 4096 },
        scaling: { ...DEFAULT_SCALING, cpu: [] },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((i) => i.field)).toEqual([
      'FargateService.size',
      'FargateService.minTasks',
      'FargateService.scaling.cpu',
    ]);
  });
});

describe('FargateService permissions boundary', () => {
  const boundary = 'arn:aws:iam::123456789012:policy/sandbox-broker-prod-boundary';
  it('sets it on the task and the execution role', () => {
    const { json } = brokerApi({ permissionsBoundary: boundary });
    const roles = Object.values<any>(json.resource.aws_iam_role);
    expect(roles).toHaveLength(2);
    for (const r of roles) expect(r.permissions_boundary).toBe(boundary);
  });
  it('rejects a role ARN in its place', () => {
    expect(() =>
      brokerApi({ permissionsBoundary: 'arn:aws:iam::123456789012:role/sandbox-broker-prod' }),
    ).toThrow(/FargateService\.permissionsBoundary: got "arn:aws:iam::123456789012:role/);
  });
});
