import { LOG_RETENTION_DAYS } from '../environment';
import type { IssueCollector } from '../errors';
import { FARGATE_COMBINATIONS, isValidFargateSize } from '../sizes';
import { scheduleExpressionProblem } from './schedule-expression';
import type { WorkloadDeclaration, WorkloadSection, WorkloadSectionContext } from './section';

/** Where a secret a task reads comes from (the same forms services use). */
export type TaskSecretInput =
  /** A secret of this workload's `secrets` section, by name. */
  | { readonly secret: string }
  /** A Secrets Manager secret outside the workload, by ARN (`:key:stage:version` allowed). */
  | { readonly secretArn: string }
  /** An SSM parameter, by name (`/app/db-url`) or ARN. */
  | { readonly ssmParameter: string };

/** Fields every task has, scheduled or event-driven. */
export interface TaskInputBase {
  /** Task name, unique in the workload: lower-case letters, digits and hyphens, 1-32. */
  readonly name: string;
  /**
   * Image to run; pin a tag or digest. Exactly one of `image` and `service`.
   * @default - none
   */
  readonly image?: string;
  /**
   * Runs a container of this workload's service of that name instead: its image, container
   * name, task and execution roles, security group and log group.
   * @default - none
   */
  readonly service?: string;
  /** CPU units (1024 = 1 vCPU). @default 256 */
  readonly cpu?: number;
  /** Memory in MiB, a Fargate pair with `cpu`. @default 512 */
  readonly memory?: number;
  /** Overrides the image's command. @default - the image's */
  readonly command?: readonly string[];
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets by variable name (only with `image`). @default {} */
  readonly secrets?: Readonly<Record<string, TaskSecretInput>>;
  /** Fargate or Fargate Spot. @default 'fargate' */
  readonly capacity?: 'fargate' | 'fargateSpot';
  /** Days the task's own log group keeps events. @default - the environment's logRetentionDays */
  readonly logRetentionDays?: number;
}

/** How often the scheduler or EventBridge retries starting a task. */
export interface TaskRetryInput {
  /** Retries before giving up, 0-185. @default 185 */
  readonly maximumRetryAttempts?: number;
  /** Seconds an invocation may wait for retries, 60-86400. @default 86400 */
  readonly maximumEventAgeSeconds?: number;
}

/** An item of `scheduledTasks`: an ECS task EventBridge Scheduler starts. */
export interface ScheduledTaskInput extends TaskInputBase {
  /** `rate(5 minutes)`, `cron(0 3 * * ? *)` or `at(2027-01-01T09:00:00)`. */
  readonly schedule: string;
  /** IANA time zone the expression is read in. @default 'UTC' */
  readonly timezone?: string;
  /** Whether the schedule runs (false creates it disabled). @default true */
  readonly enabled?: boolean;
  /** Minutes the scheduler may delay a run to spread load, 1-1440. @default - off (exact time) */
  readonly flexibleWindowMinutes?: number;
  /** Retries when starting the task fails. @default - AWS's (185 attempts, 24 h) */
  readonly retry?: TaskRetryInput;
}

