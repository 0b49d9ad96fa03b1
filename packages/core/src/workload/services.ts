import {
  ACM_DOMAIN_NAME_MAX,
  CONTAINER_ENVIRONMENT_MAX_BYTES,
  containerEnvironmentBudget,
  containerEnvironmentBytes,
} from '../aws-limits';
import { LOG_RETENTION_DAYS } from '../environment';
import { checkWorkloadReferences } from './references';
import { scheduleExpressionProblem } from './schedule-expression';
import { isIanaTimeZone } from './tasks';
import { accessPointRefName, FILE_SYSTEM_ACCESS_POINT_KIND, FILE_SYSTEM_KIND } from './files';
import { PolicyStatement } from '../iam';
import { derivedRulePriority, RULE_PRIORITY_BLOCK } from '../project';
import { FARGATE_COMBINATIONS, isValidFargateSize } from '../sizes';
import { standardTags } from '../tags';
import type {
  WorkloadAccessMode,
  WorkloadDeclaration,
  WorkloadRefKind,
  WorkloadSection,
  WorkloadSectionContext,
} from './section';

/**
 * The `services` section of a workload: long-running containers on Fargate, each routed by the
 * environment's shared ALB, an ALB of its own, Cloud Map private DNS, or nothing (a worker).
 */

/** Where the value of a secret environment variable comes from. */
export type ServiceSecretInput =
  | {
      /** Name of a secret of this workload (its `secrets` section). */
      readonly secret: string;
      /** A JSON key of the secret's value. @default - the whole value */
      readonly key?: string;
    }
  | {
      /** ARN of a Secrets Manager secret outside the workload. */
      readonly secretArn: string;
      /** A JSON key of the secret's value. @default - the whole value */
      readonly key?: string;
    }
  | {
      /** Name (in the environment's account and region) or ARN of an SSM parameter. */
      readonly ssmParameter: string;
    };

/** Weights of Fargate and Fargate Spot in a mixed capacity strategy. */
export interface ServiceCapacityMixInput {
  /** On-demand Fargate: `base` tasks always run on it, then `weight` shares of the rest. */
  readonly fargate: {
    /** Share of tasks beyond the base. */
    readonly weight: number;
    /** Tasks that always run on on-demand Fargate. @default 0 */
    readonly base?: number;
  };
  /** Fargate Spot. */
  readonly fargateSpot: {
    /** Share of tasks beyond the base. */
    readonly weight: number;
  };
}

/** Container and load balancer health checks. */
export interface ServiceHealthCheckInput {
  /** Container health check command, in ECS form (`["CMD-SHELL", "curl -f ..."]`). @default - none */
  readonly command?: readonly string[];
  /** Path the load balancer checks (routed services). @default '/' */
  readonly path?: string;
  /** Seconds between checks. @default 30 */
  readonly intervalSeconds?: number;
  /** Seconds a check may take. @default 5 */
  readonly timeoutSeconds?: number;
  /** Consecutive successes that make a target healthy. @default 2 */
  readonly healthyThreshold?: number;
  /** Consecutive failures that make a target (or container) unhealthy. @default 3 */
  readonly unhealthyThreshold?: number;
  /** Seconds container check failures are ignored after start. @default 60 */
  readonly startPeriodSeconds?: number;
}

/** Rolling deployment settings. */
export interface ServiceDeploymentInput {
  /** Percent of desired tasks kept running during a deployment. @default 100 */
  readonly minimumHealthyPercent?: number;
  /** Percent of desired tasks allowed to run during a deployment. @default 200 */
  readonly maximumPercent?: number;
  /** Deployment circuit breaker. @default { enabled: true, rollback: true } */
  readonly circuitBreaker?: {
    /** Stop a deployment whose tasks keep failing. @default true */
    readonly enabled?: boolean;
    /** Roll back to the last working deployment when it stops. @default true */
    readonly rollback?: boolean;
  };
}

/** An extra statement for the service's task role. */
export interface ServiceIamStatementInput {
  /** Statement id. @default - none */
  readonly sid?: string;
  /** Actions in `service:Action` form; `*` only with `allowWildcard`. */
  readonly actions: readonly string[];
  /** Resource ARNs; `*` only with `allowWildcard`. */
  readonly resources: readonly string[];
  /**
   * Admit `*` in actions or resources. The guardrails (AM-IAM-1/AM-IAM-2) still flag the
   * statement unless the environment suppresses them with a reason. @default false
   */
  readonly allowWildcard?: boolean;
  /** Why a wildcard is needed; required with `allowWildcard`. @default - none */
  readonly reason?: string;
}

/** Access to another resource of the workload, granted from that resource's own grants. */
export interface ServiceAccessInput {
  /** A table of the workload. @default - not a table */
  readonly table?: string;
  /** A queue of the workload. @default - not a queue */
  readonly queue?: string;
  /** A topic of the workload. @default - not a topic */
  readonly topic?: string;
  /** A bucket of the workload. @default - not a bucket */
  readonly bucket?: string;
  /** The workload's user pool (`identity` section, issue 14). @default - not a user pool */
  readonly userPool?: string;
  /** A secret of the workload. @default - not a secret */
  readonly secret?: string;
  /** The workload's SES identity (`mail` section, issue 14 M). @default - not a mail identity */
  readonly mailIdentity?: string;
  /** The workload's database (`postgres`; read: its master secret and connection). @default - not the database */
  readonly database?: string;
  /** Read, or write (which the resource's grants define, usually read and write). */
  readonly mode: WorkloadAccessMode;
}

/** Routing rules shared by the shared and dedicated kinds. */
interface RuleInput {
  /** Host names the rule matches. @default - any host */
  readonly hosts?: readonly string[];
  /** Path patterns the rule matches (ALB wildcards `*` and `?`). @default - any path */
  readonly paths?: readonly string[];
}

/** How requests reach a service. */
export type ServiceRoutingInput =
  | (RuleInput & {
      /** On the environment's shared ALB: host and/or path rules. */
      readonly kind: 'shared';
      /** Listener rule priority, 1-50000. @default - derived from workload and service */
      readonly priority?: number;
    })
  | {
      /** An internet ALB of its own: every request on it reaches the service. */
      readonly kind: 'dedicated';
      /** ACM certificate ARN for HTTPS. @default - a DNS-validated certificate in the environment's domain */
      readonly certificateArn?: string;
      /** ALB TLS policy. @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' */
      readonly tlsPolicy?: string;
      /** Seconds the target group drains a deregistered task. @default 30 */
      readonly deregistrationDelaySeconds?: number;
      /**
       * Serve plain HTTP (port 80 forwards to the service) where the environment has no domain
       * and no `certificateArn` is given, instead of refusing the workload; with a domain or a
       * certificate, HTTP always redirects to HTTPS. @default false
       */
      readonly allowHttp?: boolean;
    }
  | {
      /** Reachable only inside the VPC, by Cloud Map private DNS. */
      readonly kind: 'internal';
    }
  | {
      /** No load balancer and no inbound traffic. */
      readonly kind: 'worker';
    };

