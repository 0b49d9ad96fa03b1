import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { IssueCollector, REGISTRY_SCHEMA } from '@automock/core';

/**
 * What a slot is: a listener port of the shared ALB (environment without a domain), or the first
 * of a block of rule priorities on its HTTPS listener (with a domain). Two projects holding the
 * same one would break each other's routing.
 */
export type SlotKind = 'listener-port' | 'rule-priority';

/** How long an allocation whose project never registered (a declined or crashed deploy) is kept. */
export const STALE_ALLOCATION_MS = 3_600_000;

/** Where to look for a free slot. */
export interface AllocateOptions {
  /** The slot tried first (a project's hash-derived one: its slot stays put across deploys). */
  readonly first: number;
  /** Lowest slot of the range. */
  readonly min: number;
  /** Highest slot of the range. */
  readonly max: number;
  /** Distance between slots (rule priorities come in blocks). @default 1 */
  readonly step?: number;
  /** Only `first` will do (`--listener-port`): taken is an error naming the holder. @default false */
  readonly exact?: boolean;
  /** Slots never handed out (443). @default [] */
  readonly reserved?: readonly number[];
  /** Who allocates. @default 'automock' */
  readonly by?: string;
  /** @default new Date() */
  readonly now?: Date;
}

/** The slot is held by another project (only with `exact`). */
export class SlotTakenError extends Error {
  constructor(
    readonly env: string,
    readonly kind: SlotKind,
    readonly slot: number,
    readonly holder: string,
  ) {
    super(`${kind} ${slot} in ${env} is held by project ${holder}`);
    this.name = 'SlotTakenError';
  }
}

/** Every slot of the range is held: the environment is full. */
export class EnvironmentFullError extends Error {
  constructor(
    readonly env: string,
    readonly kind: SlotKind,
    readonly range: { readonly min: number; readonly max: number; readonly step: number },
    readonly held: number,
  ) {
    super(
      `environment ${env} is full: all ${held} ${kind}s from ${range.min} to ${range.max} are held by other projects; destroy one (automock list --env ${env}) or deploy with --isolation dedicated`,
    );
    this.name = 'EnvironmentFullError';
  }
}

/** Whether a project still exists as far as the registry knows (a deployment that is not destroyed). */
export type HolderAlive = (env: string, project: string) => Promise<boolean>;

/**
 * Hands out listener ports and rule priorities of an environment's shared ALB through the
 * registry table, one item per slot (`<env>#<kind>#<n>`, outside the environment index), each
 * written with a conditional put: of two deploys racing for one slot exactly one gets it, the
 * other moves on (or, asking for that slot exactly, is refused naming the holder). A project asking
 * again gets the slot it holds. Slots are freed on teardown ({@link release}); one left by a deploy
 * that never registered is taken over after {@link STALE_ALLOCATION_MS}.
 */
export class SlotAllocator {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly alive: HolderAlive,
  ) {}

  /** Registry key of a slot. */
  static key(env: string, kind: SlotKind, slot: number): string {
    return `${env}#${kind}#${slot}`;
  }

  /** Allocates a slot for `project` and returns it. */
  async allocate(
    env: string,
    project: string,
    kind: SlotKind,
    opts: AllocateOptions,
  ): Promise<number> {
    const step = opts.step ?? 1;
    const issues = new IssueCollector();
    if (!Number.isInteger(opts.min) || !Number.isInteger(opts.max) || opts.min > opts.max)
      issues.add('range', `${opts.min}-${opts.max}`, 'must be whole numbers, min <= max');
    if (
      !Number.isInteger(opts.first) ||
      opts.first < opts.min ||
      opts.first > opts.max ||
      (opts.first - opts.min) % step !== 0
    )
      issues.add(
        kind,
        opts.first,
        `must be a whole number from ${opts.min} to ${opts.max}${step > 1 ? ` in steps of ${step} from ${opts.min}` : ''}`,
      );
    if ((opts.reserved ?? []).includes(opts.first) && opts.exact)
      issues.add(kind, opts.first, 'is reserved');
    issues.throwIfAny(`${kind} allocation`);

    const count = Math.floor((opts.max - opts.min) / step) + 1;
    const start = (opts.first - opts.min) / step;
    const tries = opts.exact ? 1 : count;
    for (let i = 0; i < tries; i++) {
      const slot = opts.min + ((start + i) % count) * step;
      if ((opts.reserved ?? []).includes(slot)) continue;
      const holder = await this.claim(env, project, kind, slot, opts);
      if (holder === undefined) return slot;
      if (opts.exact) throw new SlotTakenError(env, kind, slot, holder);
    }
    throw new EnvironmentFullError(env, kind, { min: opts.min, max: opts.max, step }, count);
  }

  /** Frees `project`'s slot (conditional: never one another project holds). */
  async release(env: string, project: string, kind: SlotKind, slot: number): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: this.pk(env, kind, slot),
          ConditionExpression: '#project = :project',
          ExpressionAttributeNames: { '#project': 'project' },
          ExpressionAttributeValues: { ':project': { S: project } },
        }),
      );
    } catch (err) {
      // Gone already, or re-allocated to another project: nothing of ours to free.
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  /** Who holds a slot, if anyone. */
  async holder(env: string, kind: SlotKind, slot: number): Promise<string | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.pk(env, kind, slot),
        ConsistentRead: true,
      }),
    );
    return out.Item?.project?.S;
  }

  private pk(env: string, kind: SlotKind, slot: number): Record<string, AttributeValue> {
    return { [REGISTRY_SCHEMA.partitionKey]: { S: SlotAllocator.key(env, kind, slot) } };
  }

  /** Claims one slot; returns undefined when it is now `project`'s, else who holds it. */
  private async claim(
    env: string,
    project: string,
    kind: SlotKind,
    slot: number,
    opts: AllocateOptions,
  ): Promise<string | undefined> {
    const now = opts.now ?? new Date();
    const put = (condition: string, values: Record<string, AttributeValue>) =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.pk(env, kind, slot),
            // No environment attribute: the item stays out of the environment index, so
            // listings of deployments never see it.
            project: { S: project },
            slotKind: { S: kind },
            slot: { N: String(slot) },
            allocatedAt: { S: now.toISOString() },
            allocatedBy: { S: opts.by ?? 'automock' },
          },
          ConditionExpression: condition,
          // DynamoDB refuses names the expression does not use.
          ExpressionAttributeNames: {
            ...(condition.includes('#pk') ? { '#pk': REGISTRY_SCHEMA.partitionKey } : {}),
            '#project': 'project',
          },
          ExpressionAttributeValues: values,
        }),
      );
    try {
      await put('attribute_not_exists(#pk) OR #project = :project', {
        ':project': { S: project },
      });
      return undefined;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
    const cur = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.pk(env, kind, slot),
        ConsistentRead: true,
      }),
    );
    const holder = cur.Item?.project?.S;
    const at = Date.parse(cur.Item?.allocatedAt?.S ?? '');
    if (!holder) return this.claim(env, project, kind, slot, opts);
    const stale = Number.isFinite(at) && now.getTime() - at > STALE_ALLOCATION_MS;
    if (!stale || (await this.alive(env, holder))) return holder;
    // A slot left by a deploy that never registered or a teardown that never freed it: taken
    // over, conditional on it being still that holder's, at that time.
    try {
      await put('#project = :holder AND allocatedAt = :at', {
        ':holder': { S: holder },
        ':at': { S: cur.Item!.allocatedAt!.S! },
      });
      return undefined;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return holder;
    }
  }
}
