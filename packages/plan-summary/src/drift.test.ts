import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  driftIssueTitle,
  driftMarker,
  failedDriftSummary,
  hasDrift,
  parseDrift,
  renderDriftReport,
  StackDriftSummary,
} from './drift';
import { GITHUB_COMMENT_MAX_LENGTH } from './report';

// Recorded by packages/workflows/src/workflow-scripts.test.ts from terraform 1.11 and a test
// provider: objects b changed and c deleted outside Terraform, a and d changed in the code only.
const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

describe('parseDrift', () => {
  test('a refresh-only plan: changed and deleted resources from resource_drift', () => {
    expect(parseDrift(fixture('drift.plan.json'), { stack: 'dev' })).toEqual({
      stack: 'dev',
      status: 'ok',
      changed: ['fake_object.b'],
      deleted: ['fake_object.c'],
    });
    const none = parseDrift(fixture('no-drift.plan.json'), { stack: 'dev-petstore' });
    expect(none).toEqual({ stack: 'dev-petstore', status: 'ok', changed: [], deleted: [] });
    expect(hasDrift(none)).toBe(false);
  });

  test('moves (no-op with previous_address) and data sources are not drift; an errored plan failed', () => {
    const plan = {
      format_version: '1.2',
      errored: true,
      resource_drift: [
        {
          address: 'aws_s3_bucket.new_name',
          previous_address: 'aws_s3_bucket.old_name',
          change: { actions: ['no-op'] },
        },
        { address: 'data.aws_caller_identity.me', mode: 'data', change: { actions: ['update'] } },
      ],
    } as const;
    expect(parseDrift(plan)).toEqual({
      stack: '',
      status: 'failed',
      changed: [],
      deleted: [],
      error: 'terraform reported the plan as errored (incomplete)',
    });
  });

  test('anything else is refused, naming the field, the value and the rule', () => {
    expect(() => parseDrift('{nope')).toThrow(/document: got "\{nope", must be JSON/);
    expect(() => parseDrift({})).toThrow(/format_version: got undefined, must be 1.x/);
    expect(() =>
      parseDrift({
        format_version: '1.2',
        resource_drift: [{ address: 'x.y', change: { actions: ['create'] } }],
      }),
    ).toThrow('resource_drift[0].change.actions: got ["create"], is not a drift this report knows');
    expect(() =>
      parseDrift({ format_version: '1.2', resource_drift: [{ address: 'x.y' } as never] }),
    ).toThrow(/resource_drift\[0\]\.change\.actions: got undefined, must be an array/);
  });
});

const drifted = (stack: string, changed: string[], deleted: string[] = []): StackDriftSummary => ({
  stack,
  status: 'ok',
  changed,
  deleted,
});
const clean = (stack: string) => drifted(stack, []);

describe('renderDriftReport', () => {
  test('marker, heading, what drifted and how to resolve it, each drifted stack’s plan folded', () => {
    const body = renderDriftReport({
      environment: 'dev',
      summaries: [parseDrift(fixture('drift.plan.json'), { stack: 'dev' }), clean('dev-petstore')],
      plans: { dev: fixture('drift.plan.txt'), 'dev-petstore': 'No changes.' },
      artifactUrl: 'https://a.test/drift',
      footer: '<sub>Checked 2026-11-30</sub>',
    });
    expect(
      body.startsWith(`${driftMarker('dev')}\n### Drift in \`dev\`\n\n2 resources in 1 stack`),
    ).toBe(true);
    expect(body).toContain('Actions → apply → Run workflow → `dev`');
    expect(body).toContain('| `dev` | 1 | 1 | drifted |');
    expect(body).not.toContain('| `dev-petstore` |'); // stacks without drift are only counted
    expect(body).toContain('1 other stack checked: no drift.');
    expect(body).toContain('- `dev`: changed `fake_object.b`');
    expect(body).toContain('- `dev`: deleted `fake_object.c`');
    expect(body).toContain(
      '<details><summary><code>dev</code>: 2 resources changed outside Terraform</summary>',
    );
    expect(body).toContain('~ value = "two" -> "changed by hand"');
    expect(body).not.toContain('No changes.');
    expect(body).toContain('Full plans: [plan artifact](https://a.test/drift)');
    expect(body.trimEnd().endsWith('<sub>Checked 2026-11-30</sub>')).toBe(true);
  });

  test('no drift, and checks that failed', () => {
    expect(
      renderDriftReport({ environment: 'prod', summaries: [clean('prod'), clean('prod-api')] }),
    ).toContain(
      'No drift: every stack matches its state.\n\nAll 2 stacks match their state: no drift.',
    );
    const failed = renderDriftReport({
      environment: 'prod',
      summaries: [
        failedDriftSummary('prod', 'terraform exited with status "1"'),
        clean('prod-api'),
      ],
      plans: { prod: 'Error: AccessDenied' },
    });
    expect(failed).toContain('some stacks could not be checked');
    expect(failed).toContain('| `prod` | – | – | ❌ **check failed** |');
    expect(failed).toContain('- `prod`: ❌ terraform exited with status "1"');
    expect(failed).toContain('<code>prod</code>: ❌ check failed</summary>');
  });

  test('a thousand drifted stacks still fit in one issue, the table first', () => {
    const summaries = Array.from({ length: 1000 }, (_, i) =>
      drifted(
        `dev-p${String(i).padStart(4, '0')}`,
        Array.from({ length: 30 }, (_, k) => `aws_security_group_rule.ingress_${k}`),
        ['aws_s3_bucket_policy.config'],
      ),
    );
    const plans = Object.fromEntries(
      summaries.map((s) => [s.stack, `${'~ resource "aws_security_group_rule" {\n'.repeat(200)}`]),
    );
    const body = renderDriftReport({ environment: 'dev', summaries, plans });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(body).toContain('31000 resources in 1000 stacks changed outside Terraform');
    expect(body).toContain('| `dev-p0000` | 30 | 1 | drifted |');
    expect(body).toMatch(/table cut: too many stacks|… and \d+ more changed/);
  });

  test('the issue title says how much drifted, or that the check could not tell', () => {
    expect(driftIssueTitle('dev', [drifted('dev', ['a.b'], ['c.d']), clean('dev-x')])).toBe(
      'Drift in dev: 2 resources changed outside Terraform',
    );
    expect(driftIssueTitle('dev', [drifted('dev', ['a.b'])])).toBe(
      'Drift in dev: 1 resource changed outside Terraform',
    );
    expect(driftIssueTitle('dev', [failedDriftSummary('dev', 'x')])).toBe(
      'Drift in dev: 1 stack could not be checked',
    );
  });
});
