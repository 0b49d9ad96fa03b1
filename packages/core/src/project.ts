import * as fs from 'node:fs';
import {
  ACM_DOMAIN_NAME_MAX,
  ALB_HOST_HEADER_MAX,
  checkSharedAlbCapacity,
  CONTAINER_ENVIRONMENT_MAX_BYTES,
  containerEnvironmentBudget,
  containerEnvironmentBytes,
  ROUTE53_NAME_MAX,
  TASK_DEFINITION_MAX_BYTES,
  TASK_DEFINITION_RESERVED_BYTES,
} from './aws-limits';
import { ConfigValidationError, IssueCollector } from './errors';
import { standardTags } from './tags';
import {
  checkDnsName,
  checkSuppressions,
  checkTtlHours,
  Environment,
  RuleSuppression,
} from './environment';
import {
  EXPECTATIONS_HARD_MAX_BYTES,
  EXPECTATIONS_MAX_BYTES,
  EXPECTATIONS_MAX_FILE_BYTES,
  ValidatedExpectations,
  validateExpectationsBytes,
  validateExpectationsText,
  validateExpectationsValue,
} from './expectations';
import { checkCidrList, MAX_DATA_PLANE_CIDRS } from './access';
import { ProjectAccess, ProjectDomain, ProjectRouting, sharedRoutingKind } from './routing';
import { shortHash } from './hash';
import {
  checkTaskSize,
  INSTANCE_SIZE_NAMES,
  INSTANCE_SIZES,
  InstanceSizeName,
  TaskSize,
} from './sizes';

/** `shared`: a listener rule on the environment's ALB. `dedicated`: own network and ALB (load tests). */
export type ProjectIsolation = 'shared' | 'dedicated';

/** Fargate capacity. `FARGATE_SPOT` is about 70% cheaper and may be interrupted with 2 minutes' notice. */
export type ProjectCapacity = 'FARGATE' | 'FARGATE_SPOT';

/**
 * Where a project's MockServer expectations come from: a file path (read when the project is
 * defined), or content already in memory (text or a parsed document) with a label for messages.
 */
export type ExpectationsSource =
  string | { readonly content: string | unknown; readonly source?: string };

/**
 * Longest project name. It keeps `<prefix>-<env>-<project>-<kind>` IAM role and log group names
 * readable without truncation, and `<project>.<domain>` a single DNS label (63). ALB and target
 * group names (32) and bucket names (63) may still be shortened with a hash by `resourceName`.
 */
export const PROJECT_NAME_MAX = 24;

/** Task count bounds the product accepts; ECS allows more, but beyond this is a mistake. */
export const MAX_TASKS_LIMIT = 1000;

/** Listener ports a project may use on the shared ALB (80 and 443 are the environment's). */
export const LISTENER_PORT_RANGE = { min: 1024, max: 65535 } as const;

/** Where derived listener ports are drawn from when a project names none. */
export const DERIVED_PORT_RANGE = { min: 10000, max: 19999 } as const;

/** Listener rule priorities on the shared HTTPS listener: each project gets a block of this many. */
export const RULE_PRIORITY_BLOCK = 10;

/**
 * Defaults, by kind of project: enough for functional testing. A load test needs far more tasks
 * (tens to hundreds); set them explicitly, with isolation 'dedicated'.
 */
export const PROJECT_DEFAULTS = {
  ephemeral: { minTasks: 1, maxTasks: 20 },
  // Two tasks spread over two AZs keep a long-lived mock up through a task or AZ failure.
  longLived: { minTasks: 2, maxTasks: 20 },
  isolation: 'shared',
  capacity: 'FARGATE',
} as const;

