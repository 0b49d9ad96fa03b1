import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseDrift } from '@automock/plan-summary';
import { FAKE_PROVIDER_SOURCE, FakeProvider } from './testing/fake-provider';
import { loadWorkflows, steps, workflowsDir } from './workflow-files';

// Runs the shell scripts of the workflows' terraform steps, unchanged, in a workspace laid out
// like the runner's, on provider-less stacks (terraform_data) or stacks of a test provider served
// from this process (src/testing/fake-provider.ts), with local state: what GitHub's runner would
// do, minus AWS.
const ROOT = path.resolve(workflowsDir(), '..', '..');
const workflows = loadWorkflows();
interface Script {
  readonly source: string;
  /** How GitHub runs it on Linux: `bash -e` without a shell, `bash -eo pipefail` with `shell: bash`. */
  readonly args: readonly string[];
}
const script = (file: string, name: string, job?: string): Script => {
  const wf = workflows.find((w) => w.name === file)!;
  const s = steps(wf).find((x) => x.step.name === name && (job === undefined || x.job === job));
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
const withTools = missing.length === 0 ? describe : describe.skip;

let ws: string;
let env: NodeJS.ProcessEnv;

function stack(name: string, config: unknown): string {
  const dir = path.join(ws, 'cdktf.out', 'stacks', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(config));
  return dir;
}
function batches(list: Record<string, string[]>): void {
  mkdirSync(path.join(ws, 'cdktf.out', 'batches'), { recursive: true });
  writeFileSync(
    path.join(ws, 'cdktf.out', 'batches', 'batches.json'),
    JSON.stringify({ batches: Object.entries(list).map(([id, stacks]) => ({ id, stacks })) }),
  );
}
const data = (input: string) => ({ resource: { terraform_data: { a: { input } } } });
const BROKEN = { resource: { terraform_data: { a: { input: '${var.undefined_variable}' } } } };
const out = (dir: string, file: string) =>
  readFileSync(path.join(ws, 'runner-temp', dir, file), 'utf8');

/** Runs a script the way the runner would, without blocking this process (the test provider answers from it). */
function bash(s: Script, cwd: string, extra: NodeJS.ProcessEnv = {}) {
  const file = path.join(ws, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, s.source);
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', [...s.args, file], { cwd, env: { ...env, ...extra } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const run = (cmd: string, extra: NodeJS.ProcessEnv = {}) =>
  bash({ source: cmd, args: ['--noprofile', '--norc', '-eo', 'pipefail'] }, ws, extra);

beforeEach(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'wf-scripts-'));
  // The files a sparse checkout of the plan, apply and drift jobs holds.
  for (const f of [
    'packages/plan-summary/src/reduce-plan.jq',
    'packages/workflows/scripts/plan-stacks.sh',
    'packages/workflows/scripts/apply-stacks.sh',
    'packages/workflows/scripts/record-applied.sh',
  ]) {
    mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
    copyFileSync(path.join(ROOT, f), path.join(ws, f));
  }
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
  const body = path.join(ws, 'body.md');
  const res = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'packages/plan-summary/bin/automock-plan-comment.js'),
      '--dir',
      dir,
      '--no-comment',
      '--output',
      body,
      '--expect',
      JSON.stringify(expect),
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH } },
  );
  return { code: res.status ?? -1, body: existsSync(body) ? readFileSync(body, 'utf8') : '' };
}

