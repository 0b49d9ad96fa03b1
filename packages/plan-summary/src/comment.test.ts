import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMENT_MARKER, GITHUB_COMMENT_MAX_LENGTH, renderComment } from './comment';
import { failedStackSummary, parsePlanJson, StackPlanSummary } from './plan-json';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');
const mixed = (stack: string): StackPlanSummary =>
  parsePlanJson(fixture('mixed.plan.json'), { stack });
const ARTIFACT = 'https://github.com/acme/infra/actions/runs/1/artifacts/2';

/** A realistic large plan: many created resources, like a new environment. */
function bigPlan(resources: number, tag: string): string {
  const lines = ['Terraform will perform the following actions:', ''];
  for (let i = 0; i < resources; i++) {
    lines.push(
      `  # aws_ssm_parameter.${tag}_${i} will be created`,
      `  + resource "aws_ssm_parameter" "${tag}_${i}" {`,
    );
    for (let j = 0; j < 8; j++) lines.push(`      + attr_${j} = "${'x'.repeat(30)}"`);
    lines.push('    }', '');
  }
  lines.push(`Plan: ${resources} to add, 0 to change, 0 to destroy.`);
  return lines.join('\n');
}

describe('renderComment', () => {
  test('marker first, then heading, table and each plan folded in details', () => {
    const body = renderComment({
      summaries: [mixed('dev')],
      plans: { dev: fixture('mixed.plan.txt') },
      artifactUrl: ARTIFACT,
    });
    expect(body.startsWith(`${COMMENT_MARKER}\n### Terraform plan\n\n| Stack |`)).toBe(true);
    expect(body).toContain(
      '<details><summary><code>dev</code>: 1 to add, 1 to change, ⚠️ 2 to replace, ⚠️ 1 to destroy</summary>',
    );
    expect(body).toContain('# terraform_data.destroyed will be destroyed');
    expect(body).toContain(`Full plans: [plan artifact](${ARTIFACT})`);
    expect(body).not.toContain('trimmed');
    expect(body.indexOf('| Stack |')).toBeLessThan(body.indexOf('<details>'));
  });

  test('backticks in plan text get a longer fence; colour codes are stripped', () => {
    const body = renderComment({
      summaries: [mixed('dev')],
      plans: { dev: 'a\n```\nb \u001b[1mbold\u001b[0m' },
    });
    expect(body).toContain('````text\na\n```\nb bold\n````');
  });

  test('large plans: trimmed under the limit, table kept, notice links the artifact', () => {
    const summaries = ['dev', 'staging', 'prod'].map(mixed);
    const plans = {
      dev: bigPlan(400, 'dev'),
      staging: bigPlan(10, 'staging'),
      prod: bigPlan(300, 'prod'),
    };
    expect(Object.values(plans).join('').length).toBeGreaterThan(3 * GITHUB_COMMENT_MAX_LENGTH);
    const body = renderComment({ summaries, plans, artifactUrl: ARTIFACT });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_MAX_LENGTH - 2_000); // the room is used, not wasted
    expect(body).toContain('| `dev` |');
    expect(body).toContain('| **Total** |');
    expect(body).toContain(`The full plans are in the [plan artifact](${ARTIFACT})`);
    // the short plan stays whole, the long ones are cut at a line with a note
    expect(body).toContain('Plan: 10 to add, 0 to change, 0 to destroy.');
    expect(body).not.toContain('Plan: 400 to add');
    expect(body.match(/lines omitted \(full plan in the artifact\)/g)).toHaveLength(2);
    expect(body.match(/<details>/g)).toHaveLength(3);
    expect(body.match(/<\/details>/g)).toHaveLength(3);
    // fences stay balanced after trimming
    expect(body.match(/^```/gm)!.length % 2).toBe(0);
  });

  test('failed stacks keep the tail of their output (where terraform prints the error)', () => {
    const err = `${'noise line\n'.repeat(5000)}Error: creating ECS Service: AccessDenied`;
    const body = renderComment({
      summaries: [failedStackSummary('prod', 'terraform exited with status "1"')],
      plans: { prod: err },
      maxLength: 5_000,
    });
    expect(body.length).toBeLessThanOrEqual(5_000);
    expect(body).toContain('Error: creating ECS Service: AccessDenied');
  });

  test('when details cannot all fit, the least important are dropped first and counted', () => {
    const quiet = Array.from({ length: 20 }, (_, i) =>
      parsePlanJson({ format_version: '1.2' }, { stack: `quiet${i}` }),
    );
    const summaries = [
      ...quiet,
      mixed('risky'),
      failedStackSummary('broken', 'terraform exited with status "1"'),
    ];
    const plans: Record<string, string> = { risky: bigPlan(50, 'r'), broken: 'Error: x' };
    for (const q of quiet) plans[q.stack] = 'No changes.';
    const max = renderComment({ summaries }).length + 1_000;
    const body = renderComment({ summaries, plans, maxLength: max });
    expect(body.length).toBeLessThanOrEqual(max);
    expect(body).toContain('<code>broken</code>');
    expect(body).toContain('<code>risky</code>');
    expect(body).not.toContain('<code>quiet19</code>');
    expect(body).toMatch(/Plan text of \d+ stacks left out here/);
  });

  test('a table too long for the limit keeps the limit: address lists shrink, then rows are cut', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...mixed(`project-stack-with-a-long-name-${i}`),
      destroyed: Array.from({ length: 30 }, (_, j) => `aws_x.y_${j}`),
    }));
    const plans = Object.fromEntries(many.map((m) => [m.stack, bigPlan(2, m.stack)]));
    const body = renderComment({ summaries: many, plans, artifactUrl: ARTIFACT });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(body).not.toContain('<details>');
    expect(body).toContain('Plan text of 3000 stacks left out here');
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('table cut: too many stacks');
    expect(body).toContain(ARTIFACT);
  });

  test('job summary use: a larger limit keeps everything', () => {
    const plans = { dev: bigPlan(400, 'dev') };
    const body = renderComment({ summaries: [mixed('dev')], plans, maxLength: 1_000_000 });
    expect(body).toContain('Plan: 400 to add');
  });

  test('rejects a limit too small to hold anything', () => {
    expect(() => renderComment({ summaries: [], maxLength: 10 })).toThrow(/maxLength: got 10/);
  });
});
