import { PolicyViolationError, RULES } from '@automock/guardrails';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { TerraformStack } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from './app';
import { AutomockStack } from './automock-stack';
import { ENVIRONMENTS } from './environments';
import { PROJECTS_DIR } from './projects';
import { checkPolicy, synthWithGuardrails } from './policy';

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}

describe('guardrails over the real app', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-policy-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('the default environments and example projects synthesise with no policy error', () => {
    const app = buildApp({ outdir });
    const report = synthWithGuardrails(app);
    const errors = report.findings.filter((f) => f.severity === 'error' && !f.suppressed);
    expect(errors).toEqual([]);
    // every stack (bootstrap, environments, example projects) was checked, prod at the
    // production level (all rules ran)
    expect([...report.stacks].sort()).toEqual(
      AutomockStack.all(app)
        .map((s) => s.info.name)
        .sort(),
    );
    for (const env of ENVIRONMENTS) expect(report.stacks).toContain(env.name);
    if (ENVIRONMENTS.some((e) => e.production)) expect(report.rulesChecked).toBe(RULES.length);
    expect(files(outdir)).toContain('cdk.tf.json');
  });

  test('a breaking resource in an environment stack stops synthesis and writes nothing', () => {
    const app = buildApp({ outdir });
    const dev = app.node.findAll().find((c) => TerraformStack.isStack(c) && c.node.id === 'dev');
    new CloudwatchLogGroup(dev!, 'unbounded', { name: '/automock/dev/unbounded' });
    const report = checkPolicy(app);
    const errors = report.findings.filter((f) => f.severity === 'error' && !f.suppressed);
    expect(errors.map((f) => [f.stack, f.ruleId])).toEqual([['dev', 'AM-LOG-1']]);
    expect(() => synthWithGuardrails(app)).toThrow(PolicyViolationError);
    expect(files(outdir)).toEqual([]);
  });

  describe('project suppressions', () => {
    const probe = (suppressions?: { id: string; reason: string }[]) => ({
      env: 'dev',
      project: {
        name: 'policy-probe',
        listenerPort: 10099,
        expectations: path.join(PROJECTS_DIR, 'petstore', 'expectations.json'),
        // a plain variable that looks like a secret: AM-ECS-3
        environment: { UPSTREAM_API_TOKEN: 'not-really-secret' },
        ...(suppressions ? { suppressions } : {}),
      },
    });
    const build = (suppressions?: { id: string; reason: string }[]) =>
      buildApp({ outdir, environments: ['dev'], projects: [probe(suppressions)] });

    test('without a suppression the finding stops synthesis', () => {
      const app = build();
      expect(() => synthWithGuardrails(app)).toThrow(
        /AM-ECS-3 dev-policy-probe .*UPSTREAM_API_TOKEN/,
      );
      expect(files(outdir)).toEqual([]);
    });

    test("a suppression with a reason in the project's configuration accepts it", () => {
      const reason = 'The upstream sandbox token is public test data';
      const report = synthWithGuardrails(build([{ id: 'AM-ECS-3', reason }]));
      const f = report.findings.find((x) => x.ruleId === 'AM-ECS-3')!;
      expect(f.stack).toBe('dev-policy-probe');
      expect(f.suppressed).toEqual({ reason, source: 'project[dev/policy-probe].suppressions[0]' });
      expect(report.errors).toBe(0);
    });

    test('a suppression without a reason is refused before any stack is built', () => {
      expect(() => build([{ id: 'AM-ECS-3', reason: '' }])).toThrow(/suppressions\[0\]\.reason/);
    });
  });
});
