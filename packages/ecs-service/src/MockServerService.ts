import {
  CONTROL_PLANE_HEADER,
  CONTROL_PLANE_PATHS,
  HARDENING_EXCEPTION_LABELS,
  jvmHeapMiB,
  MOCKSERVER_SERVICE,
  PolicyStatement,
  resourceName,
  TaskSize,
} from '@automock/core';
import { dependable, ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { ControlPlaneToken } from './ControlPlaneToken';
import { DedicatedAlb } from './DedicatedAlb';
import { FargateService } from './FargateService';
import { ProtectedPaths } from './routing';
import { ScalingTables } from './ServiceAutoscaling';
import { SharedAlbAttachment, SharedAlbHostRouting } from './SharedAlbAttachment';
import { ServiceTargetGroup } from './ServiceTargetGroup';

/**
 * MockServer's image, by tag: the current release (9.4.0, 2026-11-20). Pin its digest with the
 * environment's `images.mockserver` (see the README: no digest is built in).
 */
export const MOCKSERVER_IMAGE = 'mockserver/mockserver:9.4.0';
/**
 * Image of the config loader: the AWS CLI v2, the same tag the destroyer task uses, so one image
 * is pinned for both. It has a shell, unlike MockServer's distroless image.
 */
export const CONFIG_LOADER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.22.35';
export const MOCKSERVER_PORT = 1080;
/**
 * MockServer's readiness endpoint: 503 until the initialisation file is loaded, then 200. The
 * liveness endpoints (`PUT /mockserver/status`, `livenessHttpGetPath`) answer 200 as soon as the
 * port binds, before any expectation is loaded, so they must not gate traffic.
 */
export const MOCKSERVER_READINESS_PATH = '/mockserver/ready';
/** The image's user: `USER nonroot` of its distroless base, uid and gid 65532. */
export const MOCKSERVER_USER = '65532:65532';
/** Where the shared volume is mounted in both containers. */
export const CONFIG_MOUNT_PATH = '/config';
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

/** Attach to the environment's shared ALB. */
export interface SharedLoadBalancing {
  readonly mode: 'shared';
  readonly albArn: string;
  readonly albArnSuffix: string;
  readonly albSecurityGroupId: string;
  readonly albDnsName: string;
  /** With a domain: host routing on the shared HTTPS listener. */
  readonly host?: Omit<SharedAlbHostRouting, 'albDnsName'>;
  /** Without a domain: the project's listener port. */
  readonly port?: number;
}

/** Bring an ALB of the project's own. */
export interface DedicatedLoadBalancing {
  readonly mode: 'dedicated';
  readonly publicSubnetIds: string[];
  readonly vpcCidr: string;
  /** @default - HTTP only */
  readonly domain?: { readonly hostname: string; readonly hostedZoneId: string };
  /** @default false */
  readonly deletionProtection?: boolean;
  /** Access logs to the environment's log bucket. @default - off */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
}

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
  readonly loadBalancing: SharedLoadBalancing | DedicatedLoadBalancing;
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
  /** @default SEED_SCALING */
  readonly scaling?: ScalingTables;
  /** @default MOCKSERVER_IMAGE */
  readonly image?: string;
  /** @default CONFIG_LOADER_IMAGE */
  readonly configLoaderImage?: string;
  /** Seconds health checks are ignored after start (JVM start-up). @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * MockServer's control plane (`/mockserver/*`, dashboard and websockets): the load balancer
   * forwards it only with the project's token (a secret this construct creates) or from
   * `sourceCidrs`, and answers 403 to everyone else.
   */
  readonly controlPlane: {
    /** Secrets Manager name of the token (core's `controlPlaneSecretName`). */
    readonly secretName: string;
    /** Networks admitted without the token, at most 2, never the internet. @default [] */
    readonly sourceCidrs?: readonly string[];
  };
  /** Who may call the mocked API (IPv4 CIDRs, at most 4). @default ['0.0.0.0/0'] */
  readonly dataPlaneCidrs?: readonly string[];
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

  constructor(scope: Construct, id: string, props: MockServerServiceProps) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };

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
      sourceCidrs: props.controlPlane.sourceCidrs ?? [],
    };
    const access = { protectedPaths, allowedCidrs: props.dataPlaneCidrs };

    let albSecurityGroupId: string;
    let albArnSuffix: string;
    let dependables: ITerraformDependable[];
    const lb = props.loadBalancing;
    if (lb.mode === 'shared') {
      if (!lb.host === (lb.port === undefined))
        throw new Error(
          `MockServerService.loadBalancing: got ${lb.host ? 'both host and port' : 'neither host nor port'}, shared mode needs exactly one (host with a domain, port without)`,
        );
      this.attachment = new SharedAlbAttachment(this, 'SharedAlb', {
        ...meta,
        routing: lb.host
          ? { host: { ...lb.host, albDnsName: lb.albDnsName } }
          : {
              port: {
                port: lb.port!,
                albArn: lb.albArn,
                albSecurityGroupId: lb.albSecurityGroupId,
                albDnsName: lb.albDnsName,
              },
            },
        defaultTargetGroupArn: this.apiTargetGroup.targetGroupArn,
        ...access,
      });
      albSecurityGroupId = lb.albSecurityGroupId;
      albArnSuffix = lb.albArnSuffix;
      dependables = this.attachment.dependables;
      this.url = this.attachment.url;
    } else {
      this.dedicatedAlb = new DedicatedAlb(this, 'Alb', {
        ...meta,
        name: resourceName('alb', parts),
        securityGroupName: resourceName('securityGroup', { ...parts, kind: 'alb' }),
        vpcId: props.vpcId,
        vpcCidr: lb.vpcCidr,
        publicSubnetIds: lb.publicSubnetIds,
        defaultTargetGroupArn: this.apiTargetGroup.targetGroupArn,
        ...access,
        domain: lb.domain,
        deletionProtection: lb.deletionProtection,
        accessLogs: lb.accessLogs,
      });
      albSecurityGroupId = this.dedicatedAlb.securityGroupId;
      albArnSuffix = this.dedicatedAlb.arnSuffix;
      dependables = this.dedicatedAlb.dependables;
      this.url = this.dedicatedAlb.url;
    }
    this.dashboardUrl = `${this.url}/mockserver/dashboard`;

    const initFile = `${CONFIG_MOUNT_PATH}/${props.config.expectationsKey.split('/').pop()}`;
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
      alarmOnLoadBalancer5xx: lb.mode === 'dedicated',
      loadBalancerSecurityGroupId: albSecurityGroupId,
      loadBalancerArnSuffix: albArnSuffix,
      listenerDependencies: dependables,
      taskRoleStatements: [readConfig],
      permissionsBoundary: props.permissionsBoundary,
      volumes: [CONFIG_VOLUME, TMP_VOLUME],
      targets: [
        {
          label: 'api',
          targetGroupArn: this.apiTargetGroup.targetGroupArn,
          arnSuffix: this.apiTargetGroup.arnSuffix,
          containerName: MOCKSERVER_CONTAINER,
          containerPort: MOCKSERVER_PORT,
        },
        {
          label: 'control',
          targetGroupArn: this.controlPlaneTargetGroup.targetGroupArn,
          arnSuffix: this.controlPlaneTargetGroup.arnSuffix,
          containerName: MOCKSERVER_CONTAINER,
          containerPort: MOCKSERVER_PORT,
        },
      ],
      containers: [
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
          environment: {
            MOCKSERVER_LOG_LEVEL: 'INFO',
            // MockServer's hardening advice: answer 404 to unmatched requests instead of proxying
            // them to whatever their Host header names (from inside the VPC).
            MOCKSERVER_ATTEMPT_TO_PROXY_IF_NO_MATCHING_EXPECTATION: 'false',
            ...props.environment,
            MOCKSERVER_SERVER_PORT: String(MOCKSERVER_PORT),
            MOCKSERVER_INITIALIZATION_JSON_PATH: initFile,
            // A file MockServer cannot load stops the task (the circuit breaker rolls back)
            // instead of serving no expectations while the health checks pass.
            MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR: 'true',
            // An explicit -Xmx overrides the image's -XX:MaxRAMPercentage=75.0 entry-point flag.
            JAVA_TOOL_OPTIONS: `-Xmx${jvmHeapMiB(props.size.memory)}m`,
            // Not read by MockServer: a new value changes the task definition, so a content
            // change rolls the tasks and they load the new file.
            AUTOMOCK_EXPECTATIONS_VERSION: props.config.version,
          },
        },
      ],
    });
    const writers = (props.config.dependables ?? []).map((d) => dependable(d));
    if (writers.length > 0) {
      const td = this.fargate.taskDefinition;
      td.dependsOn = [...(td.dependsOn ?? []), ...writers];
    }
  }
}