/**
 * A scheduled change of the service's task bounds (Application Auto Scaling scheduled action),
 * e.g. a floor at night and the full range in the morning.
 */
export interface ServiceScalingScheduleInput {
  /** Name, unique in the service: 1-64 lowercase letters, digits, hyphens. */
  readonly name: string;
  /** When: `cron(<6 fields>)`, `at(yyyy-mm-ddThh:mm:ss)` or `rate(<n> <unit>)`. */
  readonly schedule: string;
  /** IANA time zone the schedule is read in, e.g. `Europe/Berlin`. @default 'UTC' */
  readonly timezone?: string;
  /** Fewest tasks from then on; within the service's minCount and maxCount. */
  readonly min: number;
  /** Most tasks from then on; within the service's minCount and maxCount. */
  readonly max: number;
}

/** A target tracking policy's targets (any subset). */
export interface ServiceTargetTrackingInput {
  readonly type: 'targetTracking';
  /** Scheduled changes of the task bounds, next to the tracking. @default [] */
  readonly schedules?: readonly ServiceScalingScheduleInput[];
  /** Average CPU percent to hold. @default - not tracked */
  readonly cpuPercent?: number;
  /** Average memory percent to hold. @default - not tracked */
  readonly memoryPercent?: number;
  /** ALB requests per target (per minute) to hold; routed services only. @default - not tracked */
  readonly requestsPerTarget?: number;
  /** Seconds between scale-outs. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds between scale-ins. @default 300 */
  readonly scaleInCooldownSeconds?: number;
}

/** A band of a step table: metric in [from, to) changes capacity by `change` percent. */
export interface ServiceScalingStepInput {
  readonly from: number;
  /** @default - open-ended (the last band only) */
  readonly to?: number;
  readonly change: number;
}

/** Step scaling: a CloudWatch alarm and a step policy per metric. */
export interface ServiceStepScalingInput {
  readonly type: 'steps';
  /** Scheduled changes of the task bounds, next to the steps. @default [] */
  readonly schedules?: readonly ServiceScalingScheduleInput[];
  /** CPU percent bands. */
  readonly cpu: readonly ServiceScalingStepInput[];
  /** Memory percent bands. */
  readonly memory: readonly ServiceScalingStepInput[];
  /** Requests per target per minute bands; routed services only. @default - none */
  readonly requestsPerTarget?: readonly ServiceScalingStepInput[];
  /** Scale in when CPU and memory both stay below this percent. @default 40 */
  readonly scaleInBelowPercent?: number;
  /** ...for this many minutes. @default 5 */
  readonly scaleInAfterMinutes?: number;
  /** ...by this percent (negative). @default -25 */
  readonly scaleInChange?: number;
  /** Seconds between scale-outs. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds between scale-ins. @default 300 */
  readonly scaleInCooldownSeconds?: number;
}

/** The X-Ray daemon sidecar's settings. */
export interface ServiceXrayInput {
  /**
   * The daemon's image. @default XRAY_DAEMON_IMAGE (AWS's official image, a release tag: pin a
   * digest here where images must be pinned)
   */
  readonly image?: string;
  /** CPU units the daemon takes from the task's `cpu`. @default 32 */
  readonly cpu?: number;
  /** MiB of the task's `memory` reserved for the daemon. @default 256 */
  readonly memory?: number;
}

/** Tracing of a service. */
export interface ServiceTracingInput {
  /**
   * An AWS X-Ray daemon sidecar in the task (UDP 2000 on the task's localhost), the
   * application's `AWS_XRAY_DAEMON_ADDRESS` set to it, and the task role allowed to send traces
   * and read sampling rules. `true` for the defaults. @default false
   */
  readonly xray?: boolean | ServiceXrayInput;
}

/** One service as written in a workload file. */
export interface ServiceInput {
  /** Service name, unique in the workload: 1-32 lowercase letters, digits, hyphens. */
  readonly name: string;
  /** Container image; pin a tag or digest. */
  readonly image: string;
  /** CPU units (1024 = 1 vCPU). @default 256 */
  readonly cpu?: number;
  /** Memory in MiB (a Fargate pair with `cpu`). @default 512 */
  readonly memory?: number;
  /** Port the container listens on; required unless a worker. @default - none */
  readonly port?: number;
  /** Overrides the image's command. @default - the image's */
  readonly command?: readonly string[];
  /**
   * Plain environment variables; values may hold `${<kind>:<name>:<attribute>}` references to
   * the workload's tables, secrets, queues, topics, buckets and repositories, and `${aws:region}`
   * and other stack values (core's `WORKLOAD_CONTEXT_VALUES`). @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secret environment variables. @default {} */
  readonly secrets?: Readonly<Record<string, ServiceSecretInput>>;
  /** Tasks at creation. @default minCount */
  readonly desiredCount?: number;
  /** Fewest tasks; 0 only for workers. @default 1 */
  readonly minCount?: number;
  /** Most tasks. @default the larger of minCount and desiredCount */
  readonly maxCount?: number;
  /** Fargate, Fargate Spot, or a weighted mix. @default 'fargate' */
  readonly capacity?: 'fargate' | 'fargateSpot' | ServiceCapacityMixInput;
  /** Health checks. @default { path: '/' } */
  readonly healthCheck?: ServiceHealthCheckInput;
  /** Seconds load balancer health checks are ignored after a task starts. @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Rolling deployment. @default 100/200 with a circuit breaker that rolls back */
  readonly deployment?: ServiceDeploymentInput;
  /** Log group settings. @default { retentionDays: the environment's } */
  readonly logs?: { readonly retentionDays?: number };
  /** Extra task role statements. @default [] */
  readonly iam?: readonly ServiceIamStatementInput[];
  /** Access to the workload's tables, queues, topics, buckets and secrets. @default [] */
  readonly access?: readonly ServiceAccessInput[];
  /** How requests reach it. @default { kind: 'worker' } */
  readonly routing?: ServiceRoutingInput;
  /** Autoscaling between minCount and maxCount. @default - none when minCount equals maxCount, else target tracking at 70% CPU */
  readonly scaling?: ServiceTargetTrackingInput | ServiceStepScalingInput;
  /** Tracing (an X-Ray daemon sidecar). @default - none */
  readonly tracing?: ServiceTracingInput;
  /** File systems of the workload's `files` section mounted into the container (issue 14). @default [] */
  readonly mounts?: readonly ServiceMountInput[];
}

/** A file system of the workload mounted into a service's container (issue 14, `files`). */
export interface ServiceMountInput {
  /** A file system of the workload's `files` section. */
  readonly fileSystem: string;
  /** One of that file system's access points. @default - none: the file system's root */
  readonly accessPoint?: string;
  /** Absolute path in the container, e.g. `/app/uploads`. */
  readonly path: string;
  /** Mount read-only (and grant no `ClientWrite`). @default false */
  readonly readOnly?: boolean;
}

