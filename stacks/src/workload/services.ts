import {
  albAccessLogBucketName,
  albAccessLogPrefix,
  apiOnlyServices,
  type HttpApi,
  PolicyStatement,
  XRAY_DAEMON_ADDRESS_VARIABLE,
  XRAY_DAEMON_PORT,
  ResolvedService,
  ResolvedServiceSecret,
  resourceName,
  WorkloadAccessMode,
  WorkloadRefKind,
} from '@automock/core';
import {
  ContainerSpec,
  DedicatedAlb,
  EfsVolume,
  FargateService,
  SecretSource,
  ServiceTarget,
  ServiceTargetGroup,
} from '@automock/ecs-service';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { ServiceDiscoveryService } from '@cdktf/provider-aws/lib/service-discovery-service';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { fileSystemOf } from './files';
import { resolveWorkloadText } from './references';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';

/** Attribute keys of the `service` refs the builder provides (13T's tasks reuse them). */
export const SERVICE_REF_ATTRIBUTES = [
  'image',
  'containerName',
  'taskRoleArn',
  'executionRoleArn',
  'securityGroupId',
  'logGroupName',
  'taskDefinitionArn',
  'port',
] as const;

/** Cloud Map service name of an internal service: one DNS label, unique in the environment. */
export function serviceDiscoveryName(workload: string, service: string): string {
  return `${service}-${workload}`;
}

function secretSource(
  ctx: WorkloadBuildContext,
  s: ResolvedServiceSecret,
  kmsKeys: Set<string>,
): SecretSource {
  if (s.source === 'ssm') return { ssmParameterArn: s.arn };
  if (s.source === 'secretsManager')
    return { secretsManagerArn: s.arn, ...(s.key ? { key: s.key } : {}) };
  // A secret of this workload: its ARN is a token of the same stack, resolved by Terraform.
  const ref = ctx.lookup('secret', s.name);
  const kms = ref.attributes?.kmsKeyArn;
  if (kms) kmsKeys.add(kms);
  return { secretsManagerArn: ref.arn, ...(s.key ? { key: s.key } : {}) };
}

function accessStatements(
  ctx: WorkloadBuildContext,
  service: string,
  access: ResolvedService['access'],
): PolicyStatement[] {
  return access.flatMap((a: { kind: WorkloadRefKind; name: string; mode: WorkloadAccessMode }) => {
    const grants = ctx.lookup(a.kind, a.name).grants?.[a.mode];
    if (!grants)
      throw new Error(
        `services: service ${service} asks ${a.mode} access to ${a.kind} ${a.name}, which grants no ${a.mode} access`,
      );
    return grants;
  });
}

/** Name of the X-Ray daemon's container in a traced service's task. */
export const XRAY_CONTAINER_NAME = 'xray-daemon';

/**
 * What the X-Ray daemon calls, as AWS's AWSXRayDaemonWriteAccess policy lists them, without
 * GetSamplingStatisticSummaries (a console read the daemon never relays). None of them has a
 * resource type (Service Authorization Reference), so `*` is the only resource IAM takes.
 */
export const XRAY_DAEMON_ACTIONS = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
] as const;

/** The X-Ray daemon sidecar of a traced service, carved out of the task's CPU and memory. */
function xrayContainer(s: ResolvedService): ContainerSpec | undefined {
  if (!s.xray) return undefined;
  return {
    name: XRAY_CONTAINER_NAME,
    image: s.xray.image,
    port: XRAY_DAEMON_PORT,
    portProtocol: 'udp',
    cpu: s.xray.cpu,
    memoryReservation: s.xray.memory,
    // One log group per service: every traced service of the workload has this container.
    logName: `${s.name}/${XRAY_CONTAINER_NAME}`,
    // Losing traces must not stop the application.
    essential: false,
    // The image's own user (`xray`, uid 10001 in its Dockerfile); the daemon writes no files.
    user: '10001',
    readonlyRootFilesystem: true,
  };
}

