import { validateExpectationsValue } from '@automock/core';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, startHarness, TEST_ACCOUNT } from '../testing/harness';
import {
  awsMocks,
  FakeMockServer,
  mockServingAws,
  service,
  startFakeMockServer,
} from '../testing/serving-mock';
import { diffExpectations, expectationKey } from '../services/update';

const sts = mockClient(STSClient);
const aws = awsMocks();
const BUCKET = 'automock-test-demo-config-123456789012';
const FIRST = '2026-01-01T10:00:00Z';

const users = { id: 'users', httpRequest: { path: '/users' }, httpResponse: { statusCode: 200 } };
const orders = {
  id: 'orders',
  httpRequest: { path: '/orders' },
  httpResponse: { statusCode: 200 },
};
const health = {
  httpRequest: { method: 'GET', path: '/health' },
  httpResponse: { statusCode: 200 },
};
const V1 = validateExpectationsValue([users, orders, health]);

/**
 * `automock update` and `automock versions` against s3rver holding a project's config bucket with
 * a version history, the registry on dynalite, ECS mocked, and a fake MockServer behind its URL.
 */
describe('automock update / versions', () => {
  let h: Harness;
  let mock: FakeMockServer;
  beforeEach(async () => {
    h = await startHarness({ fake: {}, extraBuckets: [BUCKET] });
    mockServingAws(aws);
    sts.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: 'arn:aws:sts::123456789012:assumed-role/dev/alice' });
    // What deploy left: the served file, its version copy (metadata copied by S3) and the metadata.
    mock = await startFakeMockServer({
      // MockServer gives id-less items a random id.
      expectations: [users, orders, { ...health, id: 'random-1' }],
    });
    const put = (Key: string, Body: string, hash?: string) =>
      h.s3Client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key,
          Body,
          Metadata: hash ? { 'content-hash': hash } : undefined,
        }),
      );
    await put('expectations.json', V1.json, V1.hash);
    await put(`versions/${FIRST}/expectations.json`, V1.json, V1.hash);
    await put(
      'project-metadata.json',
      JSON.stringify({
        format: 1,
        project: 'demo',
        env: 'test',
        version: V1.hash,
        expectationsCount: 3,
      }),
    );
    await h.registry.register({
      env: 'test',
      project: 'demo',
      createdBy: 'alice',
      ttlHours: 4,
      isolation: 'shared',
    });
    await h.registry.transition('test', 'demo', {
      from: ['deploying'],
      to: 'active',
      by: 'alice',
      fields: {
        outputs: {
          mockserver_url: mock.url,
          config_bucket: BUCKET,
          cluster_name: 'test-cluster',
          service_name: 'test-demo',
        },
      },
    });
  });
  afterEach(async () => {
    await mock.stop();
    await h.stop();
  });

  const read = async (key: string) =>
    (
      await h.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    ).Body!.transformToString();
  const file = (name: string, items: unknown[]) => {
    const f = join(h.root, name);
    writeFileSync(f, JSON.stringify(items));
    return f;
  };
  const update = (...args: string[]) =>
    h.run(['update', '--env', 'test', '--project', 'demo', ...args]);

  it('stores a new version, refreshes the metadata, replaces the served expectations and prints the changes', async () => {
    const changedUsers = { ...users, httpResponse: { statusCode: 200, body: '[]' } };
    const pets = { id: 'pets', httpRequest: { path: '/pets' }, httpResponse: { statusCode: 200 } };
    const f = file('v2.json', [changedUsers, pets, health]);
    const { stdout, error } = await update('--expectations', f);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(
      /^Updated test\/demo to version \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: 3 expectations, served through the control plane$/m,
    );
    expect(stdout).toMatch(/^ {2}added {4}pets$/m);
    expect(stdout).toMatch(/^ {2}removed {2}orders$/m);
    expect(stdout).toMatch(/^ {2}changed {2}users$/m);

    // The bucket: the new file is served to new tasks, kept as a version, and the metadata says so.
    const served = JSON.parse(await read('expectations.json'));
    expect(served.map((e: { id?: string }) => e.id)).toEqual(['users', 'pets', undefined]);
    const meta = JSON.parse(await read('project-metadata.json'));
    expect(meta).toMatchObject({ format: 1, project: 'demo', expectationsCount: 3 });
    expect(meta.version).not.toBe(V1.hash);
    expect(meta.updatedBy).toBeTruthy();
    const listed = await h.s3Client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'versions/' }),
    );
    expect(listed.Contents!.map((o) => o.Key)).toHaveLength(2);

    // The running mock: the new set exactly, the old id-less item replaced, orders gone.
    expect(mock.expectations.map((e) => e.id ?? 'no-id')).toEqual(['users', 'pets', 'no-id']);
    expect(mock.expectations[0]).toEqual(changedUsers);
    expect(mock.requests.every((r) => r.authorised)).toBe(true);
    expect(
      mock.requests
        .filter((r) => r.path.startsWith('/mockserver/clear'))
        .map((r) => JSON.parse(r.body).id)
        .sort(),
    ).toEqual(['orders', 'random-1']);
    expect(aws.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('lists the versions, newest first, marks the served one, and rolls back to the first with --to', async () => {
    await update('--expectations', file('v2.json', [users]));
    const { stdout } = await h.run(['versions', '--env', 'test', '--project', 'demo', '--json']);
    const versions = JSON.parse(stdout) as { version: string; current: boolean; hash: string }[];
    expect(versions).toHaveLength(2);
    expect(versions[1]!.version).toBe(FIRST);
    expect(versions.map((v) => v.current)).toEqual([true, false]);

    const { stdout: text } = await h.run(['versions', '--env', 'test', '--project', 'demo']);
    expect(text).toMatch(
      new RegExp(`^ {3}${FIRST.replace(/[.:]/g, '\\$&')} +\\d+ B +${V1.hash}$`, 'm'),
    );

    // The version name is the time to the second: step past it so the rollback gets its own.
    await new Promise((r) => setTimeout(r, 1100));
    const { stdout: back, error } = await update('--to', FIRST);
    expect(error).toBeUndefined();
    expect(back).toMatch(new RegExp(`\\(the content of ${FIRST.replace(/[.:]/g, '\\$&')}\\)`));
    expect(back).toMatch(/^ {2}added {4}orders, GET \/health$/m);
    expect(JSON.parse(await read('project-metadata.json')).version).toBe(V1.hash);
    expect(await read('expectations.json')).toBe(V1.json);
    expect(mock.expectations.map((e) => e.id ?? 'no-id').sort()).toEqual([
      'no-id',
      'orders',
      'users',
    ]);
    const after = JSON.parse(
      (await h.run(['versions', '--env', 'test', '--project', 'demo', '--json'])).stdout,
    ) as { current: boolean; hash: string }[];
    expect(after).toHaveLength(3);
    // The newest holder of the served content is the current one.
    expect(after[0]).toMatchObject({ current: true, hash: V1.hash });
  });

  it('with more than one task lets ECS replace them and waits until the mock serves the new set', async () => {
    aws.ecs.on(DescribeServicesCommand).resolves({
      services: [service({ desiredCount: 2, runningCount: 2 })],
    });
    aws.ecs.on(UpdateServiceCommand).resolves({});
    aws.elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { TargetHealth: { State: 'healthy' } },
        { TargetHealth: { State: 'healthy' } },
      ],
    });
    // What the replaced tasks load from S3.
    mock.expectations = [users];
    const { stdout, error } = await update('--expectations', file('v2.json', [users]));
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/served by replaced tasks/);
    expect(aws.ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'test-cluster',
      service: 'test-demo',
      forceNewDeployment: true,
    });
    // No control-plane writes: they would reach one task of two.
    expect(mock.requests.filter((r) => r.path === '/mockserver/expectation')).toEqual([]);
  });

  it('refuses an invalid file before reading or writing anything (exit 2)', async () => {
    const bad = file('bad.json', [
      { httpRequest: { path: '/a' }, httpResponse: { statusCode: '200' } },
    ]);
    sts.reset();
    const { error } = await update('--expectations', bad);
    expect(error?.message).toMatch(
      /bad\.json: \$\[0\]\.httpResponse\.statusCode: got "200", must be an integer/,
    );
    expect(error?.oclif?.exit).toBe(2);
    expect(sts.calls()).toHaveLength(0);
    expect(await read('expectations.json')).toBe(V1.json);
  });

  it('refuses an unknown version (exit 2) and a project that is not running (exit 1)', async () => {
    const { error } = await update('--to', '2020-01-01T00:00:00Z');
    expect(error?.message).toMatch(/to: got "2020-01-01T00:00:00Z", no such version of test\/demo/);
    expect(error?.oclif?.exit).toBe(2);
    const { error: shape } = await update('--to', 'yesterday');
    expect(shape?.message).toMatch(/to: got "yesterday", must be a version name/);
    expect(shape?.oclif?.exit).toBe(2);

    await h.registry.transition('test', 'demo', { from: ['active'], to: 'failed', by: 'alice' });
    const { error: failed } = await update('--expectations', file('v2.json', [users]));
    expect(failed?.message).toMatch(/test\/demo is failed: only a running mock/);
    expect(failed?.oclif?.exit).toBe(1);
  });

  it('needs exactly one of --expectations and --to', async () => {
    const { error } = await update();
    expect(error?.oclif?.exit).toBe(2);
    const head = await h.s3Client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'expectations.json' }),
    );
    expect(head.Metadata?.['content-hash']).toBe(V1.hash);
  });
});

describe('diffExpectations', () => {
  it('names expectations by id, else by request; same-key items compare as a group', () => {
    expect(expectationKey(health)).toBe('GET /health');
    expect(expectationKey({ specUrlOrPayload: 'https://x/openapi.json' })).toBe(
      'openapi https://x/openapi.json',
    );
    expect(
      diffExpectations(
        [users, orders, health],
        [
          { ...users, times: { remainingTimes: 1 } },
          health,
          { ...health, httpResponse: { statusCode: 204 } },
        ],
      ),
    ).toEqual({ added: [], removed: ['orders'], changed: ['users', 'GET /health'], unchanged: 0 });
    // Key order inside an item is not a change.
    expect(
      diffExpectations(
        [users],
        [{ httpResponse: users.httpResponse, httpRequest: users.httpRequest, id: 'users' }],
      ),
    ).toEqual({ added: [], removed: [], changed: [], unchanged: 1 });
  });
});
