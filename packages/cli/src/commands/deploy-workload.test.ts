import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ListScheduleGroupsCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  ListConfigurationSetsCommand,
  ListEmailIdentitiesCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { projectStackObjectKey, TAG_ENV, TAG_PROJECT, workloadStateKey } from '@automock/core';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJson } from '../testing/fake-terraform';
import { Harness, startHarness, TEST_ACCOUNT } from '../testing/harness';

const sts = mockClient(STSClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const scheduler = mockClient(SchedulerClient);
const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);
const iam = mockClient(IAMClient);
// The sweep lists SES identities and configuration sets on every run (their list calls take no
// tag filter); user pools and HTTP APIs only come from the Tagging API.
const ses = mockClient(SESv2Client);

// Declared for the test environment: a table, a queue and a bucket (no services, so no image or
// ALB rules to think about).
const LEDGER = `name: ledger
environments: [test]
tables:
  - name: entries
    partitionKey: { name: pk, type: S }
queues:
  - name: jobs
buckets:
  - name: exports
`;
// Declared for the test environment too, with a service on the shared ALB.
const SHOP = `name: shop
environments: [test]
suppressions:
  - id: AM-ECS-5
    reason: The test image runs as its own user; only the routing matters here.
services:
  - name: api
    image: public.ecr.aws/nginx/nginx:1.27
    port: 8080
    routing: { kind: shared, paths: ['/shop/*'] }
`;
const OUTPUTS = { queue_jobs_url: { value: 'https://sqs.us-east-1.amazonaws.com/123/jobs' } };

