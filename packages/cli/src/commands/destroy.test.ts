import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { projectStackObjectKey, projectStateKey } from '@automock/core';
import { ListScheduleGroupsCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  ListConfigurationSetsCommand,
  ListEmailIdentitiesCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJson } from '../testing/fake-terraform';
import { Harness, startHarness, TEST_ACCOUNT, withTerminal } from '../testing/harness';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
// The sweep lists the workload schedule group by name on every run (schedules carry no tags).
const scheduler = mockClient(SchedulerClient);
const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);
const cloudwatch = mockClient(CloudWatchClient);
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
// The sweep lists SES identities and configuration sets on every run (their list calls take no
// tag filter); user pools and HTTP APIs only come from the Tagging API.
const ses = mockClient(SESv2Client);
const STACK = JSON.stringify({
  terraform: { backend: { s3: { key: 'projects/test/alpha/terraform.tfstate' } } },
  resource: { terraform_data: { service: {} } },
});

describe('automock destroy', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      fake: { planJson: planJson({ 'terraform_data.service': ['delete'] }) },
    });
    tagging.reset();
    scheduler.reset();
    scheduler.on(ListScheduleGroupsCommand).resolves({ ScheduleGroups: [] });
    ec2.reset();
    logs.reset();
    cloudwatch.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({
      Account: TEST_ACCOUNT,
      Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/dev/alice`,
    });
    ses.reset();
    ses.on(ListEmailIdentitiesCommand).resolves({ EmailIdentities: [] });
    ses.on(ListConfigurationSetsCommand).resolves({ ConfigurationSets: [] });
    iam.reset();
    iam.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
    await h.registry.register({ env: 'test', project: 'alpha', createdBy: 'alice', ttlHours: 4 });
    await h.registry.transition('test', 'alpha', { from: ['deploying'], to: 'active' });
    await h.s3Client.send(
      new PutObjectCommand({
        Bucket: h.names.bucket,
        Key: projectStackObjectKey('test', 'alpha'),
        Body: STACK,
      }),
    );
    await h.s3Client.send(
      new PutObjectCommand({
        Bucket: h.names.bucket,
        Key: projectStateKey('test', 'alpha'),
        Body: '{"version":4}',
      }),
    );
  });
  afterEach(() => h.stop());

  const keys = async () =>
    ((await h.s3Client.send(new ListObjectsV2Command({ Bucket: h.names.bucket }))).Contents ?? [])
      .map((o) => o.Key!)
      .sort();

  it('with --yes: terraform destroy of the stored stack, state archived, registry destroyed', async () => {
    const { stdout, error } = await h.run([
      'destroy',
      '--env',
      'test',
      '--project',
      'alpha',
      '--yes',
    ]);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(
      /^Destroyed test\/alpha; state archived to s3:\/\/.*\/archive\/test\/alpha\/.*\/terraform\.tfstate$/m,
    );
    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'apply']);
    const [, plan, apply] = h.tf!.calls().filter((c) => c.argv[0] !== 'version');
    expect(plan!.argv).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-out=destroy.tfplan',
      '-destroy',
    ]);
    expect(apply!.argv.at(-1)).toBe('destroy.tfplan');
    expect(readFileSync(join(plan!.cwd, 'cdk.tf.json'), 'utf8')).toBe(STACK);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'cli',
    });
    const k = await keys();
    expect(k).not.toContain(projectStateKey('test', 'alpha'));
    expect(k.some((x) => x.startsWith('archive/test/alpha/'))).toBe(true);
  });

  it('without --yes and without a terminal, refuses and changes nothing', async () => {
    const { error } = await h.run(['destroy', '--env', 'test', '--project', 'alpha']);
    expect(error?.message).toBe('Refusing to destroy test/alpha without confirmation');
    expect(error?.oclif?.exit).toBe(3);
    expect((await h.registry.get('test', 'alpha'))!.status).toBe('active');
    expect(h.tf!.subcommands()).toEqual([]);
  });

  it('on a terminal destroys only when the project name is typed', async () => {
    const wrong = await withTerminal(['y'], () => h.run(['destroy', '-e', 'test', '-p', 'alpha']));
    expect(wrong.error?.message).toBe('Not confirmed; nothing was destroyed.');
    expect((await h.registry.get('test', 'alpha'))!.status).toBe('active');
    const right = await withTerminal(['alpha'], () =>
      h.run(['destroy', '-e', 'test', '-p', 'alpha']),
    );
    expect(right.error).toBeUndefined();
    expect(right.stderr).toMatch(/Type the project name to confirm/);
    expect((await h.registry.get('test', 'alpha'))!.status).toBe('destroyed');
  });

  it('marks the project failed with the reason when terraform destroy fails', async () => {
    h.tf!.script({
      steps: { apply: { exitCode: 1, stderr: 'Error: deleting ALB: ResourceInUse\n' } },
    });
    const { error } = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--yes']);
    expect(error?.message).toMatch(
      /terraform apply failed for test-alpha: deleting ALB: ResourceInUse/,
    );
    const d = await h.registry.get('test', 'alpha');
    expect(d!.status).toBe('failed');
    expect(d!.failureReason).toMatch(/^destroy failed: .*ResourceInUse/);
    expect(await keys()).toContain(projectStateKey('test', 'alpha'));
  });

  it('--sweep deletes by tags through ttl-cleanup and records the method', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    ec2.onAnyCommand().resolves({});
    const { error } = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--sweep', '--yes']);
    expect(error).toBeUndefined();
    const filters = tagging.commandCalls(GetResourcesCommand)[0]!.args[0].input.TagFilters;
    expect(filters).toEqual(
      expect.arrayContaining([
        { Key: 'automock:env', Values: ['test'] },
        { Key: 'automock:project', Values: ['alpha'] },
      ]),
    );
    expect(h.tf!.subcommands()).toEqual([]);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'sweep',
    });
  });

  it('--sweep that cannot finish records its progress; the next --sweep resumes without deleting twice', async () => {
    const tags = [
      { Key: 'automock:env', Value: 'test' },
      { Key: 'automock:project', Value: 'alpha' },
    ];
    const logGroup = 'arn:aws:logs:us-east-1:123456789012:log-group:/automock/test/alpha';
    const alarm = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:test-alpha-cpu-high';
    tagging.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: logGroup, Tags: tags },
        { ResourceARN: alarm, Tags: tags },
      ],
    });
    logs.on(DeleteLogGroupCommand).resolves({});
    cloudwatch
      .on(DeleteAlarmsCommand)
      .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }))
      .resolves({});

    const first = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--sweep', '--yes']);
    expect(first.error?.message).toMatch(/Sweep of test\/alpha is incomplete: 1 deleted, 1 failed/);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'destroying',
      teardown: {
        method: 'sweep',
        deleted: [logGroup],
        runs: 1,
        lastError: `${alarm}: AccessDenied: not authorized`,
      },
    });

    const second = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--sweep', '--yes']);
    expect(second.error).toBeUndefined();
    expect(logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(1);
    expect(cloudwatch.commandCalls(DeleteAlarmsCommand)).toHaveLength(2);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'sweep',
      teardown: { deleted: [logGroup, alarm] },
    });
    expect(await keys()).not.toContain(projectStateKey('test', 'alpha'));
  });

  it('refuses a project that is being deployed or is already destroyed', async () => {
    await h.registry.register({ env: 'test', project: 'beta', createdBy: 'bob', ttlHours: 1 });
    const busy = await h.run(['destroy', '-e', 'test', '-p', 'beta', '--yes']);
    expect(busy.error?.message).toMatch(/test\/beta is deploying .*wait for the deploy to end/);
    await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--yes']);
    const gone = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--yes']);
    expect(gone.error?.message).toMatch(/^test\/alpha is already destroyed/);
  });

  it('refuses credentials of another account: nothing swept, nothing recorded, state kept', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/bob' });
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    const before = await h.registry.get('test', 'alpha');
    const { error } = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--sweep', '--yes']);
    expect(error?.message).toMatch(
      /AWS credentials are for account 999999999999 .* environment test is in account 123456789012/,
    );
    expect(error?.oclif?.exit).toBe(1);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(0);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'active',
      version: before!.version,
    });
    expect(await keys()).toContain(projectStateKey('test', 'alpha'));
  });

  it("--sweep removes the project's IAM roles with their inline policies", async () => {
    const role = 'automock-test-alpha-mockserver-task';
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    iam.on(ListRolesCommand).resolves({
      Roles: [
        { RoleName: role, Arn: `arn:aws:iam::${TEST_ACCOUNT}:role/${role}` } as never,
        {
          RoleName: 'automock-test-beta-mockserver-task',
          Arn: `arn:aws:iam::${TEST_ACCOUNT}:role/automock-test-beta-mockserver-task`,
        } as never,
      ],
      IsTruncated: false,
    });
    iam.on(ListRoleTagsCommand, { RoleName: role }).resolves({
      Tags: [
        { Key: 'automock:env', Value: 'test' },
        { Key: 'automock:project', Value: 'alpha' },
      ],
    });
    iam.on(ListRoleTagsCommand, { RoleName: 'automock-test-beta-mockserver-task' }).resolves({
      Tags: [
        { Key: 'automock:env', Value: 'test' },
        { Key: 'automock:project', Value: 'beta' },
      ],
    });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['task'] });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [] });
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});
    const { error } = await h.run(['destroy', '-e', 'test', '-p', 'alpha', '--sweep', '--yes']);
    expect(error).toBeUndefined();
    expect(iam.commandCalls(DeleteRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: role, PolicyName: 'task' },
    ]);
    expect(iam.commandCalls(DeleteRoleCommand).map((c) => c.args[0].input.RoleName)).toEqual([
      role,
    ]);
    expect(await h.registry.get('test', 'alpha')).toMatchObject({
      status: 'destroyed',
      teardown: { deleted: [`arn:aws:iam::${TEST_ACCOUNT}:role/${role}`] },
    });
  });

  it('--sweep that finds nothing of a deployed project says so, and --confirm-empty finishes it', async () => {
    await h.registry.register({ env: 'test', project: 'gamma', createdBy: 'alice', ttlHours: 4 });
    await h.registry.transition('test', 'gamma', {
      from: ['deploying'],
      to: 'active',
      fields: { outputs: { mockserver_url: 'http://gamma.example' } },
    });
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    const first = await h.run(['destroy', '-e', 'test', '-p', 'gamma', '--sweep', '--yes']);
    expect(first.error?.message).toMatch(
      /Sweep of test\/gamma found nothing: the sweep found nothing tagged .* in account 123456789012/,
    );
    expect((await h.registry.get('test', 'gamma'))?.status).toBe('destroying');

    const second = await h.run([
      'destroy',
      '-e',
      'test',
      '-p',
      'gamma',
      '--sweep',
      '--confirm-empty',
      '--yes',
    ]);
    expect(second.error).toBeUndefined();
    expect((await h.registry.get('test', 'gamma'))?.status).toBe('destroyed');
  });
});