/** What a user (or the CLI) writes to declare a project. */
export interface ProjectInput {
  /** DNS-safe name, 1-24 lowercase letters, digits, hyphens; starts with a letter. */
  readonly name: string;
  /** Task size by name or explicit Fargate cpu/memory. @default the environment's `defaultSize` */
  readonly size?: InstanceSizeName | TaskSize;
  /** Hours until teardown; 0 means never. @default the environment's `defaultTtlHours` (0 for non-ephemeral) */
  readonly ttlHours?: number;
  /** Minimum running tasks. @default 1 for ephemeral projects, 2 otherwise */
  readonly minTasks?: number;
  /** Maximum running tasks. @default 20 */
  readonly maxTasks?: number;
  /** Shared ALB or own network and ALB. @default 'shared' */
  readonly isolation?: ProjectIsolation;
  /**
   * Listener port on the shared ALB when the environment has no domain.
   * @default - derived from the name in 10000-19999 (checkProjectSet reports clashes)
   */
  readonly listenerPort?: number;
  /**
   * First listener rule priority on the shared HTTPS listener when the environment has a domain;
   * the project uses a block of {@link RULE_PRIORITY_BLOCK} from here.
   * @default - derived from the name (checkProjectSet reports overlaps)
   */
  readonly rulePriority?: number;
  /** MockServer expectations. @default - an empty array (MockServer starts with none) */
  readonly expectations?: ExpectationsSource;
  /**
   * Largest expectations document, in bytes of compact JSON (at most
   * {@link EXPECTATIONS_HARD_MAX_BYTES}); it is embedded in the stack and the Terraform state.
   * @default EXPECTATIONS_MAX_BYTES (256 KiB)
   */
  readonly maxExpectationsBytes?: number;
  /** Address for this project's alarms and TTL warnings. @default - the environment's topic only */
  readonly notificationEmail?: string;
  /** Created by `automock deploy` with a TTL (cheaper defaults, no deletion protection). @default false */
  readonly ephemeral?: boolean;
  /** Fargate or Fargate Spot. @default 'FARGATE' */
  readonly capacity?: ProjectCapacity;
  /** Plain environment variables for the service container. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Container secrets: variable name to Secrets Manager or SSM parameter ARN. @default {} */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Policy findings accepted for this project. @default [] */
  readonly suppressions?: readonly RuleSuppression[];
  /** When the project was (first) deployed, ISO-8601 UTC; the CLI passes it. @default - unknown (no expiry in metadata) */
  readonly createdAt?: string;
  /** Who may call this project's mocked API: IPv4 CIDRs, at most 4. @default the environment's `dataPlaneCidrs` */
  readonly dataPlaneCidrs?: readonly string[];
}

/** A validated project with every default filled in. */
export interface Project {
  readonly name: string;
  readonly env: Environment;
  /** Size name, or `custom` for an explicit pair. */
  readonly sizeName: InstanceSizeName | 'custom';
  readonly size: TaskSize;
  readonly ttlHours: number;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** What the user chose; {@link routing} is what follows from it in this environment. */
  readonly isolation: ProjectIsolation;
  /** How requests reach the project: a port or a host rule on the shared ALB, or its own ALB. */
  readonly routing: ProjectRouting;
  /** Who may reach it: control-plane networks and the data plane's callers. */
  readonly access: ProjectAccess;
  readonly expectations: ValidatedExpectations;
  readonly notificationEmail?: string;
  readonly ephemeral: boolean;
  readonly capacity: ProjectCapacity;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly suppressions: readonly RuleSuppression[];
  readonly createdAt?: string;
  /** `createdAt + ttlHours`, when both are known and ttlHours > 0. */
  readonly expiresAt?: string;
}

/** Every key a {@link ProjectInput} may have; any other is an error, not silently dropped. */
export const PROJECT_INPUT_KEYS = [
  'name',
  'size',
  'ttlHours',
  'minTasks',
  'maxTasks',
  'isolation',
  'listenerPort',
  'rulePriority',
  'expectations',
  'maxExpectationsBytes',
  'notificationEmail',
  'ephemeral',
  'capacity',
  'environment',
  'secrets',
  'suppressions',
  'createdAt',
  'dataPlaneCidrs',
] as const satisfies readonly (keyof ProjectInput)[];

// Fails to compile when ProjectInput gains a key the list above lacks.
const allProjectKeysListed: Record<
  Exclude<keyof ProjectInput, (typeof PROJECT_INPUT_KEYS)[number]>,
  never
> = {};
void allProjectKeysListed;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ENV_VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_ARN_RE =
  /^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:.+|ssm:[a-z0-9-]+:\d{12}:parameter\/.+)$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** First rule priority derived from a project name (1, 11, 21, ... up to 49991); stable across runs. */