/** A validated mount. */
export interface ResolvedServiceMount {
  readonly fileSystem: string;
  readonly accessPoint?: string;
  readonly path: string;
  readonly readOnly: boolean;
}

/** The section's value. */
export type ServicesInput = readonly ServiceInput[];

/** A secret variable's resolved source. */
export type ResolvedServiceSecret =
  | { readonly source: 'workloadSecret'; readonly name: string; readonly key?: string }
  | { readonly source: 'secretsManager'; readonly arn: string; readonly key?: string }
  /** `arn` is the parameter's ARN (a name is expanded in the environment's account and region). */
  | { readonly source: 'ssm'; readonly arn: string };

/** A capacity provider strategy item. */
export interface ResolvedCapacityItem {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly weight: number;
  readonly base: number;
}

/** Resolved routing: every default filled in. */
export type ResolvedServiceRouting =
  | {
      readonly kind: 'shared';
      readonly hosts: readonly string[];
      readonly paths: readonly string[];
      readonly priority: number;
    }
  | {
      readonly kind: 'dedicated';
      /**
       * `<service>-<workload>.<domain>` when the environment has a domain: the alias record's
       * name, and the certificate's when none is given.
       */
      readonly hostname?: string;
      readonly certificateArn?: string;
      readonly tlsPolicy: string;
      readonly deregistrationDelaySeconds: number;
    }
  | { readonly kind: 'internal' }
  | { readonly kind: 'worker' };

/** A resolved scheduled change of the task bounds. */
export interface ResolvedServiceScalingSchedule {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly min: number;
  readonly max: number;
}

/** Resolved scaling. */
export type ResolvedServiceScaling = (
  | {
      readonly type: 'targetTracking';
      readonly cpuPercent?: number;
      readonly memoryPercent?: number;
      readonly requestsPerTarget?: number;
      readonly scaleOutCooldownSeconds: number;
      readonly scaleInCooldownSeconds: number;
    }
  | {
      readonly type: 'steps';
      readonly cpu: readonly ServiceScalingStepInput[];
      readonly memory: readonly ServiceScalingStepInput[];
      readonly requestsPerTarget: readonly ServiceScalingStepInput[];
      readonly scaleInBelowPercent: number;
      readonly scaleInAfterMinutes: number;
      readonly scaleInChange: number;
      readonly scaleOutCooldownSeconds: number;
      readonly scaleInCooldownSeconds: number;
    }
) & {
  /** Scheduled changes of the task bounds. */
  readonly schedules: readonly ResolvedServiceScalingSchedule[];
};

/** The resolved X-Ray sidecar: what the task gives it. */
export interface ResolvedServiceXray {
  readonly image: string;
  readonly cpu: number;
  readonly memory: number;
}

/** A service with every default filled in. */
export interface ResolvedService {
  readonly name: string;
  readonly image: string;
  readonly cpu: number;
  readonly memory: number;
  readonly port?: number;
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, ResolvedServiceSecret>>;
  readonly desiredCount: number;
  readonly minCount: number;
  readonly maxCount: number;
  readonly capacity: readonly ResolvedCapacityItem[];
  readonly healthCheck: {
    readonly command?: readonly string[];
    readonly path: string;
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
    readonly startPeriodSeconds: number;
  };
  readonly healthCheckGracePeriodSeconds: number;
  readonly deployment: {
    readonly minimumHealthyPercent: number;
    readonly maximumPercent: number;
    readonly circuitBreaker: { readonly enabled: boolean; readonly rollback: boolean };
  };
  readonly logs: { readonly retentionDays: number };
  /** Task role statements from `iam`. */
  readonly iam: readonly PolicyStatement[];
  readonly access: readonly {
    readonly kind: WorkloadRefKind;
    readonly name: string;
    readonly mode: WorkloadAccessMode;
  }[];
  readonly routing: ResolvedServiceRouting;
  readonly scaling?: ResolvedServiceScaling;
  /** The X-Ray daemon sidecar, when tracing is on. */
  readonly xray?: ResolvedServiceXray;
  /** File systems mounted into the container (issue 14, `files`). */
  readonly mounts: readonly ResolvedServiceMount[];
}

/** The TLS 1.3 policy dedicated ALBs use unless told otherwise (ELB's predefined policy name). */
export const DEFAULT_SERVICE_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** Defaults of a service's optional fields. */
export const SERVICE_DEFAULTS = {
  cpu: 256,
  memory: 512,
  minCount: 1,
  healthCheckPath: '/',
  healthCheckIntervalSeconds: 30,
  healthCheckTimeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  startPeriodSeconds: 60,
  healthCheckGracePeriodSeconds: 60,
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  deregistrationDelaySeconds: 30,
  scaleOutCooldownSeconds: 60,
  scaleInCooldownSeconds: 300,
  targetCpuPercent: 70,
  scaleInBelowPercent: 40,
  scaleInAfterMinutes: 5,
  scaleInChange: -25,
  scheduleTimezone: 'UTC',
  xrayCpu: 32,
  xrayMemory: 256,
} as const;

/**
 * AWS's official X-Ray daemon image (gallery.ecr.aws/xray/aws-xray-daemon) at release 3.6.6
 * (aws/aws-xray-daemon pull request 293, 2026-07-14), the newest release found when this was
 * written. The daemon's releases are published as `<version>`, `3.x` and `latest`; a version
 * tag keeps a redeploy from changing the daemon, and no digest is written here because none
 * could be read from the registry (set `tracing.xray.image` to `...@sha256:<digest>` where
 * images must be pinned).
 */
export const XRAY_DAEMON_IMAGE = 'public.ecr.aws/xray/aws-xray-daemon:3.6.6';

/** The port the X-Ray daemon listens on (UDP for segments, TCP for sampling), on the task's localhost. */
export const XRAY_DAEMON_PORT = 2000;

/** The application container's variable X-Ray SDKs read the daemon's address from. */
export const XRAY_DAEMON_ADDRESS_VARIABLE = 'AWS_XRAY_DAEMON_ADDRESS';

/** The resource kinds `access` may name, by the key that names them. */
export const SERVICE_ACCESS_KINDS = [
  'table',
  'queue',
  'topic',
  'bucket',
  'secret',
  // issue 14: the identity section's user pool
  'userPool',
  // issue 14 M: the mail section's SES identity (write: send mail from it)
  'mailIdentity',
  // issue 14: the database section's connection (read: the RDS-managed secret, SSM parameters)
  'database',
] as const;

const SERVICE_NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$';
const SCHEDULE_NAME_PATTERN = '^[a-z][a-z0-9-]{0,63}$';
const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
const IAM_ACTION_PATTERN = '^[a-z0-9-]+:[A-Za-z0-9*?]+$';
const HOST_PATTERN = '^(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,63}$';
const PATH_PATTERN = '^/[A-Za-z0-9_\\-.$/~"\'@:+*?&=%]*$';
const ARN_SECRET_PATTERN =
  '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$';
