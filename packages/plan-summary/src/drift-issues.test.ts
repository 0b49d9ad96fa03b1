import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { driftMarker } from './drift';
import { driftReportMain } from './drift-cli';
import { syncIssue } from './github';
import { FakeGitHub } from './testing/fake-github';

const TOKEN = 'ghs_drift_token';
const FIXTURES = path.join(__dirname, '..', 'fixtures');
let gh: FakeGitHub;
let apiUrl: string;

beforeEach(async () => {
  gh = new FakeGitHub(TOKEN, 2);
  apiUrl = await gh.start();
});
afterEach(() => gh.stop());

const sync = (open: boolean, body: string, extra: { keepOpen?: boolean; env?: string } = {}) =>
  syncIssue({
    token: TOKEN,
    apiUrl,
    repo: 'acme/infra',
    marker: driftMarker(extra.env ?? 'dev'),
    open,
    keepOpen: extra.keepOpen,
    title: `Drift in ${extra.env ?? 'dev'}: 1 resource changed outside Terraform`,
    body,
  });

describe('syncIssue against a fake GitHub API', () => {
  test('drift opens one issue, the next check updates it in place, the end of drift closes it', async () => {
    const first = await sync(true, 'b changed');
    expect(first).toMatchObject({ action: 'created', number: 1 });
    expect(gh.issues[0]).toMatchObject({
      title: 'Drift in dev: 1 resource changed outside Terraform',
      body: `${driftMarker('dev')}\nb changed`,
      state: 'open',
    });
    expect((await sync(true, 'b changed')).action).toBe('unchanged');
    expect(await sync(true, 'b and c changed')).toMatchObject({ action: 'updated', number: 1 });
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.body).toContain('b and c changed');
    expect(await sync(false, 'no drift')).toMatchObject({ action: 'closed', number: 1 });
    expect(gh.issues[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(gh.issues[0]!.body).toContain('no drift');
    // nothing open and nothing to report: no call that writes
    expect((await sync(false, 'still none')).action).toBe('none');
    // drift again: a new issue, the closed one keeps its history
    expect(await sync(true, 'c changed')).toMatchObject({ action: 'created', number: 2 });
    expect(gh.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual([
      'POST',
      'PATCH',
      'PATCH',
      'POST',
    ]);
  });

  test('checks that failed keep an open issue open (updated), and never open one', async () => {
    expect((await sync(false, 'could not check', { keepOpen: true })).action).toBe('none');
    expect(gh.issues).toHaveLength(0);
    await sync(true, 'b changed');
    expect(await sync(false, 'could not check', { keepOpen: true })).toMatchObject({
      action: 'updated',
    });
    expect(gh.issues[0]).toMatchObject({
      state: 'open',
      body: expect.stringContaining('could not'),
    });
  });

  test('finds its issue on a later page; other environments, pull requests and people’s issues are never touched', async () => {
    gh.addIssue('Bug', 'the dashboard is slow', { user: 'alice' });
    gh.addIssue('Quoting', `why does ${driftMarker('dev')} appear?`, { user: 'bob' });
    gh.addIssue('PR', `${driftMarker('dev')}\nbot PR`, { pullRequest: true });
    gh.addIssue(
      'Drift in prod: 3 resources changed outside Terraform',
      `${driftMarker('prod')}\nx`,
    );
    const mine = gh.addIssue(
      'Drift in dev: 2 resources changed outside Terraform',
      `${driftMarker('dev')}\nold`,
    );
    gh.addIssue('Old drift', `${driftMarker('dev')}\nlong ago`, { state: 'closed' });
    const before = gh.issues.map((i) => ({ ...i }));
    expect(await sync(true, 'new')).toMatchObject({ action: 'updated', number: mine.number });
    for (const i of gh.issues) {
      if (i.number === mine.number) expect(i.body).toBe(`${driftMarker('dev')}\nnew`);
      else expect(i).toEqual(before.find((b) => b.number === i.number));
    }
    // only open issues were listed, page after page (two per page here)
    const lists = gh.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(lists[0]).toBe(
      '/api/v3/repos/acme/infra/issues?state=open&sort=created&direction=asc&per_page=100',
    );
    expect(lists).toHaveLength(3);
  });

  test('bad input names the field; API errors surface with the status', async () => {
    await expect(
      syncIssue({
        token: '',
        apiUrl,
        repo: 'acme/infra',
        marker: 'm',
        open: true,
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow(/syncIssue: token: got an empty value/);
    await expect(
      syncIssue({
        token: TOKEN,
        apiUrl,
        repo: 'acme',
        marker: 'm',
        open: true,
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow('syncIssue: repo: got "acme", must be "owner/name"');
    await expect(
      syncIssue({
        token: 'wrong',
        apiUrl,
        repo: 'acme/infra',
        marker: 'm',
        open: true,
        title: 't',
        body: 'b',
      }),
    ).rejects.toThrow(/HTTP 401 .*Bad credentials/);
  });
});

describe('automock-drift-report', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) };

  /** The drift jobs' artifacts: dev drifted, dev-petstore and prod clean, staging failed. */
  function results(): void {
    const put = (batch: string, stack: string, files: Record<string, string>) => {
      mkdirSync(path.join(dir, 'results', `drift-result-${batch}`), { recursive: true });
      for (const [suffix, content] of Object.entries(files))
        writeFileSync(
          path.join(dir, 'results', `drift-result-${batch}`, `${stack}${suffix}`),
          content,
        );
    };
    const fx = (f: string) => readFileSync(path.join(FIXTURES, f), 'utf8');
    put('b001', 'dev', {
      '.status': '2',
      '.json': fx('drift.plan.json'),
      '.txt': fx('drift.plan.txt'),
    });
    put('b001', 'dev-petstore', {
      '.status': '0',
      '.json': fx('no-drift.plan.json'),
      '.txt': 'No changes.',
    });
    put('b002', 'prod', {
      '.status': '0',
      '.json': fx('no-drift.plan.json'),
      '.txt': 'No changes.',
    });
    put('b003', 'staging', { '.status': '1', '.txt': 'Error: AccessDenied: not authorized' });
    writeFileSync(
      path.join(dir, 'stacks.json'),
      JSON.stringify([
        { stack: 'dev', kind: 'environment', environment: 'dev', batch: 'b001' },
        { stack: 'dev-petstore', kind: 'project', environment: 'dev', batch: 'b001' },
        { stack: 'prod', kind: 'environment', environment: 'prod', batch: 'b002' },
        { stack: 'staging', kind: 'environment', environment: 'staging', batch: 'b003' },
        { stack: 'qa', kind: 'environment', environment: 'qa', batch: 'b004' },
      ]),
    );
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-report-'));
    results();
    env = {
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '77',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    };
    out.length = 0;
    err.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const args = () => [
    '--dir',
    path.join(dir, 'results'),
    '--stacks',
    path.join(dir, 'stacks.json'),
  ];

  test('one issue per drifted environment, a stale one closed, failed checks named; the summary has every environment', async () => {
    const stale = gh.addIssue(
      'Drift in prod: 1 resource changed outside Terraform',
      `${driftMarker('prod')}\nold`,
    );
    const code = await driftReportMain(args(), env, io);
    // staging could not be checked, qa's job never reported: both fail the run
    expect(code).toBe(1);
    const e = err.join('');
    expect(e).toContain(
      '::error title=drift check failed::stack staging: terraform exited with status "1"',
    );
    expect(e).toContain(
      '::error title=drift check failed::stack qa: no plan results were uploaded',
    );
    expect(e).toContain(
      '::warning title=drift in dev::2 resource(s) in dev changed outside Terraform (issue #2 created)',
    );
    const dev = gh.issues.find((i) => i.body.includes(driftMarker('dev')))!;
    expect(dev).toMatchObject({
      title: 'Drift in dev: 2 resources changed outside Terraform',
      state: 'open',
    });
    expect(dev.body).toContain('- `dev`: changed `fake_object.b`');
    expect(dev.body).toContain('[workflow run](https://github.com/acme/infra/actions/runs/77)');
    expect(dev.body).toContain('at `0123456789ab`');
    expect(gh.issues.find((i) => i.number === stale.number)).toMatchObject({ state: 'closed' });
    // no issue for a failed check alone
    expect(gh.issues.some((i) => i.body.includes(driftMarker('staging')))).toBe(false);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8');
    for (const name of ['dev', 'prod', 'qa', 'staging'])
      expect(summary).toContain(`### Drift in \`${name}\``);
    expect(out.join('')).toContain(
      'dev: 2 stack(s) checked, 1 drifted (2 resource(s)), 0 failed (issue #2 created)',
    );

    // the next day: dev's drift is gone, staging works again
    out.length = 0;
    copyFileSync(
      path.join(FIXTURES, 'no-drift.plan.json'),
      path.join(dir, 'results', 'drift-result-b001', 'dev.json'),
    );
    writeFileSync(path.join(dir, 'results', 'drift-result-b003', 'staging.status'), '0');
    copyFileSync(
      path.join(FIXTURES, 'no-drift.plan.json'),
      path.join(dir, 'results', 'drift-result-b003', 'staging.json'),
    );
    mkdirSync(path.join(dir, 'results', 'drift-result-b004'));
    copyFileSync(
      path.join(FIXTURES, 'no-drift.plan.json'),
      path.join(dir, 'results', 'drift-result-b004', 'qa.json'),
    );
    expect(await driftReportMain(args(), env, io)).toBe(0);
    expect(gh.issues.find((i) => i.number === dev.number)).toMatchObject({
      state: 'closed',
      body: expect.stringContaining('No drift: every stack matches its state.'),
    });
    expect(gh.issues.filter((i) => i.state === 'open')).toEqual([]);
  });

  test('--no-issues only reports (no API call); --output-dir keeps each environment’s report', async () => {
    const code = await driftReportMain(
      [...args(), '--no-issues', '--output-dir', path.join(dir, 'out')],
      { ...env, GITHUB_TOKEN: '' },
      io,
    );
    expect(code).toBe(1);
    expect(gh.requests).toHaveLength(0);
    expect(
      readFileSync(path.join(dir, 'out', 'dev.md'), 'utf8').startsWith(driftMarker('dev')),
    ).toBe(true);
  });

  test('the job summary stays within GitHub’s 1 MiB per step: later environments get one line', async () => {
    // 40 environments, each with a report near GitHub's 65,535-character body limit
    const stacks: { stack: string; environment: string }[] = [];
    for (let e = 0; e < 40; e++) {
      const name = `env${e}`;
      stacks.push({ stack: name, environment: name });
      const d = path.join(dir, 'many', name);
      mkdirSync(d, { recursive: true });
      copyFileSync(path.join(FIXTURES, 'drift.plan.json'), path.join(d, `${name}.json`));
      writeFileSync(path.join(d, `${name}.status`), '2');
      writeFileSync(path.join(d, `${name}.txt`), `${'x'.repeat(99)}\n`.repeat(700));
    }
    writeFileSync(path.join(dir, 'many.json'), JSON.stringify(stacks));
    const code = await driftReportMain(
      ['--dir', path.join(dir, 'many'), '--stacks', path.join(dir, 'many.json'), '--no-issues'],
      env,
      io,
    );
    expect(code).toBe(0);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!);
    expect(summary.length).toBeLessThanOrEqual(1024 * 1024);
    const text = summary.toString();
    for (let e = 0; e < 40; e++) expect(text).toContain(`### Drift in \`env${e}\``);
    expect(text).toContain(
      'the full report is in the issue and the artifact (the job summary is full)',
    );
  });

  test('usage errors exit 2 and name the option', async () => {
    expect(await driftReportMain(['--dir', dir], env, io)).toBe(2);
    expect(err.join('')).toMatch(/--stacks: missing, the list of checked stacks is required/);
    writeFileSync(path.join(dir, 'bad.json'), '[{"stack": "dev"}]');
    expect(
      await driftReportMain(['--dir', dir, '--stacks', path.join(dir, 'bad.json')], env, io),
    ).toBe(2);
    expect(err.join('')).toMatch(
      /--stacks: \[0\]: got \{"stack":"dev"\}, must be \{ stack, environment \}/,
    );
    expect(await driftReportMain([...args(), '--max-length', '10'], env, io)).toBe(2);
    expect(await driftReportMain(args(), { ...env, GITHUB_REPOSITORY: undefined }, io)).toBe(2);
    expect(gh.requests).toHaveLength(0);
  });
});
