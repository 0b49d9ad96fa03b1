import { jvmHeapMiB, resourceName, TaskSize } from '@automock/core';
import { dependable, ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { DedicatedAlb } from './DedicatedAlb';
import { FargateService, PolicyStatement } from './FargateService';
import { ScalingTables } from './ServiceAutoscaling';
import { SharedAlbAttachment, SharedAlbHostRouting } from './SharedAlbAttachment';
import { ServiceTargetGroup } from './ServiceTargetGroup';

/** MockServer image: the latest release, pinned. */
export const MOCKSERVER_IMAGE = 'mockserver/mockserver:5.15.0';
/** Image of the config loader (AWS CLI v2, pinned; it has a shell, unlike MockServer's distroless image). */
export const CONFIG_LOADER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.15.0';
export const MOCKSERVER_PORT = 1080;
/** GET path MockServer answers 200 on when `MOCKSERVER_LIVENESS_HTTP_GET_PATH` is set. */
export const MOCKSERVER_LIVENESS_PATH = '/liveness/probe';
/** MockServer's dashboard UI; its assets live below it and it talks over this websocket path. */
export const MOCKSERVER_DASHBOARD_PATHS = [
  '/mockserver/dashboard',
  '/mockserver/dashboard/*',
  '/_mockserver_ui_websocket',
] as const;
/** Where the shared volume is mounted in both containers. */
export const CONFIG_MOUNT_PATH = '/config';
export const CONFIG_VOLUME = 'config';
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
   * ARN of the IAM policy set as the permissions boundary of every role this construct creates
   * (the CI apply role may create roles only with its environment's boundary).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
}

/**
 * MockServer on Fargate: a config-loader init container copies the project's expectations from
 * the config bucket to a task volume, then MockServer starts (dependency SUCCESS) and loads them
 * via `MOCKSERVER_INITIALIZATION_JSON_PATH`. Two target groups (API and dashboard) health-check
 * MockServer's liveness path; the service sits behind the shared ALB or an ALB of its own.
 */
export class MockServerService extends Construct {
  readonly apiTargetGroup: ServiceTargetGroup;
  readonly dashboardTargetGroup: ServiceTargetGroup;
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
        healthCheckPath: MOCKSERVER_LIVENESS_PATH,
      });
    this.apiTargetGroup = tg('ApiTargetGroup', 'api');
    this.dashboardTargetGroup = tg('DashboardTargetGroup', 'dash');
    const pathTargets = [
      {
        paths: [...MOCKSERVER_DASHBOARD_PATHS],
        targetGroupArn: this.dashboardTargetGroup.targetGroupArn,
      },
    ];

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
        pathTargets,
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
        pathTargets,
        domain: lb.domain,
        deletionProtection: lb.deletionProtection,
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
      serviceName: 'mockserver',
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
      volumes: [CONFIG_VOLUME],
      targets: [
        {
          label: 'api',
          targetGroupArn: this.apiTargetGroup.targetGroupArn,
          arnSuffix: this.apiTargetGroup.arnSuffix,
          containerName: MOCKSERVER_CONTAINER,
          containerPort: MOCKSERVER_PORT,
        },
        {
          label: 'dashboard',
          targetGroupArn: this.dashboardTargetGroup.targetGroupArn,
          arnSuffix: this.dashboardTargetGroup.arnSuffix,
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
          // MockServer runs as a non-root user: the file (and its directory) must be world-readable.
          command: [
            'set -eu; aws s3 cp "s3://$CONFIG_BUCKET/$CONFIG_OBJECT" "$TARGET_FILE"; chmod 0755 "$(dirname "$TARGET_FILE")"; chmod 0644 "$TARGET_FILE"',
          ],
          environment: {
            CONFIG_BUCKET: props.config.bucketName,
            CONFIG_OBJECT: props.config.expectationsKey,
            TARGET_FILE: initFile,
            AWS_REGION: props.region,
          },
          mountPoints: [{ sourceVolume: CONFIG_VOLUME, containerPath: CONFIG_MOUNT_PATH }],
        },
        {
          name: MOCKSERVER_CONTAINER,
          image: props.image ?? MOCKSERVER_IMAGE,
          port: MOCKSERVER_PORT,
          essential: true,
          dependsOn: [{ containerName: CONFIG_LOADER_CONTAINER, condition: 'SUCCESS' }],
          mountPoints: [
            { sourceVolume: CONFIG_VOLUME, containerPath: CONFIG_MOUNT_PATH, readOnly: true },
          ],
          secrets: props.secrets,
          environment: {
            MOCKSERVER_LOG_LEVEL: 'INFO',
            ...props.environment,
            MOCKSERVER_SERVER_PORT: String(MOCKSERVER_PORT),
            MOCKSERVER_INITIALIZATION_JSON_PATH: initFile,
            MOCKSERVER_LIVENESS_HTTP_GET_PATH: MOCKSERVER_LIVENESS_PATH,
            // The image ignores JVM_OPTIONS; the JVM itself reads JAVA_TOOL_OPTIONS.
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