const ARN_SSM_PATTERN = '^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\\d{12}:parameter/[A-Za-z0-9/_.-]+$';
const SSM_NAME_PATTERN = '^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';
const ACM_ARN_PATTERN = '^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$';
const TLS_POLICY_PATTERN = '^ELBSecurityPolicy-[A-Za-z0-9-]+$';

const int = (description: string, minimum: number, maximum: number, dflt?: number) => ({
  type: 'integer',
  description,
  minimum,
  maximum,
  ...(dflt === undefined ? {} : { default: dflt }),
});
const strings = (description: string, item: Record<string, unknown>, extra = {}) => ({
  type: 'array',
  description,
  items: item,
  ...extra,
});

const stepsSchema = (description: string) =>
  strings(
    description,
    {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'change'],
      properties: {
        from: { type: 'number', description: 'Lower bound (inclusive) of the metric.' },
        to: { type: 'number', description: 'Upper bound (exclusive); left out on the last band.' },
        change: { type: 'integer', description: 'Percent change of the task count.', minimum: 1 },
      },
    },
    { minItems: 1 },
  );
const cooldowns = {
  scaleOutCooldownSeconds: int('Seconds between scale-outs.', 0, 3600, 60),
  scaleInCooldownSeconds: int('Seconds between scale-ins.', 0, 3600, 300),
  schedules: strings(
    'Scheduled changes of the task bounds (e.g. a floor at night, the full range in the morning).',
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'schedule', 'min', 'max'],
      properties: {
        name: {
          type: 'string',
          description: 'Name, unique in the service: 1-64 lowercase letters, digits, hyphens.',
          pattern: SCHEDULE_NAME_PATTERN,
        },
        schedule: {
          type: 'string',
          description:
            'When: cron(<minutes hours day-of-month month day-of-week year>), at(yyyy-mm-ddThh:mm:ss) or rate(<n> <unit>).',
          minLength: 1,
        },
        timezone: {
          type: 'string',
          description: 'IANA time zone the schedule is read in, e.g. Europe/Berlin.',
          default: SERVICE_DEFAULTS.scheduleTimezone,
        },
        min: int("Fewest tasks from then on, within the service's minCount and maxCount.", 0, 1000),
        max: int("Most tasks from then on, within the service's minCount and maxCount.", 0, 1000),
      },
    },
    { minItems: 1 },
  ),
};
const ruleProperties = {
  hosts: strings(
    'Host names the rule matches (lowercase; a leading `*.` allowed).',
    { type: 'string', pattern: HOST_PATTERN, maxLength: 128 },
    { minItems: 1, uniqueItems: true },
  ),
  paths: strings(
    'Path patterns the rule matches (ALB wildcards `*` and `?`).',
    { type: 'string', pattern: PATH_PATTERN, maxLength: 128 },
    { minItems: 1, uniqueItems: true },
  ),
};

