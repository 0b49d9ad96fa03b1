import { type LocalDynamo, startLocalDynamo } from '@automock/test-support/emulators';
import { createRegistryTable } from '@automock/test-support/tables';
import { DeploymentRegistry } from './DeploymentRegistry';
import { EnvironmentFullError, SlotTakenError, STALE_ALLOCATION_MS } from './SlotAllocator';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const PORTS = { min: 10000, max: 19999 };

let dynamo: LocalDynamo;
let tableSeq = 0;
let registry: DeploymentRegistry;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.stop());
beforeEach(async () => {
  const tableName = `slots-${++tableSeq}`;
  const client = dynamo.client();
  await createRegistryTable(client, tableName);
  registry = new DeploymentRegistry({ client, tableName });
});

const port = (project: string, first: number, extra: Record<string, unknown> = {}) =>
  registry.slots.allocate('dev', project, 'listener-port', {
    ...PORTS,
    first,
    now: T0,
    ...extra,
  });

describe('shared-ALB slots', () => {
  it('two deploys racing for one port: exactly one gets it, the other is told who holds it', async () => {
    const results = await Promise.allSettled([
      port('alpha', 10001, { exact: true }),
      port('beta', 10001, { exact: true }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const holder = await registry.slots.holder('dev', 'listener-port', 10001);
    const error = (lost[0] as PromiseRejectedResult).reason as SlotTakenError;
    expect(error).toBeInstanceOf(SlotTakenError);
    expect(error.message).toBe(`listener-port 10001 in dev is held by project ${holder}`);
    expect(['alpha', 'beta']).toContain(holder);
  });

  it('ten deploys whose derived ports clash all get distinct ports', async () => {
    const projects = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const ports = await Promise.all(projects.map((p) => port(p, 10001)));
    expect(new Set(ports).size).toBe(10);
    for (const [i, p] of projects.entries())
      expect(await registry.slots.holder('dev', 'listener-port', ports[i]!)).toBe(p);
  });

  it('a project asking again keeps its slot; another environment has its own', async () => {
    expect(await port('alpha', 10001)).toBe(10001);
    expect(await port('alpha', 10001)).toBe(10001);
    expect(await port('beta', 10001)).toBe(10002);
    expect(
      await registry.slots.allocate('staging', 'beta', 'listener-port', { ...PORTS, first: 10001 }),
    ).toBe(10001);
  });

  it('wraps around the range, skips reserved slots, and says when the environment is full', async () => {
    const small = { min: 441, max: 444, reserved: [443] };
    expect(await port('a', 444, small)).toBe(444);
    expect(await port('b', 444, small)).toBe(441);
    expect(await port('c', 444, small)).toBe(442);
    await expect(port('d', 444, small)).rejects.toThrow(EnvironmentFullError);
    await expect(port('d', 444, small)).rejects.toThrow(
      /environment dev is full: all 4 listener-ports from 441 to 444 are held by other projects; destroy one \(automock list --env dev\) or deploy with --isolation dedicated/,
    );
  });

  it('rule priorities come in blocks', async () => {
    const prio = (project: string) =>
      registry.slots.allocate('dev', project, 'rule-priority', {
        min: 1,
        max: 49981,
        step: 10,
        first: 21,
      });
    expect(await prio('a')).toBe(21);
    expect(await prio('b')).toBe(31);
    await expect(
      registry.slots.allocate('dev', 'c', 'rule-priority', {
        min: 1,
        max: 49981,
        step: 10,
        first: 25,
      }),
    ).rejects.toThrow(
      /rule-priority: got 25, must be a whole number from 1 to 49981 in steps of 10/,
    );
  });

  it('release frees a slot, never another project’s', async () => {
    await port('alpha', 10001);
    await registry.slots.release('dev', 'beta', 'listener-port', 10001);
    expect(await registry.slots.holder('dev', 'listener-port', 10001)).toBe('alpha');
    await registry.slots.release('dev', 'alpha', 'listener-port', 10001);
    expect(await registry.slots.holder('dev', 'listener-port', 10001)).toBeUndefined();
    expect(await port('beta', 10001)).toBe(10001);
  });

  it('takes over a stale slot whose project never registered, not a live one', async () => {
    await port('declined', 10001);
    await registry.register({ env: 'dev', project: 'live', createdBy: 'a', ttlHours: 1, now: T0 });
    await port('live', 10002);
    const later = new Date(T0.getTime() + STALE_ALLOCATION_MS + 1);
    // Within the hour the deploy may still register: not taken.
    expect(await port('new', 10001)).toBe(10003);
    await registry.register({ env: 'dev', project: 'new', createdBy: 'a', ttlHours: 1, now: T0 });
    expect(await port('newer', 10001, { now: later })).toBe(10001);
    expect(await port('newest', 10002, { now: later })).toBe(10004);
  });

  it('slots never show up as deployments', async () => {
    await port('alpha', 10001);
    await registry.register({ env: 'dev', project: 'alpha', createdBy: 'a', ttlHours: 1 });
    expect((await registry.listAll()).map((d) => d.project)).toEqual(['alpha']);
    expect((await registry.listByEnvironment('dev')).map((d) => d.project)).toEqual(['alpha']);
  });
});
