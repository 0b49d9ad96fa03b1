import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadWorkflows, steps, workflowsDir } from './workflow-files';

// Runs the shell scripts of the workflows' terraform steps, unchanged, on provider-less stacks
// with local state: what GitHub's runner would do, minus AWS.
const ROOT = path.resolve(workflowsDir(), '..', '..');
const workflows = loadWorkflows();
interface Script {
  readonly source: string;
  /** How GitHub runs it on Linux: `bash -e` without a shell, `bash -eo pipefail` with `shell: bash`. */
  readonly args: readonly string[];
}
const script = (file: string, name: string): Script => {
  const wf = workflows.find((w) => w.name === file)!;
  const s = steps(wf).find((x) => x.step.name === name);
  if (!s) throw new Error(`${file}: no step named ${name}`);
  const shell =
    s.step.shell ?? wf.doc.jobs[s.job].defaults?.run?.shell ?? wf.doc.defaults?.run?.shell;
  if (shell !== undefined && shell !== 'bash')
    throw new Error(`${file}: unexpected shell ${shell}`);
  return {
    source: String(s.step.run),
    args: shell === 'bash' ? ['--noprofile', '--norc', '-eo', 'pipefail'] : ['-e'],
  };
};

function tool(bin: string, args: string[]): boolean {
  try {
    execFileSync(bin, args, { stdio: 'pipe', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
const terraform = process.env.TERRAFORM_BINARY_NAME || 'terraform';
const missing = [
  tool(terraform, ['version']) ? '' : `terraform (${terraform})`,
  tool('jq', ['--version']) ? '' : 'jq',
  tool('bash', ['--version']) ? '' : 'bash',
].filter(Boolean);
if (missing.length > 0)
  console.warn(`Skipping workflow script tests: missing ${missing.join(', ')}`);

let ws: string;
let env: NodeJS.ProcessEnv;

function stack(name: string, config: unknown): string {
  const dir = path.join(ws, 'cdktf.out', 'stacks', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
  return dir;
}
const data = (input: string) => ({ resource: { terraform_data: { a: { input } } } });
const BROKEN = { resource: { terraform_data: { a: { input: '${var.undefined_variable}' } } } };

function bash(s: Script, cwd: string, extra: NodeJS.ProcessEnv = {}) {
  const file = path.join(ws, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, s.source);
  return spawnSync('bash', [...s.args, file], {
    cwd,
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

beforeEach(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'wf-scripts-'));
  mkdirSync(path.join(ws, 'packages', 'plan-summary', 'src'), { recursive: true });
  copyFileSync(
    path.join(ROOT, 'packages/plan-summary/src/reduce-plan.jq'),
    path.join(ws, 'packages/plan-summary/src/reduce-plan.jq'),
  );
  mkdirSync(path.join(ws, 'runner-temp'));
  const cliConfig = path.join(ws, 'terraformrc');
  writeFileSync(cliConfig, '');
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    RUNNER_TEMP: path.join(ws, 'runner-temp'),
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: path.join(ws, 'github-output'),
  };
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

function comment(dir: string, expect: string[]): { code: number; body: string } {
  const out = path.join(ws, 'body.md');
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'packages/plan-summary/bin/automock-plan-comment.js'),
      '--dir',
      dir,
      '--no-comment',
      '--output',
      out,
      '--expect',
      JSON.stringify(expect),
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH } },
  );
  return { code: res.status ?? -1, body: existsSync(out) ? readFileSync(out, 'utf8') : '' };
}

(missing.length === 0 ? describe : describe.skip)("plan.yml's terraform plan step", () => {
  const run = script('plan.yml', 'terraform plan');

  test('a plan with changes: status 2, reduced JSON, text; the comment script summarises it', () => {
    const dir = stack('dev', data('one'));
    const r = bash(run, dir, { STACK: 'dev' });
    expect(r.status).toBe(0);
    const out = path.join(ws, 'runner-temp', 'plan-out');
    expect(readFileSync(path.join(out, 'dev.status'), 'utf8').trim()).toBe('2');
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toContain('status=2');
    expect(readFileSync(path.join(out, 'dev.txt'), 'utf8')).toContain(
      'terraform_data.a will be created',
    );
    const json = readFileSync(path.join(out, 'dev.json'), 'utf8');
    expect(json).not.toContain('"one"'); // attribute values stay on the runner
    const c = comment(out, ['dev']);
    expect(c.code).toBe(0);
    expect(c.body).toContain('| `dev` | 1 | 0 | 0 | 0 | 0 | changes |');
  });

  test('a failing plan: the step still succeeds (so results upload), records the status and the error text', () => {
    const dir = stack('prod', BROKEN);
    const r = bash(run, dir, { STACK: 'prod' });
    expect(r.status).toBe(0);
    const out = path.join(ws, 'runner-temp', 'plan-out');
    expect(readFileSync(path.join(out, 'prod.status'), 'utf8').trim()).toBe('1');
    expect(existsSync(path.join(out, 'prod.json'))).toBe(false);
    expect(readFileSync(path.join(out, 'prod.txt'), 'utf8')).toMatch(/undefined_variable/);
    const c = comment(out, ['prod', 'dev']);
    expect(c.code).toBe(1);
    expect(c.body).toContain('| `prod` | – | – | – | – | – | ❌ **plan failed** |');
    expect(c.body).toContain('- `dev`: no plan results were uploaded');
  });
});

(missing.length === 0 ? describe : describe.skip)(
  "apply-environment.yml's plan and apply step",
  () => {
    const run = script('apply-environment.yml', 'terraform plan and apply');

    test('applies each listed stack in order from its saved plan, skipping unchanged ones', () => {
      stack('dev', data('one'));
      stack('dev-petstore', data('two'));
      writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), 'dev\ndev-petstore\n');
      let r = bash(run, ws);
      expect(r.status).toBe(0);
      for (const s of ['dev', 'dev-petstore']) {
        const state = JSON.parse(
          readFileSync(path.join(ws, 'cdktf.out', 'stacks', s, 'terraform.tfstate'), 'utf8'),
        );
        expect(state.resources.map((x: any) => x.type)).toEqual(['terraform_data']);
      }
      expect(r.stdout.indexOf('::group::dev\n')).toBeLessThan(
        r.stdout.indexOf('::group::dev-petstore'),
      );
      // second run: nothing changed, nothing applied
      r = bash(run, ws);
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/Apply complete/);
      expect(
        readFileSync(path.join(ws, 'runner-temp', 'apply-out', 'dev.status'), 'utf8').trim(),
      ).toBe('0');
    });

    test('stops at the first failing stack and fails the step naming it', () => {
      stack('dev', BROKEN);
      stack('dev-petstore', data('two'));
      writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), 'dev\ndev-petstore\n');
      const r = bash(run, ws);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toContain('::error title=terraform plan failed::stack dev');
      expect(
        existsSync(path.join(ws, 'cdktf.out', 'stacks', 'dev-petstore', 'terraform.tfstate')),
      ).toBe(false);
    });

    test('an empty list applies nothing', () => {
      writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), '');
      expect(bash(run, ws).status).toBe(0);
    });
  },
);

describe('shell semantics of the workflows', () => {
  test('plan and apply scripts run with pipefail: a failing command in a pipe fails the step', () => {
    for (const [file, name] of [
      ['plan.yml', 'terraform plan'],
      ['apply-environment.yml', 'terraform plan and apply'],
    ] as const) {
      const s = script(file, name);
      const r = bash({ ...s, source: 'false | cat\necho reached' }, ws);
      expect([file, r.status === 0, r.stdout]).toEqual([file, false, '']);
    }
  });

  test('the apply job stops on any ref but refs/heads/main', () => {
    const guard = script('apply-environment.yml', 'Only from main');
    const branch = bash(guard, ws, { REF: 'refs/heads/feature' });
    expect(branch.status).toBe(1);
    expect(branch.stdout).toContain('::error title=not main::');
    expect(bash(guard, ws, { REF: 'refs/tags/v1' }).status).toBe(1);
    expect(bash(guard, ws, { REF: 'refs/heads/main' }).status).toBe(0);
  });
});
