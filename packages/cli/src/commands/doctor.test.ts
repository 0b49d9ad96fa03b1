import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
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
    expect(lines[6]).toMatch(/^skip {2}github oidc subject acme\/mock-infra: not checked/);
    expect(lines).toHaveLength(7);
  });

  it('refuses an unknown --env (exit 2) rather than checking nothing for it', async () => {
    const { error } = await h.run(['doctor', '--env', 'nope']);
    expect(error?.message).toBe('env: got "nope", must be one of test, other');
    expect(error?.oclif?.exit).toBe(2);
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
    expect(error?.message).toBe('2 of 4 checks failed');
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

describe('automock doctor: the GitHub settings the CI roles rely on', () => {
  let h: Harness;
  let gh: FakeRepoSettings;
  beforeEach(async () => {
    h = await startHarness({ fake: {} });
    sts.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: 'arn:aws:iam::123456789012:user/alice' });
    gh = new FakeRepoSettings('token-1');
    process.env.GITHUB_API_URL = await gh.start();
  });
  afterEach(async () => {
    await h.stop();
    await gh.stop();
  });

  const githubLines = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => / {2}github /.test(l) || /^ {6}fix: (gh api|Settings)/.test(l));

  it('is skipped, not failed, without a token', async () => {
    const { stdout, error } = await h.run(['doctor']);
    expect(error).toBeUndefined();
    expect(githubLines(stdout)).toEqual([
      'skip  github oidc subject acme/mock-infra: not checked: set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository',
    ]);
    expect(gh.requests).toEqual([]);
  });

  it('passes when the subject is built from repo, context, ref and the protected environment has reviewers', async () => {
    process.env.GITHUB_TOKEN = 'token-1';
    gh.subject = { use_default: false, include_claim_keys: ['repo', 'context', 'ref'] };
    gh.environments.other = {
      name: 'other',
      protection_rules: [
        { id: 1, type: 'required_reviewers', reviewers: [{ type: 'Team', reviewer: { id: 9 } }] },
      ],
    };
    const { stdout, error } = await h.run(['doctor']);
    expect(error).toBeUndefined();
    expect(githubLines(stdout)).toEqual([
      'ok    github oidc subject acme/mock-infra: sub is built from repo, context, ref',
      'ok    github environment other reviewers: 1 required reviewer(s)',
    ]);
    expect(gh.requests).toEqual([
      'GET /repos/acme/mock-infra/actions/oidc/customization/sub Bearer token-1',
      'GET /repos/acme/mock-infra/environments/other Bearer token-1',
    ]);
  });

  it('fails on the default subject and a protected environment without reviewers, saying what to run', async () => {
    process.env.GH_TOKEN = 'token-1';
    gh.subject = { use_default: true };
    gh.environments.other = {
      name: 'other',
      protection_rules: [{ id: 2, type: 'wait_timer', wait_timer: 5 }],
    };
    const { stdout, error } = await h.run(['doctor', '--json']);
    const checks = JSON.parse(stdout) as {
      check: string;
      ok: boolean;
      detail: string;
      fix?: string;
    }[];
    const subject = checks.find((c) => c.check === 'github oidc subject acme/mock-infra')!;
    expect(subject).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/default subject \(no ref\)/),
      fix: "gh api -X PUT repos/acme/mock-infra/actions/oidc/customization/sub -F use_default=false -f 'include_claim_keys[]=repo' -f 'include_claim_keys[]=context' -f 'include_claim_keys[]=ref'",
    });
    expect(checks.find((c) => c.check === 'github environment other reviewers')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/has no required reviewers/),
    });
    expect(error).toBeUndefined();
    expect(process.exitCode).toBe(1);
  });

  it('names a wrong claim order, a missing environment and a rejected token', async () => {
    process.env.GITHUB_TOKEN = 'token-1';
    gh.subject = { use_default: false, include_claim_keys: ['repo', 'ref', 'context'] };
    let r = await h.run(['doctor']);
    expect(r.stdout).toMatch(
      /FAIL {2}github oidc subject acme\/mock-infra: include_claim_keys is \["repo","ref","context"\], not \["repo","context","ref"\]/,
    );
    expect(r.stdout).toMatch(
      /FAIL {2}github environment other reviewers: the GitHub environment other does not exist/,
    );
    expect(r.error?.message).toMatch(/2 of \d+ checks failed/);
    process.env.GITHUB_TOKEN = 'wrong';
    r = await h.run(['doctor']);
    expect(r.stdout).toMatch(
      /FAIL {2}github oidc subject acme\/mock-infra: HTTP 401: Bad credentials/,
    );
  });
});

/** GitHub's repository OIDC-subject and environment endpoints, on 127.0.0.1. */
class FakeRepoSettings {
  subject: unknown = { use_default: true };
  environments: Record<string, unknown> = {};
  readonly requests: string[] = [];
  private server?: Server;
  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return send(401, { message: 'Bad credentials' });
      if (req.url === '/repos/acme/mock-infra/actions/oidc/customization/sub')
        return send(200, this.subject);
      const env = /^\/repos\/acme\/mock-infra\/environments\/([^/]+)$/.exec(req.url ?? '');
      if (env && this.environments[decodeURIComponent(env[1]!)])
        return send(200, this.environments[decodeURIComponent(env[1]!)]);
      send(404, { message: 'Not Found' });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