const secretSchema = {
  description:
    'Where the variable comes from: { secret: <workload secret> }, { secretArn, key? } or { ssmParameter }.',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['secret'],
      properties: {
        secret: { type: 'string', description: 'Name of a secret of this workload.', minLength: 1 },
        key: { type: 'string', description: 'A JSON key of the secret value.', minLength: 1 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['secretArn'],
      properties: {
        secretArn: {
          type: 'string',
          description: 'ARN of a Secrets Manager secret.',
          pattern: ARN_SECRET_PATTERN,
        },
        key: { type: 'string', description: 'A JSON key of the secret value.', minLength: 1 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['ssmParameter'],
      properties: {
        ssmParameter: {
          type: 'string',
          description: 'SSM parameter name (same account and region) or ARN.',
          anyOf: [{ pattern: ARN_SSM_PATTERN }, { pattern: SSM_NAME_PATTERN }],
          maxLength: 2048,
        },
      },
    },
  ],
};

const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'image'],
  properties: {
    name: {
      type: 'string',
      description: 'Service name, unique in the workload: 1-32 lowercase letters, digits, hyphens.',
      pattern: SERVICE_NAME_PATTERN,
    },
    image: { type: 'string', description: 'Container image; pin a tag or digest.', minLength: 1 },
    cpu: {
      type: 'integer',
      description: 'CPU units (1024 = 1 vCPU).',
      enum: Object.keys(FARGATE_COMBINATIONS).map(Number),
      default: SERVICE_DEFAULTS.cpu,
    },
    memory: {
      type: 'integer',
      description: 'Memory in MiB; a Fargate pair with cpu.',
      minimum: 512,
      default: SERVICE_DEFAULTS.memory,
    },
    port: int('Port the container listens on; required unless a worker.', 1, 65535),
    command: strings("Overrides the image's command.", { type: 'string' }),
    environment: {
      type: 'object',
      description:
        "Plain environment variables; values may hold ${<kind>:<name>:<attribute>} references to the workload's tables, secrets, queues, topics, buckets and repositories, and ${aws:region}, ${env:name}, ${cluster:name} or ${network:vpcId}.",
      propertyNames: { pattern: ENV_NAME_PATTERN },
      additionalProperties: { type: 'string' },
      default: {},
    },
    secrets: {
      type: 'object',
      description: 'Secret environment variables.',
      propertyNames: { pattern: ENV_NAME_PATTERN },
      additionalProperties: secretSchema,
      default: {},
    },
    desiredCount: int('Tasks at creation; defaults to minCount.', 0, 1000),
    minCount: int('Fewest tasks; 0 only for workers.', 0, 1000, SERVICE_DEFAULTS.minCount),
    maxCount: int('Most tasks; defaults to the larger of minCount and desiredCount.', 1, 1000),
    capacity: {
      description:
        "'fargate', 'fargateSpot', or { fargate: { weight, base }, fargateSpot: { weight } }.",
      default: 'fargate',
      oneOf: [
        { type: 'string', enum: ['fargate', 'fargateSpot'] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['fargate', 'fargateSpot'],
          properties: {
            fargate: {
              type: 'object',
              description: 'On-demand Fargate.',
              additionalProperties: false,
              required: ['weight'],
              properties: {
                weight: int('Share of tasks beyond the base.', 0, 1000),
                base: int('Tasks that always run on on-demand Fargate.', 0, 100000, 0),
              },
            },
            fargateSpot: {
              type: 'object',
              description: 'Fargate Spot.',
              additionalProperties: false,
              required: ['weight'],
              properties: { weight: int('Share of tasks beyond the base.', 0, 1000) },
            },
          },
        },
      ],
    },
    healthCheck: {
      type: 'object',
      description: 'Container and load balancer health checks.',
      additionalProperties: false,
      properties: {
        command: strings(
          'Container health check command (["CMD-SHELL", "..."] or ["CMD", ...]).',
          { type: 'string' },
          { minItems: 2 },
        ),
        path: {
          type: 'string',
          description: 'Path the load balancer checks.',
          pattern: '^/[^\\s]*$',
          maxLength: 1024,
          default: SERVICE_DEFAULTS.healthCheckPath,
        },
        intervalSeconds: int('Seconds between checks.', 5, 300, 30),
        timeoutSeconds: int('Seconds a check may take.', 2, 120, 5),
        healthyThreshold: int('Successes that make a target healthy.', 2, 10, 2),
        unhealthyThreshold: int('Failures that make a target unhealthy.', 2, 10, 3),
        startPeriodSeconds: int('Seconds container check failures are ignored.', 0, 300, 60),
      },
    },
    healthCheckGracePeriodSeconds: int(
      'Seconds load balancer health checks are ignored after a task starts.',
      0,
      2147483647,
      60,
    ),
    deployment: {
      type: 'object',
      description: 'Rolling deployment.',
      additionalProperties: false,
      properties: {
        minimumHealthyPercent: int('Percent of desired tasks kept running.', 0, 100, 100),
        maximumPercent: int('Percent of desired tasks allowed to run.', 100, 200, 200),
        circuitBreaker: {
          type: 'object',
          description: 'Deployment circuit breaker.',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean', description: 'Stop failing deployments.', default: true },
            rollback: { type: 'boolean', description: 'Roll back when stopped.', default: true },
          },
        },
      },
    },
    logs: {
      type: 'object',
      description: 'Log group settings.',
      additionalProperties: false,
      properties: {
        retentionDays: {
          type: 'integer',
          description:
            "Retention in days (CloudWatch's allowed values); the environment's by default.",
          enum: [...LOG_RETENTION_DAYS],
        },
      },
    },
    iam: strings('Extra task role statements.', {
      type: 'object',
      additionalProperties: false,
      required: ['actions', 'resources'],
      properties: {
        sid: { type: 'string', description: 'Statement id.', pattern: '^[A-Za-z0-9]+$' },
        actions: strings(
          'Actions in service:Action form.',
          { type: 'string', pattern: IAM_ACTION_PATTERN },
          { minItems: 1 },
        ),
        resources: strings('Resource ARNs.', { type: 'string', minLength: 1 }, { minItems: 1 }),
        allowWildcard: {
          type: 'boolean',
          description: 'Admit * in actions or resources (with a reason).',
          default: false,
        },
        reason: { type: 'string', description: 'Why a wildcard is needed.', minLength: 1 },
      },
    }),
    access: strings("Access to the workload's resources.", {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      minProperties: 2,
      maxProperties: 2,
      properties: {
        ...Object.fromEntries(
          SERVICE_ACCESS_KINDS.map((k) => [
            k,
            { type: 'string', description: `Name of a ${k} of this workload.`, minLength: 1 },
          ]),
        ),
        mode: { type: 'string', description: 'read or write.', enum: ['read', 'write'] },
      },
    }),
    mounts: strings('File systems of the workload mounted into the container.', {
      type: 'object',
      additionalProperties: false,
      required: ['fileSystem', 'path'],
      properties: {
        fileSystem: {
          type: 'string',
          minLength: 1,
          description: "Name of a file system of the workload's files section.",
        },
        accessPoint: {
          type: 'string',
          minLength: 1,
          description: "One of the file system's access points (default: its root).",
        },
        path: {
          type: 'string',
          pattern: '^(/[A-Za-z0-9._-]+)+$',
          description: 'Absolute path in the container, e.g. /app/uploads.',
        },
        readOnly: { type: 'boolean', default: false, description: 'Mount read-only.' },
      },
    }),
    routing: {
      description: 'How requests reach the service; a worker by default.',
      default: { kind: 'worker' },
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { const: 'shared', description: "The environment's shared ALB." },
            ...ruleProperties,
            priority: int('Listener rule priority; derived by default.', 1, 50000),
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { const: 'dedicated', description: 'An internet ALB of its own.' },
            certificateArn: {
              type: 'string',
              description: "ACM certificate ARN; the environment's domain by default.",
              pattern: ACM_ARN_PATTERN,
            },
            tlsPolicy: {
              type: 'string',
              description: 'ALB TLS policy name.',
              pattern: TLS_POLICY_PATTERN,
              default: DEFAULT_SERVICE_TLS_POLICY,
            },
            deregistrationDelaySeconds: int('Seconds a deregistered task drains.', 0, 3600, 30),
            allowHttp: {
              type: 'boolean',
              description:
                'Serve plain HTTP (port 80 forwards) in an environment with no domain when no certificateArn is given; with a domain or a certificate, HTTP redirects to HTTPS.',
              default: false,
            },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { const: 'internal', description: 'Cloud Map private DNS only.' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { const: 'worker', description: 'No inbound traffic.' } },
        },
      ],
    },
    tracing: {
      type: 'object',
      description: 'Tracing of the service.',
      additionalProperties: false,
      properties: {
        xray: {
          description:
            "An AWS X-Ray daemon sidecar (UDP 2000 on the task's localhost, AWS_XRAY_DAEMON_ADDRESS set, the task role may send traces): true, or its settings.",
          default: false,
          oneOf: [
            { type: 'boolean' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                image: {
                  type: 'string',
                  description:
                    "The daemon's image; AWS's official image at a release tag by default.",
                  minLength: 1,
                  default: XRAY_DAEMON_IMAGE,
                },
                cpu: int(
                  "CPU units the daemon takes from the task's cpu (at most half).",
                  1,
                  8192,
                  SERVICE_DEFAULTS.xrayCpu,
                ),
                memory: int(
                  "MiB of the task's memory reserved for the daemon (at most half).",
                  6,
                  61440,
                  SERVICE_DEFAULTS.xrayMemory,
                ),
              },
            },
          ],
        },
      },
    },
    scaling: {
      description: 'Autoscaling between minCount and maxCount.',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type'],
          properties: {
            type: { const: 'targetTracking', description: 'Target tracking policies.' },
            cpuPercent: int('Average CPU percent to hold.', 1, 100),
            memoryPercent: int('Average memory percent to hold.', 1, 100),
            requestsPerTarget: int('Requests per target per minute to hold.', 1, 1000000),
            ...cooldowns,
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'cpu', 'memory'],
          properties: {
            type: { const: 'steps', description: 'Step tables driven by CloudWatch alarms.' },
            cpu: stepsSchema('CPU percent bands.'),
            memory: stepsSchema('Memory percent bands.'),
            requestsPerTarget: stepsSchema('Requests per target per minute bands.'),
            scaleInBelowPercent: int('Scale in below this CPU and memory percent.', 1, 100, 40),
            scaleInAfterMinutes: int('...for this many minutes.', 1, 60, 5),
            scaleInChange: int('...by this percent (negative).', -100, -1, -25),
            ...cooldowns,
          },
        },
      ],
    },
  },
} as const;

