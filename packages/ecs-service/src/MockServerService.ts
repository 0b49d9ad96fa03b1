import {
  CONTROL_PLANE_HEADER,
  CONTROL_PLANE_PATHS,
  DEFAULT_DATA_PLANE_CIDRS,
  HARDENING_EXCEPTION_LABELS,
  IssueCollector,
  MOCKSERVER_SERVICE,
  PolicyStatement,
  ProjectAccess,
  ProjectRouting,
  resourceName,
  TaskSize,
} from '@automock/core';
import { dependable, ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { ControlPlaneToken } from './ControlPlaneToken';
import {
  CONFIG_MOUNT_PATH,
  initializationJsonPath,
  MOCKSERVER_IMAGE,
  MOCKSERVER_PORT,
  MOCKSERVER_READINESS_PATH,
  MOCKSERVER_USER,
  mockServerEnvironment,
} from './mockserver-settings';
import { checkDedicatedAlb, DedicatedAlb } from './DedicatedAlb';
import { checkFargateService, ContainerSpec, FargateService } from './FargateService';
import { ProtectedPaths } from './routing';
import { ScalingTables } from './ServiceAutoscaling';
import { checkSharedAlbAttachment, SharedAlbAttachment, SharedAlbRef } from './SharedAlbAttachment';
import { ServiceTargetGroup } from './ServiceTargetGroup';

export {
  CONFIG_MOUNT_PATH,
  MOCKSERVER_IMAGE,
  MOCKSERVER_PORT,
  MOCKSERVER_READINESS_PATH,
  MOCKSERVER_USER,
} from './mockserver-settings';
/**
 * Image of the config loader: the AWS CLI v2, the same tag the destroyer task uses, so one image
 * is pinned for both. It has a shell, unlike MockServer's distroless image.
 */
export const CONFIG_LOADER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.22.35';
export const CONFIG_VOLUME = 'config';
/** Scratch volume at /tmp, the only writable path of a read-only root file system. */
export const TMP_VOLUME = 'tmp';
export const MOCKSERVER_CONTAINER = 'mockserver';
export const CONFIG_LOADER_CONTAINER = 'config-loader';

/** Where the project's configuration lives (a `ConfigBucket` from s3-config fits). */
export interface MockServerConfigSource {
  readonly bucketName: string;
  /** Key of the expectations file, e.g. `expectations.json`. */
  readonly expectationsKey: string;
  /** Object ARNs the task role may read (and nothing else). */
  readonly readableObjectArns: string[];
  /** Content hash of the expectations: a change rolls the tasks so they load the new file. */
  readonly version: string;
  /**
   * Resources that write the expectations (e.g. the S3 object): the task definition waits for
   * them, so new tasks never start before the file they load is in place.
   * @default []
   */
  readonly dependables?: readonly ITerraformDependable[];
}

/** The environment's shared ALB, for shared-port and shared-host routing. */
export interface MockServerSharedAlb extends SharedAlbRef {
  /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension, for request scaling. */
  readonly albArnSuffix: string;
}

/** Where the project's own ALB goes, for dedicated routing (its domain comes with the routing). */
export interface DedicatedAlbPlacement {
  /** Public subnets in at least two AZs. */
  readonly publicSubnetIds: string[];
  /** CIDR of the VPC: the only place the ALB sends traffic. */
  readonly vpcCidr: string;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** Access logs to the environment's log bucket. @default - off */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
}

/** Who may reach the mock when no access is given: anyone, with the control plane behind its token. */
export const OPEN_ACCESS: ProjectAccess = Object.freeze({
  controlPlaneCidrs: Object.freeze([]),
  dataPlaneCidrs: DEFAULT_DATA_PLANE_CIDRS,
});

/** Props of {@link MockServerService}. */
export interface MockServerServiceProps extends TerraformMetaArguments {
  readonly prefix: string;
  readonly env: string;
  readonly project: string;
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly vpcId: string;
  /** Subnets for the tasks. */
  readonly subnetIds: string[];
  /** Public IPs for tasks (public placement). @default false */
  readonly assignPublicIp?: boolean;
  readonly size: TaskSize;
  readonly logRetentionDays: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly config: MockServerConfigSource;
  /**
   * How requests reach the mock (core's `Project.routing`): a port or host rules on the shared
   * ALB given in {@link sharedAlb}, or an ALB of its own placed by {@link dedicatedAlb}.
   */
  readonly routing: ProjectRouting;
  /** The environment's shared ALB; required with shared routing, refused otherwise. @default - none */
  readonly sharedAlb?: MockServerSharedAlb;
  /** Where its own ALB goes; required with dedicated routing, refused otherwise. @default - none */
  readonly dedicatedAlb?: DedicatedAlbPlacement;
  /**
   * Who may reach it (core's `Project.access`): control-plane networks admitted without the
   * token (never the internet, at most 2) and the data plane's callers (at most 4).
   * @default OPEN_ACCESS
   */
  readonly access?: ProjectAccess;
  /** SNS topics for alarms. @default - no alarms */
  readonly alarmTopicArns?: readonly string[];
  /** @default 'FARGATE' */
  readonly capacity?: 'FARGATE' | 'FARGATE_SPOT';
  /** @default false */
  readonly enableExecuteCommand?: boolean;
  /** Extra MockServer environment (e.g. `MOCKSERVER_LOG_LEVEL`). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets for the MockServer container. @default {} */
  readonly secrets?: Readonly<Record<string, string>>;
  /** @default DEFAULT_SCALING */
  readonly scaling?: ScalingTables;
  /** @default MOCKSERVER_IMAGE */
  readonly image?: string;
  /** @default CONFIG_LOADER_IMAGE */
  readonly configLoaderImage?: string;
  /** Seconds health checks are ignored after start (JVM start-up). @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * MockServer's control plane (`/mockserver/*`, dashboard and websockets): the load balancer
   * forwards it only with the project's token (a secret this construct creates) or from the
   * access's `controlPlaneCidrs`, and answers 403 to everyone else.
   */
  readonly controlPlane: {
    /** Secrets Manager name of the token (core's `controlPlaneSecretName`). */
    readonly secretName: string;
  };
  /**
   * ARN of the IAM policy set as the permissions boundary of every role this construct creates
   * (the CI apply role may create roles only with its environment's boundary).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
}

/**
 * MockServer on Fargate: a config-loader init container copies the project's expectations from
 * the config bucket to a task volume, then MockServer starts (dependency SUCCESS) and loads them
 * via `MOCKSERVER_INITIALIZATION_JSON_PATH`, failing the task if it cannot
 * (`MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR`). Two target groups (mocked API, control plane)
 * health-check the readiness endpoint, so no request reaches a task before its expectations are
 * loaded. The control plane is forwarded only with the project token; the service sits behind the
 * shared ALB or an ALB of its own.
 */
export class MockServerService extends Construct {
  readonly apiTargetGroup: ServiceTargetGroup;
  /** Target group of the control plane (construct id kept from when it served the dashboard only). */
  readonly controlPlaneTargetGroup: ServiceTargetGroup;
  /** The token the load balancer requires on `/mockserver/*`. */
  readonly controlPlaneToken: ControlPlaneToken;
  readonly attachment?: SharedAlbAttachment;
  readonly dedicatedAlb?: DedicatedAlb;
  readonly fargate: FargateService;
  /** MockServer base URL. */
  readonly url: string;
  /** Dashboard URL. */
  readonly dashboardUrl: string;
  /** CloudWatch `LoadBalancer` dimension of the ALB the service sits behind (`app/<name>/<id>`). */
  readonly loadBalancerArnSuffix: string;

  constructor(scope: Construct, id: string, props: MockServerServiceProps) {
    super(scope, id);
    const containers = mockServerContainers(props);
    checkMockServerService(props, containers);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };
    const access = props.access ?? OPEN_ACCESS;

    const tg = (tid: string, kind: string) =>
      new ServiceTargetGroup(this, tid, {
        ...meta,
        name: resourceName('targetGroup', { ...parts, kind }),
        vpcId: props.vpcId,
        port: MOCKSERVER_PORT,
        healthCheckPath: MOCKSERVER_READINESS_PATH,
        healthyCodes: '200',
      });
    this.apiTargetGroup = tg('ApiTargetGroup', 'api');
    this.controlPlaneTargetGroup = tg('DashboardTargetGroup', 'dash');
    this.controlPlaneToken = new ControlPlaneToken(this, 'ControlPlaneToken', {
      ...meta,
      secretName: props.controlPlane.secretName,
      description: `Header ${CONTROL_PLANE_HEADER} for the MockServer control plane of ${props.env}/${props.project}`,
    });
    const protectedPaths: ProtectedPaths = {
      paths: CONTROL_PLANE_PATHS,
      targetGroupArn: this.controlPlaneTargetGroup.targetGroupArn,
      header: { name: CONTROL_PLANE_HEADER, value: this.controlPlaneToken.value },
      sourceCidrs: access.controlPlaneCidrs,
    };
    const routing = {
      defaultTargetGroupArn: this.apiTargetGroup.targetGroupArn,
      protectedPaths,
      allowedCidrs: access.dataPlaneCidrs,
    };

    let albSecurityGroupId: string;
    let albArnSuffix: string;
    let dependables: ITerraformDependable[];
    const r = props.routing;
    if (r.kind === 'dedicated') {
      const placement = props.dedicatedAlb!;
      this.dedicatedAlb = new DedicatedAlb(this, 'Alb', {
        ...meta,
        ...dedicatedAlbNames(props),
        vpcId: props.vpcId,
        vpcCidr: placement.vpcCidr,
        publicSubnetIds: placement.publicSubnetIds,
        ...routing,
        domain: r.domain,
        deletionProtection: placement.deletionProtection,
        accessLogs: placement.accessLogs,
      });
      albSecurityGroupId = this.dedicatedAlb.securityGroupId;
      albArnSuffix = this.dedicatedAlb.arnSuffix;
      dependables = this.dedicatedAlb.dependables;
      this.url = this.dedicatedAlb.url;
    } else {
      const alb = props.sharedAlb!;
      this.attachment = new SharedAlbAttachment(this, 'SharedAlb', {
        ...meta,
        routing: r,
        alb,
        ...routing,
      });
      albSecurityGroupId = alb.albSecurityGroupId;
      albArnSuffix = alb.albArnSuffix;
      dependables = this.attachment.dependables;
      this.url = this.attachment.url;
    }
    this.dashboardUrl = `${this.url}/mockserver/dashboard`;
    this.loadBalancerArnSuffix = albArnSuffix;

    const readConfig: PolicyStatement = {
      Sid: 'ReadOwnConfig',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: props.config.readableObjectArns,
    };
    this.fargate = new FargateService(this, 'Service', {
      ...meta,
      ...parts,
      serviceName: MOCKSERVER_SERVICE,
      region: props.region,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      assignPublicIp: props.assignPublicIp,
      size: props.size,
      logRetentionDays: props.logRetentionDays,
      minTasks: props.minTasks,
      maxTasks: props.maxTasks,
      scaling: props.scaling,
      capacity: props.capacity,
      enableExecuteCommand: props.enableExecuteCommand,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
      alarmTopicArns: props.alarmTopicArns,
      alarmOnLoadBalancer5xx: r.kind === 'dedicated',
      loadBalancerSecurityGroupId: albSecurityGroupId,
      loadBalancerArnSuffix: albArnSuffix,
      listenerDependencies: dependables,
      taskRoleStatements: [readConfig],
      permissionsBoundary: props.permissionsBoundary,
      volumes: MOCKSERVER_VOLUMES,
      targets: [
        {
          label: 'api',
          targetGroupArn: this.apiTargetGroup.targetGroupArn,
          arnSuffix: this.apiTargetGroup.arnSuffix,
          ...MOCKSERVER_TARGET,
        },
        {
          label: 'control',
          targetGroupArn: this.controlPlaneTargetGroup.targetGroupArn,
          arnSuffix: this.controlPlaneTargetGroup.arnSuffix,
          ...MOCKSERVER_TARGET,
        },
      ],
      containers,
    });
    const writers = (props.config.dependables ?? []).map((d) => dependable(d));
    if (writers.length > 0) {
      const td = this.fargate.taskDefinition;
      td.dependsOn = [...(td.dependsOn ?? []), ...writers];
    }
  }
}

const MOCKSERVER_VOLUMES = [CONFIG_VOLUME, TMP_VOLUME];
/** Both target groups reach the one MockServer port. */
const MOCKSERVER_TARGET = { containerName: MOCKSERVER_CONTAINER, containerPort: MOCKSERVER_PORT };

function dedicatedAlbNames(props: MockServerServiceProps) {
  const parts = { prefix: props.prefix, env: props.env, project: props.project };
  return {
    name: resourceName('alb', parts),
    securityGroupName: resourceName('securityGroup', { ...parts, kind: 'alb' }),
  };
}

/**
 * Checks everything the service and its children will be given, before any of them is created:
 * the routing against the ALB given for it, who may reach it, and the Fargate service.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
function checkMockServerService(
  props: MockServerServiceProps,
  containers: readonly ContainerSpec[],
): void {
  const owner = 'MockServerService';
  const issues = new IssueCollector();
  const access = props.access ?? OPEN_ACCESS;
  const shape = {
    protectedPaths: {
      paths: CONTROL_PLANE_PATHS,
      header: { name: CONTROL_PLANE_HEADER },
      sourceCidrs: access.controlPlaneCidrs,
    },
    allowedCidrs: access.dataPlaneCidrs,
  };
  const r = props.routing;
  const shared = r.kind === 'shared-port' || r.kind === 'shared-host';
  if (!shared && r.kind !== 'dedicated') {
    issues.add(
      `${owner}.routing.kind`,
      (r as { kind: unknown }).kind,
      "must be 'shared-port', 'shared-host' or 'dedicated'",
    );
  } else {
    const needed = shared ? 'sharedAlb' : 'dedicatedAlb';
    const refused = shared ? 'dedicatedAlb' : 'sharedAlb';
    if (props[refused] !== undefined)
      issues.add(`${owner}.${refused}`, props[refused], `must be left out with ${r.kind} routing`);
    if (props[needed] === undefined)
      issues.add(`${owner}.${needed}`, undefined, `must be given with ${r.kind} routing`);
    else if (r.kind === 'dedicated')
      checkDedicatedAlb(issues, owner, {
        ...dedicatedAlbNames(props),
        vpcId: props.vpcId,
        ...props.dedicatedAlb!,
        ...shape,
      });
    else
      checkSharedAlbAttachment(
        issues,
        owner,
        { routing: r, alb: props.sharedAlb!, ...shape },
        `${owner}.sharedAlb`,
      );
  }
  checkFargateService(issues, owner, {
    serviceName: MOCKSERVER_SERVICE,
    size: props.size,
    containers,
    volumes: MOCKSERVER_VOLUMES,
    minTasks: props.minTasks,
    maxTasks: props.maxTasks,
    scaling: props.scaling,
    healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds,
    permissionsBoundary: props.permissionsBoundary,
    targets: [MOCKSERVER_TARGET],
  });
  issues.throwIfAny(owner);
}

/** The config loader, then MockServer once the loader has copied the expectations. */
function mockServerContainers(props: MockServerServiceProps): ContainerSpec[] {
  const initFile = initializationJsonPath(props.config.expectationsKey);
  return [
    {
      name: CONFIG_LOADER_CONTAINER,
      image: props.configLoaderImage ?? CONFIG_LOADER_IMAGE,
      essential: false,
      entryPoint: ['/bin/sh', '-c'],
      // MockServer runs as uid 65532 and Fargate creates task volumes owned by root: the file
      // and its directory must be world-readable, and /tmp world-writable (sticky).
      command: [
        'set -eu; aws s3 cp "s3://$CONFIG_BUCKET/$CONFIG_OBJECT" "$TARGET_FILE"; chmod 0755 "$(dirname "$TARGET_FILE")"; chmod 0644 "$TARGET_FILE"; chmod 1777 /tmp',
      ],
      user: '0',
      readonlyRootFilesystem: true,
      dockerLabels: {
        [HARDENING_EXCEPTION_LABELS.root]:
          'Fargate task volumes are owned by root; this short-lived init container makes them readable (config) and writable (tmp) for the non-root MockServer, then exits',
      },
      environment: {
        CONFIG_BUCKET: props.config.bucketName,
        CONFIG_OBJECT: props.config.expectationsKey,
        TARGET_FILE: initFile,
        AWS_REGION: props.region,
        HOME: '/tmp',
      },
      mountPoints: [
        { sourceVolume: CONFIG_VOLUME, containerPath: CONFIG_MOUNT_PATH },
        { sourceVolume: TMP_VOLUME, containerPath: '/tmp' },
      ],
    },
    {
      name: MOCKSERVER_CONTAINER,
      image: props.image ?? MOCKSERVER_IMAGE,
      port: MOCKSERVER_PORT,
      essential: true,
      user: MOCKSERVER_USER,
      readonlyRootFilesystem: true,
      dependsOn: [{ containerName: CONFIG_LOADER_CONTAINER, condition: 'SUCCESS' }],
      mountPoints: [
        { sourceVolume: CONFIG_VOLUME, containerPath: CONFIG_MOUNT_PATH, readOnly: true },
        { sourceVolume: TMP_VOLUME, containerPath: '/tmp' },
      ],
      secrets: props.secrets,
      environment: mockServerEnvironment({
        initializationJsonPath: initFile,
        memoryMiB: props.size.memory,
        expectationsVersion: props.config.version,
        environment: props.environment,
      }),
    },
  ];
}
