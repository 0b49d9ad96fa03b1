import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ConfigValidationError, NEVER_EXPIRES, REGISTRY_SCHEMA } from '@automock/core';
import { DeploymentRegistry, DESTROYED_RETENTION_DAYS } from './DeploymentRegistry';
import { RegistryConflictError } from './RegistryConflictError';
import type { Deployment } from './deployment';
import { dueWarningStage } from './expiry';
import { type LocalDynamo, startLocalDynamo } from '@automock/test-support/emulators';
import { createRegistryTable } from '@automock/test-support/tables';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

let dynamo: LocalDynamo;
let tableSeq = 0;
let registry: DeploymentRegistry;
let tableName: string;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.stop();
});
beforeEach(async () => {
  tableName = `registry-${++tableSeq}`;
  const client = dynamo.client();
  await createRegistryTable(client, tableName);
  registry = new DeploymentRegistry({ client, tableName });
});

async function registerActive(project = 'petstore', ttlHours = 4, env = 'dev') {
  const d = await registry.register({ env, project, createdBy: 'alice', ttlHours, now: T0 });
  return registry.transition(env, project, {
    from: ['deploying'],
    to: 'active',
    expectedVersion: d.version,
    fields: { outputs: { url: `http://${project}.example` } },
    now: T0,
  });
}

describe('register', () => {
  it('creates a deploying item with an absolute UTC expiry and version 1', async () => {
    const d = await registry.register({
      env: 'dev',
      project: 'petstore',
      createdBy: 'alice',
      ttlHours: 4,
      size: 'small',
      isolation: 'shared',
      now: T0,
    });
    expect(d).toMatchObject({
      status: 'deploying',
      version: 1,
      createdAt: '2026-03-01T10:00:00.000Z',
      expiresAt: '2026-03-01T14:00:00.000Z',
      stackObjectKey: 'stacks/dev/petstore/cdk.tf.json',
    });
    expect(await registry.get('dev', 'petstore')).toMatchObject({
      status: 'deploying',
      version: 1,
      size: 'small',
      isolation: 'shared',
      createdBy: 'alice',
    });
  });

  it('stores ttlHours 0 as never expiring (sorts after every real expiry)', async () => {
    const d = await registry.register({
      env: 'dev',
      project: 'forever',
      createdBy: 'a',
      ttlHours: 0,
      now: T0,
    });
    expect(d.expiresAt).toBe(NEVER_EXPIRES);
  });

  it('refuses to register over a live deployment and says what is there', async () => {
    await registerActive();
    const err = await registry
      .register({ env: 'dev', project: 'petstore', createdBy: 'bob', ttlHours: 2, now: T0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryConflictError);
    expect((err as RegistryConflictError).current).toMatchObject({ status: 'active', version: 2 });
    expect((err as Error).message).toMatch(
      /dev#petstore: register again expected status destroyed\|failed.*found active at version 2/,
    );
  });

  it('registers a destroyed deployment again as a new life with the next version', async () => {
    const a = await registerActive();
    await registry.transition('dev', 'petstore', {
      from: ['active'],
      to: 'destroying',
      expectedVersion: a.version,
      now: hours(1),
    });
    await registry.transition('dev', 'petstore', {
      from: ['destroying'],
      to: 'destroyed',
      now: hours(1),
    });
    const d = await registry.register({
      env: 'dev',
      project: 'petstore',
      createdBy: 'bob',
      ttlHours: 8,
      now: hours(2),
    });
    expect(d).toMatchObject({
      status: 'deploying',
      version: 5,
      createdBy: 'bob',
      expiresAt: hours(10).toISOString(),
    });
    const got = await registry.get('dev', 'petstore');
    expect(got?.destroyedAt).toBeUndefined();
    expect(got?.outputs).toEqual({});
  });

  it('rejects bad input naming each field, and writes nothing', async () => {
    const err = await registry
      .register({ env: 'Dev!', project: '', createdBy: '', ttlHours: 721, now: T0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/env: got "Dev!"/);
    expect(msg).toMatch(/project: got ""/);
    expect(msg).toMatch(
      /ttlHours: got 721, must be a whole number of hours from 0 \(never expire\) to 720/,
    );
    expect(msg).toMatch(/createdBy/);
    expect(await registry.listAll()).toEqual([]);
  });

  it('records a workload preview with its kind and the workload it previews', async () => {
    await registry.register({
      env: 'dev',
      project: 'shop-pr-7',
      kind: 'workload',
      workload: 'shop',
      createdBy: 'alice',
      ttlHours: 2,
      now: T0,
    });
    expect(await registry.get('dev', 'shop-pr-7')).toMatchObject({
      kind: 'workload',
      workload: 'shop',
      status: 'deploying',
      expiresAt: '2026-03-01T12:00:00.000Z',
    });
    const listed = await registry.listByEnvironment('dev');
    expect(listed.map((d) => [d.project, d.kind])).toEqual([['shop-pr-7', 'workload']]);
  });

  it('reads an item written before kinds existed as a mock, and registers mocks as such', async () => {
    await dynamo.client().send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [REGISTRY_SCHEMA.partitionKey]: { S: 'dev#old' },
          env: { S: 'dev' },
          project: { S: 'old' },
          status: { S: 'active' },
          version: { N: '3' },
          createdAt: { S: T0.toISOString() },
          createdBy: { S: 'bob' },
          ttlHours: { N: '4' },
          expiresAt: { S: hours(4).toISOString() },
          stackObjectKey: { S: 'stacks/dev/old/cdk.tf.json' },
        },
      }),
    );
    const old = await registry.get('dev', 'old');
    expect(old).toMatchObject({ kind: 'mock', status: 'active', version: 3 });
    expect(old?.workload).toBeUndefined();
    const d = await registry.register({ env: 'dev', project: 'new', createdBy: 'a', ttlHours: 1 });
    expect(d.kind).toBe('mock');
    expect((await registry.get('dev', 'new'))?.kind).toBe('mock');
  });

  it('refuses an unknown kind, and a workload name on a mock, writing nothing', async () => {
    const err = await registry
      .register({
        env: 'dev',
        project: 'x',
        kind: 'lambda' as never,
        createdBy: 'a',
        ttlHours: 1,
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/kind: got "lambda", must be one of mock, workload/);
    const err2 = await registry
      .register({ env: 'dev', project: 'x', workload: 'shop', createdBy: 'a', ttlHours: 1 })
      .catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(
      /workload: got "shop", is only recorded for kind 'workload'/,
    );
    expect(await registry.listAll()).toEqual([]);
  });
});