/** The events that start an event task (EventBridge pattern fields). */
export interface EventPatternInput {
  /** Event sources, e.g. `com.myapp.orders`. */
  readonly source: readonly string[];
  /** Detail types, e.g. `Order Created`. @default - any */
  readonly detailType?: readonly string[];
  /** Pattern on the event's detail (EventBridge's syntax: leaves are non-empty arrays). @default - any */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** An item of `eventTasks`: an ECS task an EventBridge rule starts. */
export interface EventTaskInput extends TaskInputBase {
  readonly eventPattern: EventPatternInput;
  /**
   * Name of the EventBridge rule, after `<prefix>-<env>-<workload>-` (which keeps it within the
   * environment's IAM scope), e.g. seed 004's `order-events`: lower-case letters, digits and
   * hyphens, 1-32, unique among the workload's rules. @default - the task's name
   */
  readonly ruleName?: string;
  /** Event bus the rule listens on. @default 'default' */
  readonly eventBus?: string;
  /** Retries when starting the task fails, before the event goes to the dead-letter queue. @default - AWS's (185 attempts, 24 h) */
  readonly retry?: TaskRetryInput;
  /** Days the dead-letter queue keeps failed events, 1-14. @default 14 */
  readonly deadLetterRetentionDays?: number;
}

/** A resolved secret reference: one of this workload's secrets, or an ARN. */
export type ResolvedTaskSecret =
  | { readonly kind: 'workloadSecret'; readonly name: string }
  | { readonly kind: 'arn'; readonly arn: string };

/** What runs: an image of the task's own, or a container of a service. */
export type ResolvedTaskContainer =
  | { readonly kind: 'image'; readonly image: string }
  | { readonly kind: 'service'; readonly service: string };

/** A task with every default filled in. */
export interface ResolvedTaskBase {
  readonly name: string;
  readonly container: ResolvedTaskContainer;
  readonly cpu: number;
  readonly memory: number;
  /** The image's when undefined. */
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, ResolvedTaskSecret>>;
  readonly capacity: 'fargate' | 'fargateSpot';
  readonly logRetentionDays: number;
}

/** Retry policy with AWS's defaults written out. */
export interface ResolvedTaskRetry {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
}

export interface ResolvedScheduledTask extends ResolvedTaskBase {
  readonly schedule: string;
  readonly timezone: string;
  readonly enabled: boolean;
  /** Undefined: flexible window off. */
  readonly flexibleWindowMinutes?: number;
  readonly retry: ResolvedTaskRetry;
}

export interface ResolvedEventTask extends ResolvedTaskBase {
  readonly eventPattern: {
    readonly source: readonly string[];
    readonly detailType?: readonly string[];
    readonly detail?: Readonly<Record<string, unknown>>;
  };
  readonly eventBus: string;
  /** The rule's name after `<prefix>-<env>-<workload>-`. */
  readonly ruleName: string;
  readonly retry: ResolvedTaskRetry;
  readonly deadLetterRetentionDays: number;
}

/** Defaults of a task, named so docs, schema and resolver agree. */
export const TASK_DEFAULTS = {
  cpu: 256,
  memory: 512,
  capacity: 'fargate',
  timezone: 'UTC',
  enabled: true,
  eventBus: 'default',
  deadLetterRetentionDays: 14,
  // The Scheduler and EventBridge defaults (RetryPolicy in both APIs).
  maximumRetryAttempts: 185,
  maximumEventAgeSeconds: 86400,
} as const;

const stringMap = (description: string) => ({
  type: 'object',
  description,
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  additionalProperties: { type: 'string' },
  default: {},
});

const secretRef = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['secret'],
      properties: {
        secret: { type: 'string', minLength: 1, description: 'Name of a secret of this workload' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['secretArn'],
      properties: {
        secretArn: {
          type: 'string',
          pattern: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+$',
          description: 'ARN of a Secrets Manager secret (":key:stage:version" allowed)',
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['ssmParameter'],
      properties: {
        ssmParameter: {
          type: 'string',
          minLength: 1,
          description: 'Name (/app/db-url) or ARN of an SSM parameter',
        },
      },
    },
  ],
};

const retrySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Retries when starting the task fails',
  properties: {
    maximumRetryAttempts: {
      type: 'integer',
      minimum: 0,
      maximum: 185,
      default: TASK_DEFAULTS.maximumRetryAttempts,
      description: 'Retries before giving up (RetryPolicy.MaximumRetryAttempts, 0-185)',
    },
    maximumEventAgeSeconds: {
      type: 'integer',
      minimum: 60,
      maximum: 86400,
      default: TASK_DEFAULTS.maximumEventAgeSeconds,
      description: 'Seconds to keep retrying (RetryPolicy.MaximumEventAgeInSeconds, 60-86400)',
    },
  },
};

const taskProperties = {
  name: {
    type: 'string',
    pattern: '^[a-z][a-z0-9-]{0,31}$',
    description: 'Task name, unique in the workload: lower-case letters, digits, hyphens, 1-32',
  },
  image: { type: 'string', minLength: 1, description: 'Image to run; pin a tag or digest' },
  service: {
    type: 'string',
    minLength: 1,
    description:
      'Name of a service of this workload whose container runs instead of an image (its roles, security group and log group)',
  },
  cpu: {
    type: 'integer',
    enum: Object.keys(FARGATE_COMBINATIONS).map(Number),
    default: TASK_DEFAULTS.cpu,
    description: 'CPU units (1024 = 1 vCPU)',
  },
  memory: {
    type: 'integer',
    minimum: 512,
    default: TASK_DEFAULTS.memory,
    description: 'Memory in MiB, a Fargate combination with cpu',
  },
  command: {
    type: 'array',
    items: { type: 'string' },
    minItems: 1,
    description: "Overrides the image's command",
  },
  environment: stringMap('Plain environment variables'),
  secrets: {
    type: 'object',
    description: 'Secrets by variable name: { secret }, { secretArn } or { ssmParameter }',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: secretRef,
    default: {},
  },
  capacity: {
    enum: ['fargate', 'fargateSpot'],
    default: TASK_DEFAULTS.capacity,
    description: 'Fargate or Fargate Spot',
  },
  logRetentionDays: {
    enum: [...LOG_RETENTION_DAYS],
    description: "Days the task's log group keeps events (default: the environment's)",
  },
};

const nonEmptyStrings = (description: string) => ({
  type: 'array',
  minItems: 1,
  items: { type: 'string', minLength: 1 },
  description,
});

/** JSON Schema of one `scheduledTasks` item. */
export const SCHEDULED_TASK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'schedule'],
  properties: {
    ...taskProperties,
    schedule: {
      type: 'string',
      pattern: '^(rate|cron|at)\\(.*\\)$',
      description: 'rate(5 minutes), cron(0 3 * * ? *) or at(2027-01-01T09:00:00)',
    },
    timezone: {
      type: 'string',
      default: TASK_DEFAULTS.timezone,
      description: 'IANA time zone the expression is read in, e.g. Europe/Paris',
    },
    enabled: {
      type: 'boolean',
      default: TASK_DEFAULTS.enabled,
      description: 'false creates the schedule disabled',
    },
    flexibleWindowMinutes: {
      type: 'integer',
      minimum: 1,
      maximum: 1440,
      description: 'Minutes the scheduler may delay a run (default: off, exact time)',
    },
    retry: retrySchema,
  },
} as const;

