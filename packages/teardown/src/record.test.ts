import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteVpcCommand } from '@aws-sdk/client-ec2';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { archivedStateKey, projectStateKey } from '@automock/core';
import { type Deployment, DeploymentRegistry, RegistryConflictError } from '@automock/registry';
import { type BackendEmulators, startBackendEmulators } from '@automock/test-support/emulators';
import {
  type FakeAws,
  dedicatedProject,
  instantClock,
  teardownTestBed,
} from '@automock/test-support/fake-aws';
import { createBackendTables } from '@automock/test-support/tables';
import { type TeardownClients, beginTeardown, sweepAndRecord, sweepTeardown } from './record';

const T0 = new Date('2026-06-01T09:00:00.000Z');
const STATE_BUCKET = 'automock-tfstate-123456789012-us-east-1';

let emulators: BackendEmulators;
let registry: DeploymentRegistry;
let lockTable: string;
let clients: TeardownClients;
let fake: FakeAws;

beforeAll(async () => {
  emulators = await startBackendEmulators([STATE_BUCKET]);
});
afterAll(() => emulators.stop());
beforeEach(async () => {
  let dynamodb: DynamoDBClient;
  let stateS3: S3Client;
  ({ clients, fake, dynamodb, stateS3 } = teardownTestBed({
    ...emulators,
    stateBucket: STATE_BUCKET,
    resources: dedicatedProject('dev', 'old'),
  }));
  let registryTable: string;
  ({ registryTable, lockTable } = await createBackendTables(dynamodb));
  registry = new DeploymentRegistry({ client: dynamodb, tableName: registryTable });
  await stateS3.send(
    new PutObjectCommand({
      Bucket: STATE_BUCKET,
      Key: projectStateKey('dev', 'old'),
      Body: '{"version":4}',
    }),
  );
});
afterEach(() => fake.restore());

async function active(project = 'old', outputs: Record<string, string> = {}): Promise<Deployment> {
  const d = await registry.register({
    env: 'dev',
    project,
    createdBy: 'alice',
    ttlHours: 1,
    now: T0,
  });
  return registry.transition('dev', project, {
    from: ['deploying'],
    to: 'active',
    expectedVersion: d.version,
    fields: { outputs },
  });
}

const record = (deployment: Deployment, clock = instantClock(), confirmEmpty = false) =>
  sweepAndRecord(clients, registry, {
    accountId: '123456789012',
    namePrefix: 'automock',
    confirmEmpty,
    deployment,
    stateBucket: STATE_BUCKET,
    lockTable,
    by: 'reaper',
    clock,
    now: () => T0,
  });

describe('beginTeardown', () => {
  it('moves a listed deployment to destroying, conditional on the version it was listed at', async () => {
    const a = await active();
    const d = await beginTeardown(registry, a, sweepTeardown(T0), { by: 'reaper', now: T0 });
    expect(d).toMatchObject({
      status: 'destroying',
      version: a.version + 1,
      teardown: { method: 'sweep', startedAt: T0.toISOString(), deleted: [], runs: 0 },
    });
    // The same listing again has lost: its version is gone.
    await expect(
      beginTeardown(registry, a, sweepTeardown(T0), { by: 'reaper' }),
    ).rejects.toBeInstanceOf(RegistryConflictError);
  });

  it('replaces the teardown record of one already destroying, saying why the sweep took over', async () => {
    const a = await active();
    const task = await beginTeardown(
      registry,
      a,
      { method: 'terraform-task', startedAt: T0.toISOString() },
      { by: 'reaper' },
    );
    const swept = await beginTeardown(registry, task, sweepTeardown(T0, 'task failed'), {
      by: 'reaper',
    });
    expect(swept).toMatchObject({
      status: 'destroying',
      version: task.version + 1,
      teardown: { method: 'sweep', fallbackReason: 'task failed' },
    });
  });
});

