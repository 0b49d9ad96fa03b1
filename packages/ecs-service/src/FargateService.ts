import {
  checkIamPolicyArn,
  ecsServiceName,
  IssueCollector,
  isValidFargateSize,
  PolicyStatement,
  policyJson,
  resourceName,
  serviceTrustStatement,
  TaskSize,
} from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable, TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceAlarms } from './ServiceAlarms';
import {
  checkScalingTables,
  ScalingTables,
  ScheduledCapacity,
  ServiceAutoscaling,
  TargetTracking,
} from './ServiceAutoscaling';

/** An EFS file system as a task volume. */
export interface EfsVolume {
  /** Volume name, what containers' `mountPoints[].sourceVolume` refer to. */
  readonly name: string;
  /** EFS file system id. */
  readonly fileSystemId: string;
  /** Access point id (`fsap-...`); its root directory becomes the volume's root. @default - none: the file system's root */
  readonly accessPointId?: string;
}

/** A container of the task. */
export interface ContainerSpec {
  /** Container name; also the log group's last segment. Letters, digits, hyphens. */
  readonly name: string;
  /** Image reference; pin a tag or digest. */
  readonly image: string;
  /** Port the container listens on. @default - none */
  readonly port?: number;
  /**
   * Protocol of `port`. Only TCP ports are opened to load balancers or `ingressCidrs`; a UDP
   * port (a sidecar's, reached on the task's localhost) is mapped and never opened. @default 'tcp'
   */
  readonly portProtocol?: 'tcp' | 'udp';
  /** CPU units reserved for this container out of the task's. @default - none (shares the task's) */
  readonly cpu?: number;
  /** MiB of the task's memory reserved for this container (a soft limit). @default - none */
  readonly memoryReservation?: number;
  /**
   * Last segment of its log group (`/ecs/<prefix>/<env>/<project>/<logName>`): a sidecar named
   * alike in several services of a project needs one of its own. @default name
   */
  readonly logName?: string;
  /** Overrides the image's entry point. @default - the image's */
  readonly entryPoint?: string[];
  /** Overrides the image's command. @default - the image's */
  readonly command?: string[];
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secrets: variable name to a Secrets Manager secret or SSM parameter ARN (a literal), or to a
   * {@link SecretSource} (which may hold a token of a secret created in the same stack).
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, string | SecretSource>>;
  /** Whether the task stops when this container stops. @default true */
  readonly essential?: boolean;
  /** Containers that must reach a state first. @default [] */
  readonly dependsOn?: readonly {
    readonly containerName: string;
    readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';
  }[];
  /** Volumes mounted into the container. @default [] */
  readonly mountPoints?: readonly {
    readonly sourceVolume: string;
    readonly containerPath: string;
    readonly readOnly?: boolean;
  }[];
  /** User (uid or uid:gid) to run as. @default - the image's */
  readonly user?: string;
  /** Container health check command (CMD or CMD-SHELL form). @default - none */
  readonly healthCheck?: {
    readonly command: string[];
    /** Seconds failures are ignored after start. @default 60 */
    readonly startPeriod?: number;
    /** Seconds between checks. @default 30 */
    readonly interval?: number;
    /** Seconds a check may take. @default 5 */
    readonly timeout?: number;
    /** Failures before the container is unhealthy. @default 3 */
    readonly retries?: number;
  };
  /** Read-only root file system. @default false */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * Docker labels, e.g. core's `HARDENING_EXCEPTION_LABELS` stating why a container runs as
   * root or with a writable root file system. @default {}
   */
  readonly dockerLabels?: Readonly<Record<string, string>>;
}

/**
 * Where a secret variable comes from, by kind, so an ARN that is a token (a secret of the same
 * stack) still gets exactly the permission its kind needs.
 */
export type SecretSource =
  | {
      /** Secrets Manager secret ARN (full or partial; a token is fine). */
      readonly secretsManagerArn: string;
      /** A JSON key of the secret value. @default - the whole value */
      readonly key?: string;
    }
  | {
      /** SSM parameter ARN (a token is fine). */
      readonly ssmParameterArn: string;
    };

/** One item of a capacity provider strategy. */
export interface CapacityProviderItem {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  /** Share of the tasks beyond the bases. */
  readonly weight: number;
  /** Tasks that always run on this provider. @default 0 */
  readonly base?: number;
}

