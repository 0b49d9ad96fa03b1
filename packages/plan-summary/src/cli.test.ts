import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from './cli';
import { COMMENT_MARKER } from './comment';
import { gatherPlanResults } from './gather';
import { FakeGitHub } from './testing/fake-github';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const TOKEN = 'ghs_cli_token';
let dir: string;

/** Lays out files the way the plan jobs upload them: one folder per artifact. */
function results(root: string): void {
  const put = (stack: string, files: Record<string, string>) => {
    mkdirSync(path.join(root, `plan-${stack}`), { recursive: true });
    for (const [suffix, content] of Object.entries(files))
      writeFileSync(path.join(root, `plan-${stack}`, `${stack}${suffix}`), content);
  };
  put('dev', { '.status': '2\n' });
  copyFileSync(path.join(FIXTURES, 'mixed.plan.json'), path.join(root, 'plan-dev', 'dev.json'));
  copyFileSync(path.join(FIXTURES, 'mixed.plan.txt'), path.join(root, 'plan-dev', 'dev.txt'));
  put('prod', {
    '.status': '0',
    '.json': readFileSync(path.join(FIXTURES, 'no-changes.plan.json'), 'utf8'),
    '.txt': 'No changes.',
  });
  put('staging-petstore', {
    '.status': '1',
    '.txt': 'Error: error configuring S3 Backend: AccessDenied',
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'plan-comment-'));
  results(path.join(dir, 'plans'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('gatherPlanResults', () => {
  test('reads json, text and status per stack; failed and missing stacks are failed', async () => {
    const { summaries, plans } = await gatherPlanResults(path.join(dir, 'plans'), [
      'dev',
      'prod',
      'staging-petstore',
      'prod-api',
    ]);
    expect(summaries.map((s) => [s.stack, s.status])).toEqual([
      ['dev', 'ok'],
      ['prod', 'ok'],
      ['prod-api', 'failed'],
      ['staging-petstore', 'failed'],
    ]);
    expect(summaries[0]).toMatchObject({ add: 1, destroy: 1, replace: 2 });
    expect(summaries[2].error).toMatch(/no plan results were uploaded/);
    expect(summaries[3].error).toBe('terraform exited with status "1"');
    expect(plans.get('staging-petstore')).toMatch(/AccessDenied/);
  });

  test('unparseable JSON fails that stack only', async () => {
    writeFileSync(path.join(dir, 'plans', 'plan-prod', 'prod.json'), '{"not":"a plan"}');
    const { summaries } = await gatherPlanResults(path.join(dir, 'plans'));
    expect(summaries.find((s) => s.stack === 'prod')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/format_version/),
    });
    expect(summaries.find((s) => s.stack === 'dev')!.status).toBe('ok');
  });
});

describe('automock-plan-comment', () => {
  let gh: FakeGitHub;
  let env: NodeJS.ProcessEnv;
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) };

  beforeEach(async () => {
    gh = new FakeGitHub(TOKEN);
    const apiUrl = await gh.start();
    gh.add(12, 'unrelated bot comment');
    const event = path.join(dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { number: 12, head: { sha: '0123456789abcdef0123' } } }),
    );
    env = {
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '99',
      GITHUB_EVENT_PATH: event,
      GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md'),
    };
    out.length = 0;
    err.length = 0;
  });
  afterEach(() => gh.stop());

  test('posts one comment, updates it on the next run, writes the job summary, fails naming the stack', async () => {
    const args = [
      '--dir',
      path.join(dir, 'plans'),
      '--expect',
      '["dev","prod","staging-petstore"]',
      '--artifact-url',
      'https://a.test/plans',
    ];
    expect(await main(args, env, io)).toBe(1);
    expect(err.join('')).toContain(
      '::error title=terraform plan failed::stack staging-petstore: terraform exited with status "1"',
    );
    expect(err.join('')).not.toMatch(/stack (dev|prod):/);
    const mine = gh.comments.filter((c) => c.body.startsWith(COMMENT_MARKER));
    expect(mine).toHaveLength(1);
    expect(mine[0].issue).toBe(12);
    expect(mine[0].body).toContain('| `dev` | 1 | 1 | ⚠️ **2** | ⚠️ **1** | 1 |');
    expect(mine[0].body).toContain('Error: error configuring S3 Backend: AccessDenied');
    expect(mine[0].body).toContain('Commit `0123456789ab`');
    expect(mine[0].body).toContain('[plan artifact](https://a.test/plans)');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain(mine[0].body);

    // a new push: the failing stack is fixed
    writeFileSync(path.join(dir, 'plans', 'plan-staging-petstore', 'staging-petstore.status'), '0');
    copyFileSync(
      path.join(FIXTURES, 'no-changes.plan.json'),
      path.join(dir, 'plans', 'plan-staging-petstore', 'staging-petstore.json'),
    );
    expect(await main(args, env, io)).toBe(0);
    expect(gh.comments).toHaveLength(2);
    expect(gh.comments.find((c) => c.id === mine[0].id)!.body).not.toContain('plan failed');
    expect(gh.comments[0].body).toBe('unrelated bot comment');
    expect(out.join('')).toContain('Plan comment updated');
  });

  test('--no-comment only renders (for push builds), with no API call', async () => {
    const output = path.join(dir, 'body.md');
    const code = await main(
      ['--dir', path.join(dir, 'plans'), '--no-comment', '--output', output],
      { ...env, GITHUB_TOKEN: '' },
      io,
    );
    expect(code).toBe(1);
    expect(readFileSync(output, 'utf8').startsWith(COMMENT_MARKER)).toBe(true);
    expect(gh.requests).toHaveLength(0);
  });

  test('usage errors exit 2 and name the option', async () => {
    expect(await main([], env, io)).toBe(2);
    expect(err.join('')).toMatch(/--dir: missing/);
    expect(await main(['--dir', dir, '--expect', '[1]'], env, io)).toBe(2);
    expect(await main(['--dir', dir, '--max-length', '12'], env, io)).toBe(2);
    expect(err.join('')).toMatch(/--max-length: got "12", must be an integer from 200 up/);
    expect(await main(['--dir', dir, '--expect-file', path.join(dir, 'nope.json')], env, io)).toBe(
      2,
    );
    expect(err.join('')).toMatch(/--expect-file: cannot read .*nope\.json \(ENOENT\)/);
    expect(await main(['--bogus'], env, io)).toBe(2);
    expect(await main(['--dir', dir], { ...env, GITHUB_EVENT_PATH: undefined }, io)).toBe(2);
    expect(err.join('')).toMatch(/--pr: got nothing/);
  });

  test('the bin entry runs the built CLI', () => {
    const bin = path.join(__dirname, '..', 'bin', 'automock-plan-comment.js');
    const help = execFileSync(process.execPath, [bin, '--help']).toString();
    expect(help).toMatch(/^Usage: automock-plan-comment \[options\]/);
    expect(help).toMatch(/^ {2}--dir DIR +folder with the plan jobs' files/m);
  });
});
