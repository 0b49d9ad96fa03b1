import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DNS_LABEL_RE,
  IssueCollector,
  MAX_TTL_HOURS,
  NEVER_EXPIRES,
  REGISTRY_SCHEMA,
  checkTtlHours,
  projectStackObjectKey,
  registryKey,
} from '@automock/core';
import { fromItem, toAttribute, toItem } from './attributes';
import {
  ALLOWED_TRANSITIONS,
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATUSES,
  type Deployment,
  type DeploymentKind,
  type DeploymentFields,
  type DeploymentStatus,
  EXTENDABLE_STATUSES,
  REREGISTRABLE_STATUSES,
} from './deployment';
import { WARNING_LEAD_MS, expiryFor } from './expiry';
import { type RegistryExpectation, RegistryConflictError } from './RegistryConflictError';
import { SlotAllocator } from './SlotAllocator';

const HOUR_MS = 3_600_000;

/** How long a destroyed item stays in the registry (for `automock list --all`) before DynamoDB TTL purges it. */
export const DESTROYED_RETENTION_DAYS = 30;

/** Props of {@link DeploymentRegistry}. */
export interface DeploymentRegistryProps {
  /**
   * DynamoDB client. Build it without a fixed `endpoint` so `AWS_ENDPOINT_URL` keeps working.
   */
  readonly client: DynamoDBClient;
  /** Registry table name (core's `stateBackendNames(...).registryTable`). */
  readonly tableName: string;
}

/** A new deployment (or a new life of a destroyed/failed one). */
export interface RegisterInput {
  readonly env: string;
  readonly project: string;
  /** What it deploys. @default 'mock' */
  readonly kind?: DeploymentKind;
  /** For a workload preview: the declared workload it previews. @default - none */
  readonly workload?: string;
  /** Who deploys it. */
  readonly createdBy: string;
  /** Hours to live from now, 0 = never; 0 to `MAX_TTL_HOURS`. */
  readonly ttlHours: number;
  /** S3 key of the synthesised stack. @default projectStackObjectKey(env, project) */
  readonly stackObjectKey?: string;
  /** Known outputs (usually filled in on `active`). @default {} */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Instance size name. @default - not recorded */
  readonly size?: string;
  /** Isolation mode. @default - not recorded */
  readonly isolation?: 'shared' | 'dedicated';
  /** Estimated USD per hour (core's price table). @default - not recorded */
  readonly hourlyCost?: number;
  /** The shared-ALB slot allocated to it ({@link DeploymentRegistry.slots}). @default - none */
  readonly albSlot?: Deployment['albSlot'];
  /** Registration time. @default new Date() */
  readonly now?: Date;
}

/** A status change, conditional on the current status (and version). */
export interface TransitionOptions {
  /** Statuses the item must be in. */
  readonly from: readonly DeploymentStatus[];
  /** Status to move to. */
  readonly to: DeploymentStatus;
  /**
   * Version the caller read. @default - the item is read first and its version used, so the write
   * still cannot overwrite a change made between that read and the write
   */
  readonly expectedVersion?: number;
  /** Other fields to set (`null` removes). @default {} */
  readonly fields?: DeploymentFields;
  /** Who writes. @default 'automock' */
  readonly by?: string;
  /** Write time. @default new Date() */
  readonly now?: Date;
  /**
   * Only write if the item's expiry is at or before this time (the reaper's guard, on top of the
   * version, against an extension it has not seen). @default - no expiry condition
   */
  readonly expiredBy?: Date;
}

/** A change of fields that leaves the status as it is, conditional on it (and the version). */
export interface UpdateOptions {
  /** Statuses the item must be in; it stays in the one it is in. */
  readonly statuses: readonly DeploymentStatus[];
  /** Fields to set (`null` removes). */
  readonly fields: DeploymentFields;
  /**
   * Version the caller read. @default - the item is read first and its version used, so the write
   * still cannot overwrite a change made between that read and the write
   */
  readonly expectedVersion?: number;
  /** Who writes. @default 'automock' */
  readonly by?: string;
  /** Write time. @default new Date() */
  readonly now?: Date;
}