/** Rolling deployment settings. */
export interface DeploymentSettings {
  /** @default 100 */
  readonly minimumHealthyPercent?: number;
  /** @default 200 */
  readonly maximumPercent?: number;
  /** Circuit breaker. @default { enable: true, rollback: true } */
  readonly circuitBreaker?: { readonly enable: boolean; readonly rollback: boolean };
}

/** A target group the service registers its tasks in. */
export interface ServiceTarget {
  readonly targetGroupArn: string;
  /** CloudWatch `TargetGroup` dimension (`targetgroup/<name>/<id>`). */
  readonly arnSuffix: string;
  /** Short label used in alarm names, e.g. `api`. */
  readonly label: string;
  readonly containerName: string;
  readonly containerPort: number;
}

/** Props of {@link FargateService}. */
export interface FargateServiceProps extends TerraformMetaArguments {
  /** Name prefix (core environment's `prefix`). */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** Project name. */
  readonly project: string;
  /** Short service name within the project, e.g. `mockserver` or `api`. */
  readonly serviceName: string;
  /** AWS region (for the awslogs driver). */
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly vpcId: string;
  /** Subnets for the tasks: private (behind NAT), or public with `assignPublicIp`. */
  readonly subnetIds: string[];
  /** Public IPs for tasks in public subnets (no NAT needed to pull images). @default false */
  readonly assignPublicIp?: boolean;
  /** Task CPU and memory (a Fargate combination). */
  readonly size: TaskSize;
  /** CPU architecture. @default 'X86_64' */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /** Containers; the first one with a port is the one load balancers target. */
  readonly containers: readonly ContainerSpec[];
  /** Task-scoped (ephemeral) volumes shared between containers. @default [] */
  readonly volumes?: readonly string[];
  /**
   * EFS volumes (issue 14, workload `files`), mounted with encryption in transit and IAM
   * authorization, so the task role's `elasticfilesystem:Client*` grants decide access.
   * @default []
   */
  readonly efsVolumes?: readonly EfsVolume[];
  /** CloudWatch Logs retention in days. */
  readonly logRetentionDays: number;
  /**
   * Security group of the load balancer: the only source admitted to the container ports.
   * @default - no load balancer source (a worker, or `ingressCidrs`)
   */
  readonly loadBalancerSecurityGroupId?: string;
  /**
   * Networks admitted to the container ports, for services reached without a load balancer
   * (Cloud Map), e.g. the VPC's CIDR; never 0.0.0.0/0. @default []
   */
  readonly ingressCidrs?: readonly string[];
  /** Cloud Map service the tasks register in (A records, awsvpc). @default - none */
  readonly serviceDiscoveryArn?: string;
  /** Target groups to register in. @default [] */
  readonly targets?: readonly ServiceTarget[];
  /** CloudWatch `LoadBalancer` dimension, for request scaling and ALB alarms. @default - none */
  readonly loadBalancerArnSuffix?: string;
  /** Listeners or rules that must exist before the service registers targets. @default [] */
  readonly listenerDependencies?: ITerraformDependable[];
  /** Minimum (and, unless `desiredCount`, initial) task count; 0 only without targets. */
  readonly minTasks: number;
  /** Initial task count. @default minTasks */
  readonly desiredCount?: number;
  /** Maximum task count. */
  readonly maxTasks: number;
  /** Step-scaling tables. @default DEFAULT_SCALING */
  readonly scaling?: ScalingTables;
  /** Target tracking instead of step tables. @default - step tables */
  readonly targetTracking?: TargetTracking;
  /** Scheduled changes of the task bounds (with autoscaling). @default [] */
  readonly schedules?: readonly ScheduledCapacity[];
  /** Whether to autoscale at all (a fixed count needs none). @default true */
  readonly autoscaling?: boolean;
  /** Rolling deployment. @default 100/200 with a circuit breaker that rolls back */
  readonly deployment?: DeploymentSettings;
  /** SNS topics for alarms. @default - no alarms */
  readonly alarmTopicArns?: readonly string[];
  /** Also alarm on ALB-generated 5XX (own ALB only). @default false */
  readonly alarmOnLoadBalancer5xx?: boolean;
  /** Seconds load balancer health checks are ignored after a task starts. @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** ECS Exec (`aws ecs execute-command`). @default false */
  readonly enableExecuteCommand?: boolean;
  /**
   * Fargate, Fargate Spot, or a strategy mixing both (the cluster must offer them).
   * @default 'FARGATE'
   */
  readonly capacity?: 'FARGATE' | 'FARGATE_SPOT' | readonly CapacityProviderItem[];
  /** Statements for the task role (what the application may do). @default [] */
  readonly taskRoleStatements?: readonly PolicyStatement[];
  /** KMS keys that encrypt the secrets, when not AWS-managed. @default [] */
  readonly secretsKmsKeyArns?: readonly string[];
  /**
   * ARN of the IAM policy set as the permissions boundary of every role this construct creates
   * (the CI apply role may create roles only with its environment's boundary).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
}

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/;
const ECR_IMAGE_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** Log group of a container: `/ecs/<prefix>/<env>/<project>/<container>`. */
export function containerLogGroupName(
  prefix: string,
  env: string,
  project: string,
  container: string,
): string {
  // env is part of the name: two environments in one account would otherwise share log groups.
  return `/ecs/${prefix}/${env}/${project}/${container}`;
}

/** The IAM resource for a secret reference: Secrets Manager references may carry `:key:stage:version`. */
export function secretResourceArn(valueFrom: string): string {
  if (Token.isUnresolved(valueFrom)) return valueFrom;
  const parts = valueFrom.split(':');
  return parts[2] === 'secretsmanager' ? parts.slice(0, 7).join(':') : valueFrom;
}

/**
 * IAM resource of a Secrets Manager ARN: a complete ARN (or a token, which is always the
 * complete ARN of a secret resource) as is; a partial one (no `-XXXXXX` suffix AWS appends)
 * with `-??????`, the pattern Secrets Manager's documentation gives for a name's random suffix.
 */
export function secretPolicyResource(arn: string): string {
  if (Token.isUnresolved(arn)) return arn;
  const base = secretResourceArn(arn);
  const name = base.split(':')[6] ?? '';
  return /-[A-Za-z0-9]{6}$/.test(name) ? base : `${base}-??????`;
}

/**
 * The `valueFrom` ECS reads: the ARN, or for a JSON key of a Secrets Manager secret
 * `<arn>:<key>::` (key, then empty version stage and id).
 */
export function secretValueFrom(source: string | SecretSource): string {
  if (typeof source === 'string') return source;
  if ('ssmParameterArn' in source) return source.ssmParameterArn;
  return source.key ? `${source.secretsManagerArn}:${source.key}::` : source.secretsManagerArn;
}

/**
 * What {@link checkFargateService} reads: the props, with targets reduced to the container they
 * reach, so a construct that creates the target groups can check before creating them.
 */
export type FargateServiceCheck = Pick<
  FargateServiceProps,
  | 'serviceName'
  | 'size'
  | 'containers'
  | 'volumes'
  | 'efsVolumes'
  | 'minTasks'
  | 'maxTasks'
  | 'desiredCount'
  | 'capacity'
  | 'deployment'
  | 'ingressCidrs'
  | 'scaling'
  | 'healthCheckGracePeriodSeconds'
  | 'permissionsBoundary'
> & {
  readonly targets?: readonly Pick<ServiceTarget, 'containerName' | 'containerPort'>[];
};

/**
 * Checks a Fargate service's props: names, a Fargate size, containers that refer to each other
 * and to declared volumes, secrets given as ARNs, targets on a container's port, task counts,
 * scaling tables. A secret must be a literal ARN: its service decides which permission the
 * execution role gets.
 */
export function checkFargateService(
  issues: IssueCollector,
  owner: string,
  props: FargateServiceCheck,
): void {
  const bad = (field: string, value: unknown, rule: string) =>
    issues.add(`${owner}.${field}`, value, rule);
  checkIamPolicyArn(issues, `${owner}.permissionsBoundary`, props.permissionsBoundary);
  if (!NAME_RE.test(props.serviceName))
    bad('serviceName', props.serviceName, 'must be 1-32 lowercase letters, digits, hyphens');
  if (!isValidFargateSize(props.size.cpu, props.size.memory))
    bad('size', props.size, 'must be a Fargate cpu/memory combination');
  if (props.containers.length === 0) bad('containers', [], 'must list at least one container');
  // Fargate: what containers reserve must fit in the task's size.
  const reserved = (k: 'cpu' | 'memoryReservation') =>
    props.containers.reduce((sum, c) => sum + (c[k] ?? 0), 0);
  if (reserved('cpu') > props.size.cpu)
    bad('containers', reserved('cpu'), `must reserve at most the task's cpu (${props.size.cpu})`);
  if (reserved('memoryReservation') > props.size.memory)
    bad(
      'containers',
      reserved('memoryReservation'),
      `must reserve at most the task's memory (${props.size.memory} MiB)`,
    );
  const volumeNames = [...(props.volumes ?? []), ...(props.efsVolumes ?? []).map((v) => v.name)];
  for (const v of volumeNames.filter((n, i) => volumeNames.indexOf(n) !== i))
    bad('volumes', v, 'must be unique among volumes and efsVolumes');
  const names = new Set<string>();
  for (const c of props.containers) {
    if (!NAME_RE.test(c.name))
      bad('containers[].name', c.name, 'must be 1-32 lowercase letters, digits, hyphens');
    if (names.has(c.name)) bad('containers[].name', c.name, 'must be unique');
    names.add(c.name);
    for (const d of c.dependsOn ?? [])
      if (!props.containers.some((o) => o.name === d.containerName))
        bad(`containers[${c.name}].dependsOn`, d.containerName, 'must name another container');
    for (const m of c.mountPoints ?? [])
      if (
        !(props.volumes ?? []).includes(m.sourceVolume) &&
        !(props.efsVolumes ?? []).some((v) => v.name === m.sourceVolume)
      )
        bad(`containers[${c.name}].mountPoints`, m.sourceVolume, 'must name a declared volume');
    for (const [k, arn] of Object.entries(c.secrets ?? {}))
      if (typeof arn === 'string' && !arn.includes(':secretsmanager:') && !arn.includes(':ssm:'))
        bad(
          `containers[${c.name}].secrets`,
          arn,
          `must be a Secrets Manager or SSM parameter ARN (variable ${k})`,
        );
  }
  if (props.containers.length > 0 && !props.containers.some((c) => c.essential ?? true))
    bad(
      'containers',
      props.containers.map((c) => c.name),
      'must include an essential container',
    );
  for (const t of props.targets ?? [])
    if (!props.containers.some((c) => c.name === t.containerName && c.port === t.containerPort))
      bad('targets', `${t.containerName}:${t.containerPort}`, 'must name a container and its port');
  // A worker may idle at zero; a load-balanced service must keep a task to answer.
  const leastTasks = (props.targets ?? []).length > 0 ? 1 : 0;
  if (!Number.isInteger(props.minTasks) || props.minTasks < leastTasks)
    bad('minTasks', props.minTasks, `must be a whole number of at least ${leastTasks}`);
  const desired = props.desiredCount;
  if (
    desired !== undefined &&
    (!Number.isInteger(desired) || desired < props.minTasks || desired > props.maxTasks)
  )
    bad('desiredCount', desired, 'must be a whole number from minTasks to maxTasks');
  if (Array.isArray(props.capacity)) {
    const items = props.capacity as readonly CapacityProviderItem[];
    if (items.length === 0 || !items.some((i) => i.weight > 0))
      bad('capacity', items, 'must give at least one provider a weight above 0');
    if (new Set(items.map((i) => i.capacityProvider)).size !== items.length)
      bad('capacity', items, 'must name each capacity provider once');
    if (items.filter((i) => (i.base ?? 0) > 0).length > 1)
      bad('capacity', items, 'must give a base to at most one provider (ECS rule)');
  }
  const d = props.deployment;
  if (
    d?.minimumHealthyPercent !== undefined &&
    !(d.minimumHealthyPercent >= 0 && d.minimumHealthyPercent <= 100)
  )
    bad('deployment.minimumHealthyPercent', d.minimumHealthyPercent, 'must be from 0 to 100');
  if (d?.maximumPercent !== undefined && !(d.maximumPercent >= 100 && d.maximumPercent <= 200))
    bad('deployment.maximumPercent', d.maximumPercent, 'must be from 100 to 200');
  for (const cidr of props.ingressCidrs ?? [])
    if (cidr === '0.0.0.0/0' || cidr === '::/0')
      bad('ingressCidrs', cidr, 'must not admit the internet: only load balancers face it');
  if (!Number.isInteger(props.maxTasks) || props.maxTasks < props.minTasks)
    bad(
      'maxTasks',
      props.maxTasks,
      `must be a whole number of at least minTasks (${props.minTasks})`,
    );
  const grace = props.healthCheckGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 2147483647))
    bad('healthCheckGracePeriodSeconds', grace, 'must be a whole number of seconds, 0 or more');
  checkScalingTables(issues, `${owner}.scaling`, props.scaling);
}

