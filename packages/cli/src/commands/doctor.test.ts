import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Harness, startHarness, TEST_ACCOUNT } from '../testing/harness';

const sts = mockClient(STSClient);

describe('automock doctor', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: {} });
    sts.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: 'arn:aws:iam::123456789012:user/alice' });
  });
  afterEach(() => h.stop());

  it('reports every check ok, one line each', async () => {
    const { stdout, error } = await h.run(['doctor']);
    expect(error).toBeUndefined();
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ok {4}node: v\d+\./);
    expect(lines[1]).toBe(`ok    terraform: 1.11.0 at ${h.tf!.path}`);
    expect(lines[2]).toBe(
      'ok    aws credentials test,other (us-east-1): arn:aws:iam::123456789012:user/alice in account 123456789012',
    );
    expect(lines[3]).toBe(`ok    state bucket test,other (us-east-1): ${h.names.bucket}`);
    expect(lines[4]).toBe(`ok    lock table test,other (us-east-1): ${h.names.lockTable}`);
    expect(lines[5]).toBe(`ok    registry test,other (us-east-1): ${h.names.registryTable}`);
    expect(lines).toHaveLength(6);
  });

  it('says what to do for an old terraform, another account, and exits non-zero', async () => {
    h.tf!.script({ version: '1.5.7' });
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/bob' });
    const { stdout, error } = await h.run(['doctor', '--env', 'test']);
    expect(stdout).toMatch(
      /^FAIL {2}terraform: Terraform 1\.5\.7 at .* is too old: AutoMock needs 1\.10\.0 or later/m,
    );
    expect(stdout).toMatch(/^ {6}fix: Install Terraform 1\.10 or later/m);
    expect(stdout).toMatch(
      /^FAIL {2}aws credentials test \(us-east-1\): arn:aws:iam::999999999999:user\/bob is in account 999999999999, the environment is in 123456789012$/m,
    );
    expect(stdout).toMatch(/fix: Use a profile for account 123456789012/);
    expect(error?.message).toBe('2 of 3 checks failed');
    expect(error?.oclif?.exit).toBe(1);
  });

  it('says how to create a missing backend', async () => {
    const { DeleteTableCommand } = await import('@aws-sdk/client-dynamodb');
    await h.dynamoClient.send(new DeleteTableCommand({ TableName: h.names.lockTable }));
    const { stdout } = await h.run(['doctor', '--json']);
    const checks = JSON.parse(stdout) as { check: string; ok: boolean; fix?: string }[];
    const lock = checks.find((c) => c.check.startsWith('lock table'))!;
    expect(lock).toMatchObject({
      ok: false,
      fix: 'Create it: automock bootstrap --region us-east-1',
    });
    expect(checks.filter((c) => !c.ok)).toHaveLength(1);
  });
});