/** Options of {@link DeploymentRegistry.extendTtl}. */
export interface ExtendTtlOptions {
  /** Who extends. @default 'automock' */
  readonly by?: string;
  /**
   * Version the caller read; a conflict then throws at once. @default - read, compute and write,
   * retried up to 3 times while the deployment stays extendable
   */
  readonly expectedVersion?: number;
  /**
   * The environment's longest TTL: the expiry may not move further than this from now, and
   * "never expire" (0) is refused. @default - MAX_TTL_HOURS, and 0 allowed
   */
  readonly maxTtlHours?: number;
}

/** Options of {@link DeploymentRegistry.recordWarning}. */
export interface RecordWarningOptions {
  /** Version the caller read. */
  readonly expectedVersion: number;
  /** The stage sent (minutes before expiry). @default 60 */
  readonly stage?: number;
  /** @default new Date() */
  readonly now?: Date;
  /** @default 'reaper' */
  readonly by?: string;
}

/** Options of {@link DeploymentRegistry.listByEnvironment}. */
export interface ListOptions {
  /** Only these statuses. @default - all */
  readonly statuses?: readonly DeploymentStatus[];
  /** Items per request (tests use it to exercise paging). @default - DynamoDB's 1 MB pages */
  readonly pageSize?: number;
}