describe('automock deploy --workload (an ephemeral preview)', () => {
  let h: Harness;
  let workloads: string;
  beforeEach(async () => {
    h = await startHarness({
      fake: { planJson: planJson({ 'aws_dynamodb_table.x': ['create'] }), outputs: OUTPUTS },
    });
    workloads = join(h.root, 'workloads');
    mkdirSync(workloads);
    writeFileSync(join(workloads, 'ledger.yaml'), LEDGER);
    writeFileSync(join(workloads, 'shop.yaml'), SHOP);
    // The harness restores both when it stops.
    process.env.AUTOMOCK_APP_MODULE = join(__dirname, '../testing/workload-app.ts');
    process.env.AUTOMOCK_TEST_WORKLOADS_DIR = workloads;
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/dev/alice`,
    });
    tagging.reset();
    scheduler.reset();
    scheduler.on(ListScheduleGroupsCommand).resolves({ ScheduleGroups: [] });
    ec2.reset();
    logs.reset();
    iam.reset();
    iam.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
    ses.reset();
    ses.on(ListEmailIdentitiesCommand).resolves({ EmailIdentities: [] });
    ses.on(ListConfigurationSetsCommand).resolves({ ConfigurationSets: [] });
  });
  afterEach(async () => {
    delete process.env.AUTOMOCK_TEST_WORKLOADS_DIR;
    await h.stop();
  });

  const nothingWritten = async () => {
    expect(await h.registry.listAll()).toEqual([]);
    const objects = await h.s3Client.send(new ListObjectsV2Command({ Bucket: h.names.bucket }));
    expect(objects.Contents ?? []).toEqual([]);
    expect(existsSync(join(h.root, '.automock', 'synth'))).toBe(false);
    expect(h.tf!.subcommands()).toEqual([]);
  };

  it('deploys <workload>-<name> as an ephemeral workload stack of its own, recorded as kind workload with its TTL', async () => {
    const { stdout, error } = await h.run([
      'deploy',
      '--env',
      'test',
      '--workload',
      'ledger',
      '--name',
      'pr-7',
      '--ttl-hours',
      '6',
    ]);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^Deployed test\/ledger-pr-7, a preview of workload ledger$/m);
    expect(stdout).toMatch(/Expires:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(TTL 6 h\)/);
    expect(stdout).toMatch(/automock destroy --env test --project ledger-pr-7/);
    expect(await h.registry.get('test', 'ledger-pr-7')).toMatchObject({
      kind: 'workload',
      workload: 'ledger',
      status: 'active',
      ttlHours: 6,
      createdBy: 'alice',
      outputs: { queue_jobs_url: OUTPUTS.queue_jobs_url.value },
      stackObjectKey: projectStackObjectKey('test', 'ledger-pr-7'),
    });
    // The declared workload is not registered: only the preview is.
    expect(await h.registry.get('test', 'ledger')).toBeUndefined();

    const stored = await h.s3Client.send(
      new GetObjectCommand({
        Bucket: h.names.bucket,
        Key: projectStackObjectKey('test', 'ledger-pr-7'),
      }),
    );
    const json = JSON.parse(await stored.Body!.transformToString());
    expect(json.terraform.backend.s3.key).toBe(workloadStateKey('test', 'ledger-pr-7'));
    expect(json.provider.aws[0].default_tags[0].tags).toMatchObject({
      [TAG_ENV]: 'test',
      [TAG_PROJECT]: 'ledger-pr-7',
    });
    const table = Object.values(json.resource.aws_dynamodb_table)[0] as Record<string, unknown>;
    expect(table).toMatchObject({
      name: expect.stringContaining('test-ledger-pr-7'),
      deletion_protection_enabled: false,
    });
    const bucket = Object.values(json.resource.aws_s3_bucket)[0] as Record<string, unknown>;
    expect(bucket.force_destroy).toBe(true);

    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'apply', 'output']);
    const workdir = join(h.root, '.automock', 'work', 'test-ledger-pr-7');
    for (const c of h.tf!.calls().filter((c) => c.argv[0] !== 'version'))
      expect(c.cwd).toBe(workdir);

    const listed = await h.run(['list', '--env', 'test']);
    expect(listed.stdout).toMatch(/ledger-pr-7\s+workload ledger\s+active/);
    const json2 = JSON.parse((await h.run(['list', '--env', 'test', '--json'])).stdout);
    expect(json2[0]).toMatchObject({
      project: 'ledger-pr-7',
      kind: 'workload',
      workload: 'ledger',
    });
  });

  it('deploys a preview of a workload file, named preview by default, with the environment’s TTL', async () => {
    const file = join(h.root, 'notes.yaml');
    writeFileSync(file, LEDGER.replace('name: ledger', 'name: notes'));
    const { error } = await h.run(['deploy', '--env', 'test', '--workload', file, '--json']);
    expect(error).toBeUndefined();
    expect(await h.registry.get('test', 'notes-preview')).toMatchObject({
      kind: 'workload',
      workload: 'notes',
      ttlHours: 4,
    });
  });

  it.each([
    [
      ['--ttl-hours', '100'],
      /ttlHours: got 100, must be from 1 to 48: environment test sets maxTtlHours 48/,
    ],
    [['--ttl-hours', '0'], /ttlHours: got 0, must be from 1 to 48/],
    [['--name', 'PR_7'], /name: got "PR_7", must be 1-24 characters of lowercase letters/],
    [['--name', 'x'.repeat(25)], /name: got "x{25}", must be 1-24 characters/],
  ])(
    'refuses %j with exit 2 naming the field, value and rule; nothing written',
    async (extra, msg) => {
      const { error } = await h.run(['deploy', '--env', 'test', '--workload', 'ledger', ...extra]);
      expect(error?.message).toMatch(msg);
      expect(error?.oclif?.exit).toBe(2);
      await nothingWritten();
    },
  );

  it('refuses an unknown workload, a missing file and an invalid definition with exit 2; nothing written', async () => {
    const unknown = await h.run(['deploy', '--env', 'test', '--workload', 'ledgr']);
    expect(unknown.error?.message).toMatch(
      /workload: got "ledgr", not a declared workload \(declared: ledger, shop\) nor a YAML file/,
    );
    expect(unknown.error?.oclif?.exit).toBe(2);

    const missing = await h.run(['deploy', '--env', 'test', '--workload', 'nope.yaml']);
    expect(missing.error?.message).toMatch(
      /workload: got "nope.yaml", must be a declared workload or a readable YAML file \(ENOENT\)/,
    );
    expect(missing.error?.oclif?.exit).toBe(2);

    const file = join(h.root, 'bad.yaml');
    writeFileSync(file, LEDGER.replace('name: ledger', 'name: bad').replace('type: S', 'type: Q'));
    const bad = await h.run(['deploy', '--env', 'test', '--workload', file]);
    expect(bad.error?.message).toMatch(
      /workload\[test\/bad-preview\]\.tables\[0\]\.partitionKey\.type: got "Q", must be one of .*bad\.yaml:5\)/,
    );
    expect(bad.error?.oclif?.exit).toBe(2);

    const mixed = await h.run([
      'deploy',
      '--env',
      'test',
      '--workload',
      'ledger',
      '--size',
      'small',
    ]);
    expect(mixed.error?.oclif?.exit).toBe(2);
    await nothingWritten();
  });

  it('refuses a preview whose name another declared workload holds; nothing written', async () => {
    writeFileSync(
      join(workloads, 'ledger-preview.yaml'),
      LEDGER.replace('name: ledger', 'name: ledger-preview'),
    );
    const { error } = await h.run(['deploy', '--env', 'test', '--workload', 'ledger']);
    expect(error?.message).toMatch(
      /workload\[\*\/ledger-preview\]\.name: got "ledger-preview", must be unique/,
    );
    expect(error?.oclif?.exit).toBe(2);
    await nothingWritten();
  });

  it('refuses shared-ALB services where the workload answers the same paths; nothing written', async () => {
    const { error } = await h.run(['deploy', '--env', 'test', '--workload', 'shop']);
    expect(error?.message).toMatch(
      /workload\[test\/shop-preview\]\.services\[0\]\.routing: got .*"\/shop\/\*".*, must not be shared while shop answers the same hosts and paths on test's ALB/,
    );
    expect(error?.oclif?.exit).toBe(2);
    expect(await h.registry.listAll()).toEqual([]);
    expect(h.tf!.subcommands()).toEqual([]);
  });

  it('refuses to replace a live preview, naming how to extend or destroy it', async () => {
    expect(
      (await h.run(['deploy', '--env', 'test', '--workload', 'ledger'])).error,
    ).toBeUndefined();
    const { error } = await h.run(['deploy', '--env', 'test', '--workload', 'ledger']);
    expect(error?.message).toMatch(
      /test\/ledger-preview is already active .*deploy refuses to replace a running preview/,
    );
    expect(error?.oclif?.exit).toBe(1);
  });

  describe('once deployed', () => {
    beforeEach(async () => {
      const { error } = await h.run([
        'deploy',
        '--env',
        'test',
        '--workload',
        'ledger',
        '--name',
        'pr-7',
      ]);
      expect(error).toBeUndefined();
    });

    it('extend-ttl extends it within the environment’s maximum, without a config bucket to mirror', async () => {
      const before = (await h.registry.get('test', 'ledger-pr-7'))!;
      const { stdout, stderr, error } = await h.run([
        'extend-ttl',
        '--env',
        'test',
        '--project',
        'ledger-pr-7',
        '--hours',
        '4',
      ]);
      expect(error).toBeUndefined();
      expect(stdout).toMatch(/^test\/ledger-pr-7 now expires /);
      expect(stderr).not.toMatch(/project-metadata/);
      const after = (await h.registry.get('test', 'ledger-pr-7'))!;
      expect(Date.parse(after.expiresAt) - Date.parse(before.expiresAt)).toBe(4 * 3_600_000);

      const tooFar = await h.run([
        'extend-ttl',
        '--env',
        'test',
        '--project',
        'ledger-pr-7',
        '--hours',
        '48',
      ]);
      expect(tooFar.error?.message).toMatch(
        /hours: got 48, must keep the expiry within 48 h of now/,
      );
      expect(tooFar.error?.oclif?.exit).toBe(2);
    });

    it('destroy runs terraform destroy of its stack, sweeps what carries its tags, archives its workload state', async () => {
      await h.s3Client.send(
        new PutObjectCommand({
          Bucket: h.names.bucket,
          Key: workloadStateKey('test', 'ledger-pr-7'),
          Body: '{"version":4}',
        }),
      );
      // A log group terraform did not manage, still carrying the preview's tags.
      const leftover = 'arn:aws:logs:us-east-1:123456789012:log-group:/automock/test/ledger-pr-7/x';
      tagging.on(GetResourcesCommand).resolves({
        ResourceTagMappingList: [
          {
            ResourceARN: leftover,
            Tags: [
              { Key: TAG_ENV, Value: 'test' },
              { Key: TAG_PROJECT, Value: 'ledger-pr-7' },
            ],
          },
          {
            // Another preview's: never touched.
            ResourceARN: 'arn:aws:logs:us-east-1:123456789012:log-group:/automock/test/ledger-pr-8',
            Tags: [
              { Key: TAG_ENV, Value: 'test' },
              { Key: TAG_PROJECT, Value: 'ledger-pr-8' },
            ],
          },
        ],
      });
      logs.on(DeleteLogGroupCommand).resolves({});
      const calls = h.tf!.calls().length;
      const { stdout, error } = await h.run([
        'destroy',
        '--env',
        'test',
        '--project',
        'ledger-pr-7',
        '--yes',
      ]);
      expect(error).toBeUndefined();
      expect(
        h
          .tf!.calls()
          .slice(calls)
          .map((c) => c.argv[0])
          .filter((c) => c !== 'version'),
      ).toEqual(['init', 'plan', 'apply']);
      expect(logs.commandCalls(DeleteLogGroupCommand).map((c) => c.args[0].input)).toEqual([
        { logGroupName: '/automock/test/ledger-pr-7/x' },
      ]);
      expect(stdout).toMatch(
        /^Destroyed test\/ledger-pr-7; state archived to s3:\/\/.*\/archive\/test\/ledger-pr-7\/.*\/terraform\.tfstate$/m,
      );
      expect(await h.registry.get('test', 'ledger-pr-7')).toMatchObject({
        kind: 'workload',
        status: 'destroyed',
        destroyMethod: 'cli',
      });
      const keys = (
        (await h.s3Client.send(new ListObjectsV2Command({ Bucket: h.names.bucket }))).Contents ?? []
      ).map((o) => o.Key!);
      expect(keys).not.toContain(workloadStateKey('test', 'ledger-pr-7'));
      expect(keys.some((k) => k.startsWith('archive/test/ledger-pr-7/'))).toBe(true);
    });
  });
});