function buildService(ctx: WorkloadBuildContext, s: ResolvedService): void {
  const scope = new Construct(ctx.scope, `Service-${s.name}`);
  const parts = { ...ctx.nameParts };
  const r = s.routing;
  const targets: ServiceTarget[] = [];
  const listenerDependencies: ITerraformDependable[] = [];
  let loadBalancerSecurityGroupId: string | undefined;
  let loadBalancerArnSuffix: string | undefined;
  let dedicatedAlb: DedicatedAlb | undefined;
  let ingressCidrs: string[] | undefined;
  let serviceDiscoveryArn: string | undefined;

  if (r.kind === 'shared' || r.kind === 'dedicated') {
    const tg = new ServiceTargetGroup(scope, 'TargetGroup', {
      name: resourceName('targetGroup', { ...parts, kind: s.name }),
      vpcId: ctx.network.vpcId,
      port: s.port!,
      healthCheckPath: s.healthCheck.path,
      healthCheckIntervalSeconds: s.healthCheck.intervalSeconds,
      healthCheckTimeoutSeconds: s.healthCheck.timeoutSeconds,
      healthyThreshold: s.healthCheck.healthyThreshold,
      unhealthyThreshold: s.healthCheck.unhealthyThreshold,
      ...(r.kind === 'dedicated'
        ? { deregistrationDelaySeconds: r.deregistrationDelaySeconds }
        : {}),
    });
    targets.push({
      label: s.name,
      targetGroupArn: tg.targetGroupArn,
      arnSuffix: tg.arnSuffix,
      containerName: s.name,
      containerPort: s.port!,
    });
    if (r.kind === 'shared') {
      const alb = ctx.sharedAlb;
      if (!alb)
        throw new Error(
          `services: service ${s.name} is routed by the shared ALB, and none is given`,
        );
      const conditions = [
        ...(r.hosts.length > 0 ? [{ hostHeader: { values: [...r.hosts] } }] : []),
        ...(r.paths.length > 0 ? [{ pathPattern: { values: [...r.paths] } }] : []),
        // Fronted by the workload's HTTP API: only the VPC's addresses (the API's VPC link) reach
        // it, so nobody skips the API's authorizer by calling the internet-facing ALB.
        ...(apiOnlyServices(ctx.sections?.httpApi as HttpApi | undefined).has(s.name)
          ? [{ sourceIp: { values: [ctx.network.vpcCidr] } }]
          : []),
      ];
      listenerDependencies.push(
        new LbListenerRule(scope, 'Rule', {
          listenerArn: alb.listenerArn,
          priority: r.priority,
          condition: conditions,
          action: [{ type: 'forward', targetGroupArn: tg.targetGroupArn }],
        }),
      );
      loadBalancerSecurityGroupId = alb.securityGroupId;
      // ARN suffix (`app/<name>/<id>`) for request metrics: what follows `loadbalancer/`.
      loadBalancerArnSuffix = Fn.element(Fn.split('loadbalancer/', alb.arn), 1);
    } else {
      const domain = ctx.env.domain;
      const alb = new DedicatedAlb(scope, 'Alb', {
        name: resourceName('alb', { ...parts, kind: s.name }),
        securityGroupName: resourceName('securityGroup', { ...parts, kind: `${s.name}-alb` }),
        vpcId: ctx.network.vpcId,
        vpcCidr: ctx.network.vpcCidr,
        publicSubnetIds: ctx.network.publicSubnetIds,
        defaultTargetGroupArn: tg.targetGroupArn,
        ...(r.hostname && domain
          ? { domain: { hostname: r.hostname, hostedZoneId: domain.hostedZoneId } }
          : {}),
        ...(r.certificateArn ? { certificateArn: r.certificateArn } : {}),
        tlsPolicy: r.tlsPolicy,
        // Like a dedicated project's ALB: protected and logged where the environment says so.
        deletionProtection: ctx.env.deletionProtection && !ctx.ephemeral,
        ...(ctx.env.albAccessLogs
          ? {
              accessLogs: {
                bucket: albAccessLogBucketName(ctx.env.prefix, ctx.env.name, ctx.env.accountId),
                prefix: albAccessLogPrefix(`${ctx.workload}/${s.name}`),
              },
            }
          : {}),
      });
      dedicatedAlb = alb;
      listenerDependencies.push(...alb.dependables);
      loadBalancerSecurityGroupId = alb.securityGroupId;
      loadBalancerArnSuffix = alb.arnSuffix;
    }
  } else if (r.kind === 'internal') {
    const ns = ctx.serviceDiscoveryNamespace;
    if (!ns)
      throw new Error(
        `services: service ${s.name} is internal, and no Cloud Map namespace is given`,
      );
    const discovery = new ServiceDiscoveryService(scope, 'Discovery', {
      name: serviceDiscoveryName(ctx.workload, s.name),
      description: `${ctx.workload}/${s.name} tasks`,
      dnsConfig: {
        namespaceId: ns.id,
        routingPolicy: 'MULTIVALUE',
        dnsRecords: [{ type: 'A', ttl: 10 }],
      },
      // ECS reports task health to Cloud Map itself.
      healthCheckCustomConfig: {},
    });
    serviceDiscoveryArn = discovery.arn;
    // Anything in the VPC may call it; nothing outside can reach private addresses.
    ingressCidrs = [ctx.network.vpcCidr];
  }

  // issue 14 (files): one EFS volume per file system and access point a mount names.
  const volumeName = (m: ResolvedService['mounts'][number]) =>
    m.accessPoint === undefined ? `efs-${m.fileSystem}` : `efs-${m.fileSystem}-${m.accessPoint}`;
  const efsVolumes = new Map<string, EfsVolume>();
  const mountStatements: PolicyStatement[] = [];
  for (const m of s.mounts) {
    const fs = fileSystemOf(ctx, m.fileSystem);
    efsVolumes.set(volumeName(m), {
      name: volumeName(m),
      fileSystemId: fs.fileSystem.id,
      ...(m.accessPoint !== undefined && { accessPointId: fs.accessPoints[m.accessPoint]!.id }),
    });
    mountStatements.push(
      fs.mountStatement({
        ...(m.accessPoint !== undefined && { accessPoint: m.accessPoint }),
        readOnly: m.readOnly,
      }),
    );
  }

  const kmsKeys = new Set<string>();
  const secrets = Object.fromEntries(
    Object.entries(s.secrets).map(([k, v]) => [k, secretSource(ctx, v, kmsKeys)]),
  );
  const hc = s.healthCheck;
  const steps = s.scaling?.type === 'steps' ? s.scaling : undefined;
  const tracking = s.scaling?.type === 'targetTracking' ? s.scaling : undefined;
  const xray = xrayContainer(s);
  const environment = Object.fromEntries(
    Object.entries(s.environment).map(([k, v]) => [k, resolveWorkloadText(ctx, v)]),
  );
  // awsvpc: the task's containers share localhost, where the daemon listens.
  if (xray) environment[XRAY_DAEMON_ADDRESS_VARIABLE] = `127.0.0.1:${XRAY_DAEMON_PORT}`;
  const svc = new FargateService(scope, 'Fargate', {
    prefix: parts.prefix,
    env: parts.env,
    project: parts.project,
    serviceName: s.name,
    region: ctx.env.region,
    clusterName: ctx.cluster.name,
    clusterArn: ctx.cluster.arn,
    vpcId: ctx.network.vpcId,
    subnetIds: ctx.network.publicTasks ? ctx.network.publicSubnetIds : ctx.network.privateSubnetIds,
    assignPublicIp: ctx.network.publicTasks,
    size: { cpu: s.cpu, memory: s.memory },
    containers: [
      {
        name: s.name,
        image: s.image,
        ...(s.port !== undefined ? { port: s.port } : {}),
        ...(s.command ? { command: [...s.command] } : {}),
        environment,
        secrets,
        ...(xray ? { dependsOn: [{ containerName: xray.name, condition: 'START' as const }] } : {}),
        mountPoints: s.mounts.map((m) => ({
          sourceVolume: volumeName(m),
          containerPath: m.path,
          readOnly: m.readOnly,
        })),
        ...(hc.command
          ? {
              healthCheck: {
                command: [...hc.command],
                startPeriod: hc.startPeriodSeconds,
                interval: hc.intervalSeconds,
                timeout: hc.timeoutSeconds,
                retries: hc.unhealthyThreshold,
              },
            }
          : {}),
      },
      ...(xray ? [xray] : []),
    ],
    logRetentionDays: s.logs.retentionDays,
    loadBalancerSecurityGroupId,
    ingressCidrs,
    serviceDiscoveryArn,
    targets,
    loadBalancerArnSuffix,
    listenerDependencies,
    minTasks: s.minCount,
    maxTasks: s.maxCount,
    desiredCount: s.desiredCount,
    autoscaling: s.scaling !== undefined,
    ...(steps
      ? {
          scaling: {
            cpu: steps.cpu,
            memory: steps.memory,
            requestsPerTarget: steps.requestsPerTarget,
            scaleInBelowPercent: steps.scaleInBelowPercent,
            scaleInAfterMinutes: steps.scaleInAfterMinutes,
            scaleInChange: steps.scaleInChange,
            scaleOutCooldownSeconds: steps.scaleOutCooldownSeconds,
            scaleInCooldownSeconds: steps.scaleInCooldownSeconds,
          },
        }
      : {}),
    ...(tracking ? { targetTracking: tracking } : {}),
    schedules: (s.scaling?.schedules ?? []).map((x) => ({
      name: x.name,
      schedule: x.schedule,
      timezone: x.timezone,
      minTasks: x.min,
      maxTasks: x.max,
    })),
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
    // A single provider with no base is a plain launch type (FARGATE) or a one-item strategy.
    capacity:
      s.capacity.length === 1 && s.capacity[0]!.base === 0
        ? s.capacity[0]!.capacityProvider
        : s.capacity,
    deployment: {
      minimumHealthyPercent: s.deployment.minimumHealthyPercent,
      maximumPercent: s.deployment.maximumPercent,
      circuitBreaker: {
        enable: s.deployment.circuitBreaker.enabled,
        rollback: s.deployment.circuitBreaker.rollback,
      },
    },
    efsVolumes: [...efsVolumes.values()],
    taskRoleStatements: [
      ...s.iam,
      ...accessStatements(ctx, s.name, s.access),
      ...mountStatements,
      ...(xray
        ? [
            {
              Sid: 'XrayDaemon',
              Effect: 'Allow' as const,
              Action: [...XRAY_DAEMON_ACTIONS],
              Resource: '*',
            },
          ]
        : []),
    ],
    secretsKmsKeyArns: [...kmsKeys],
    permissionsBoundary: ctx.permissionsBoundary,
  });

  // Each file system the service mounts admits NFS from its tasks, and from nothing else.
  for (const name of new Set(s.mounts.map((m) => m.fileSystem)))
    fileSystemOf(ctx, name).allowFrom(s.name, svc.securityGroup.id);

  ctx.provide({
    kind: 'service',
    name: s.name,
    // aws_ecs_service's id is the service's ARN.
    arn: svc.service.id,
    attributes: {
      image: s.image,
      containerName: s.name,
      taskRoleArn: svc.taskRole.arn,
      taskRoleName: svc.taskRole.name,
      executionRoleArn: svc.executionRole.arn,
      securityGroupId: svc.securityGroup.id,
      logGroupName: svc.logGroupNames[s.name]!,
      taskDefinitionArn: svc.taskDefinition.arn,
      port: s.port === undefined ? '' : String(s.port),
      serviceName: svc.service.name,
      ...(dedicatedAlb ? { albDnsName: dedicatedAlb.dnsName, url: dedicatedAlb.url } : {}),
    },
  });
}

/** Builds the `services` section: one Fargate service (and its routing) per service. */
export const servicesBuilder: WorkloadSectionBuilder<readonly ResolvedService[]> = {
  key: 'services',
  order: 20,
  build(resolved, ctx) {
    for (const s of resolved) buildService(ctx, s);
  },
};