/** JSON Schema of one `eventTasks` item. */
export const EVENT_TASK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'eventPattern'],
  properties: {
    ...taskProperties,
    eventPattern: {
      type: 'object',
      additionalProperties: false,
      required: ['source'],
      description: 'The events that start the task',
      properties: {
        source: nonEmptyStrings('Event sources, e.g. com.myapp.orders'),
        detailType: nonEmptyStrings('Detail types, e.g. Order Created (default: any)'),
        detail: {
          type: 'object',
          description: "Pattern on the event's detail; leaves are non-empty arrays (default: any)",
        },
      },
    },
    eventBus: {
      type: 'string',
      pattern: '^[A-Za-z0-9._/-]{1,256}$',
      default: TASK_DEFAULTS.eventBus,
      description: 'Name of the event bus the rule listens on',
    },
    ruleName: {
      type: 'string',
      pattern: '^[a-z][a-z0-9-]{0,31}$',
      description:
        "The rule's name after <prefix>-<env>-<workload>-, unique among the workload's rules (default: the task's name)",
    },
    retry: retrySchema,
    deadLetterRetentionDays: {
      type: 'integer',
      minimum: 1,
      maximum: 14,
      default: TASK_DEFAULTS.deadLetterRetentionDays,
      description: 'Days the dead-letter queue keeps failed events (SQS allows up to 14)',
    },
  },
} as const;

function declareTasks(
  kind: 'scheduledTask' | 'eventTask',
  input: unknown,
  field: string,
): WorkloadDeclaration[] {
  if (!Array.isArray(input)) return [];
  return input.flatMap((t: unknown, i) =>
    typeof t === 'object' && t !== null && typeof (t as { name?: unknown }).name === 'string'
      ? [{ kind, name: (t as { name: string }).name, field: `${field}[${i}].name` }]
      : [],
  );
}

function resolveSecret(
  ref: TaskSecretInput,
  field: string,
  ctx: WorkloadSectionContext,
): ResolvedTaskSecret | undefined {
  if ('secret' in ref) {
    if (!ctx.declared('secret', ref.secret)) {
      ctx.issues.add(`${field}.secret`, ref.secret, 'must name a secret of this workload');
      return undefined;
    }
    return { kind: 'workloadSecret', name: ref.secret };
  }
  if ('secretArn' in ref) return { kind: 'arn', arn: ref.secretArn };
  const p = ref.ssmParameter;
  if (p.startsWith('arn:')) {
    if (!/^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/.test(p)) {
      ctx.issues.add(
        `${field}.ssmParameter`,
        p,
        'must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>) or a parameter name',
      );
      return undefined;
    }
    return { kind: 'arn', arn: p };
  }
  if (!/^\/?[A-Za-z0-9_.\-/]{1,2048}$/.test(p) || p.includes('//')) {
    ctx.issues.add(
      `${field}.ssmParameter`,
      p,
      'must be an SSM parameter name (letters, digits, _ . - and / between levels) or ARN',
    );
    return undefined;
  }
  // A name resolves in the environment's own account and region, as ECS reads it there.
  const name = p.startsWith('/') ? p.slice(1) : p;
  return {
    kind: 'arn',
    arn: `arn:aws:ssm:${ctx.env.region}:${ctx.env.accountId}:parameter/${name}`,
  };
}