function has(o: object | undefined, k: string): boolean {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
}

function checkSteps(
  ctx: WorkloadSectionContext,
  field: string,
  steps: readonly ServiceScalingStepInput[],
): void {
  steps.forEach((s, i) => {
    const next = steps[i + 1];
    if (next && s.to !== next.from)
      ctx.issues.add(`${field}[${i}].to`, s.to, `must equal the next band's from (${next.from})`);
    if (!next && s.to !== undefined)
      ctx.issues.add(`${field}[${i}].to`, s.to, 'must be left out: the last band is open-ended');
  });
}

/** Kinds a service's environment variables may refer to (`${table:pool:tableName}`). */
export const SERVICE_ENVIRONMENT_REFERENCE_KINDS = [
  'table',
  'secret',
  'queue',
  'topic',
  'bucket',
  'repository',
] as const;

function resolveOne(
  s: ServiceInput,
  f: string,
  ctx: WorkloadSectionContext,
): ResolvedService | undefined {
  const before = ctx.issues.issues.length;
  const bad = (field: string, value: unknown, rule: string) =>
    ctx.issues.add(`${f}.${field}`, value, rule);
  const cpu = s.cpu ?? SERVICE_DEFAULTS.cpu;
  const memory = s.memory ?? SERVICE_DEFAULTS.memory;
  if (!isValidFargateSize(cpu, memory))
    bad(
      'memory',
      memory,
      `must be one of ${FARGATE_COMBINATIONS[cpu]?.join(', ')} MiB with cpu ${cpu} (Fargate's task sizes)`,
    );

  const routingIn = s.routing ?? { kind: 'worker' as const };
  if (routingIn.kind !== 'worker' && s.port === undefined)
    bad('port', undefined, `must be given: routing ${routingIn.kind} sends traffic to it`);
  const minCount = s.minCount ?? SERVICE_DEFAULTS.minCount;
  if (minCount === 0 && routingIn.kind !== 'worker')
    bad('minCount', 0, 'must be at least 1 unless routing is worker (nothing would answer)');
  const desiredCount = s.desiredCount ?? minCount;
  const maxCount = s.maxCount ?? Math.max(minCount, desiredCount, 1);
  if (maxCount < minCount) bad('maxCount', maxCount, `must be at least minCount (${minCount})`);
  if (desiredCount < minCount || desiredCount > maxCount)
    bad(
      'desiredCount',
      desiredCount,
      `must be from minCount (${minCount}) to maxCount (${maxCount})`,
    );

  // Services are built after the data sections, so their variables may name those resources.
  for (const [k, v] of Object.entries(s.environment ?? {}))
    checkWorkloadReferences(ctx.issues, `${f}.environment.${k}`, v, ctx, {
      kinds: SERVICE_ENVIRONMENT_REFERENCE_KINDS,
    });

  const secrets: Record<string, ResolvedServiceSecret> = {};
  for (const [k, v] of Object.entries(s.secrets ?? {})) {
    if (has(s.environment, k))
      bad(`secrets.${k}`, k, 'must not also be a plain environment variable');
    if ('secret' in v) {
      if (!ctx.declared('secret', v.secret))
        bad(`secrets.${k}.secret`, v.secret, 'must name a secret of this workload');
      secrets[k] = { source: 'workloadSecret', name: v.secret, ...(v.key ? { key: v.key } : {}) };
    } else if ('secretArn' in v) {
      if (v.secretArn.split(':')[3] !== ctx.env.region)
        bad(
          `secrets.${k}.secretArn`,
          v.secretArn,
          `must be in the environment's region (${ctx.env.region})`,
        );
      secrets[k] = { source: 'secretsManager', arn: v.secretArn, ...(v.key ? { key: v.key } : {}) };
    } else {
      const p = v.ssmParameter;
      const arn = p.startsWith('arn:')
        ? p
        : `arn:aws:ssm:${ctx.env.region}:${ctx.env.accountId}:parameter/${p.replace(/^\//, '')}`;
      secrets[k] = { source: 'ssm', arn };
    }
  }

  // A workload secret's ARN is known only at apply: count the longest it can be (Secrets
  // Manager names are at most 512 characters, plus the 7-character random suffix).
  const valueFrom = Object.fromEntries(
    Object.entries(secrets).map(([k, v]) => {
      const arn =
        v.source === 'workloadSecret'
          ? `arn:aws:secretsmanager:${ctx.env.region}:${ctx.env.accountId}:secret:${'x'.repeat(519)}`
          : v.arn;
      return [k, 'key' in v && v.key ? `${arn}:${v.key}::` : arn];
    }),
  );
  const bytes = containerEnvironmentBytes(s.environment ?? {}, valueFrom);
  const budget = containerEnvironmentBudget(standardTags(ctx.env.name, ctx.workload, ctx.env.tags));
  if (bytes > budget)
    bad(
      'environment',
      `${bytes} bytes of environment variables and secrets`,
      `must take at most ${budget} bytes: an ECS task definition is limited, and its tags take ${CONTAINER_ENVIRONMENT_MAX_BYTES - budget}`,
    );

  let capacity: ResolvedCapacityItem[];
  const c = s.capacity ?? 'fargate';
  if (c === 'fargate') capacity = [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }];
  else if (c === 'fargateSpot')
    capacity = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
  else {
    if (c.fargate.weight + c.fargateSpot.weight === 0)
      bad('capacity', c, 'must give fargate or fargateSpot a weight above 0');
    capacity = [
      { capacityProvider: 'FARGATE', weight: c.fargate.weight, base: c.fargate.base ?? 0 },
      { capacityProvider: 'FARGATE_SPOT', weight: c.fargateSpot.weight, base: 0 },
    ];
  }

  const hc = s.healthCheck ?? {};
  const healthCheck = {
    ...(hc.command ? { command: hc.command } : {}),
    path: hc.path ?? SERVICE_DEFAULTS.healthCheckPath,
    intervalSeconds: hc.intervalSeconds ?? SERVICE_DEFAULTS.healthCheckIntervalSeconds,
    timeoutSeconds: hc.timeoutSeconds ?? SERVICE_DEFAULTS.healthCheckTimeoutSeconds,
    healthyThreshold: hc.healthyThreshold ?? SERVICE_DEFAULTS.healthyThreshold,
    unhealthyThreshold: hc.unhealthyThreshold ?? SERVICE_DEFAULTS.unhealthyThreshold,
    startPeriodSeconds: hc.startPeriodSeconds ?? SERVICE_DEFAULTS.startPeriodSeconds,
  };
  if (hc.command && !['CMD', 'CMD-SHELL', 'NONE'].includes(hc.command[0]!))
    bad('healthCheck.command[0]', hc.command[0], "must be 'CMD', 'CMD-SHELL' or 'NONE' (ECS)");
  // ELB requires the timeout to be less than the interval.
  if (healthCheck.timeoutSeconds >= healthCheck.intervalSeconds)
    bad(
      'healthCheck.timeoutSeconds',
      healthCheck.timeoutSeconds,
      `must be less than intervalSeconds (${healthCheck.intervalSeconds})`,
    );
  if (routingIn.kind === 'worker' && hc.path !== undefined)
    bad('healthCheck.path', hc.path, 'must be left out for a worker (no load balancer checks it)');

  const iam: PolicyStatement[] = [];
  const sids = new Set<string>();
  (s.iam ?? []).forEach((st, i) => {
    if (st.sid !== undefined) {
      if (sids.has(st.sid)) bad(`iam[${i}].sid`, st.sid, 'must be unique in the service');
      sids.add(st.sid);
    }
    // A wildcard inside an ARN (`arn:aws:s3:::bucket/*`) scopes; `*` alone does not.
    const wild = [
      ...st.actions.filter((a) => a.includes('*')),
      ...st.resources.filter((r) => r === '*'),
    ];
    if (wild.length > 0 && !st.allowWildcard)
      bad(
        `iam[${i}]`,
        wild,
        'must not use wildcard actions or the * resource unless allowWildcard is true with a reason',
      );
    if (st.allowWildcard && !st.reason)
      bad(`iam[${i}].reason`, undefined, 'must say why the wildcard is needed');
    iam.push({
      ...(st.sid ? { Sid: st.sid } : {}),
      Effect: 'Allow',
      Action: [...st.actions],
      Resource: [...st.resources],
    });
  });

  const access = (s.access ?? []).map((a, i) => {
    const kind = SERVICE_ACCESS_KINDS.find((k) => has(a, k))!;
    const name = a[kind]!;
    if (!ctx.declared(kind, name))
      bad(`access[${i}].${kind}`, name, `must name a ${kind} of this workload`);
    return { kind, name, mode: a.mode };
  });

  // issue 14 (files): each mount names a declared file system and, if any, one of its access points.
  const mountPaths = new Set<string>();
  const mounts = (s.mounts ?? []).map((m, i): ResolvedServiceMount => {
    if (!ctx.declared(FILE_SYSTEM_KIND, m.fileSystem))
      bad(
        `mounts[${i}].fileSystem`,
        m.fileSystem,
        "must name a file system of the workload's files section",
      );
    else if (
      m.accessPoint !== undefined &&
      !ctx.declared(FILE_SYSTEM_ACCESS_POINT_KIND, accessPointRefName(m.fileSystem, m.accessPoint))
    )
      bad(
        `mounts[${i}].accessPoint`,
        m.accessPoint,
        `must name an access point of file system ${m.fileSystem}`,
      );
    if (mountPaths.has(m.path)) bad(`mounts[${i}].path`, m.path, 'must be unique in the service');
    mountPaths.add(m.path);
    return {
      fileSystem: m.fileSystem,
      ...(m.accessPoint !== undefined && { accessPoint: m.accessPoint }),
      path: m.path,
      readOnly: m.readOnly ?? false,
    };
  });

  let routing: ResolvedServiceRouting;
  if (routingIn.kind === 'shared') {
    routing = {
      kind: 'shared',
      hosts: routingIn.hosts ?? [],
      paths: routingIn.paths ?? [],
      priority: routingIn.priority ?? derivedRulePriority(`${ctx.workload}/${s.name}`),
    };
    if (!routingIn.hosts && !routingIn.paths)
      bad('routing', routingIn, 'must give hosts and/or paths: the shared ALB serves others too');
  } else if (routingIn.kind === 'dedicated') {
    if (!routingIn.certificateArn && !ctx.env.domain && routingIn.allowHttp !== true)
      bad(
        'routing.certificateArn',
        undefined,
        'must be given (or routing.allowHttp: true for plain HTTP): the environment has no domain to issue a certificate in',
      );
    // One label under the domain, like a project's `<project>.<domain>`.
    const hostname = ctx.env.domain
      ? `${s.name}-${ctx.workload}.${ctx.env.domain.name}`
      : undefined;
    if (hostname && !routingIn.certificateArn && hostname.length > ACM_DOMAIN_NAME_MAX)
      bad(
        'name',
        s.name,
        `must be shorter: ${hostname} is over ACM's ${ACM_DOMAIN_NAME_MAX} characters for a certificate's first name (or give routing.certificateArn)`,
      );
    if (hostname && hostname.split('.')[0]!.length > 63)
      bad(
        'name',
        s.name,
        `must be shorter: ${hostname.split('.')[0]} is over DNS's 63-character label`,
      );
    routing = {
      kind: 'dedicated',
      ...(hostname ? { hostname } : {}),
      ...(routingIn.certificateArn ? { certificateArn: routingIn.certificateArn } : {}),
      tlsPolicy: routingIn.tlsPolicy ?? DEFAULT_SERVICE_TLS_POLICY,
      deregistrationDelaySeconds:
        routingIn.deregistrationDelaySeconds ?? SERVICE_DEFAULTS.deregistrationDelaySeconds,
    };
  } else routing = { kind: routingIn.kind };

  let scaling: ResolvedServiceScaling | undefined;
  const sc = s.scaling;
  const routed = routing.kind === 'shared' || routing.kind === 'dedicated';
  const cool = {
    scaleOutCooldownSeconds:
      sc?.scaleOutCooldownSeconds ?? SERVICE_DEFAULTS.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: sc?.scaleInCooldownSeconds ?? SERVICE_DEFAULTS.scaleInCooldownSeconds,
  };
  if (sc && maxCount === minCount)
    bad('scaling', sc.type, `needs maxCount above minCount (${minCount}) to have room to scale`);
  if (sc?.type === 'targetTracking') {
    if (
      sc.cpuPercent === undefined &&
      sc.memoryPercent === undefined &&
      sc.requestsPerTarget === undefined
    )
      bad('scaling', sc, 'must track at least one of cpuPercent, memoryPercent, requestsPerTarget');
    if (sc.requestsPerTarget !== undefined && !routed)
      bad('scaling.requestsPerTarget', sc.requestsPerTarget, 'needs shared or dedicated routing');
    scaling = {
      type: 'targetTracking',
      ...(sc.cpuPercent !== undefined ? { cpuPercent: sc.cpuPercent } : {}),
      ...(sc.memoryPercent !== undefined ? { memoryPercent: sc.memoryPercent } : {}),
      ...(sc.requestsPerTarget !== undefined ? { requestsPerTarget: sc.requestsPerTarget } : {}),
      ...cool,
      schedules: [],
    };
  } else if (sc?.type === 'steps') {
    checkSteps(ctx, `${f}.scaling.cpu`, sc.cpu);
    checkSteps(ctx, `${f}.scaling.memory`, sc.memory);
    checkSteps(ctx, `${f}.scaling.requestsPerTarget`, sc.requestsPerTarget ?? []);
    if (sc.requestsPerTarget !== undefined && !routed)
      bad('scaling.requestsPerTarget', sc.requestsPerTarget, 'needs shared or dedicated routing');
    scaling = {
      type: 'steps',
      cpu: sc.cpu,
      memory: sc.memory,
      requestsPerTarget: sc.requestsPerTarget ?? [],
      scaleInBelowPercent: sc.scaleInBelowPercent ?? SERVICE_DEFAULTS.scaleInBelowPercent,
      scaleInAfterMinutes: sc.scaleInAfterMinutes ?? SERVICE_DEFAULTS.scaleInAfterMinutes,
      scaleInChange: sc.scaleInChange ?? SERVICE_DEFAULTS.scaleInChange,
      ...cool,
      schedules: [],
    };
  } else if (maxCount > minCount) {
    scaling = {
      type: 'targetTracking',
      cpuPercent: SERVICE_DEFAULTS.targetCpuPercent,
      ...cool,
      schedules: [],
    };
  }

  const schedules = resolveSchedules(sc?.schedules ?? [], minCount, maxCount, bad);
  if (scaling) scaling = { ...scaling, schedules };
  const xray = resolveXray(s, cpu, memory, bad);

  const d = s.deployment ?? {};
  if (ctx.issues.issues.length > before) return undefined;
  return {
    name: s.name,
    image: s.image,
    cpu,
    memory,
    ...(s.port !== undefined ? { port: s.port } : {}),
    ...(s.command ? { command: s.command } : {}),
    environment: { ...(s.environment ?? {}) },
    secrets,
    desiredCount,
    minCount,
    maxCount,
    capacity,
    healthCheck,
    healthCheckGracePeriodSeconds:
      s.healthCheckGracePeriodSeconds ?? SERVICE_DEFAULTS.healthCheckGracePeriodSeconds,
    deployment: {
      minimumHealthyPercent: d.minimumHealthyPercent ?? SERVICE_DEFAULTS.minimumHealthyPercent,
      maximumPercent: d.maximumPercent ?? SERVICE_DEFAULTS.maximumPercent,
      circuitBreaker: {
        enabled: d.circuitBreaker?.enabled ?? true,
        rollback: d.circuitBreaker?.rollback ?? true,
      },
    },
    logs: { retentionDays: s.logs?.retentionDays ?? ctx.env.logRetentionDays },
    iam,
    access,
    routing,
    ...(scaling ? { scaling } : {}),
    ...(xray ? { xray } : {}),
    mounts,
  };
}