describe('sweepAndRecord', () => {
  it('deletes the tagged resources, records them, archives the state and marks it destroyed', async () => {
    const d = await beginTeardown(registry, await active(), sweepTeardown(T0), { by: 'reaper' });
    const r = await record(d);
    expect(r).toMatchObject({
      complete: true,
      stoppedForDeadline: false,
      archivedTo: archivedStateKey('dev', 'old', T0),
    });
    expect(r.sweep.deletedSoFar).toHaveLength(20);
    expect(await registry.get('dev', 'old')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'sweep',
      destroyedBy: 'reaper',
      teardown: { method: 'sweep', runs: 1, deleted: r.sweep.deletedSoFar },
    });
    const archived = await emulators.s3
      .client()
      .send(
        new GetObjectCommand({ Bucket: STATE_BUCKET, Key: archivedStateKey('dev', 'old', T0) }),
      );
    expect(await archived.Body?.transformToString()).toBe('{"version":4}');
  });

  it('stopped by its deadline keeps the progress; the next call resumes and deletes nothing twice', async () => {
    const d = await beginTeardown(registry, await active(), sweepTeardown(T0), { by: 'reaper' });
    let budget = 10;
    const first = await record(d, {
      ...instantClock(),
      timeLeftMs: () => (budget-- > 0 ? 60_000 : 0),
    });
    expect(first).toMatchObject({ complete: false, stoppedForDeadline: true });
    expect(first.deployment).toMatchObject({
      status: 'destroying',
      // One write per delete as it happened, then the run's own.
      version: d.version + first.sweep.deleted.length + 1,
      teardown: { runs: 1, deleted: first.sweep.deletedSoFar },
    });
    expect(first.sweep.deletedSoFar.length).toBeGreaterThan(0);

    const second = await record(first.deployment);
    expect(second.complete).toBe(true);
    expect(second.deployment.teardown?.runs).toBe(2);
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
  });

  it('records a failed delete as the last error and leaves the project destroying', async () => {
    const d = await beginTeardown(registry, await active(), sweepTeardown(T0), { by: 'reaper' });
    fake.failNext('DeleteVpc', 'vpc-dev-old', 'UnauthorizedOperation', 1);
    const r = await record(d);
    expect(r).toMatchObject({ complete: false, stoppedForDeadline: false });
    expect(r.deployment.status).toBe('destroying');
    expect(r.deployment.teardown?.lastError).toMatch(
      /^arn:aws:ec2:us-east-1:123456789012:vpc\/vpc-dev-old: UnauthorizedOperation/,
    );
    expect(r.sweep.deletedSoFar).toHaveLength(19);
  });

  it('refuses to record over a write it has not seen', async () => {
    const d = await beginTeardown(registry, await active(), sweepTeardown(T0), { by: 'reaper' });
    await registry.update('dev', 'old', { statuses: ['destroying'], fields: { size: 'large' } });
    await expect(record(d)).rejects.toBeInstanceOf(RegistryConflictError);
    expect((await registry.get('dev', 'old'))?.status).toBe('destroying');
  });

  it('records each delete as it happens: a run killed mid-way (a Lambda timeout) loses nothing', async () => {
    const d = await beginTeardown(registry, await active(), sweepTeardown(T0), { by: 'reaper' });
    // The VPC delete never answers: the run is as good as killed there.
    fake.mocks.ec2.on(DeleteVpcCommand).callsFake(() => new Promise(() => undefined));
    void record(d);
    for (let i = 0; i < 200 && !fake.calls.some((c) => c.startsWith('DeleteSecurityGroup')); i++)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 200));
    const item = await registry.get('dev', 'old');
    const deleted = item?.teardown?.deleted ?? [];
    // Everything before the VPC in the sweep order (services ... security groups) is recorded.
    expect(deleted).toEqual(
      expect.arrayContaining([
        expect.stringContaining(':service/automock-dev/old'),
        expect.stringContaining(':subnet/subnet-dev-old-a'),
        expect.stringContaining(':security-group/sg-dev-old-alb'),
      ]),
    );
    expect(deleted.some((a) => a.includes(':vpc/'))).toBe(false);
    expect(item?.status).toBe('destroying');
  });

  it('keeps why the sweep took over next to its own later errors', async () => {
    const task = await beginTeardown(
      registry,
      await active(),
      { method: 'terraform-task', startedAt: T0.toISOString() },
      { by: 'reaper' },
    );
    const d = await beginTeardown(
      registry,
      task,
      sweepTeardown(T0, 'RunTask failed: RESOURCE:ENI'),
      { by: 'reaper' },
    );
    fake.failNext('DeleteVpc', 'vpc-dev-old', 'UnauthorizedOperation', 1);
    const r = await record(d);
    expect(r.deployment.teardown).toMatchObject({
      fallbackReason: 'RunTask failed: RESOURCE:ENI',
      lastError: expect.stringMatching(/vpc-dev-old: UnauthorizedOperation/),
    });
  });

  it('finding nothing for a project that was deployed is reported and not finalised', async () => {
    await stateForProject('gone');
    const deployed = await active('gone', { mockserver_url: 'http://gone.example' });
    const d = await beginTeardown(registry, deployed, sweepTeardown(T0), { by: 'reaper' });
    const r = await record(d);
    expect(r).toMatchObject({ complete: false, foundNothing: true });
    expect(r.deployment.status).toBe('destroying');
    expect(r.deployment.teardown?.lastError).toMatch(
      /found nothing tagged automock:env=dev, automock:project=gone in account 123456789012 .*--confirm-empty/,
    );

    // A person who checked confirms: then it is finalised.
    const confirmed = await record(r.deployment, instantClock(), true);
    expect(confirmed).toMatchObject({ complete: true, foundNothing: false });
    expect(confirmed.deployment.status).toBe('destroyed');
  });

  it("frees the project's shared-ALB slot when it is done", async () => {
    const port = await registry.slots.allocate('dev', 'old', 'listener-port', {
      first: 10001,
      min: 10000,
      max: 19999,
    });
    const d0 = await registry.register({
      env: 'dev',
      project: 'old',
      createdBy: 'alice',
      ttlHours: 1,
      albSlot: { kind: 'listener-port', value: port },
    });
    const a = await registry.transition('dev', 'old', {
      from: ['deploying'],
      to: 'active',
      expectedVersion: d0.version,
    });
    const d = await beginTeardown(registry, a, sweepTeardown(T0), { by: 'reaper' });
    expect(await registry.slots.holder('dev', 'listener-port', port)).toBe('old');
    expect((await record(d)).complete).toBe(true);
    expect(await registry.slots.holder('dev', 'listener-port', port)).toBeUndefined();
  });

  it('finding nothing for a deploy that never applied is a plain success', async () => {
    const d = await beginTeardown(registry, await active('never'), sweepTeardown(T0), {
      by: 'reaper',
    });
    const r = await record(d);
    expect(r).toMatchObject({ complete: true, foundNothing: false });
  });
});

async function stateForProject(project: string): Promise<void> {
  await emulators.s3.client().send(
    new PutObjectCommand({
      Bucket: STATE_BUCKET,
      Key: projectStateKey('dev', project),
      Body: '{"version":4}',
    }),
  );
}