export function derivedRulePriority(project: string): number {
  const blocks = Math.floor(50000 / RULE_PRIORITY_BLOCK) - 1;
  return 1 + (parseInt(shortHash(`rule:${project}`, 6), 36) % blocks) * RULE_PRIORITY_BLOCK;
}

/** Listener port derived from a project name when none is given; stable across runs. */
export function derivedListenerPort(project: string): number {
  const span = DERIVED_PORT_RANGE.max - DERIVED_PORT_RANGE.min + 1;
  return DERIVED_PORT_RANGE.min + (parseInt(shortHash(project, 6), 36) % span);
}

function checkInt(
  issues: IssueCollector,
  field: string,
  v: unknown,
  min: number,
  max: number,
): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    issues.add(field, v, `must be a whole number from ${min} to ${max}`);
    return false;
  }
  return true;
}

function checkStringMap(
  issues: IssueCollector,
  field: string,
  v: unknown,
  valueRe: RegExp,
  valueRule: string,
): void {
  if (v === undefined) return;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.add(field, v, 'must be an object of variable name to value');
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    if (!ENV_VAR_RE.test(k))
      issues.add(
        `${field}.${k}`,
        k,
        'name must be letters, digits and underscores, not starting with a digit',
      );
    if (typeof val !== 'string' || !valueRe.test(val)) issues.add(`${field}.${k}`, val, valueRule);
  }
}