function resolveBase(
  t: TaskInputBase,
  field: string,
  ctx: WorkloadSectionContext,
): ResolvedTaskBase | undefined {
  const before = ctx.issues.issues.length;
  const { issues } = ctx;
  let container: ResolvedTaskContainer | undefined;
  if ((t.image === undefined) === (t.service === undefined)) {
    issues.add(
      field,
      { image: t.image, service: t.service },
      'must give exactly one of image and service',
    );
  } else if (t.service !== undefined) {
    if (!ctx.declared('service', t.service))
      issues.add(`${field}.service`, t.service, 'must name a service of this workload');
    else container = { kind: 'service', service: t.service };
    // The service's execution role reads only the service's secrets: a task on it cannot get more.
    if (t.secrets && Object.keys(t.secrets).length > 0)
      issues.add(
        `${field}.secrets`,
        Object.keys(t.secrets),
        "must be empty when the task runs a service's container (it uses the service's execution role, which reads only the service's secrets); give the task its own image instead",
      );
  } else {
    container = { kind: 'image', image: t.image! };
  }
  const cpu = t.cpu ?? TASK_DEFAULTS.cpu;
  const memory = t.memory ?? TASK_DEFAULTS.memory;
  if (!isValidFargateSize(cpu, memory))
    issues.add(
      `${field}.memory`,
      memory,
      `must be a Fargate memory size for cpu ${cpu}: ${(FARGATE_COMBINATIONS[cpu] ?? []).join(', ')} MiB`,
    );
  const secrets: Record<string, ResolvedTaskSecret> = {};
  for (const [k, ref] of Object.entries(t.secrets ?? {})) {
    const r = resolveSecret(ref, `${field}.secrets.${k}`, ctx);
    if (r) secrets[k] = r;
  }
  const clash = Object.keys(secrets).filter((k) => t.environment?.[k] !== undefined);
  if (clash.length > 0)
    issues.add(
      `${field}.secrets`,
      clash,
      'must not repeat a name of environment (ECS would refuse the task definition)',
    );
  if (ctx.issues.issues.length > before || !container) return undefined;
  return {
    name: t.name,
    container,
    cpu,
    memory,
    ...(t.command ? { command: [...t.command] } : {}),
    environment: { ...(t.environment ?? {}) },
    secrets,
    capacity: t.capacity ?? TASK_DEFAULTS.capacity,
    logRetentionDays: t.logRetentionDays ?? ctx.env.logRetentionDays,
  };
}

function resolveRetry(r: TaskRetryInput | undefined): ResolvedTaskRetry {
  return {
    maximumRetryAttempts: r?.maximumRetryAttempts ?? TASK_DEFAULTS.maximumRetryAttempts,
    maximumEventAgeSeconds: r?.maximumEventAgeSeconds ?? TASK_DEFAULTS.maximumEventAgeSeconds,
  };
}