describe('transition', () => {
  it('moves status, sets fields, bumps the version and records who wrote', async () => {
    const d = await registerActive();
    expect(d).toMatchObject({
      status: 'active',
      version: 2,
      outputs: { url: 'http://petstore.example' },
    });
    const e = await registry.transition('dev', 'petstore', {
      from: ['active'],
      to: 'expiring',
      expectedVersion: 2,
      by: 'reaper',
      now: hours(5),
    });
    expect(e).toMatchObject({
      status: 'expiring',
      version: 3,
      updatedBy: 'reaper',
      updatedAt: hours(5).toISOString(),
    });
  });

  it('throws a conflict naming the current version when the expected one is stale', async () => {
    await registerActive();
    const err = await registry
      .transition('dev', 'petstore', { from: ['active'], to: 'destroying', expectedVersion: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryConflictError);
    expect((err as RegistryConflictError).current).toMatchObject({ status: 'active', version: 2 });
    expect((err as Error).message).toMatch(
      /active -> destroying expected status active at version 1, found active at version 2/,
    );
    expect((await registry.get('dev', 'petstore'))?.status).toBe('active');
  });

  it('throws a conflict when the status is not one of `from`, without an expected version', async () => {
    await registry.register({
      env: 'dev',
      project: 'petstore',
      createdBy: 'a',
      ttlHours: 1,
      now: T0,
    });
    await expect(
      registry.transition('dev', 'petstore', { from: ['active'], to: 'expiring' }),
    ).rejects.toThrow(/expected status active, found deploying at version 1/);
  });

  it('throws a conflict for a deployment that does not exist', async () => {
    await expect(
      registry.transition('dev', 'ghost', { from: ['active'], to: 'expiring' }),
    ).rejects.toThrow(/dev#ghost: .*found no deployment/);
  });

  it('refuses a move the life cycle does not allow', async () => {
    await expect(
      registry.transition('dev', 'petstore', { from: ['destroyed'], to: 'active' }),
    ).rejects.toThrow(/to: got "active", cannot be reached from destroyed/);
  });

  it('marks destroyed with time, who and a purge time for DynamoDB TTL', async () => {
    await registerActive();
    await registry.transition('dev', 'petstore', { from: ['active'], to: 'destroying' });
    const d = await registry.transition('dev', 'petstore', {
      from: ['destroying'],
      to: 'destroyed',
      by: 'alice',
      fields: { destroyMethod: 'cli' },
      now: hours(3),
    });
    expect(d).toMatchObject({
      status: 'destroyed',
      destroyedAt: hours(3).toISOString(),
      destroyedBy: 'alice',
      destroyMethod: 'cli',
    });
    const raw = await dynamo
      .client()
      .send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'dev#petstore' } } }));
    expect(Number(raw.Item![REGISTRY_SCHEMA.purgeAtAttribute]!.N)).toBe(
      hours(3).getTime() / 1000 + DESTROYED_RETENTION_DAYS * 86_400,
    );
  });

  it('removes fields given as null', async () => {
    const d = await registerActive();
    const w = await registry.recordWarning('dev', 'petstore', {
      expectedVersion: d.version,
      now: hours(3.5),
    });
    expect(w.warnedAt).toBe(hours(3.5).toISOString());
    const c = await registry.transition('dev', 'petstore', {
      from: ['active'],
      to: 'deploying',
      fields: { warnedAt: null },
    });
    expect(c.warnedAt).toBeUndefined();
  });

  it('only honours the reaper expiry guard when the item really expired', async () => {
    const d = await registerActive('petstore', 4);
    await expect(
      registry.transition('dev', 'petstore', {
        from: ['active'],
        to: 'expiring',
        expectedVersion: d.version,
        expiredBy: hours(3),
      }),
    ).rejects.toBeInstanceOf(RegistryConflictError);
    await expect(
      registry.transition('dev', 'petstore', {
        from: ['active'],
        to: 'expiring',
        expectedVersion: d.version,
        expiredBy: hours(4),
      }),
    ).resolves.toMatchObject({ status: 'expiring' });
  });
});