type Bad = (field: string, value: unknown, rule: string) => void;

function resolveSchedules(
  input: readonly ServiceScalingScheduleInput[],
  minCount: number,
  maxCount: number,
  bad: Bad,
): ResolvedServiceScalingSchedule[] {
  const names = new Set<string>();
  return input.map((x, i) => {
    const f = `scaling.schedules[${i}]`;
    if (names.has(x.name)) bad(`${f}.name`, x.name, 'must be unique in the service');
    names.add(x.name);
    const problem = scheduleExpressionProblem(x.schedule);
    if (problem) bad(`${f}.schedule`, x.schedule, problem);
    const timezone = x.timezone ?? SERVICE_DEFAULTS.scheduleTimezone;
    if (!isIanaTimeZone(timezone))
      bad(`${f}.timezone`, timezone, 'must be an IANA time zone name, e.g. Europe/Berlin or UTC');
    if (x.min > x.max) bad(`${f}.min`, x.min, `must be at most max (${x.max})`);
    // The service's own bounds are where its target tracking and health rules were checked.
    for (const k of ['min', 'max'] as const)
      if (x[k] < minCount || x[k] > maxCount)
        bad(
          `${f}.${k}`,
          x[k],
          `must be within the service's minCount (${minCount}) and maxCount (${maxCount})`,
        );
    return { name: x.name, schedule: x.schedule, timezone, min: x.min, max: x.max };
  });
}