/** Whether Scheduler would take `tz`: an IANA zone name the runtime's time-zone data knows. */
export function isIanaTimeZone(tz: string): boolean {
  // Offsets (+01:00) and abbreviations (CET) pass Intl on some runtimes; Scheduler wants names.
  // Every runtime knows UTC, and asking Intl first loads ICU's zone data (~30 ms of a synthesis).
  if (tz === 'UTC') return true;
  if (!/^[A-Za-z][A-Za-z_+-]*(\/[A-Za-z0-9_+-]+){1,2}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function resolveNames(
  items: readonly { name: string }[],
  field: string,
  issues: IssueCollector,
): void {
  const seen = new Set<string>();
  items.forEach((t, i) => {
    if (seen.has(t.name))
      issues.add(`${field}[${i}].name`, t.name, 'must be unique in the section');
    seen.add(t.name);
  });
}

/** `scheduledTasks`: ECS tasks EventBridge Scheduler starts on a rate, cron or one-time schedule. */
export const scheduledTasksSection: WorkloadSection<
  readonly ScheduledTaskInput[],
  readonly ResolvedScheduledTask[]
> = {
  key: 'scheduledTasks',
  schema: {
    type: 'array',
    description: 'ECS tasks EventBridge Scheduler starts on a rate, cron or one-time schedule',
    items: SCHEDULED_TASK_SCHEMA,
  },
  declares: (input, field) => declareTasks('scheduledTask', input, field),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    resolveNames(input, ctx.field, ctx.issues);
    const out: ResolvedScheduledTask[] = [];
    input.forEach((t, i) => {
      const field = `${ctx.field}[${i}]`;
      const problem = scheduleExpressionProblem(t.schedule);
      if (problem) ctx.issues.add(`${field}.schedule`, t.schedule, problem);
      const timezone = t.timezone ?? TASK_DEFAULTS.timezone;
      if (!isIanaTimeZone(timezone))
        ctx.issues.add(
          `${field}.timezone`,
          timezone,
          'must be an IANA time zone name, e.g. UTC or Europe/Paris',
        );
      const base = resolveBase(t, field, ctx);
      if (!base || problem) return;
      out.push({
        ...base,
        schedule: t.schedule,
        timezone,
        enabled: t.enabled ?? TASK_DEFAULTS.enabled,
        ...(t.flexibleWindowMinutes !== undefined
          ? { flexibleWindowMinutes: t.flexibleWindowMinutes }
          : {}),
        retry: resolveRetry(t.retry),
      });
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};

/**
 * Problems of an EventBridge pattern's `detail`: every leaf must be a non-empty array (of values
 * or filter objects such as `{ "prefix": "x" }`), as EventBridge refuses bare values.
 */
function detailProblems(v: unknown, field: string, issues: IssueCollector): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.add(
      field,
      v,
      'must be an object whose leaves are non-empty arrays (EventBridge pattern)',
    );
    return;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) issues.add(field, v, 'must not be empty (EventBridge pattern)');
  for (const [k, child] of entries) {
    const f = `${field}.${k}`;
    if (Array.isArray(child)) {
      if (child.length === 0)
        issues.add(f, child, 'must be a non-empty array (EventBridge matches nothing against [])');
      for (const [j, x] of child.entries())
        if (
          !['string', 'number', 'boolean'].includes(typeof x) &&
          x !== null &&
          (typeof x !== 'object' || Array.isArray(x))
        )
          issues.add(`${f}[${j}]`, x, 'must be a string, number, boolean, null or a filter object');
    } else {
      detailProblems(child, f, issues);
    }
  }
}

/** `eventTasks`: ECS tasks an EventBridge rule starts, with a dead-letter queue for failures. */
export const eventTasksSection: WorkloadSection<
  readonly EventTaskInput[],
  readonly ResolvedEventTask[]
> = {
  key: 'eventTasks',
  schema: {
    type: 'array',
    description: 'ECS tasks an EventBridge rule starts, with a dead-letter queue for failures',
    items: EVENT_TASK_SCHEMA,
  },
  declares: (input, field) => declareTasks('eventTask', input, field),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    resolveNames(input, ctx.field, ctx.issues);
    // Rule names share one namespace: a ruleName may not take another task's (default) rule name.
    const ruleOf = (t: EventTaskInput) => t.ruleName ?? t.name;
    input.forEach((t, i) => {
      if (t.ruleName === undefined) return;
      const j = input.findIndex((o, k) => k !== i && ruleOf(o) === t.ruleName);
      if (j >= 0)
        ctx.issues.add(
          `${ctx.field}[${i}].ruleName`,
          t.ruleName,
          `must be unique among the workload's rules (${ctx.field}[${j}]'s rule is also named ${t.ruleName})`,
        );
    });
    const out: ResolvedEventTask[] = [];
    input.forEach((t, i) => {
      const field = `${ctx.field}[${i}]`;
      const p = t.eventPattern;
      if (p.detail !== undefined)
        detailProblems(p.detail, `${field}.eventPattern.detail`, ctx.issues);
      const base = resolveBase(t, field, ctx);
      if (!base) return;
      out.push({
        ...base,
        eventPattern: {
          source: [...p.source],
          ...(p.detailType ? { detailType: [...p.detailType] } : {}),
          ...(p.detail ? { detail: p.detail } : {}),
        },
        eventBus: t.eventBus ?? TASK_DEFAULTS.eventBus,
        ruleName: t.ruleName ?? t.name,
        retry: resolveRetry(t.retry),
        deadLetterRetentionDays: t.deadLetterRetentionDays ?? TASK_DEFAULTS.deadLetterRetentionDays,
      });
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};

/** The EventBridge event pattern of a resolved event task, as the rule's JSON takes it. */
export function eventPatternJson(p: ResolvedEventTask['eventPattern']): string {
  return JSON.stringify({
    source: p.source,
    ...(p.detailType ? { 'detail-type': p.detailType } : {}),
    ...(p.detail ? { detail: p.detail } : {}),
  });
}
