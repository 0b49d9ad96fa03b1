import { validateWorkflow } from '@action-validator/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BootstrapStack, buildApp, ENVIRONMENTS } from '@automock/stacks';
import { roleVariable } from './stack-matrix';
import { loadWorkflows, steps, workflowsDir, WorkflowFile } from './workflow-files';

const workflows = loadWorkflows();
const byName = (name: string): WorkflowFile => {
  const wf = workflows.find((w) => w.name === name);
  if (!wf) throw new Error(`.github/workflows/${name} is missing`);
  return wf;
};
const ROOT = path.resolve(workflowsDir(), '..', '..');
const runs = (wf: WorkflowFile, job?: string): string =>
  steps(wf)
    .filter((s) => job === undefined || s.job === job)
    .map((s) => String(s.step.run ?? ''))
    .join('\n');
// `uses: owner/repo[/path]@<40-hex SHA> # vX.Y.Z`
const PINNED_USES = /^\s*(?:- )?uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$/gm;

/** The `uses:` lines of a workflow text that are neither local nor pinned to a commit SHA with its tag. */
function unpinnedUses(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /^\s*(- )?uses:/.test(l))
    .map((l) => l.trim())
    .filter((l) => !/uses: \.\//.test(l))
    .filter((l) => !new RegExp(PINNED_USES.source).test(l));
}
/** A script of packages/workflows/scripts without its comment lines. */
const scriptCode = (file: string): string =>
  readFileSync(path.join(ROOT, 'packages/workflows/scripts', file), 'utf8')
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
const usesOf = (wf: WorkflowFile, job: string, action: string) =>
  steps(wf).filter((s) => s.job === job && String(s.step.uses ?? '').startsWith(`${action}@`));