function isConditionFailure(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

/**
 * Client of the deployments registry table, shared by the CLI and the reaper. Every write is
 * conditional on the item's status and version (optimistic concurrency): a write that lost a race
 * throws {@link RegistryConflictError} naming what it found instead.
 */
export class DeploymentRegistry {
  private readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Shared-ALB listener ports and rule priorities, allocated through the same table. */
  readonly slots: SlotAllocator;

  constructor(props: DeploymentRegistryProps) {
    if (typeof props.tableName !== 'string' || props.tableName.length < 3) {
      const issues = new IssueCollector();
      issues.add('tableName', props.tableName, 'must be a DynamoDB table name (3-255 characters)');
      issues.throwIfAny('deployment registry');
    }
    this.client = props.client;
    this.tableName = props.tableName;
    this.slots = new SlotAllocator(props.client, props.tableName, async (env, project) => {
      const d = await this.get(env, project);
      return d !== undefined && d.status !== 'destroyed';
    });
  }

  /** Reads one deployment (strongly consistent). */
  async get(env: string, project: string): Promise<Deployment | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(env, project),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toDeployment(out.Item) : undefined;
  }

  /**
   * Registers a deployment in `deploying`: a new one, or a new life of one that is `destroyed` or
   * `failed` (its history is replaced). Anything else already registered is a conflict.
   */
  async register(input: RegisterInput): Promise<Deployment> {
    const issues = new IssueCollector();
    checkName(issues, 'env', input.env);
    checkName(issues, 'project', input.project);
    checkTtlHours(issues, 'ttlHours', input.ttlHours);
    if (typeof input.createdBy !== 'string' || input.createdBy.length === 0)
      issues.add('createdBy', input.createdBy, 'must be a non-empty string');
    if (input.kind !== undefined && !DEPLOYMENT_KINDS.includes(input.kind))
      issues.add('kind', input.kind, `must be one of ${DEPLOYMENT_KINDS.join(', ')}`);
    if (input.workload !== undefined) checkName(issues, 'workload', input.workload);
    if (input.workload !== undefined && input.kind !== 'workload')
      issues.add('workload', input.workload, "is only recorded for kind 'workload'");
    if (input.isolation !== undefined && !['shared', 'dedicated'].includes(input.isolation))
      issues.add('isolation', input.isolation, "must be 'shared' or 'dedicated'");
    if (
      input.hourlyCost !== undefined &&
      (typeof input.hourlyCost !== 'number' ||
        !Number.isFinite(input.hourlyCost) ||
        input.hourlyCost < 0)
    )
      issues.add('hourlyCost', input.hourlyCost, 'must be a number of USD, 0 or more');
    issues.throwIfAny('deployment registration');

    const { env, project } = input;
    const now = input.now ?? new Date();
    const existing = await this.get(env, project);
    const expected: RegistryExpectation = {
      action: existing ? 'register again' : 'register',
      statuses: existing ? REREGISTRABLE_STATUSES : [],
      version: existing?.version,
    };
    if (existing && !REREGISTRABLE_STATUSES.includes(existing.status)) {
      throw new RegistryConflictError(env, project, expected, currentOf(existing));
    }
    const stamp = now.toISOString();
    const deployment: Deployment = {
      env,
      project,
      kind: input.kind ?? 'mock',
      ...(input.workload !== undefined ? { workload: input.workload } : {}),
      status: 'deploying',
      version: (existing?.version ?? 0) + 1,
      createdAt: stamp,
      createdBy: input.createdBy,
      updatedAt: stamp,
      updatedBy: input.createdBy,
      ttlHours: input.ttlHours,
      expiresAt: expiryFor(now, input.ttlHours),
      outputs: { ...(input.outputs ?? {}) },
      stackObjectKey: input.stackObjectKey ?? projectStackObjectKey(env, project),
      size: input.size,
      isolation: input.isolation,
      hourlyCost: input.hourlyCost,
      albSlot: input.albSlot,
    };
    let names: Record<string, string> = { '#pk': REGISTRY_SCHEMA.partitionKey };
    const values: Record<string, AttributeValue> = {};
    let condition = 'attribute_not_exists(#pk)';
    if (existing) {
      names = { '#version': 'version', '#status': 'status' };
      values[':v'] = { N: String(existing.version) };
      condition = `#version = :v AND ${inList('#status', ':s', REREGISTRABLE_STATUSES, values)}`;
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem({
            [REGISTRY_SCHEMA.partitionKey]: registryKey(env, project),
            ...deployment,
          }),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw await this.conflict(env, project, expected);
      throw err;
    }
    return deployment;
  }

  /**
   * Moves a deployment from one of `from` to `to`, setting `fields`, conditional on status and
   * version. Moving to `destroyed` also records `destroyedAt` (default now) and schedules the item's
   * purge after {@link DESTROYED_RETENTION_DAYS}.
   */
  async transition(env: string, project: string, opts: TransitionOptions): Promise<Deployment> {
    const issues = new IssueCollector();
    if (!DEPLOYMENT_STATUSES.includes(opts.to))
      issues.add('to', opts.to, `must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
    if (!Array.isArray(opts.from) || opts.from.length === 0)
      issues.add('from', opts.from, 'must list at least one status');
    for (const s of opts.from ?? []) {
      if (!DEPLOYMENT_STATUSES.includes(s))
        issues.add('from', s, `must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
      else if (s === opts.to)
        issues.add(
          'to',
          opts.to,
          `is the status it moves from: set fields without a status change with update()`,
        );
      else if (!ALLOWED_TRANSITIONS[s].includes(opts.to))
        issues.add(
          'to',
          opts.to,
          `cannot be reached from ${s} (allowed: ${ALLOWED_TRANSITIONS[s].join(', ') || 'none; register again'})`,
        );
    }
    checkFields(issues, opts.fields ?? {});
    issues.throwIfAny('registry transition');

    const now = opts.now ?? new Date();
    const by = opts.by ?? 'automock';
    const expected = await this.expect(env, project, {
      action: `${opts.from.join('|')} -> ${opts.to}`,
      statuses: opts.from,
      version: opts.expectedVersion,
    });
    const fields: Record<string, unknown> = { ...(opts.fields ?? {}) };
    if (opts.to === 'destroyed') {
      const at = (fields.destroyedAt as string | undefined) ?? now.toISOString();
      fields.destroyedAt = at;
      fields.destroyedBy ??= by;
      fields[REGISTRY_SCHEMA.purgeAtAttribute] =
        Math.floor(Date.parse(at) / 1000) + DESTROYED_RETENTION_DAYS * 86_400;
    }
    return this.write(env, project, expected, {
      set: { ...fields, status: opts.to, updatedAt: now.toISOString(), updatedBy: by },
      expiredBy: opts.expiredBy,
    });
  }

  /**
   * Sets fields of a deployment without changing its status (teardown progress, a released
   * warning claim), conditional on the status being one of `statuses` and on the version, like
   * every write. Status changes go through {@link transition}.
   */
  async update(env: string, project: string, opts: UpdateOptions): Promise<Deployment> {
    const issues = new IssueCollector();
    if (!Array.isArray(opts.statuses) || opts.statuses.length === 0)
      issues.add('statuses', opts.statuses, 'must list at least one status');
    for (const s of opts.statuses ?? [])
      if (!DEPLOYMENT_STATUSES.includes(s))
        issues.add('statuses', s, `must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
    const names = Object.keys(opts.fields ?? {}).filter(
      (k) => opts.fields[k as keyof DeploymentFields] !== undefined,
    );
    if (names.length === 0)
      issues.add('fields', opts.fields, 'must set or remove at least one field');
    checkFields(issues, opts.fields ?? {});
    issues.throwIfAny('registry update');

    const now = opts.now ?? new Date();
    const expected = await this.expect(env, project, {
      action: `update ${names.join(', ')} (status ${opts.statuses.join('|')} unchanged)`,
      statuses: opts.statuses,
      version: opts.expectedVersion,
    });
    return this.write(env, project, expected, {
      set: { ...opts.fields, updatedAt: now.toISOString(), updatedBy: opts.by ?? 'automock' },
    });
  }

  /**
   * Extends a deployment's time to live by `hours` from its current expiry (or from now, if that
   * has passed); `hours = 0` makes it never expire. Clears the warning so the new expiry gets its
   * own. Only `deploying` and `active` deployments can be extended: once the reaper has moved one to
   * `expiring` its teardown has begun.
   */
  async extendTtl(
    env: string,
    project: string,
    hours: number,
    now: Date = new Date(),
    opts: ExtendTtlOptions = {},
  ): Promise<Deployment> {
    const issues = new IssueCollector();
    checkTtlHours(issues, 'hours', hours);
    const limit = opts.maxTtlHours ?? MAX_TTL_HOURS;
    if (opts.maxTtlHours !== undefined && hours === 0)
      issues.add(
        'hours',
        hours,
        `must not be 0 (never expire): environment ${env} allows at most ${limit} h`,
      );
    issues.throwIfAny('TTL extension');
    const action = hours === 0 ? 'remove the expiry' : `extend TTL by ${hours} h`;
    const attempts = opts.expectedVersion === undefined ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      const cur = await this.get(env, project);
      const expected: RegistryExpectation = {
        action,
        statuses: EXTENDABLE_STATUSES,
        version: opts.expectedVersion ?? cur?.version,
      };
      if (!cur || !EXTENDABLE_STATUSES.includes(cur.status))
        throw new RegistryConflictError(env, project, expected, cur && currentOf(cur));
      if (opts.expectedVersion !== undefined && cur.version !== opts.expectedVersion)
        throw new RegistryConflictError(env, project, expected, currentOf(cur));

      let expiresAt = NEVER_EXPIRES;
      let ttlHours = 0;
      if (hours > 0 && cur.expiresAt !== NEVER_EXPIRES) {
        const base = Math.max(Date.parse(cur.expiresAt), now.getTime());
        const next = base + hours * HOUR_MS;
        const maxAt = now.getTime() + limit * HOUR_MS;
        if (next > maxAt) {
          const room = Math.floor((maxAt - base) / HOUR_MS);
          issues.add(
            'hours',
            hours,
            `must keep the expiry within ${limit} h of now (it is ${cur.expiresAt}; ` +
              `at most ${Math.max(room, 0)} more h now, or 0 to never expire)`,
          );
          issues.throwIfAny('TTL extension');
        }
        expiresAt = new Date(next).toISOString();
        ttlHours = Math.ceil((next - Date.parse(cur.createdAt)) / HOUR_MS);
      }
      try {
        return await this.write(
          env,
          project,
          { ...expected, version: cur.version },
          {
            set: {
              expiresAt,
              ttlHours,
              warnedAt: null,
              warnedStage: null,
              updatedAt: now.toISOString(),
              updatedBy: opts.by ?? 'automock',
            },
          },
        );
      } catch (err) {
        // Another writer (a warning, an output update) got in between: recompute from its result.
        if (err instanceof RegistryConflictError && attempt < attempts) continue;
        throw err;
      }
    }
  }

  /**
   * Records that warning stage `stage` (minutes before expiry) went out for the current expiry.
   * Conditional on the version the caller read and on no stage this tight or tighter being
   * recorded, so two reapers cannot both send it.
   */
  async recordWarning(
    env: string,
    project: string,
    opts: RecordWarningOptions,
  ): Promise<Deployment> {
    const now = opts.now ?? new Date();
    const stage = opts.stage ?? WARNING_LEAD_MS / 60_000;
    const issues = new IssueCollector();
    if (!Number.isInteger(stage) || stage < 1)
      issues.add('stage', stage, 'must be a whole number of minutes, 1 or more');
    issues.throwIfAny('expiry warning');
    return this.write(
      env,
      project,
      {
        action: `record the ${stage}-minute expiry warning`,
        statuses: EXTENDABLE_STATUSES,
        version: opts.expectedVersion,
      },
      {
        set: {
          warnedAt: now.toISOString(),
          warnedStage: stage,
          updatedAt: now.toISOString(),
          updatedBy: opts.by ?? 'reaper',
        },
        notWarnedAt: stage,
      },
    );
  }

  /** An environment's deployments ordered by expiry (soonest first; never-expiring last). */
  async listByEnvironment(env: string, opts: ListOptions = {}): Promise<Deployment[]> {
    const out: Deployment[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: REGISTRY_SCHEMA.envIndex,
          KeyConditionExpression: '#env = :env',
          ExpressionAttributeNames: { '#env': REGISTRY_SCHEMA.envAttribute },
          ExpressionAttributeValues: { ':env': { S: env } },
          ScanIndexForward: true,
          ExclusiveStartKey: start,
          Limit: opts.pageSize,
        }),
      );
      for (const item of page.Items ?? []) out.push(toDeployment(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return opts.statuses ? out.filter((d) => opts.statuses!.includes(d.status)) : out;
  }

  /** Every deployment of every environment, by environment then expiry. */
  async listAll(opts: Pick<ListOptions, 'pageSize'> = {}): Promise<Deployment[]> {
    const out: Deployment[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ExclusiveStartKey: start,
          Limit: opts.pageSize,
        }),
      );
      // Slot allocations share the table; they are not deployments.
      for (const item of page.Items ?? []) if (!item.slotKind) out.push(toDeployment(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort(
      (a, b) =>
        a.env.localeCompare(b.env) ||
        a.expiresAt.localeCompare(b.expiresAt) ||
        a.project.localeCompare(b.project),
    );
  }

  /**
   * The condition of a write: `expected` with the version the caller read, or else the current
   * version, read now (refused at once when the item is not in one of the statuses).
   */
  private async expect(
    env: string,
    project: string,
    expected: RegistryExpectation,
  ): Promise<RegistryExpectation & { version: number }> {
    if (expected.version !== undefined) return { ...expected, version: expected.version };
    const cur = await this.get(env, project);
    if (!cur || !expected.statuses.includes(cur.status))
      throw new RegistryConflictError(env, project, expected, cur && currentOf(cur));
    return { ...expected, version: cur.version };
  }

  private key(env: string, project: string): Record<string, AttributeValue> {
    return { [REGISTRY_SCHEMA.partitionKey]: { S: registryKey(env, project) } };
  }

  private async write(
    env: string,
    project: string,
    expected: RegistryExpectation & { version: number | undefined },
    what: {
      set: Record<string, unknown>;
      expiredBy?: Date;
      /** Only if no warning stage of this many minutes or fewer was recorded. */
      notWarnedAt?: number;
    },
  ): Promise<Deployment> {
    const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
    const values: Record<string, AttributeValue> = {
      ':v': { N: String(expected.version) },
      ':one': { N: '1' },
    };
    const sets = ['#version = #version + :one'];
    const removes: string[] = [];
    let i = 0;
    for (const [k, v] of Object.entries(what.set)) {
      if (v === undefined) continue;
      const n = `#f${i}`;
      names[n] = k;
      if (v === null) removes.push(n);
      else {
        values[`:f${i}`] = toAttribute(v, k);
        sets.push(`${n} = :f${i}`);
      }
      i++;
    }
    const conditions = ['#version = :v', inList('#status', ':s', expected.statuses, values)];
    if (what.expiredBy) {
      names['#exp'] = REGISTRY_SCHEMA.expiresAtAttribute;
      values[':now'] = { S: what.expiredBy.toISOString() };
      conditions.push('#exp <= :now');
    }
    if (what.notWarnedAt !== undefined) {
      names['#stage'] = 'warnedStage';
      values[':stage'] = { N: String(what.notWarnedAt) };
      conditions.push('(attribute_not_exists(#stage) OR #stage > :stage)');
    }
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(env, project),
          UpdateExpression:
            `SET ${sets.join(', ')}` + (removes.length ? ` REMOVE ${removes.join(', ')}` : ''),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toDeployment(out.Attributes!);
    } catch (err) {
      if (isConditionFailure(err)) throw await this.conflict(env, project, expected);
      throw err;
    }
  }

  private async conflict(
    env: string,
    project: string,
    expected: RegistryExpectation,
  ): Promise<RegistryConflictError> {
    const cur = await this.get(env, project);
    return new RegistryConflictError(env, project, expected, cur && currentOf(cur));
  }
}