function loadExpectations(
  issues: IssueCollector,
  field: string,
  src: ExpectationsSource | undefined,
  maxBytes: number,
): ValidatedExpectations | undefined {
  const options = { maxBytes };
  try {
    if (src === undefined) return validateExpectationsValue([], '(no expectations)', options);
    if (typeof src === 'string') {
      let bytes: Buffer;
      try {
        // A huge file is refused before it is read into memory.
        const size = fs.statSync(src).size;
        if (size > EXPECTATIONS_MAX_FILE_BYTES) {
          issues.add(
            field,
            src,
            `must be a file of at most ${EXPECTATIONS_MAX_FILE_BYTES} bytes (it has ${size})`,
          );
          return undefined;
        }
        bytes = fs.readFileSync(src);
      } catch (err) {
        issues.add(
          field,
          src,
          `must be a readable file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        );
        return undefined;
      }
      return validateExpectationsBytes(bytes, src, options);
    }
    if (typeof src === 'object' && src !== null && 'content' in src) {
      const label = src.source ?? 'expectations.json';
      return typeof src.content === 'string'
        ? validateExpectationsText(src.content, label, options)
        : validateExpectationsValue(src.content, label, options);
    }
    issues.add(field, src, 'must be a file path or { content, source? }');
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      for (const i of err.issues) issues.add(i.field, i.value, i.rule);
      return undefined;
    }
    throw err;
  }
  return undefined;
}

/**
 * Validates a project for an environment and fills in its defaults. Every problem is reported
 * at once, each naming the field, the value and the rule; expectations problems name the file and
 * the JSON path.
 *
 * @throws ConfigValidationError when anything is wrong.
 */
export function defineProject(input: ProjectInput, env: Environment): Project {
  const issues = new IssueCollector();
  if (input === null || typeof input !== 'object') {
    issues.add('project', input, 'must be an object');
    issues.throwIfAny('project');
  }
  const label = `project[${env.name}/${typeof input.name === 'string' ? input.name : '?'}]`;
  const f = (k: string) => `${label}.${k}`;

  for (const k of Object.keys(input))
    if (!(PROJECT_INPUT_KEYS as readonly string[]).includes(k))
      issues.add(
        f(k),
        (input as unknown as Record<string, unknown>)[k],
        `is not a known key (allowed: ${PROJECT_INPUT_KEYS.join(', ')})`,
      );
  checkDnsName(issues, f('name'), input.name, PROJECT_NAME_MAX);

  const ephemeral = input.ephemeral ?? false;
  if (typeof ephemeral !== 'boolean')
    issues.add(f('ephemeral'), ephemeral, 'must be true or false');

  // size
  const sizeIn = input.size ?? env.defaultSize;
  let size: TaskSize | undefined;
  let sizeName: InstanceSizeName | 'custom' = 'custom';
  if (typeof sizeIn === 'string') {
    if ((INSTANCE_SIZE_NAMES as string[]).includes(sizeIn)) {
      sizeName = sizeIn;
      size = INSTANCE_SIZES[sizeIn];
    } else {
      issues.add(
        f('size'),
        sizeIn,
        `must be one of ${INSTANCE_SIZE_NAMES.join(', ')}, or { cpu, memory }`,
      );
    }
  } else if (typeof sizeIn === 'object' && sizeIn !== null) {
    const before = issues.issues.length;
    checkTaskSize(issues, f('size'), sizeIn);
    if (issues.issues.length === before) size = { cpu: sizeIn.cpu, memory: sizeIn.memory };
  } else {
    issues.add(
      f('size'),
      sizeIn,
      `must be one of ${INSTANCE_SIZE_NAMES.join(', ')}, or { cpu, memory }`,
    );
  }

  const ttlHours = input.ttlHours ?? (ephemeral ? env.defaultTtlHours : 0);
  checkTtlHours(issues, f('ttlHours'), ttlHours);
  if (
    ephemeral &&
    env.maxTtlHours !== undefined &&
    typeof ttlHours === 'number' &&
    (ttlHours === 0 || ttlHours > env.maxTtlHours)
  )
    issues.add(
      f('ttlHours'),
      ttlHours,
      `must be from 1 to ${env.maxTtlHours}: environment ${env.name} sets maxTtlHours ${env.maxTtlHours} (0, never expire, is not allowed there)`,
    );

  const defaults = ephemeral ? PROJECT_DEFAULTS.ephemeral : PROJECT_DEFAULTS.longLived;
  const minTasks = input.minTasks ?? defaults.minTasks;
  const maxTasks =
    input.maxTasks ?? Math.max(defaults.maxTasks, typeof minTasks === 'number' ? minTasks : 0);
  const minOk = checkInt(issues, f('minTasks'), minTasks, 1, MAX_TASKS_LIMIT);
  const maxOk = checkInt(issues, f('maxTasks'), maxTasks, 1, MAX_TASKS_LIMIT);
  if (minOk && maxOk && minTasks > maxTasks)
    issues.add(f('maxTasks'), maxTasks, `must be at least minTasks (${minTasks})`);

  const isolation = input.isolation ?? PROJECT_DEFAULTS.isolation;
  if (isolation !== 'shared' && isolation !== 'dedicated')
    issues.add(f('isolation'), isolation, "must be 'shared' or 'dedicated'");

  const sharedKind = isolation === 'shared' ? sharedRoutingKind(env) : undefined;
  let listenerPort: number | undefined;
  const needsPort = sharedKind === 'shared-port';
  if (input.listenerPort !== undefined) {
    if (!needsPort) {
      issues.add(
        f('listenerPort'),
        input.listenerPort,
        env.domain
          ? `must be omitted: environment ${env.name} has a domain, so the project is routed by host name`
          : "must be omitted with isolation 'dedicated' (the project's own ALB listens on 80)",
      );
    } else if (
      checkInt(
        issues,
        f('listenerPort'),
        input.listenerPort,
        LISTENER_PORT_RANGE.min,
        LISTENER_PORT_RANGE.max,
      )
    ) {
      if (input.listenerPort === 443)
        issues.add(f('listenerPort'), 443, 'must not be 443 (reserved for the HTTPS listener)');
      listenerPort = input.listenerPort;
    }
  } else if (needsPort && typeof input.name === 'string') {
    listenerPort = derivedListenerPort(input.name);
  }

  let rulePriority: number | undefined;
  const hostRouted = sharedKind === 'shared-host';
  if (input.rulePriority !== undefined) {
    if (!hostRouted)
      issues.add(
        f('rulePriority'),
        input.rulePriority,
        'must be omitted unless the project is routed by host name on the shared ALB (environment with a domain)',
      );
    else if (
      checkInt(issues, f('rulePriority'), input.rulePriority, 1, 50000 - RULE_PRIORITY_BLOCK)
    )
      rulePriority = input.rulePriority;
  } else if (hostRouted && typeof input.name === 'string') {
    rulePriority = derivedRulePriority(input.name);
  }

  const maxExpectationsBytes = input.maxExpectationsBytes ?? EXPECTATIONS_MAX_BYTES;
  const limitOk = checkInt(
    issues,
    f('maxExpectationsBytes'),
    maxExpectationsBytes,
    1024,
    EXPECTATIONS_HARD_MAX_BYTES,
  );
  const expectations = limitOk
    ? loadExpectations(issues, f('expectations'), input.expectations, maxExpectationsBytes)
    : undefined;

  if (
    input.notificationEmail !== undefined &&
    (typeof input.notificationEmail !== 'string' || !EMAIL_RE.test(input.notificationEmail))
  )
    issues.add(f('notificationEmail'), input.notificationEmail, 'must be an email address');

  const capacity = input.capacity ?? PROJECT_DEFAULTS.capacity;
  if (capacity !== 'FARGATE' && capacity !== 'FARGATE_SPOT')
    issues.add(f('capacity'), capacity, "must be 'FARGATE' or 'FARGATE_SPOT'");

  checkStringMap(
    issues,
    f('environment'),
    input.environment,
    /^[\s\S]{0,4096}$/,
    'value must be a string of at most 4096 characters',
  );
  checkStringMap(
    issues,
    f('secrets'),
    input.secrets,
    SECRET_ARN_RE,
    'must be the ARN of a Secrets Manager secret or an SSM parameter (arn:aws:secretsmanager:... or arn:aws:ssm:...:parameter/...)',
  );
  if (input.environment && input.secrets) {
    for (const k of Object.keys(input.secrets))
      if (k in input.environment)
        issues.add(f(`secrets.${k}`), k, 'must not also be a plain environment variable');
  }
  const envOk = (m: unknown) =>
    m === undefined || (typeof m === 'object' && m !== null && !Array.isArray(m));
  if (envOk(input.environment) && envOk(input.secrets)) {
    const bytes = containerEnvironmentBytes(input.environment, input.secrets);
    const tags = standardTags(env.name, typeof input.name === 'string' ? input.name : '', env.tags);
    const budget = containerEnvironmentBudget(tags);
    if (bytes > budget)
      issues.add(
        f('environment'),
        `${bytes} bytes of environment variables and secrets`,
        `must take at most ${budget} bytes: an ECS task definition is limited to ${TASK_DEFINITION_MAX_BYTES} bytes, of which AutoMock keeps ${TASK_DEFINITION_RESERVED_BYTES} for its containers and the task definition's tags take ${CONTAINER_ENVIRONMENT_MAX_BYTES - budget}`,
      );
  }
  checkSuppressions(issues, f('suppressions'), input.suppressions);
  if (input.dataPlaneCidrs !== undefined)
    checkCidrList(issues, f('dataPlaneCidrs'), input.dataPlaneCidrs, {
      min: 1,
      max: MAX_DATA_PLANE_CIDRS,
      why: 'one ALB rule holds 5 condition values and the host name takes one',
    });

  // <project>.<domain>: a Route53 record, an ALB host-header value (shared) or the first name of
  // an ACM certificate (dedicated). The environment's domain is at most 62 characters and a
  // project name 24, so only the certificate's 64 can be exceeded; all three are checked.
  const hostname =
    env.domain && typeof input.name === 'string' ? `${input.name}.${env.domain.name}` : undefined;
  if (hostname) {
    const limits: [boolean, number, string][] = [
      [true, ROUTE53_NAME_MAX, 'Route53 limits a record name to'],
      [isolation === 'shared', ALB_HOST_HEADER_MAX, 'an ALB host-header value is limited to'],
      [
        isolation === 'dedicated',
        ACM_DOMAIN_NAME_MAX,
        "the project's own ALB has a certificate for it, and ACM limits a certificate's first domain name to",
      ],
    ];
    for (const [applies, max, why] of limits) {
      if (applies && hostname.length > max)
        issues.add(
          f('name'),
          input.name,
          `must make the host name ${hostname} (${hostname.length} characters) at most ${max} characters: ${why} ${max}`,
        );
    }
  }

  let expiresAt: string | undefined;
  if (input.createdAt !== undefined) {
    if (
      typeof input.createdAt !== 'string' ||
      !ISO_RE.test(input.createdAt) ||
      Number.isNaN(Date.parse(input.createdAt))
    ) {
      issues.add(
        f('createdAt'),
        input.createdAt,
        'must be an ISO-8601 UTC time such as 2025-01-05T10:00:00Z',
      );
    } else if (typeof ttlHours === 'number' && ttlHours > 0) {
      expiresAt = new Date(Date.parse(input.createdAt) + ttlHours * 3_600_000).toISOString();
    }
  }

  issues.throwIfAny(`project ${JSON.stringify(input.name)} in environment ${env.name}`);

  const domain: ProjectDomain | undefined =
    hostname && env.domain ? { hostname, hostedZoneId: env.domain.hostedZoneId } : undefined;
  const routing: ProjectRouting =
    sharedKind === 'shared-port'
      ? { kind: 'shared-port', port: listenerPort! }
      : sharedKind === 'shared-host'
        ? { kind: 'shared-host', domain: domain!, priority: rulePriority! }
        : { kind: 'dedicated', ...(domain ? { domain } : {}) };

  return Object.freeze({
    name: input.name,
    env,
    sizeName,
    size: Object.freeze({ ...size! }),
    ttlHours,
    minTasks,
    maxTasks,
    isolation,
    routing: Object.freeze(routing),
    access: Object.freeze({
      controlPlaneCidrs: env.controlPlaneCidrs,
      dataPlaneCidrs: Object.freeze([...(input.dataPlaneCidrs ?? env.dataPlaneCidrs)]),
    }),
    expectations: expectations!,
    notificationEmail: input.notificationEmail,
    ephemeral,
    capacity,
    environment: Object.freeze({ ...(input.environment ?? {}) }),
    secrets: Object.freeze({ ...(input.secrets ?? {}) }),
    suppressions: Object.freeze([...(input.suppressions ?? [])]),
    createdAt: input.createdAt,
    expiresAt,
  });
}

/** Options of {@link checkProjectSet}. */
export interface ProjectSetOptions {
  /**
   * Shared-ALB projects deployed but not in the set (ephemeral ones known only to the
   * registry), by environment name; they count against the ALB's quotas.
   * @default {}
   */
  readonly alreadyDeployed?: Readonly<Record<string, number>>;
}

/**
 * Checks projects together: within an environment, names must be unique (they key stacks and
 * state), shared-ALB listener ports and rule priorities must not clash, and the shared ALB's
 * quotas (listeners, target groups, rules) must hold them all.
 *
 * @throws ConfigValidationError listing every problem.
 */
export function checkProjectSet(
  projects: readonly Project[],
  options: ProjectSetOptions = {},
): void {
  const issues = new IssueCollector();
  const names = new Map<string, Project>();
  const ports = new Map<string, Project>();
  const priorities: { readonly project: Project; readonly priority: number }[] = [];
  for (const p of projects) {
    const key = `${p.env.name}/${p.name}`;
    if (names.has(key)) {
      issues.add(`project[${key}].name`, p.name, `must be unique within environment ${p.env.name}`);
      continue;
    }
    names.set(key, p);
    const r = p.routing;
    if (r.kind === 'shared-port') {
      const portKey = `${p.env.name}:${r.port}`;
      const other = ports.get(portKey);
      if (other) {
        issues.add(
          `project[${key}].listenerPort`,
          r.port,
          `must differ from project ${other.name}'s port on the shared ALB of ${p.env.name}; set listenerPort explicitly`,
        );
      } else ports.set(portKey, p);
    }
    if (r.kind === 'shared-host') {
      const other = priorities.find(
        (o) =>
          o.project.env.name === p.env.name &&
          Math.abs(o.priority - r.priority) < RULE_PRIORITY_BLOCK,
      );
      if (other) {
        issues.add(
          `project[${key}].rulePriority`,
          r.priority,
          `must be at least ${RULE_PRIORITY_BLOCK} away from project ${other.project.name}'s (${other.priority}) on the shared HTTPS listener of ${p.env.name}; set rulePriority explicitly`,
        );
      } else priorities.push({ project: p, priority: r.priority });
    }
  }
  checkSharedAlbCapacity(issues, [...names.values()], options.alreadyDeployed);
  issues.throwIfAny('projects');
}
