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
    expect(stdout).toMatch(/^test-demo: \$0\.\d+\/hour, \$\d+\.\d\d\/month$/m);
    expect(stdout).toMatch(
      /aws_ecs_service\.mock\s+Fargate vCPU\s+\$0\.0202\/h\s+2 tasks x 0\.25 vCPU x \$0\.04048\/vCPU-h/,
    );
    expect(stdout).toMatch(/Public IPv4 \(tasks\)\s+\$0\.0100\/h/);
    expect(stdout).toMatch(/^Total: .* for a 8 h session$/m);
    expect(stdout).toMatch(/^Prices: us-east-1 on-demand list prices as of \d{4}-\d\d-\d\d\.$/m);
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