withTools("plan.yml's terraform plan step (one batch of stacks)", () => {
  const step = script('plan.yml', 'terraform plan');

  test('plans every stack of its batch: status, reduced JSON and text per stack; the comment summarises them', async () => {
    stack('dev', data('one'));
    stack('dev-petstore', data('two'));
    stack('prod', data('three'));
    batches({ b001: ['dev', 'dev-petstore'], b002: ['prod'] });
    const r = await bash(step, ws, { BATCH: 'b001' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    for (const s of ['dev', 'dev-petstore']) {
      expect(out('plan-out', `${s}.status`).trim()).toBe('2');
      expect(out('plan-out', `${s}.txt`)).toContain('terraform_data.a will be created');
      expect(out('plan-out', `${s}.json`)).not.toMatch(/"(one|two)"/); // values stay on the runner
    }
    // the other batch's stack is another job's
    expect(existsSync(path.join(ws, 'runner-temp', 'plan-out', 'prod.status'))).toBe(false);
    const c = comment(path.join(ws, 'runner-temp', 'plan-out'), ['dev', 'dev-petstore']);
    expect(c.code).toBe(0);
    expect(c.body).toContain('| `dev` | 1 | 0 | 0 | 0 | 0 | changes |');
    expect(c.body).toContain('| `dev-petstore` | 1 | 0 | 0 | 0 | 0 | changes |');
  });

  test('a failing stack fails the step after the others are planned, with its status and error text kept', async () => {
    stack('prod', BROKEN);
    stack('prod-api', data('x'));
    batches({ b001: ['prod', 'prod-api'] });
    const r = await bash(step, ws, { BATCH: 'b001' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      '::error title=terraform plan failed::stack prod: terraform exited with status 1',
    );
    expect(r.stdout).toContain('1 of 2 stack(s) failed: prod');
    expect(out('plan-out', 'prod.status').trim()).toBe('1');
    expect(existsSync(path.join(ws, 'runner-temp', 'plan-out', 'prod.json'))).toBe(false);
    expect(out('plan-out', 'prod.txt')).toMatch(/undefined_variable/);
    expect(out('plan-out', 'prod-api.status').trim()).toBe('2');
    const c = comment(path.join(ws, 'runner-temp', 'plan-out'), ['prod', 'prod-api', 'dev']);
    expect(c.code).toBe(1);
    expect(c.body).toContain('| `prod` | – | – | – | – | – | ❌ **plan failed** |');
    expect(c.body).toContain('- `dev`: no plan results were uploaded');
  });
});

/** A stack of the test provider: three objects, and the configuration's own pending changes. */
const fakeStack = (objects: Record<string, string>) => ({
  terraform: { required_providers: { fake: { source: FAKE_PROVIDER_SOURCE } } },
  resource: {
    fake_object: Object.fromEntries(Object.entries(objects).map(([k, value]) => [k, { value }])),
  },
});

withTools(
  "drift.yml's refresh-only step, with a provider whose objects change outside Terraform",
  () => {
    const step = script('drift.yml', 'terraform plan -refresh-only');
    let provider: FakeProvider;
    beforeEach(async () => {
      provider = new FakeProvider();
      await provider.start();
      env.TF_REATTACH_PROVIDERS = provider.reattach();
    });
    afterEach(() => provider.stop());

    const tf = (dir: string, ...args: string[]) =>
      run(`terraform -chdir="${dir}" ${args.join(' ')}`);

    test('finds what changed outside Terraform, not the code’s pending changes; the report names it', async () => {
      const dev = stack('dev', fakeStack({ a: 'one', b: 'two', c: 'three' }));
      const quiet = stack('dev-petstore', fakeStack({ x: 'same' }));
      for (const dir of [dev, quiet]) {
        expect((await tf(dir, 'init -input=false -no-color')).status).toBe(0);
        const applied = await tf(dir, 'apply -auto-approve -input=false -no-color -parallelism=1');
        expect([applied.status, applied.stderr]).toEqual([0, '']);
      }
      // Someone edits b and deletes c by hand; the code meanwhile changes a and adds d (unapplied).
      const ids = [...provider.objects.entries()].filter(([, o]) => o.value !== 'same');
      const byValue = new Map(ids.map(([id, o]) => [o.value, id]));
      provider.objects.get(byValue.get('two')!)!.value = 'changed by hand';
      provider.objects.delete(byValue.get('three')!);
      writeFileSync(
        path.join(dev, 'cdk.tf.json'),
        JSON.stringify(fakeStack({ a: 'uno', b: 'two', c: 'three', d: 'new' })),
      );
      batches({ b001: ['dev', 'dev-petstore'] });

      const r = await bash(step, ws, { BATCH: 'b001' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(out('drift-out', 'dev.status').trim()).toBe('2'); // -detailed-exitcode: drift
      expect(out('drift-out', 'dev-petstore.status').trim()).toBe('0');
      expect(parseDrift(out('drift-out', 'dev.json'))).toMatchObject({
        status: 'ok',
        changed: ['fake_object.b'],
        deleted: ['fake_object.c'],
      });
      expect(parseDrift(out('drift-out', 'dev-petstore.json'))).toMatchObject({
        changed: [],
        deleted: [],
      });
      expect(out('drift-out', 'dev.txt')).toContain('Objects have changed outside of Terraform');
      expect(out('drift-out', 'dev.json')).not.toContain('changed by hand'); // values stay on the runner

      // The full JSON is what plan-summary's recorded fixtures hold: they must say the same.
      const full = await run(`terraform -chdir="${dev}" show -json tfplan`);
      const text = await run(`terraform -chdir="${dev}" show -no-color tfplan`);
      const fixtures = path.join(ROOT, 'packages/plan-summary/fixtures');
      const none = await run(`terraform -chdir="${quiet}" show -json tfplan`);
      if (process.env.RECORD_DRIFT_FIXTURES === '1') {
        writeFileSync(
          path.join(fixtures, 'no-drift.plan.json'),
          `${JSON.stringify(JSON.parse(none.stdout), null, 2)}\n`,
        );
        writeFileSync(
          path.join(fixtures, 'drift.plan.json'),
          `${JSON.stringify(JSON.parse(full.stdout), null, 2)}\n`,
        );
        writeFileSync(path.join(fixtures, 'drift.plan.txt'), text.stdout);
      }
      const recorded = readFileSync(path.join(fixtures, 'drift.plan.json'), 'utf8');
      expect(parseDrift(readFileSync(path.join(fixtures, 'no-drift.plan.json'), 'utf8'))).toEqual(
        parseDrift(none.stdout),
      );
      expect(parseDrift(recorded)).toEqual(parseDrift(full.stdout));
      expect(readFileSync(path.join(fixtures, 'drift.plan.txt'), 'utf8')).toBe(text.stdout);
      // a normal plan would mix in the code's changes: a (update) and d (create) are not drift
      const normal = await tf(dev, 'plan -input=false -no-color -out=normal.tfplan');
      expect(normal.status).toBe(0);
      const normalJson = JSON.parse(
        (await run(`terraform -chdir="${dev}" show -json normal.tfplan`)).stdout,
      );
      expect(
        normalJson.resource_changes
          .filter((c: { change: { actions: string[] } }) => c.change.actions.join() !== 'no-op')
          .map((c: { address: string }) => c.address)
          .sort(),
      ).toEqual(['fake_object.a', 'fake_object.b', 'fake_object.c', 'fake_object.d']);

      // The report of the drift job's files: one section for dev, the drift named.
      writeFileSync(
        path.join(ws, 'stacks.json'),
        JSON.stringify([
          { stack: 'dev', environment: 'dev' },
          { stack: 'dev-petstore', environment: 'dev' },
        ]),
      );
      const report = spawnSync(
        process.execPath,
        [
          path.join(ROOT, 'packages/plan-summary/bin/automock-drift-report.js'),
          '--dir',
          path.join(ws, 'runner-temp', 'drift-out'),
          '--stacks',
          path.join(ws, 'stacks.json'),
          '--no-issues',
          '--output-dir',
          path.join(ws, 'reports'),
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH } },
      );
      expect([report.status, report.stderr]).toEqual([
        0,
        '::warning title=drift in dev::2 resource(s) in dev changed outside Terraform\n',
      ]);
      const body = readFileSync(path.join(ws, 'reports', 'dev.md'), 'utf8');
      expect(body).toContain('2 resources in 1 stack changed outside Terraform');
      expect(body).toContain('- `dev`: changed `fake_object.b`');
      expect(body).toContain('- `dev`: deleted `fake_object.c`');
      expect(body).toContain('1 other stack checked: no drift.');

      // Accepting the drift into the state (apply -refresh-only) leaves nothing to report.
      expect(
        (await tf(dev, 'apply -refresh-only -auto-approve -input=false -no-color')).status,
      ).toBe(0);
      const again = await bash(step, ws, { BATCH: 'b001' });
      expect(again.status).toBe(0);
      expect(out('drift-out', 'dev.status').trim()).toBe('0');
      expect(parseDrift(out('drift-out', 'dev.json'))).toMatchObject({ changed: [], deleted: [] });
    }, 120_000);
  },
);

withTools("apply-environment.yml's plan and apply steps", () => {
  const first = script('apply-environment.yml', 'terraform plan and apply', 'environment');
  const projects = script('apply-environment.yml', 'terraform plan and apply', 'projects');

  test('the environment job applies its listed stacks in order from their saved plans, skipping unchanged ones', async () => {
    stack('dev', data('one'));
    stack('dev-petstore', data('two'));
    writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), 'dev\ndev-petstore\n');
    let r = await bash(first, ws);
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
    r = await bash(first, ws);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/Apply complete/);
    expect(out('apply-out', 'dev.status').trim()).toBe('0');
  });

  test('stops at the first failing stack and fails the step naming it', async () => {
    stack('dev', BROKEN);
    stack('dev-petstore', data('two'));
    writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), 'dev\ndev-petstore\n');
    const r = await bash(first, ws);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain('::error title=terraform plan failed::stack dev');
    expect(
      existsSync(path.join(ws, 'cdktf.out', 'stacks', 'dev-petstore', 'terraform.tfstate')),
    ).toBe(false);
  });

  test('an empty list applies nothing', async () => {
    writeFileSync(path.join(ws, 'runner-temp', 'stacks.txt'), '');
    expect((await bash(first, ws)).status).toBe(0);
  });

  test('a project job applies the stacks of its batch only', async () => {
    stack('dev-a', data('a'));
    stack('dev-b', data('b'));
    stack('dev-c', data('c'));
    batches({ b001: ['dev-a', 'dev-c'], b002: ['dev-b'] });
    const r = await bash(projects, ws, { BATCH: 'b001' });
    expect(r.status).toBe(0);
    const applied = (s: string) =>
      existsSync(path.join(ws, 'cdktf.out', 'stacks', s, 'terraform.tfstate'));
    expect(['dev-a', 'dev-b', 'dev-c'].map(applied)).toEqual([true, false, true]);
  });
});