function inList(
  name: string,
  prefix: string,
  statuses: readonly string[],
  values: Record<string, AttributeValue>,
): string {
  const refs = statuses.map((s, i) => {
    values[`${prefix}${i}`] = { S: s };
    return `${prefix}${i}`;
  });
  return `${name} IN (${refs.join(', ')})`;
}

function checkName(issues: IssueCollector, field: string, v: unknown): void {
  if (typeof v !== 'string' || v.length > 63 || !DNS_LABEL_RE.test(v))
    issues.add(
      field,
      v,
      'must be a DNS label: lower-case letters, digits and hyphens, 1-63 characters, starting with a letter',
    );
}

function checkFields(issues: IssueCollector, fields: DeploymentFields): void {
  for (const k of ['expiresAt', 'warnedAt', 'destroyedAt'] as const) {
    const v = fields[k];
    if (typeof v === 'string' && (Number.isNaN(Date.parse(v)) || !v.endsWith('Z')))
      issues.add(`fields.${k}`, v, 'must be an ISO-8601 UTC time ending in Z');
  }
  if (fields.ttlHours !== undefined && fields.ttlHours !== null)
    checkTtlHours(issues, 'fields.ttlHours', fields.ttlHours);
  if (fields.outputs) {
    for (const [k, v] of Object.entries(fields.outputs))
      if (typeof v !== 'string') issues.add(`fields.outputs.${k}`, v, 'must be a string');
  }
}