function resolveXray(
  s: ServiceInput,
  cpu: number,
  memory: number,
  bad: Bad,
): ResolvedServiceXray | undefined {
  const x = s.tracing?.xray;
  if (x === undefined || x === false) return undefined;
  const o = x === true ? {} : x;
  const xray = {
    image: o.image ?? XRAY_DAEMON_IMAGE,
    cpu: o.cpu ?? SERVICE_DEFAULTS.xrayCpu,
    memory: o.memory ?? SERVICE_DEFAULTS.xrayMemory,
  };
  // The daemon shares the task's Fargate size; the application must keep the larger part.
  if (xray.cpu * 2 > cpu)
    bad('tracing.xray.cpu', xray.cpu, `must be at most half of the task's cpu (${cpu / 2})`);
  if (xray.memory * 2 > memory)
    bad(
      'tracing.xray.memory',
      xray.memory,
      `must be at most half of the task's memory (${memory / 2} MiB): raise memory to a larger Fargate size or give the daemon less`,
    );
  if (s.port === XRAY_DAEMON_PORT)
    bad(
      'port',
      s.port,
      `must not be ${XRAY_DAEMON_PORT}: the X-Ray daemon listens on it in the task`,
    );
  if (has(s.environment, XRAY_DAEMON_ADDRESS_VARIABLE))
    bad(
      `environment.${XRAY_DAEMON_ADDRESS_VARIABLE}`,
      s.environment![XRAY_DAEMON_ADDRESS_VARIABLE],
      'must be left out: tracing.xray sets it to the sidecar',
    );
  return xray;
}

/** The `services` section: schema, declarations (kind `service`) and resolution. */
export const servicesSection: WorkloadSection<ServicesInput, readonly ResolvedService[]> = {
  key: 'services',
  schema: {
    type: 'array',
    description: 'Long-running containers on Fargate.',
    items: serviceSchema,
  },
  declares(input: unknown, field: string): readonly WorkloadDeclaration[] {
    if (!Array.isArray(input)) return [];
    return input.flatMap((s: unknown, i) =>
      typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string'
        ? [{ kind: 'service', name: (s as { name: string }).name, field: `${field}[${i}].name` }]
        : [],
    );
  },
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const out: ResolvedService[] = [];
    const priorities = new Map<number, string>();
    input.forEach((s, i) => {
      const r = resolveOne(s, `${ctx.field}[${i}]`, ctx);
      if (!r) return;
      if (r.routing.kind === 'shared') {
        // Two rules of one workload in the same priority block would shadow each other.
        for (const [p, other] of priorities)
          if (Math.abs(p - r.routing.priority) < RULE_PRIORITY_BLOCK)
            ctx.issues.add(
              `${ctx.field}[${i}].routing.priority`,
              r.routing.priority,
              `must be at least ${RULE_PRIORITY_BLOCK} away from service ${other}'s (${p}); set priority explicitly`,
            );
        priorities.set(r.routing.priority, r.name);
      }
      out.push(r);
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};
