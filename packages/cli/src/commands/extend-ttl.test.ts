import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { resourceName } from '@automock/core';
import { mockClient } from 'aws-sdk-client-mock';
import { Harness, startHarness, TEST_ACCOUNT } from '../testing/harness';

const sts = mockClient(STSClient);

const CONFIG_BUCKET = resourceName('s3Bucket', {
  prefix: 'automock',
  env: 'test',
  project: 'alpha',
  kind: 'config-123456789012',
});

describe('automock extend-ttl', () => {
  let h: Harness;
  let expiresAt: string;
  beforeEach(async () => {
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/dev/alice`,
    });
    h = await startHarness({ fake: false, extraBuckets: [CONFIG_BUCKET] });
    const d = await h.registry.register({
      env: 'test',
      project: 'alpha',
      createdBy: 'alice',
      ttlHours: 4,
    });
    await h.registry.transition('test', 'alpha', { from: ['deploying'], to: 'active' });
    expiresAt = d.expiresAt;
    await h.s3Client.send(
      new PutObjectCommand({
        Bucket: CONFIG_BUCKET,
        Key: 'project-metadata.json',
        Body: JSON.stringify({
          format: 1,
          project: 'alpha',
          env: 'test',
          ttlHours: 4,
          expiresAt,
          version: 'abc',
        }),
      }),
    );
  });
  afterEach(() => h.stop());

  const metadata = async () =>
    JSON.parse(
      await (
        await h.s3Client.send(
          new GetObjectCommand({ Bucket: CONFIG_BUCKET, Key: 'project-metadata.json' }),
        )
      ).Body!.transformToString(),
    );

  it('extends the expiry in the registry and in project-metadata.json', async () => {
    const { stdout, error } = await h.run([
      'extend-ttl',
      '--env',
      'test',
      '--project',
      'alpha',
      '--hours',
      '3',
    ]);
    expect(error).toBeUndefined();
    const want = new Date(Date.parse(expiresAt) + 3 * 3_600_000).toISOString();
    expect(stdout).toBe(
      `test/alpha now expires ${want.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}\n`,
    );
    const d = await h.registry.get('test', 'alpha');
    expect(d).toMatchObject({ status: 'active', expiresAt: want, ttlHours: 7 });
    expect(await metadata()).toEqual({
      format: 1,
      project: 'alpha',
      env: 'test',
      ttlHours: 7,
      expiresAt: want,
      version: 'abc',
    });
  });

  it('removes the expiry with --hours 0 (JSON)', async () => {
    const { stdout } = await h.run([
      'extend-ttl',
      '--env',
      'test',
      '--project',
      'alpha',
      '--hours',
      '0',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({
      expiresAt: '9999-12-31T23:59:59.999Z',
      ttlHours: 0,
      metadataUpdated: true,
    });
    expect((await metadata()).expiresAt).toBeNull();
  });

  it('refuses a project whose teardown has begun', async () => {
    await h.registry.transition('test', 'alpha', { from: ['active'], to: 'expiring' });
    const { error } = await h.run([
      'extend-ttl',
      '--env',
      'test',
      '--project',
      'alpha',
      '--hours',
      '3',
    ]);
    expect(error?.message).toBe('test/alpha is expiring: cannot extend it, its teardown has begun');
    expect(error?.oclif?.exit).toBe(1);
    expect((await metadata()).ttlHours).toBe(4);
  });

  it('refuses a project that is gone, and one that never existed', async () => {
    await h.registry.transition('test', 'alpha', { from: ['active'], to: 'destroying' });
    await h.registry.transition('test', 'alpha', { from: ['destroying'], to: 'destroyed' });
    expect(
      (await h.run(['extend-ttl', '-e', 'test', '-p', 'alpha', '--hours', '1'])).error?.message,
    ).toMatch(/is destroyed: cannot extend it, it is gone/);
    const unknown = await h.run(['extend-ttl', '-e', 'test', '-p', 'nope', '--hours', '1']);
    expect(unknown.error?.message).toMatch(/^project: got "nope", no deployment of it in test/);
    expect(unknown.error?.oclif?.exit).toBe(2);
  });

  it('rejects an extension beyond the 30-day limit, naming the field and the room left', async () => {
    const { error } = await h.run(['extend-ttl', '-e', 'test', '-p', 'alpha', '--hours', '719']);
    expect(error?.message).toMatch(/hours: got 719, must keep the expiry within 720 h of now/);
    expect(error?.oclif?.exit).toBe(2);
  });

  it('still extends when the config bucket has no metadata yet, and says so', async () => {
    await h.s3Client.send(
      new (await import('@aws-sdk/client-s3')).DeleteObjectCommand({
        Bucket: CONFIG_BUCKET,
        Key: 'project-metadata.json',
      }),
    );
    const { stderr, error } = await h.run([
      'extend-ttl',
      '-e',
      'test',
      '-p',
      'alpha',
      '--hours',
      '1',
    ]);
    expect(error).toBeUndefined();
    expect(stderr.replace(/\s*›\s*/g, ' ')).toMatch(
      /project-metadata\.json not refreshed: could not read s3:\/\/\S+ NoSuchKey/,
    );
    expect((await h.registry.get('test', 'alpha'))!.ttlHours).toBe(5);
  });

  it('refuses credentials of another account before writing anything', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/bob' });
    const before = await h.registry.get('test', 'alpha');
    const { error } = await h.run(['extend-ttl', '-e', 'test', '-p', 'alpha', '--hours', '2']);
    expect(error?.message).toMatch(
      /AWS credentials are for account 999999999999 .* environment test is in account 123456789012/,
    );
    expect(error?.oclif?.exit).toBe(1);
    expect((await h.registry.get('test', 'alpha'))?.version).toBe(before?.version);
  });
});