describe('two writers racing', () => {
  it('lets exactly one of two writers that read the same version win', async () => {
    const base = await registerActive();
    // Separate clients: two processes, each with its own connection.
    const a = new DeploymentRegistry({ client: dynamo.client(), tableName });
    const b = new DeploymentRegistry({ client: dynamo.client(), tableName });
    const [ra, rb] = await Promise.allSettled([
      a.transition('dev', 'petstore', {
        from: ['active'],
        to: 'destroying',
        expectedVersion: base.version,
        by: 'alice',
      }),
      b.transition('dev', 'petstore', {
        from: ['active'],
        to: 'expiring',
        expectedVersion: base.version,
        by: 'reaper',
      }),
    ]);
    const wins = [ra, rb].filter((r) => r.status === 'fulfilled');
    const losses = [ra, rb].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(1);
    const err = losses[0]!.reason as RegistryConflictError;
    expect(err).toBeInstanceOf(RegistryConflictError);
    const winner = (wins[0] as PromiseFulfilledResult<{ status: string; updatedBy: string }>).value;
    expect(err.current).toMatchObject({
      version: base.version + 1,
      status: winner.status,
      updatedBy: winner.updatedBy,
    });
    expect(await registry.get('dev', 'petstore')).toMatchObject({
      version: base.version + 1,
      status: winner.status,
    });
  });

  it('an extend-ttl that lands first makes the reaper move to expiring fail', async () => {
    const listed = await registerActive('petstore', 1);
    // The reaper listed it at version 2, expired; the user extends before the reaper writes.
    await registry.extendTtl('dev', 'petstore', 2, hours(1.1), { by: 'alice' });
    const err = await registry
      .transition('dev', 'petstore', {
        from: ['active'],
        to: 'expiring',
        expectedVersion: listed.version,
        expiredBy: hours(1.1),
        by: 'reaper',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryConflictError);
    expect((err as RegistryConflictError).current).toMatchObject({
      status: 'active',
      updatedBy: 'alice',
      expiresAt: hours(3.1).toISOString(),
    });
  });

  it('two concurrent extensions without an expected version both apply', async () => {
    await registerActive('petstore', 4);
    const a = new DeploymentRegistry({ client: dynamo.client(), tableName });
    const b = new DeploymentRegistry({ client: dynamo.client(), tableName });
    await Promise.all([
      a.extendTtl('dev', 'petstore', 2, hours(1), { by: 'alice' }),
      b.extendTtl('dev', 'petstore', 3, hours(1), { by: 'bob' }),
    ]);
    expect((await registry.get('dev', 'petstore'))?.expiresAt).toBe(hours(9).toISOString());
  });
});

describe('extendTtl', () => {
  it('adds hours to a future expiry and clears the warning', async () => {
    const d = await registerActive('petstore', 4);
    await registry.recordWarning('dev', 'petstore', {
      expectedVersion: d.version,
      now: hours(3.2),
    });
    const e = await registry.extendTtl('dev', 'petstore', 4, hours(3.5));
    expect(e).toMatchObject({ expiresAt: hours(8).toISOString(), ttlHours: 8, version: 4 });
    expect(e.warnedAt).toBeUndefined();
  });

  it('counts from now when the expiry has already passed', async () => {
    await registerActive('petstore', 1);
    const e = await registry.extendTtl('dev', 'petstore', 2, hours(1.5));
    expect(e.expiresAt).toBe(hours(3.5).toISOString());
  });

  it('0 hours removes the expiry', async () => {
    await registerActive('petstore', 1);
    expect((await registry.extendTtl('dev', 'petstore', 0, hours(0.5))).expiresAt).toBe(
      NEVER_EXPIRES,
    );
  });

  it('refuses to push the expiry past 720 h from now, saying how much is left', async () => {
    await registerActive('petstore', 700);
    await expect(registry.extendTtl('dev', 'petstore', 30, T0)).rejects.toThrow(
      /hours: got 30, must keep the expiry within 720 h of now .*at most 20 more h/,
    );
    await expect(registry.extendTtl('dev', 'petstore', -1, T0)).rejects.toThrow(/hours: got -1/);
  });

  it("refuses to pass the environment's maximum, naming it, and refuses never-expire there", async () => {
    await registerActive('petstore', 4);
    await expect(
      registry.extendTtl('dev', 'petstore', 8, hours(1), { maxTtlHours: 8 }),
    ).rejects.toThrow(/hours: got 8, must keep the expiry within 8 h of now .*at most 5 more h/);
    await expect(
      registry.extendTtl('dev', 'petstore', 0, hours(1), { maxTtlHours: 8 }),
    ).rejects.toThrow(
      /hours: got 0, must not be 0 \(never expire\): environment dev allows at most 8 h/,
    );
    const e = await registry.extendTtl('dev', 'petstore', 5, hours(1), { maxTtlHours: 8 });
    expect(e.expiresAt).toBe(hours(9).toISOString());
  });

  it('cannot extend once teardown has begun', async () => {
    const d = await registerActive();
    await registry.transition('dev', 'petstore', {
      from: ['active'],
      to: 'expiring',
      expectedVersion: d.version,
      by: 'reaper',
      now: hours(4),
    });
    await expect(registry.extendTtl('dev', 'petstore', 4, hours(4))).rejects.toThrow(
      /extend TTL by 4 h expected status deploying\|active at version 3, found expiring at version 3 .*by reaper/,
    );
  });

  it('with an expected version, a stale read conflicts at once', async () => {
    await registerActive();
    await expect(
      registry.extendTtl('dev', 'petstore', 1, T0, { expectedVersion: 1 }),
    ).rejects.toBeInstanceOf(RegistryConflictError);
  });
});

describe('update', () => {
  async function destroying() {
    const a = await registerActive();
    return registry.transition('dev', 'petstore', {
      from: ['active'],
      to: 'destroying',
      expectedVersion: a.version,
      fields: { teardown: { method: 'sweep', startedAt: hours(1).toISOString(), deleted: [] } },
      now: hours(1),
    });
  }

  it('sets fields and leaves the status, conditional on the version read', async () => {
    const d = await destroying();
    const next = await registry.update('dev', 'petstore', {
      statuses: ['destroying'],
      expectedVersion: d.version,
      fields: { teardown: { ...d.teardown!, deleted: ['arn:a'], runs: 1 } },
      by: 'reaper',
      now: hours(2),
    });
    expect(next).toMatchObject({
      status: 'destroying',
      version: d.version + 1,
      updatedBy: 'reaper',
      updatedAt: hours(2).toISOString(),
      teardown: { method: 'sweep', deleted: ['arn:a'], runs: 1 },
    });
    // A writer that read the older version loses, and is told what it found.
    const err = await registry
      .update('dev', 'petstore', {
        statuses: ['destroying'],
        expectedVersion: d.version,
        fields: { failureReason: 'late' },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryConflictError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `update failureReason \\(status destroying unchanged\\) expected status destroying at version ${d.version}, found destroying at version ${d.version + 1}`,
      ),
    );
  });

  it('without a version, reads it, and refuses an item in another status', async () => {
    await registerActive();
    await expect(
      registry.update('dev', 'petstore', {
        statuses: ['destroying'],
        fields: { failureReason: 'x' },
      }),
    ).rejects.toThrow(/expected status destroying, found active at version 2/);
    const cleared = await registry.update('dev', 'petstore', {
      statuses: ['active'],
      fields: { warnedAt: null, outputs: { url: 'http://new.example' } },
    });
    expect(cleared).toMatchObject({
      status: 'active',
      version: 3,
      outputs: { url: 'http://new.example' },
    });
  });

  it('rejects an update with nothing to set or an unknown status, and writes nothing', async () => {
    const a = await registerActive();
    const err = await registry
      .update('dev', 'petstore', { statuses: ['gone' as never], fields: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).toMatch(/statuses: got "gone", must be one of deploying/);
    expect((err as Error).message).toMatch(
      /fields: got \{\}, must set or remove at least one field/,
    );
    expect((await registry.get('dev', 'petstore'))?.version).toBe(a.version);
  });

  it('is the only way to change fields: a transition to the same status is refused', async () => {
    const d = await destroying();
    await expect(
      registry.transition('dev', 'petstore', {
        from: ['destroying'],
        to: 'destroying',
        fields: { failureReason: 'x' },
      }),
    ).rejects.toThrow(/to: got "destroying", is the status it moves from: .* update\(\)/);
    expect((await registry.get('dev', 'petstore'))?.version).toBe(d.version);
  });
});

describe('recordWarning', () => {
  it('records the warning once; a second reaper with the same read loses', async () => {
    const d = await registerActive();
    await registry.recordWarning('dev', 'petstore', {
      expectedVersion: d.version,
      now: hours(3.1),
    });
    await expect(
      registry.recordWarning('dev', 'petstore', {
        expectedVersion: d.version + 1,
        now: hours(3.2),
      }),
    ).rejects.toThrow(/record the 60-minute expiry warning/);
    expect((await registry.get('dev', 'petstore'))?.warnedAt).toBe(hours(3.1).toISOString());
  });

  it('records each stage once: a tighter stage after a wider one, never the same or a wider one again', async () => {
    const d = await registerActive();
    const w60 = await registry.recordWarning('dev', 'petstore', {
      expectedVersion: d.version,
      stage: 60,
      now: hours(3.1),
    });
    const w15 = await registry.recordWarning('dev', 'petstore', {
      expectedVersion: w60.version,
      stage: 15,
      now: hours(3.8),
    });
    expect(w15).toMatchObject({ warnedStage: 15, warnedAt: hours(3.8).toISOString() });
    // Even with the current version, the same or a wider stage is refused by the condition.
    for (const stage of [15, 60])
      await expect(
        registry.recordWarning('dev', 'petstore', { expectedVersion: w15.version, stage }),
      ).rejects.toBeInstanceOf(RegistryConflictError);
    await expect(
      registry.recordWarning('dev', 'petstore', { expectedVersion: w15.version, stage: 0 }),
    ).rejects.toThrow(/stage: got 0, must be a whole number of minutes, 1 or more/);
  });

  it('an extension clears the stages: the new expiry gets every warning again', async () => {
    const d = await registerActive();
    const w = await registry.recordWarning('dev', 'petstore', {
      expectedVersion: d.version,
      stage: 15,
      now: hours(3.8),
    });
    const e = await registry.extendTtl('dev', 'petstore', 2, hours(3.9));
    expect(e.warnedStage).toBeUndefined();
    expect(e.version).toBe(w.version + 1);
  });
});

describe('dueWarningStage', () => {
  const d = { expiresAt: hours(4).toISOString() };
  const at = (minutesLeft: number) => new Date(hours(4).getTime() - minutesLeft * 60_000);

  it.each<[string, number, Partial<Deployment>, number | undefined]>([
    ['more than an hour left', 61, {}, undefined],
    ['an hour left', 60, {}, 60],
    ['the 60 sent, 20 left', 20, { warnedStage: 60 }, undefined],
    ['the 60 sent, 15 left', 15, { warnedStage: 60 }, 15],
    ['the 15 sent', 5, { warnedStage: 15 }, undefined],
    ['the 60 missed, 10 left', 10, {}, 15],
    ['an old single warning (warnedAt, no stage), 15 left', 15, { warnedAt: 'x' }, 15],
    ['an old single warning, 30 left', 30, { warnedAt: 'x' }, undefined],
    ['expired', 0, {}, undefined],
  ])('%s: %s', (_what, left, extra, stage) => {
    expect(dueWarningStage({ ...d, ...extra }, at(left))).toBe(stage);
  });

  it('never for a project that never expires, and follows the stages given', () => {
    expect(dueWarningStage({ expiresAt: NEVER_EXPIRES }, T0)).toBeUndefined();
    expect(dueWarningStage(d, at(100), [120, 30])).toBe(120);
  });
});

describe('listing', () => {
  it('lists an environment ordered by expiry, never-expiring last, across pages', async () => {
    await registerActive('c-late', 9);
    await registerActive('a-soon', 1);
    await registerActive('forever', 0);
    await registerActive('b-mid', 5);
    await registerActive('other-env', 2, 'staging');
    const list = await registry.listByEnvironment('dev', { pageSize: 2 });
    expect(list.map((d) => d.project)).toEqual(['a-soon', 'b-mid', 'c-late', 'forever']);
    expect((await registry.listByEnvironment('dev', { statuses: ['deploying'] })).length).toBe(0);
  });

  it('lists everything by environment then expiry', async () => {
    await registerActive('x', 3, 'staging');
    await registerActive('y', 1, 'dev');
    await registerActive('z', 2, 'dev');
    const all = await registry.listAll({ pageSize: 1 });
    expect(all.map((d) => `${d.env}/${d.project}`)).toEqual(['dev/y', 'dev/z', 'staging/x']);
  });
});