describe('every workflow validates against the GitHub Actions schema (@action-validator, offline)', () => {
  test('the five workflows are there (others may be added; they are validated too)', () => {
    expect(workflows.map((w) => w.name)).toEqual(
      expect.arrayContaining([
        'apply-environment.yml',
        'apply.yml',
        'ci.yml',
        'drift.yml',
        'plan.yml',
      ]),
    );
  });

  test.each(workflows.map((w) => [w.name, w] as const))('%s has no schema errors', (_name, wf) => {
    const result = validateWorkflow(wf.text);
    expect(result.errors).toEqual([]);
  });

  test('the validator really rejects a broken workflow (so the checks above can fail)', () => {
    const broken = byName('plan.yml').text.replace(
      'permissions:\n  contents: read',
      'permissions:\n  contents: reed',
    );
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(
      validateWorkflow('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n').errors
        .length,
    ).toBeGreaterThan(0);
  });

  test('the action-validator binary agrees (exit 0 for ours, 1 for a broken one)', () => {
    const cli = require.resolve('@action-validator/cli/cli.mjs');
    for (const wf of workflows) execFileSync(process.execPath, [cli, wf.path], { stdio: 'pipe' });
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-'));
    try {
      writeFileSync(
        path.join(dir, 'bad.yml'),
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permisions: {}\n    steps: []\n',
      );
      expect(spawnSync(process.execPath, [cli, path.join(dir, 'bad.yml')]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('facts that matter', () => {
  test('every third-party action is pinned to a full commit SHA, its tag in a comment; local ones by path', () => {
    const pins = new Map<string, string>();
    for (const wf of workflows) {
      expect([wf.name, unpinnedUses(wf.text)]).toEqual([wf.name, []]);
      for (const m of wf.text.matchAll(PINNED_USES)) {
        const [, action, sha, tag] = m;
        // one action, one version everywhere
        expect([action, pins.get(action!) ?? `${sha} ${tag}`]).toEqual([action, `${sha} ${tag}`]);
        pins.set(action!, `${sha} ${tag}`);
      }
      for (const job of Object.values<any>(wf.doc.jobs))
        if (job.uses) expect(job.uses).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
    }
    expect(pins.size).toBeGreaterThanOrEqual(7);
  });

  test('the pin check really rejects a tag, a branch, a short SHA and a SHA without its tag', () => {
    for (const bad of [
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@main',
      '      - uses: actions/checkout@11d5960 # v4.4.0',
      '      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262',
      '        uses: docker://alpine:3.20',
    ])
      expect(unpinnedUses(bad)).toEqual([bad.trim()]);
    expect(
      unpinnedUses(
        '      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0\n      - uses: ./.github/actions/local\n    uses: ./.github/workflows/apply-environment.yml',
      ),
    ).toEqual([]);
  });

  test('no checkout leaves the token in .git/config (persist-credentials: false everywhere)', () => {
    let checkouts = 0;
    for (const wf of workflows)
      for (const { job, step } of steps(wf))
        if (String(step.uses ?? '').startsWith('actions/checkout@')) {
          checkouts++;
          expect([wf.name, job, step.with?.['persist-credentials']]).toEqual([wf.name, job, false]);
        }
    expect(checkouts).toBeGreaterThanOrEqual(5);
  });

  test('a script with a pipe runs under bash -eo pipefail (shell: bash) or sets pipefail itself', () => {
    for (const wf of workflows)
      for (const { job, step } of steps(wf)) {
        if (!step.run || !/[^|]\|[^|]/.test(String(step.run))) continue;
        const shell =
          step.shell ?? wf.doc.jobs[job].defaults?.run?.shell ?? wf.doc.defaults?.run?.shell;
        const ok =
          shell === 'bash' || /set -[a-z]*o pipefail|set -euo pipefail/.test(String(step.run));
        expect([wf.name, job, step.name, ok]).toEqual([wf.name, job, step.name, true]);
      }
  });

  test('role sessions last as long as the jobs may run, and the roles allow that long', () => {
    const bootstraps = buildApp().node.children.filter(
      (c): c is BootstrapStack => c instanceof BootstrapStack,
    );
    const maxSession = (kind: 'plan' | 'apply' | 'drift') =>
      Math.min(
        ...bootstraps.flatMap((b) =>
          Object.values(b.ciAccess!.environments).map((r) =>
            Number(
              (kind === 'plan' ? r.planRole : kind === 'drift' ? r.driftRole : r.applyRole)
                .maxSessionDurationInput,
            ),
          ),
        ),
      );
    let checked = 0;
    for (const wf of workflows)
      for (const [id, job] of Object.entries<any>(wf.doc.jobs))
        for (const { step } of usesOf(wf, id, 'aws-actions/configure-aws-credentials')) {
          checked++;
          const seconds = Number(step.with['role-duration-seconds']);
          const role = `${step.with['role-to-assume']} ${JSON.stringify(job.env ?? {})}`;
          const kind = role.includes('APPLY') ? 'apply' : role.includes('DRIFT') ? 'drift' : 'plan';
          expect([wf.name, id, seconds >= Number(job['timeout-minutes']) * 60]).toEqual([
            wf.name,
            id,
            true,
          ]);
          expect([wf.name, id, seconds <= maxSession(kind)]).toEqual([wf.name, id, true]);
        }
    // plan.yml's plan jobs, apply-environment.yml's environment and project jobs, drift.yml's checks
    expect(checked).toBe(4);
    expect(maxSession('apply')).toBeGreaterThanOrEqual(120 * 60);
    expect(maxSession('drift')).toBeGreaterThanOrEqual(60 * 60);
  });

  test('every repository file a workflow runs exists', () => {
    const referenced = new Set(
      workflows.flatMap((wf) =>
        [...wf.text.matchAll(/packages\/[\w./-]+\.(?:js|jq|sh)/g)].map((m) => m[0]),
      ),
    );
    expect([...referenced].sort()).toEqual(
      expect.arrayContaining([
        'packages/cli/bin/run.js',
        'packages/plan-summary/bin/automock-drift-report.js',
        'packages/plan-summary/bin/automock-plan-comment.js',
        'packages/plan-summary/src/reduce-plan.jq',
        'packages/workflows/bin/automock-stack-matrix.js',
        'packages/workflows/scripts/apply-stacks.sh',
        'packages/workflows/scripts/plan-stacks.sh',
        'packages/workflows/scripts/record-applied.sh',
      ]),
    );
    for (const f of referenced) expect([f, existsSync(path.join(ROOT, f))]).toEqual([f, true]);
  });

  test('no run script interpolates ${{ }} (script injection): values reach shells through env', () => {
    for (const wf of workflows)
      for (const { job, step } of steps(wf))
        if (step.run)
          expect([wf.name, job, step.run]).not.toEqual([
            wf.name,
            job,
            expect.stringContaining('${{'),
          ]);
  });

  test('saved plans never leave the runner: synthesised stacks are uploaded before any terraform runs', () => {
    let uploads = 0;
    for (const wf of workflows)
      for (const [id, job] of Object.entries<any>(wf.doc.jobs)) {
        const all = (job.steps ?? []) as any[];
        const firstTerraform = all.findIndex((s) =>
          /terraform |-stacks\.sh/.test(String(s.run ?? '')),
        );
        all.forEach((s, i) => {
          if (!String(s.uses).startsWith('actions/upload-artifact@')) return;
          if (!String(s.with.path).includes('cdktf.out')) return;
          uploads++;
          expect([wf.name, id, s.name, firstTerraform === -1 || i < firstTerraform]).toEqual([
            wf.name,
            id,
            s.name,
            true,
          ]);
        });
      }
    expect(uploads).toBeGreaterThanOrEqual(5);
  });

  test('no stored AWS keys anywhere: credentials only through OIDC', () => {
    for (const wf of workflows) {
      expect(wf.text).not.toMatch(
        /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|secrets\.AWS/i,
      );
      for (const { step } of steps(wf).filter((s) =>
        String(s.step.uses).startsWith('aws-actions/configure-aws-credentials@'),
      )) {
        expect(Object.keys(step.with).sort()).toEqual([
          'aws-region',
          'role-duration-seconds',
          'role-session-name',
          'role-to-assume',
        ]);
      }
    }
  });

  test('terraform comes from hashicorp/setup-terraform with its wrapper off, everywhere', () => {
    const uses = workflows.flatMap((wf) =>
      steps(wf).filter((s) => String(s.step.uses).startsWith('hashicorp/setup-terraform@')),
    );
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const { step } of uses) expect(step.with.terraform_wrapper).toBe(false);
  });

  test('write tokens only where needed: pull-requests for the plan comment, issues for the drift report', () => {
    const writers: string[] = [];
    for (const wf of workflows)
      for (const [id, job] of Object.entries<any>(wf.doc.jobs))
        for (const [scope, level] of Object.entries<string>(job.permissions ?? {}))
          if (level === 'write' && scope !== 'id-token') writers.push(`${wf.name} ${id} ${scope}`);
    expect(writers.sort()).toEqual(['drift.yml report issues', 'plan.yml comment pull-requests']);
  });

  test('id-token: write only where AWS is reached; every workflow defaults to contents: read', () => {
    for (const wf of workflows) {
      expect(wf.doc.permissions).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries<any>(wf.doc.jobs)) {
        const reachesAws =
          usesOf(wf, id, 'aws-actions/configure-aws-credentials').length > 0 ||
          String(job.uses ?? '').includes('apply-environment');
        expect([id, job.permissions?.['id-token'] === 'write']).toEqual([id, reachesAws]);
      }
    }
  });

  describe('ci.yml', () => {
    const ci = byName('ci.yml');
    test('runs on push and pull request, on Node 20, 22 and 24', () => {
      expect(Object.keys(ci.doc.on).sort()).toEqual(['pull_request', 'push']);
      expect(ci.doc.jobs['build-test'].strategy.matrix.node).toEqual([20, 22, 24]);
      expect(ci.doc.jobs['build-test'].strategy['fail-fast']).toBe(false);
    });
    test("installs with pnpm's cache, then runs scripts/ci.sh, the script .ci/run runs too", () => {
      expect(usesOf(ci, 'build-test', 'pnpm/action-setup')).toHaveLength(1);
      const node = usesOf(ci, 'build-test', 'actions/setup-node')[0]!.step;
      expect(node.with).toEqual({ 'node-version': '${{ matrix.node }}', cache: 'pnpm' });
      const commands = steps(ci)
        .map((s) => s.step.run)
        .filter(Boolean);
      expect(commands).toEqual(['pnpm install --frozen-lockfile', 'bash scripts/ci.sh']);
      const ciRun = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
      const active = (text: string) =>
        text
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#'));
      // .ci/run installs from scratch, then runs the same script, and nothing after it.
      expect(active(ciRun).slice(-2)).toEqual([
        'pnpm install --frozen-lockfile',
        'bash scripts/ci.sh',
      ]);
      // pnpm/action-setup reads the version from here
      expect(
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).packageManager,
      ).toMatch(/^pnpm@\d/);
    });

    test('scripts/ci.sh checks format, lints (JS too), typechecks, synthesises, and tests last', () => {
      const script = readFileSync(path.join(ROOT, 'scripts', 'ci.sh'), 'utf8');
      const stepsRun = script
        .split('\n')
        .map((l) => /^step (.+)$/.exec(l.trim())?.[1])
        .filter((s): s is string => !!s);
      expect(stepsRun).toEqual([
        'pnpm format:check',
        'pnpm lint',
        'pnpm typecheck',
        'pnpm synth',
        'pnpm test',
      ]);
      expect(script).toMatch(/^set -euo pipefail$/m);
      const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
      for (const s of ['format:check', 'lint', 'typecheck', 'synth', 'test'])
        expect(scripts[s]).toBeDefined();
      // ESLint covers the plain JavaScript files (scripts, bin/, configs), not only src/**/*.ts.
      expect(scripts.lint).toContain('lint:js');
      expect(scripts['lint:js']).toMatch(/eslint .*\{js,mjs,cjs\}/);
    });
  });

  describe('plan.yml', () => {
    const plan = byName('plan.yml');
    test('runs on pull requests, one at a time per pull request, cancelling the obsolete run', () => {
      expect(Object.keys(plan.doc.on)).toEqual(['pull_request']);
      expect(plan.doc.concurrency).toEqual({
        group: 'plan-${{ github.event.pull_request.number }}',
        'cancel-in-progress': true,
      });
    });
    test('fans out: the changed stacks become a matrix of plan jobs, all finishing even if one fails', () => {
      expect(runs(plan, 'changes')).toContain('stacks --changed-since "$BASE_SHA" --json');
      expect(
        plan.doc.jobs.changes.steps.find((s: any) => s.name === 'List changed stacks').env.BASE_SHA,
      ).toBe('${{ github.event.pull_request.base.sha }}');
      expect(plan.doc.jobs.changes.steps[0].with['fetch-depth']).toBe(0);
      expect(plan.doc.jobs.plan.strategy).toEqual({
        'fail-fast': false,
        matrix: '${{ fromJSON(needs.changes.outputs.matrix) }}',
      });
      expect(plan.doc.jobs.plan.needs).toBe('changes');
    });
    test('past 256 stacks the matrix batches them, balanced by the resources of each synthesised stack', () => {
      const matrix = runs(plan, 'changes');
      expect(matrix).toContain('automock-stack-matrix.js');
      expect(matrix).toMatch(
        /--format github --stacks-dir cdktf\.out\/stacks --out-dir cdktf\.out\/batches/,
      );
      expect(matrix).not.toContain('--max-jobs'); // GitHub's 256
      const job = plan.doc.jobs.plan;
      expect(job.name).toBe('plan ${{ matrix.name }}');
      expect(job.env.BATCH).toBe('${{ matrix.batch }}');
      // each job plans the stacks of its batch, read from the batches artifact
      expect(runs(plan, 'plan')).toContain(
        `jq -r --arg b "$BATCH" '.batches[] | select(.id == $b) | .stacks[]' cdktf.out/batches/batches.json`,
      );
      expect(runs(plan, 'plan')).toContain('bash packages/workflows/scripts/plan-stacks.sh');
      // one result artifact per job, all gathered into the one comment
      const upload = usesOf(plan, 'plan', 'actions/upload-artifact').at(-1)!.step;
      expect(upload.with.name).toBe('plan-result-${{ matrix.batch }}');
      expect(upload.if).toBe('always()');
      expect(runs(plan, 'comment')).toContain('--expect-file batches/stacks.json');
    });
    test('plan jobs: OIDC with the plan role of their environment, wrapper off, detailed exit code', () => {
      const job = plan.doc.jobs.plan;
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      const creds = usesOf(plan, 'plan', 'aws-actions/configure-aws-credentials')[0]!.step;
      expect(creds.with['role-to-assume']).toBe('${{ env.ROLE_ARN }}');
      expect(job.env.ROLE_ARN).toBe(
        "${{ vars[format('AUTOMOCK_PLAN_ROLE_ARN_{0}', matrix.env_key)] }}",
      );
      expect(roleVariable('plan', 'dev')).toBe('AUTOMOCK_PLAN_ROLE_ARN_DEV');
      expect(
        readFileSync(path.join(ROOT, 'packages/workflows/scripts/plan-stacks.sh'), 'utf8'),
      ).toMatch(
        /terraform -chdir="\$dir" plan "\$\{mode\[@\]\}" .*\\\n\s+-detailed-exitcode -out=tfplan/,
      );
      // fork pull requests get no OIDC token: their plan and comment jobs are skipped, not failed
      expect(job.if).toContain(
        'github.event.pull_request.head.repo.full_name == github.repository',
      );
    });
    test('only the reduced plan JSON leaves the runner (the full one holds sensitive values)', () => {
      for (const file of ['plan-stacks.sh', 'apply-stacks.sh']) {
        const script = scriptCode(file);
        expect([file, script]).toEqual([
          file,
          expect.stringMatching(/terraform -chdir="\$dir" show -json tfplan \| jq -f "\$reduce" >/),
        ]);
        expect(script.match(/show -json/g)).toHaveLength(1);
        expect(script).toContain('/../../plan-summary/src" && pwd)/reduce-plan.jq"');
      }
      // and no workflow runs terraform show -json itself
      for (const wf of workflows)
        expect([wf.name, runs(wf)]).not.toEqual([wf.name, expect.stringContaining('show -json')]);
    });
    test('a final job posts the one comment with pull-requests: write, even when plans failed', () => {
      const job = plan.doc.jobs.comment;
      expect(job.needs).toEqual(['changes', 'plan']);
      expect(job.if).toMatch(/^always\(\) && needs\.changes\.result == 'success'/);
      expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
      expect(runs(plan, 'comment')).toContain(
        'node packages/plan-summary/bin/automock-plan-comment.js',
      );
      const post = job.steps.find((s: any) => s.name === 'Post the plan comment');
      expect(post.env.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
      expect(
        job.steps.some(
          (s: any) =>
            String(s.uses).startsWith('actions/download-artifact@') &&
            s.with.pattern === 'plan-result-*',
        ),
      ).toBe(true);
    });
    test('each plan job fails its own check when a plan failed, after uploading every result', () => {
      const steps = plan.doc.jobs.plan.steps as any[];
      const planStep = steps.findIndex((s) => s.name === 'terraform plan');
      const upload = steps.findIndex((s) => String(s.uses).startsWith('actions/upload-artifact@'));
      expect(planStep).toBeLessThan(upload);
      expect(steps[planStep].if).toBeUndefined(); // its failure fails the job
      expect(steps[upload].if).toBe('always()');
    });
  });

  describe('apply.yml and apply-environment.yml', () => {
    const apply = byName('apply.yml');
    const env = byName('apply-environment.yml');
    const names = ENVIRONMENTS.map((e) => e.name);

    test('runs on pushes to main and by hand with a choice of every environment of the app', () => {
      expect(apply.doc.on.push).toEqual({ branches: ['main'] });
      const input = apply.doc.on.workflow_dispatch.inputs.environment;
      expect(input).toMatchObject({ type: 'choice', required: true });
      expect(input.options).toEqual(names);
    });

    test('one job per environment, in order, each passing its name and variable key', () => {
      expect(Object.keys(apply.doc.jobs)).toEqual(names);
      names.forEach((name, i) => {
        const job = apply.doc.jobs[name];
        expect(job.uses).toBe('./.github/workflows/apply-environment.yml');
        expect(job.with).toEqual({
          environment: name,
          env_key: roleVariable('apply', name).replace('AUTOMOCK_APPLY_ROLE_ARN_', ''),
        });
        expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
        if (i > 0) {
          expect(job.needs).toBe(names[i - 1]);
          expect(job.if).toContain('!failure()');
        }
        expect(job.if).toContain(`inputs.environment == '${name}'`);
        // a manual run can be started from any branch: only main applies
        expect(job.if).toContain("github.ref == 'refs/heads/main'");
      });
    });

    test('every apply job checks it runs from main before it assumes the apply role', () => {
      for (const id of ['environment', 'projects']) {
        const all = env.doc.jobs[id].steps as any[];
        const guard = all.findIndex((s) => s.name === 'Only from main');
        const assume = all.findIndex((s) =>
          String(s.uses).startsWith('aws-actions/configure-aws-credentials@'),
        );
        expect([id, guard]).toEqual([id, 0]);
        expect(guard).toBeLessThan(assume);
        expect(all[guard].env.REF).toBe('${{ github.ref }}');
        expect(all[guard].run).toContain('exit 1');
      }
    });

    test('every apply job runs in the GitHub environment; one apply per environment at a time, queued not cancelled', () => {
      expect(env.doc.on.workflow_call.inputs.environment).toMatchObject({
        type: 'string',
        required: true,
      });
      for (const id of ['environment', 'projects']) {
        const job = env.doc.jobs[id];
        expect([id, job.environment]).toEqual([id, '${{ inputs.environment }}']);
        expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
        const creds = usesOf(env, id, 'aws-actions/configure-aws-credentials')[0]!.step;
        expect(creds.with['role-to-assume']).toBe(
          "${{ vars[format('AUTOMOCK_APPLY_ROLE_ARN_{0}', inputs.env_key)] }}",
        );
      }
      // the whole environment (its stack and every project job) is one unit of concurrency
      for (const name of ENVIRONMENTS.map((e) => e.name))
        expect(apply.doc.jobs[name].concurrency).toEqual({
          group: `apply-${name}`,
          'cancel-in-progress': false,
        });
    });

    test('the environment stack first, then its projects in parallel batches of at most 64 jobs', () => {
      const first = runs(env, 'environment');
      expect(first).toMatch(/--env "\$ENV_NAME" --kind environment --format lines/);
      expect(first).toMatch(
        /--kind project \\\n\s+--format github --max-jobs "\$MAX_PROJECT_JOBS" --stacks-dir cdktf\.out\/stacks/,
      );
      expect(env.doc.env.MAX_PROJECT_JOBS).toBe('64');
      // 3 environments x 64 stays within GitHub's 256 matrix jobs per run
      expect(ENVIRONMENTS.length * Number(env.doc.env.MAX_PROJECT_JOBS)).toBeLessThanOrEqual(256);
      const projects = env.doc.jobs.projects;
      expect(projects.needs).toBe('environment');
      expect(projects.if).toBe("needs.environment.outputs.jobs != '0'");
      expect(projects.strategy).toEqual({
        'fail-fast': false,
        matrix: '${{ fromJSON(needs.environment.outputs.matrix) }}',
      });
      expect(env.doc.jobs.environment.outputs.matrix).toBe('${{ steps.batches.outputs.matrix }}');
      expect(runs(env, 'projects')).toContain(
        `jq -r --arg b "$BATCH" '.batches[] | select(.id == $b) | .stacks[]' cdktf.out/batches/batches.json`,
      );
      // the project jobs get the synthesised stacks, their batches and the summary tool
      const upload = usesOf(env, 'environment', 'actions/upload-artifact')[0]!.step;
      expect(upload.with.name).toBe('apply-${{ inputs.environment }}');
      expect(String(upload.with.path).trim().split('\n')).toEqual([
        'cdktf.out/stacks',
        'cdktf.out/batches',
        'packages/plan-summary/dist',
      ]);
    });

    test('applies exactly the plan it showed, stopping at the first failure', () => {
      const script = scriptCode('apply-stacks.sh');
      expect(script).toContain('-out=tfplan');
      expect(script).toMatch(/apply -input=false -no-color -lock-timeout=10m tfplan/);
      expect(script).toContain('set -euo pipefail');
      expect(script).not.toMatch(/-auto-approve/);
      for (const id of ['environment', 'projects'])
        expect(runs(env, id)).toContain('bash packages/workflows/scripts/apply-stacks.sh');
    });

    test('the applied commit is recorded once every job of the environment succeeded', () => {
      const own = env.doc.jobs.environment.steps.find(
        (s: any) => s.name === 'Record the applied commit',
      );
      expect(own.if).toBe("steps.batches.outputs.jobs == '0'");
      expect(own.run).toMatch(/record-applied\.sh .* environment 0$/);
      const last = env.doc.jobs.projects.steps.find(
        (s: any) => s.name === 'Record the applied commit',
      );
      expect(last.if).toBeUndefined(); // only after the batch applied
      expect(last.env.JOBS).toBe('${{ needs.environment.outputs.jobs }}');
      expect(last.run).toContain('"$BATCH" "$JOBS"');
    });
  });

  describe('drift.yml', () => {
    const drift = byName('drift.yml');

    test('runs on a schedule and by hand, one run at a time, never cancelled', () => {
      expect(Object.keys(drift.doc.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
      expect(drift.doc.on.schedule).toEqual([
        { cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) },
      ]);
      expect(drift.doc.concurrency).toEqual({ group: 'drift', 'cancel-in-progress': false });
    });

    test('plans every stack, batched like plan.yml, with -refresh-only', () => {
      expect(runs(drift, 'stacks')).toContain('node packages/cli/bin/run.js stacks --json');
      expect(runs(drift, 'stacks')).not.toContain('--changed-since');
      expect(runs(drift, 'stacks')).toMatch(
        /--format github --stacks-dir cdktf\.out\/stacks --out-dir cdktf\.out\/batches/,
      );
      expect(drift.doc.jobs.check.strategy).toEqual({
        'fail-fast': false,
        matrix: '${{ fromJSON(needs.stacks.outputs.matrix) }}',
      });
      expect(runs(drift, 'check')).toContain(
        'bash packages/workflows/scripts/plan-stacks.sh --refresh-only "$RUNNER_TEMP/drift-out"',
      );
    });

    test('checks assume the environment’s drift role, from main only, guarded before the role', () => {
      const job = drift.doc.jobs.check;
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      expect(job.env.ROLE_ARN).toBe(
        "${{ vars[format('AUTOMOCK_DRIFT_ROLE_ARN_{0}', matrix.env_key)] }}",
      );
      expect(roleVariable('drift', 'staging-eu')).toBe('AUTOMOCK_DRIFT_ROLE_ARN_STAGING_EU');
      for (const id of ['stacks', 'check']) {
        const all = drift.doc.jobs[id].steps as any[];
        expect([id, all[0].name, all[0].env.REF]).toEqual([
          id,
          'Only from main',
          '${{ github.ref }}',
        ]);
      }
    });

    test('one report job with issues: write posts the issues and the job summary, even when checks failed', () => {
      const job = drift.doc.jobs.report;
      expect(job.needs).toEqual(['stacks', 'check']);
      expect(job.if).toBe("always() && needs.stacks.result == 'success'");
      expect(job.permissions).toEqual({ contents: 'read', issues: 'write' });
      expect(runs(drift, 'report')).toContain(
        'node packages/plan-summary/bin/automock-drift-report.js',
      );
      const report = job.steps.find((s: any) => s.name === 'Report drift');
      expect(report.env.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
      expect(report.run).toContain('--stacks batches/stacks.json');
      expect(
        job.steps.some(
          (s: any) =>
            String(s.uses).startsWith('actions/download-artifact@') &&
            s.with.pattern === 'drift-result-*',
        ),
      ).toBe(true);
    });
  });
});
