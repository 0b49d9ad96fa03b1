import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { planJson } from '../testing/fake-terraform';
import { Harness, startHarness, TEST_ACCOUNT, writeExpectations } from '../testing/harness';

const sts = mockClient(STSClient);

describe('automock cost', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: { planJson: planJson({}), outputs: {} } });
    sts.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: 'arn:aws:iam::123456789012:user/alice' });
  });
  afterEach(() => h.stop());

  it('prices a deployed project from the stack stored at deploy time, per resource and per session', async () => {
    const dep = await h.run([
      'deploy',
      '-e',
      'test',
      '-p',
      'demo',
      '--expectations',
      writeExpectations(h.root),
      '--min-tasks',
      '2',
      // What is priced is the stored stack; the mock is not waited for.
      '--no-wait',
    ]);
    expect(dep.error).toBeUndefined();
    const { stdout, error } = await h.run([
      'cost',
      '--env',
      'test',
      '--project',
      'demo',
      '--hours',
      '8',
    ]);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(
      /^test-demo \(us-east-1\): \$0\.\d+\/hour, \$\d+\.\d\d\/month at the minimum \(2 tasks\); \$[\d.]+\/hour, \$\d+(\.\d\d)?\/month at the maximum \(\d+ tasks\)$/m,
    );
    expect(stdout).toMatch(
      /aws_ecs_service\.mock\s+Fargate vCPU\s+\$0\.0202\/h\s+\$[\d.]+\/h\s+2 tasks x 0\.25 vCPU x \$0\.04048\/vCPU-h/,
    );
    expect(stdout).toMatch(/Public IPv4 \(tasks\)\s+\$0\.0100\/h/);
    expect(stdout).toMatch(/^Total at the minimum \(2 tasks\): .* for a 8 h session$/m);
    expect(stdout).toMatch(/^Total at the maximum \(\d+ tasks\): .* for a 8 h session$/m);
    expect(stdout).toMatch(
      /^Prices: us-east-1 on-demand list prices as of \d{4}-\d\d-\d\d, from https:\/\/aws\.amazon\.com\/fargate\/pricing\/ /m,
    );
  });

  it('prices another task range, and refuses a stored stack whose region has no price table', async () => {
    const dep = await h.run([
      'deploy',
      '-e',
      'test',
      '-p',
      'demo',
      '--expectations',
      writeExpectations(h.root),
      '--no-wait',
    ]);
    expect(dep.error).toBeUndefined();
    const load = JSON.parse(
      (
        await h.run([
          'cost',
          '--env',
          'test',
          '--project',
          'demo',
          '--min-tasks',
          '10',
          '--max-tasks',
          '200',
          '--json',
        ])
      ).stdout,
    );
    expect(load).toMatchObject({
      tasks: { min: 10, max: 200 },
      minimum: { tasks: 10 },
      maximum: { tasks: 200 },
      assumptions: { albLcuPerTaskHourAtMaximum: 1 },
      priceTables: [{ region: 'us-east-1', sources: { fargate: expect.stringMatching(/^https/) } }],
    });
    expect(load.maximum.hourly).toBeGreaterThan(load.minimum.hourly * 10);

    const bad = await h.run(['cost', '--env', 'test', '--min-tasks', '5', '--max-tasks', '2']);
    expect(bad.error?.message).toMatch(/--max-tasks: got 2, must be at least --min-tasks \(5\)/);
    expect(bad.error?.oclif?.exit).toBe(2);

    const d = (await h.registry.get('test', 'demo'))!;
    const stored = await h.s3Client.send(
      new GetObjectCommand({ Bucket: h.names.bucket, Key: d.stackObjectKey }),
    );
    const doc = JSON.parse(await stored.Body!.transformToString());
    // The stack's own provider region wins over its environment's.
    doc.provider = { aws: [{ region: 'ap-southeast-7' }] };
    await h.s3Client.send(
      new PutObjectCommand({
        Bucket: h.names.bucket,
        Key: d.stackObjectKey,
        Body: JSON.stringify(doc),
      }),
    );
    const { error } = await h.run(['cost', '--env', 'test', '--project', 'demo']);
    expect(error?.message).toMatch(
      /test-demo\.region: got "ap-southeast-7", no price table for region ap-southeast-7; known: us-east-1, us-west-2/,
    );
    expect(error?.oclif?.exit).toBe(2);
  });

  it('returns the report as JSON for an environment', async () => {
    const { stdout } = await h.run(['cost', '--env', 'test', '--json']);
    const r = JSON.parse(stdout);
    expect(r.stacks.map((s: { stack: string }) => s.stack)).toEqual([
      'bootstrap-us-east-1',
      'test',
    ]);
    expect(r).toMatchObject({ hours: 4, hourly: 0, hoursPerMonth: 730 });
  });

  it('prices a month, not 8 h, for an environment whose projects never expire (default TTL 0)', async () => {
    const json = JSON.parse((await h.run(['cost', '--env', 'other', '--json'])).stdout);
    expect(json).toMatchObject({ hours: 730, hoursFrom: 'no-ttl' });
    expect(json.session).toBeCloseTo(json.monthly, 6);
    const { stdout } = await h.run(['cost', '--env', 'other']);
    expect(stdout).toMatch(/for a 730 h session \(other's projects never expire: a month\)$/m);
    expect(JSON.parse((await h.run(['cost', '--env', 'test', '--json'])).stdout).hoursFrom).toBe(
      'ttl',
    );
  });

  it('rejects a project that is neither declared nor deployed', async () => {
    const { error } = await h.run(['cost', '--env', 'test', '--project', 'ghost']);
    expect(error?.message).toBe(
      'project: got "ghost", neither declared in the app nor deployed in test',
    );
    expect(error?.oclif?.exit).toBe(2);
  });
});
