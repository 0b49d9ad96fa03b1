import { failedStackSummary, parsePlanJson, StackPlanSummary } from './plan-json';
import { inlineCode, renderSummaryTable } from './summary-table';

const summary = (over: Partial<StackPlanSummary>): StackPlanSummary => ({
  ...parsePlanJson({ format_version: '1.2' }),
  ...over,
});

describe('renderSummaryTable', () => {
  test('one row per stack with the counts in order add, change, replace, destroy, unchanged', () => {
    const md = renderSummaryTable([summary({ stack: 'dev', add: 3, change: 2, noOp: 7 })]);
    expect(md).toContain('| `dev` | 3 | 2 | 0 | 0 | 7 | changes |');
    expect(md).not.toContain('Total');
    expect(md).not.toContain('⚠️');
  });

  test('destroys and replacements are bold behind a warning marker and listed by address', () => {
    const md = renderSummaryTable([
      summary({
        stack: 'dev',
        destroy: 1,
        destroyed: ['aws_s3_bucket.config'],
        replace: 1,
        replaced: ['aws_ecs_service.api'],
      }),
      summary({ stack: 'prod', noOp: 4 }),
    ]);
    expect(md).toContain('| `dev` | 0 | 0 | ⚠️ **1** | ⚠️ **1** | 0 | changes |');
    expect(md).toContain('| `prod` | 0 | 0 | 0 | 0 | 4 | no changes |');
    expect(md).toContain('| **Total** | 0 | 0 | ⚠️ **1** | ⚠️ **1** | 4 | 2 stacks |');
    expect(md).toContain(
      '**⚠️ 1 resource will be destroyed, 1 replaced (destroyed and re-created):**',
    );
    expect(md).toContain('- `dev`: destroy `aws_s3_bucket.config`');
    expect(md).toContain('- `dev`: replace `aws_ecs_service.api`');
  });

  test('failed stacks say so with the reason and count in the total', () => {
    const md = renderSummaryTable([
      failedStackSummary('staging', 'terraform exited with status "1"'),
      summary({ stack: 'dev' }),
    ]);
    expect(md).toContain('| `staging` | – | – | – | – | – | ❌ **plan failed** |');
    expect(md).toContain('❌ **1 of 2 failed**');
    expect(md).toContain('- `staging`: terraform exited with status "1"');
  });

  test('long address lists are capped with a count of the rest', () => {
    const destroyed = Array.from({ length: 7 }, (_, i) => `terraform_data.r${i}`);
    const md = renderSummaryTable([summary({ stack: 'dev', destroy: 7, destroyed })], {
      maxListedAddresses: 5,
    });
    expect(md).toContain('`terraform_data.r4`');
    expect(md).not.toContain('`terraform_data.r5`');
    expect(md).toContain('… and 2 more to destroy');
  });

  test('pipes and backticks in names cannot break the table', () => {
    expect(inlineCode('a`b')).toBe('``a`b``');
    const md = renderSummaryTable([summary({ stack: 'we|ird' })]);
    expect(md).toContain('`we\\|ird`');
  });

  test('no stacks says so; bad options name the field', () => {
    expect(renderSummaryTable([])).toMatch(/No stacks changed/);
    expect(() => renderSummaryTable([], { maxListedAddresses: -1 })).toThrow(
      /maxListedAddresses: got -1/,
    );
  });
});
