import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ListScheduleGroupsCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  ListConfigurationSetsCommand,
  ListEmailIdentitiesCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { Harness, startHarness, TEST_ACCOUNT } from '../testing/harness';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
// The sweep lists the workload schedule group by name on every run (schedules carry no tags).
const scheduler = mockClient(SchedulerClient);
const cloudwatch = mockClient(CloudWatchClient);
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
// The sweep lists SES identities and configuration sets on every run (their list calls take no
// tag filter); user pools and HTTP APIs only come from the Tagging API.
const ses = mockClient(SESv2Client);

const alarm = (project: string) =>
  `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT}:alarm:test-${project}-cpu-high`;
const tags = (project: string) => [
  { Key: 'automock:env', Value: 'test' },
  { Key: 'automock:project', Value: project },
];

describe('automock sweep --orphans', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: false });
    for (const m of [tagging, cloudwatch, sts, iam]) m.reset();
    scheduler.reset();
    scheduler.on(ListScheduleGroupsCommand).resolves({ ScheduleGroups: [] });
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ops/al` });
    ses.reset();
    ses.on(ListEmailIdentitiesCommand).resolves({ EmailIdentities: [] });
    ses.on(ListConfigurationSetsCommand).resolves({ ConfigurationSets: [] });
    iam.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
    // Every project's alarm, whatever the filter asks; the sweep re-checks the tags itself.
    tagging
      .on(GetResourcesCommand)
      .callsFake((input: { TagFilters: { Key: string; Values: string[] }[] }) => {
        const project = input.TagFilters.find((f) => f.Key === 'automock:project')?.Values[0];
        const all = ['ghost', 'alpha'].map((p) => ({ ResourceARN: alarm(p), Tags: tags(p) }));
        return {
          ResourceTagMappingList: project ? all.filter((m) => m.Tags[1]!.Value === project) : all,
        };
      });
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    await h.registry.register({ env: 'test', project: 'alpha', createdBy: 'alice', ttlHours: 4 });
  });
  afterEach(() => h.stop());

  it('dry run: lists the project the registry does not know, deletes nothing', async () => {
    const { stdout, error } = await h.run(['sweep', '--orphans', '--env', 'test']);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/ghost\s+not in the registry\s+unknown\s+1\s+~\$0\.00\/h/);
    expect(stdout).not.toMatch(/alpha/);
    expect(stdout).toMatch(/Dry run; remove them with: automock sweep --orphans --env test --yes/);
    expect(cloudwatch.commandCalls(DeleteAlarmsCommand)).toHaveLength(0);
  });

  it('--yes removes the orphan only', async () => {
    const { stdout, error } = await h.run([
      'sweep',
      '--orphans',
      '--env',
      'test',
      '--yes',
      '--json',
    ]);
    expect(error).toBeUndefined();
    const r = JSON.parse(stdout);
    expect(r.orphans.map((o: { project: string }) => o.project)).toEqual(['ghost']);
    expect(
      cloudwatch.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames),
    ).toEqual([['test-ghost-cpu-high']]);
  });

  it('refuses credentials of another account (exit 1), touching nothing', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/bob' });
    const { error } = await h.run(['sweep', '--orphans', '--env', 'test', '--yes']);
    expect(error?.message).toMatch(/AWS credentials are for account 999999999999/);
    expect(error?.oclif?.exit).toBe(1);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(0);
  });
});