/**
 * A Fargate service for any HTTP container: task definition with per-container log groups,
 * secrets the execution role may read (exactly those ARNs), a security group that admits only
 * the load balancer, rolling deployment 200/100 with a circuit breaker that rolls back, step
 * autoscaling and alarms.
 */
export class FargateService extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly securityGroup: SecurityGroup;
  readonly logGroups: Record<string, CloudwatchLogGroup> = {};
  /** Undefined when `autoscaling` is false. */
  readonly autoscaling?: ServiceAutoscaling;
  readonly alarms?: ServiceAlarms;
  /** ECS service name. */
  readonly serviceName: string;
  /** Names of the log groups, by container. */
  readonly logGroupNames: Record<string, string> = {};

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkFargateService(issues, 'FargateService', props);
    issues.throwIfAny('FargateService');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };
    const namePrefix = `${props.prefix}-${props.env}-${props.project}`;
    this.serviceName = ecsServiceName(props.prefix, props.env, props.project, props.serviceName);

    for (const c of props.containers) {
      const name = containerLogGroupName(
        props.prefix,
        props.env,
        props.project,
        c.logName ?? c.name,
      );
      this.logGroupNames[c.name] = name;
      this.logGroups[c.name] = new CloudwatchLogGroup(this, `Logs-${c.name}`, {
        ...meta,
        name,
        retentionInDays: props.logRetentionDays,
      });
    }

    const assume = policyJson([serviceTrustStatement('ecs-tasks.amazonaws.com')]);
    this.executionRole = new IamRole(this, 'ExecutionRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: `${props.serviceName}-execution` }),
      assumeRolePolicy: assume,
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(this, 'ExecutionPolicy', {
      ...meta,
      role: this.executionRole.id,
      name: 'execution',
      policy: policyJson(this.executionStatements(props)),
    });

    this.taskRole = new IamRole(this, 'TaskRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: `${props.serviceName}-task` }),
      assumeRolePolicy: assume,
      permissionsBoundary: props.permissionsBoundary,
    });
    const taskStatements: PolicyStatement[] = [...(props.taskRoleStatements ?? [])];
    if (props.enableExecuteCommand) {
      taskStatements.push({
        Sid: 'EcsExec',
        Effect: 'Allow',
        Action: [
          'ssmmessages:CreateControlChannel',
          'ssmmessages:CreateDataChannel',
          'ssmmessages:OpenControlChannel',
          'ssmmessages:OpenDataChannel',
        ],
        // These actions support no resource-level restriction.
        Resource: '*',
      });
    }
    if (taskStatements.length > 0) {
      new IamRolePolicy(this, 'TaskPolicy', {
        ...meta,
        role: this.taskRole.id,
        name: 'task',
        policy: policyJson(taskStatements),
      });
    }

    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      ...meta,
      family: resourceName('ecsTaskFamily', { ...parts, kind: props.serviceName }),
      cpu: String(props.size.cpu),
      memory: String(props.size.memory),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: {
        operatingSystemFamily: 'LINUX',
        cpuArchitecture: props.cpuArchitecture ?? 'X86_64',
      },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      volume: [
        ...(props.volumes ?? []).map((name) => ({ name })),
        ...(props.efsVolumes ?? []).map((v) => ({
          name: v.name,
          efsVolumeConfiguration: {
            fileSystemId: v.fileSystemId,
            // IAM authorization requires encryption in transit.
            transitEncryption: 'ENABLED',
            authorizationConfig: {
              iam: 'ENABLED',
              ...(v.accessPointId !== undefined && { accessPointId: v.accessPointId }),
            },
          },
        })),
      ],
      containerDefinitions: JSON.stringify(
        props.containers.map((c) => this.containerDefinition(props, c)),
      ),
    });

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      ...meta,
      name: resourceName('securityGroup', { ...parts, kind: `${props.serviceName}-tasks` }),
      description: `Tasks of ${namePrefix} ${props.serviceName}: only the load balancer may connect`,
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    const ports = [
      ...new Set([
        ...(props.targets ?? []).map((t) => t.containerPort),
        ...props.containers
          .filter((c) => c.port !== undefined && (c.portProtocol ?? 'tcp') === 'tcp')
          .map((c) => c.port!),
      ]),
    ];
    for (const port of ports) {
      if (props.loadBalancerSecurityGroupId !== undefined)
        new VpcSecurityGroupIngressRule(this, `FromLoadBalancer${port}`, {
          ...meta,
          securityGroupId: this.securityGroup.id,
          description: `Port ${port} from the load balancer only`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
        });
      (props.ingressCidrs ?? []).forEach((cidr, i) => {
        new VpcSecurityGroupIngressRule(this, `FromNetwork${port}-${i}`, {
          ...meta,
          securityGroupId: this.securityGroup.id,
          description: `Port ${port} from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
        });
      });
    }
    new VpcSecurityGroupEgressRule(this, 'Egress', {
      ...meta,
      securityGroupId: this.securityGroup.id,
      description: 'Image pulls, AWS APIs and upstreams the service forwards to',
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
    });

    const strategy: readonly CapacityProviderItem[] | undefined = Array.isArray(props.capacity)
      ? props.capacity
      : props.capacity === 'FARGATE_SPOT'
        ? [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]
        : undefined;
    const deployment = props.deployment ?? {};
    this.service = new EcsService(this, 'Service', {
      provider: props.provider,
      dependsOn: [...(props.dependsOn ?? []), ...(props.listenerDependencies ?? [])],
      name: this.serviceName,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.desiredCount ?? props.minTasks,
      // A launch type and a capacity provider strategy exclude each other.
      launchType: strategy ? undefined : 'FARGATE',
      capacityProviderStrategy: strategy?.map((i) => ({
        capacityProvider: i.capacityProvider,
        weight: i.weight,
        ...(i.base ? { base: i.base } : {}),
      })),
      platformVersion: 'LATEST',
      deploymentMaximumPercent: deployment.maximumPercent ?? 200,
      deploymentMinimumHealthyPercent: deployment.minimumHealthyPercent ?? 100,
      deploymentCircuitBreaker: {
        enable: deployment.circuitBreaker?.enable ?? true,
        rollback: deployment.circuitBreaker?.rollback ?? true,
      },
      healthCheckGracePeriodSeconds:
        (props.targets ?? []).length > 0 ? (props.healthCheckGracePeriodSeconds ?? 60) : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: props.assignPublicIp ?? false,
      },
      serviceRegistries: props.serviceDiscoveryArn
        ? { registryArn: props.serviceDiscoveryArn }
        : undefined,
      loadBalancer: (props.targets ?? []).map((t) => ({
        targetGroupArn: t.targetGroupArn,
        containerName: t.containerName,
        containerPort: t.containerPort,
      })),
      // Autoscaling owns the running count after creation.
      lifecycle: { ignoreChanges: ['desired_count'] },
    });

    const primary = (props.targets ?? [])[0];
    if (props.autoscaling ?? true)
      this.autoscaling = new ServiceAutoscaling(this, 'Autoscaling', {
        ...meta,
        namePrefix: `${namePrefix}-${props.serviceName}`,
        clusterName: props.clusterName,
        serviceName: this.service.name,
        minTasks: props.minTasks,
        maxTasks: props.maxTasks,
        tables: props.scaling,
        targetTracking: props.targetTracking,
        schedules: props.schedules,
        requests:
          primary && props.loadBalancerArnSuffix
            ? {
                loadBalancerArnSuffix: props.loadBalancerArnSuffix,
                targetGroupArnSuffix: primary.arnSuffix,
              }
            : undefined,
      });

    if ((props.alarmTopicArns ?? []).length > 0) {
      this.alarms = new ServiceAlarms(this, 'Alarms', {
        ...meta,
        namePrefix: `${namePrefix}-${props.serviceName}`,
        topicArns: props.alarmTopicArns!,
        clusterName: props.clusterName,
        serviceName: this.service.name,
        loadBalancerArnSuffix: props.loadBalancerArnSuffix,
        targetGroupArnSuffixes: Object.fromEntries(
          (props.targets ?? []).map((t) => [t.label, t.arnSuffix]),
        ),
        includeLoadBalancer5xx: props.alarmOnLoadBalancer5xx,
      });
    }
  }

  private executionStatements(props: FargateServiceProps): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: Object.values(this.logGroups).map((g) => `${g.arn}:*`),
      },
    ];
    const repos = new Set<string>();
    for (const c of props.containers) {
      const m = Token.isUnresolved(c.image) ? null : ECR_IMAGE_RE.exec(c.image);
      if (m) repos.add(`arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`);
    }
    if (repos.size > 0) {
      statements.push(
        // Registry-wide by design: the token call has no resource-level permissions.
        { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
        {
          Sid: 'PullOwnImages',
          Effect: 'Allow',
          Action: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:GetDownloadUrlForLayer',
            'ecr:BatchGetImage',
          ],
          Resource: [...repos],
        },
      );
    }
    const sources = props.containers.flatMap((c) => Object.values(c.secrets ?? {}));
    const sm = [
      ...new Set([
        ...sources
          .filter((a): a is string => typeof a === 'string' && a.includes(':secretsmanager:'))
          .map(secretResourceArn),
        ...sources.flatMap((a) =>
          typeof a !== 'string' && 'secretsManagerArn' in a
            ? [secretPolicyResource(a.secretsManagerArn)]
            : [],
        ),
      ]),
    ];
    const ssm = [
      ...new Set([
        ...sources.filter((a): a is string => typeof a === 'string' && a.includes(':ssm:')),
        ...sources.flatMap((a) =>
          typeof a !== 'string' && 'ssmParameterArn' in a ? [a.ssmParameterArn] : [],
        ),
      ]),
    ];
    if (sm.length > 0)
      statements.push({
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: sm,
      });
    if (ssm.length > 0)
      statements.push({
        Sid: 'ReadOwnParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: ssm,
      });
    if ((props.secretsKmsKeyArns ?? []).length > 0)
      statements.push({
        Sid: 'DecryptOwnSecrets',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [...props.secretsKmsKeyArns!],
      });
    return statements;
  }

  private containerDefinition(
    props: FargateServiceProps,
    c: ContainerSpec,
  ): Record<string, unknown> {
    const env = Object.entries(c.environment ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value }));
    const secrets = Object.entries(c.secrets ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, source]) => ({ name, valueFrom: secretValueFrom(source) }));
    return {
      name: c.name,
      image: c.image,
      essential: c.essential ?? true,
      ...(c.entryPoint ? { entryPoint: c.entryPoint } : {}),
      ...(c.command ? { command: c.command } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
      ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
      portMappings:
        c.port === undefined
          ? []
          : [
              {
                containerPort: c.port,
                hostPort: c.port,
                protocol: c.portProtocol ?? 'tcp',
                name: `${c.name}-${c.port}`,
              },
            ],
      environment: env,
      secrets,
      mountPoints: (c.mountPoints ?? []).map((m) => ({
        sourceVolume: m.sourceVolume,
        containerPath: m.containerPath,
        readOnly: m.readOnly ?? false,
      })),
      dependsOn: (c.dependsOn ?? []).map((d) => ({
        containerName: d.containerName,
        condition: d.condition,
      })),
      readonlyRootFilesystem: c.readonlyRootFilesystem ?? false,
      ...(c.dockerLabels && Object.keys(c.dockerLabels).length > 0
        ? { dockerLabels: { ...c.dockerLabels } }
        : {}),
      ...(c.healthCheck
        ? {
            healthCheck: {
              command: c.healthCheck.command,
              interval: c.healthCheck.interval ?? 30,
              timeout: c.healthCheck.timeout ?? 5,
              retries: c.healthCheck.retries ?? 3,
              startPeriod: c.healthCheck.startPeriod ?? 60,
            },
          }
        : {}),
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': this.logGroupNames[c.name],
          'awslogs-region': props.region,
          'awslogs-stream-prefix': c.name,
        },
      },
    };
  }
}