function currentOf(d: Deployment) {
  return {
    status: d.status,
    version: d.version,
    expiresAt: d.expiresAt,
    updatedAt: d.updatedAt,
    updatedBy: d.updatedBy,
  };
}

/** Unmarshals a registry item; missing optional fields stay undefined. */
export function toDeployment(item: Record<string, AttributeValue>): Deployment {
  const o = fromItem(item) as Record<string, unknown> & Partial<Deployment>;
  const str = (k: string): string | undefined =>
    typeof o[k] === 'string' ? (o[k] as string) : undefined;
  return {
    env: str('env') ?? '',
    project: str('project') ?? '',
    kind: o.kind === 'workload' ? 'workload' : 'mock',
    workload: str('workload'),
    status: (str('status') as DeploymentStatus) ?? 'failed',
    version: typeof o.version === 'number' ? o.version : 0,
    createdAt: str('createdAt') ?? '',
    createdBy: str('createdBy') ?? '',
    updatedAt: str('updatedAt') ?? str('createdAt') ?? '',
    updatedBy: str('updatedBy') ?? str('createdBy') ?? '',
    ttlHours: typeof o.ttlHours === 'number' ? o.ttlHours : 0,
    expiresAt: str('expiresAt') ?? NEVER_EXPIRES,
    warnedAt: str('warnedAt'),
    warnedStage: typeof o.warnedStage === 'number' ? o.warnedStage : undefined,
    hourlyCost: typeof o.hourlyCost === 'number' ? o.hourlyCost : undefined,
    albSlot: o.albSlot,
    outputs: (o.outputs as Record<string, string> | undefined) ?? {},
    stackObjectKey: str('stackObjectKey') ?? '',
    size: str('size'),
    isolation: o.isolation,
    failureReason: str('failureReason'),
    teardown: o.teardown,
    destroyedAt: str('destroyedAt'),
    destroyedBy: str('destroyedBy'),
    destroyMethod: o.destroyMethod,
  };
}
