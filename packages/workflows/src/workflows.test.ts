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
const usesOf = (wf: WorkflowFile, job: string, action: string) =>
  steps(wf).filter((s) => s.job === job && String(s.step.uses ?? '').startsWith(`${action}@`));

describe('every workflow validates against the GitHub Actions schema (@action-validator, offline)', () => {
  test('the four workflows are there (others may be added; they are validated too)', () => {
    expect(workflows.map((w) => w.name)).toEqual(
      expect.arrayContaining(['apply-environment.yml', 'apply.yml', 'ci.yml', 'plan.yml']),
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
    const maxSession = (kind: 'plan' | 'apply') =>
      Math.min(
        ...bootstraps.flatMap((b) =>
          Object.values(b.ciAccess!.environments).map((r) =>
            Number((kind === 'plan' ? r.planRole : r.applyRole).maxSessionDurationInput),
          ),
        ),
      );
    let checked = 0;
    for (const wf of workflows)
      for (const [id, job] of Object.entries<any>(wf.doc.jobs))
        for (const { step } of usesOf(wf, id, 'aws-actions/configure-aws-credentials')) {
          checked++;
          const seconds = Number(step.with['role-duration-seconds']);
          const kind = String(step.with['role-to-assume']).includes('APPLY') ? 'apply' : 'plan';
          expect([wf.name, id, seconds >= Number(job['timeout-minutes']) * 60]).toEqual([
            wf.name,
            id,
            true,
          ]);
          expect([wf.name, id, seconds <= maxSession(kind)]).toEqual([wf.name, id, true]);
        }
    expect(checked).toBe(2);
    expect(maxSession('apply')).toBeGreaterThanOrEqual(120 * 60);
  });

  test('every repository file a workflow runs exists', () => {
    const referenced = new Set(
      workflows.flatMap((wf) =>
        [...wf.text.matchAll(/packages\/[\w./-]+\.(?:js|jq)/g)].map((m) => m[0]),
      ),
    );
    expect([...referenced].sort()).toEqual(
      expect.arrayContaining([
        'packages/cli/bin/run.js',
        'packages/plan-summary/bin/automock-plan-comment.js',
        'packages/plan-summary/src/reduce-plan.jq',
        'packages/workflows/bin/automock-stack-matrix.js',
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
    test('plan jobs: OIDC with the plan role of their environment, wrapper off, detailed exit code', () => {
      const job = plan.doc.jobs.plan;
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      const creds = usesOf(plan, 'plan', 'aws-actions/configure-aws-credentials')[0]!.step;
      expect(creds.with['role-to-assume']).toBe('${{ env.ROLE_ARN }}');
      expect(job.env.ROLE_ARN).toBe(
        "${{ vars[format('AUTOMOCK_PLAN_ROLE_ARN_{0}', matrix.env_key)] }}",
      );
      expect(roleVariable('plan', 'dev')).toBe('AUTOMOCK_PLAN_ROLE_ARN_DEV');
      expect(runs(plan, 'plan')).toMatch(/terraform plan .*-detailed-exitcode/);
      // fork pull requests get no OIDC token: their plan and comment jobs are skipped, not failed
      expect(job.if).toContain(
        'github.event.pull_request.head.repo.full_name == github.repository',
      );
    });
    test('only the reduced plan JSON leaves the runner (the full one holds sensitive values)', () => {
      const script = runs(plan, 'plan');
      expect(script).toMatch(
        /terraform show -json tfplan \| jq -f "\$GITHUB_WORKSPACE\/packages\/plan-summary\/src\/reduce-plan\.jq" >/,
      );
      expect(script.match(/show -json/g)).toHaveLength(1);
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
      expect(post.env.EXPECTED).toBe('${{ needs.changes.outputs.stacks }}');
      expect(
        job.steps.some(
          (s: any) =>
            String(s.uses).startsWith('actions/download-artifact@') && s.with.pattern === 'plan-*',
        ),
      ).toBe(true);
    });
    test('each plan job fails its own check when its plan failed', () => {
      const fail = plan.doc.jobs.plan.steps.find(
        (s: any) => s.name === 'Fail when the plan failed',
      );
      expect(fail.if).toBe("steps.plan.outputs.status != '0' && steps.plan.outputs.status != '2'");
      expect(fail.run).toContain('exit 1');
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

    test('the apply job checks it runs from main before it assumes the apply role', () => {
      const all = env.doc.jobs.apply.steps as any[];
      const guard = all.findIndex((s) => s.name === 'Only from main');
      const assume = all.findIndex((s) =>
        String(s.uses).startsWith('aws-actions/configure-aws-credentials@'),
      );
      expect(guard).toBe(0);
      expect(guard).toBeLessThan(assume);
      expect(all[guard].env.REF).toBe('${{ github.ref }}');
      expect(all[guard].run).toContain('exit 1');
    });

    test('the apply job runs in the GitHub environment, one at a time per environment, queued not cancelled', () => {
      const job = env.doc.jobs.apply;
      expect(env.doc.on.workflow_call.inputs.environment).toMatchObject({
        type: 'string',
        required: true,
      });
      expect(job.environment).toBe('${{ inputs.environment }}');
      expect(job.concurrency).toEqual({
        group: 'apply-${{ inputs.environment }}',
        'cancel-in-progress': false,
      });
      expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      const creds = usesOf(env, 'apply', 'aws-actions/configure-aws-credentials')[0]!.step;
      expect(creds.with['role-to-assume']).toBe(
        "${{ vars[format('AUTOMOCK_APPLY_ROLE_ARN_{0}', inputs.env_key)] }}",
      );
    });

    test('applies exactly the plan it showed, environment stacks before projects, stopping at the first failure', () => {
      const script = runs(env, 'apply');
      expect(script).toContain('-out=tfplan');
      expect(script).toMatch(/apply -input=false -no-color -lock-timeout=10m tfplan/);
      expect(script).toContain('set -euo pipefail');
      expect(script).toContain('--format lines');
      expect(script).not.toMatch(/-auto-approve/);
    });
  });
});