/** A stand-in for the two aws CLI calls record-applied.sh makes, over a folder per bucket. */
function fakeAws(): string {
  const bin = path.join(ws, 'fake-bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'aws'),
    `#!/usr/bin/env bash
set -euo pipefail
root="$FAKE_S3"
echo "$*" >> "$root/calls.log"
case "$1 $2" in
  "s3 cp")
    if [ "$3" = - ]; then dest="$root/\${4#s3://}"; mkdir -p "$(dirname "$dest")"; cat > "$dest"
    else cat "$root/\${3#s3://}"; fi ;;
  "s3api list-objects-v2")
    bucket=$4 prefix=$6
    find "$root/$bucket" -type f -path "$root/$bucket/$prefix*" 2>/dev/null | wc -l ;;
  "s3 rm")
    rm -rf "$root/\${3#s3://}" ;;
  *) echo "fake aws: unexpected $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(path.join(bin, 'aws'), 0o755);
  mkdirSync(path.join(ws, 's3'));
  return bin;
}

describe('record-applied.sh (the applied marker, written by the last project job)', () => {
  const SHA = 'a'.repeat(40);
  const record = (bin: string, ...args: string[]) =>
    run(
      `bash packages/workflows/scripts/record-applied.sh ${args.map((a) => `'${a}'`).join(' ')}`,
      {
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_S3: path.join(ws, 's3'),
      },
    );
  const marker = () => path.join(ws, 's3', 'bucket', 'ci', 'applied', 'dev.sha');

  test('no project jobs: the environment job records the commit at once', async () => {
    const bin = fakeAws();
    const r = await record(bin, 'bucket', 'dev', SHA, '42', 'environment', '0');
    expect(r.status).toBe(0);
    expect(readFileSync(marker(), 'utf8')).toBe(SHA);
  });

  test('three project jobs: only when the last one finishes is the commit recorded, then its notes go', async () => {
    const bin = fakeAws();
    for (const job of ['b003', 'b001']) {
      const r = await record(bin, 'bucket', 'dev', SHA, '42', job, '3');
      expect([r.status, r.stdout]).toEqual([
        0,
        expect.stringMatching(/of 3 project jobs of run 42 done/),
      ]);
      expect(existsSync(marker())).toBe(false);
    }
    // another environment's and another run's notes do not count
    mkdirSync(path.join(ws, 's3', 'bucket', 'ci', 'applied', 'dev', '41'), { recursive: true });
    writeFileSync(path.join(ws, 's3', 'bucket', 'ci', 'applied', 'dev', '41', 'b002'), SHA);
    const last = await record(bin, 'bucket', 'dev', SHA, '42', 'b002', '3');
    expect(last.status).toBe(0);
    expect(last.stdout).toContain(`dev is applied up to ${SHA}`);
    expect(readFileSync(marker(), 'utf8')).toBe(SHA);
    expect(existsSync(path.join(ws, 's3', 'bucket', 'ci', 'applied', 'dev', '42'))).toBe(false);
    expect(readdirSync(path.join(ws, 's3', 'bucket', 'ci', 'applied', 'dev'))).toEqual(['41']);
  });

  test('a run with a failed job never records: its notes stay short of the count', async () => {
    const bin = fakeAws();
    for (const job of ['b001', 'b002'])
      expect((await record(bin, 'bucket', 'dev', SHA, '7', job, '3')).status).toBe(0);
    expect(existsSync(marker())).toBe(false);
  });

  test('bad arguments are refused before anything is written', async () => {
    const bin = fakeAws();
    expect((await record(bin, 'bucket', 'dev', 'main', '7', 'b001', '3')).status).toBe(2);
    expect((await record(bin, 'bucket', 'dev', SHA, '7', 'b001')).status).toBe(2);
    expect(existsSync(path.join(ws, 's3', 'calls.log'))).toBe(false);
  });
});

describe('shell semantics of the workflows', () => {
  test('plan, apply and drift steps run with pipefail: a failing command in a pipe fails the step', async () => {
    for (const [file, name] of [
      ['plan.yml', 'terraform plan'],
      ['apply-environment.yml', 'terraform plan and apply'],
      ['drift.yml', 'terraform plan -refresh-only'],
    ] as const) {
      const s = script(file, name);
      const r = await bash({ ...s, source: 'false | cat\necho reached' }, ws);
      expect([file, r.status === 0, r.stdout]).toEqual([file, false, '']);
    }
  });

  test('apply and drift jobs stop on any ref but refs/heads/main', async () => {
    for (const [file, job] of [
      ['apply-environment.yml', 'environment'],
      ['apply-environment.yml', 'projects'],
      ['drift.yml', 'stacks'],
      ['drift.yml', 'check'],
    ] as const) {
      const guard = script(file, 'Only from main', job);
      const branch = await bash(guard, ws, { REF: 'refs/heads/feature' });
      expect([file, job, branch.status]).toEqual([file, job, 1]);
      expect(branch.stdout).toContain('::error title=not main::');
      expect((await bash(guard, ws, { REF: 'refs/tags/v1' })).status).toBe(1);
      expect((await bash(guard, ws, { REF: 'refs/heads/main' })).status).toBe(0);
    }
  });
});
