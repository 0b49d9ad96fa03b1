import { defineEnvironment, Environment } from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { checkStacks } from './engine';
import { formatPolicyReport, summarizePolicyReport } from './format';
import { RULES } from './all-rules';
import { check, DEV, findings, PROD, testStack } from './testing/fixtures';

function leakyStack(env: Environment = DEV) {
  const { app, stack } = testStack(env);
  new CloudwatchLogGroup(stack, 'forever', { name: 'forever' });
  return app;
}

/** An environment object as a config file could produce it, bypassing defineEnvironment. */
const withSuppressions = (suppressions: unknown[]): Environment =>
  ({ ...DEV, suppressions }) as unknown as Environment;

describe('suppressions', () => {
  test('a suppression with a reason turns the error into a suppressed finding', () => {
    const env = defineEnvironment({
      name: 'dev',
      accountId: '111111111111',
      region: 'us-east-1',
      suppressions: [{ id: 'AM-LOG-1', reason: 'Audit logs must be kept without limit here' }],
    });
    const r = check(leakyStack(env), env);
    expect(r.errors).toBe(0);
    expect(r.suppressed).toBe(1);
    const f = r.findings.find((x) => x.ruleId === 'AM-LOG-1')!;
    expect(f.suppressed).toEqual({
      reason: 'Audit logs must be kept without limit here',
      source: 'environment[dev].suppressions[0]',
    });
    expect(formatPolicyReport(r)).toMatch(/SUPPRESSED +AM-LOG-1 .*Audit logs must be kept/);
  });

  test.each([[undefined], [''], ['   '], ['because']])(
    'a suppression with reason %p is itself an error and suppresses nothing',
    (reason) => {
      const env = withSuppressions([{ id: 'AM-LOG-1', reason }]);
      const r = check(leakyStack(env), env);
      expect(findings(r, 'AM-SUP-1').map((f) => f.address)).toEqual([
        'environment[dev].suppressions[0]',
      ]);
      expect(findings(r, 'AM-LOG-1')).toHaveLength(1);
      expect(r.suppressed).toBe(0);
      expect(r.errors).toBe(2);
    },
  );

  test('a suppression of an unknown rule id is an error', () => {
    const env = withSuppressions([{ id: 'AM-S3-99', reason: 'a reason that is long enough' }]);
    const r = check(leakyStack(env), env);
    expect(findings(r, 'AM-SUP-2')[0]!.message).toMatch(/"AM-S3-99", which is not a rule/);
  });

  test('a project suppression applies to its stack only, and an unused one warns', () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'forever', { name: 'forever' });
    const project = {
      name: 'petstore',
      suppressions: [
        { id: 'AM-LOG-1', reason: 'Load-test logs are archived elsewhere' },
        { id: 'AM-S3-1', reason: 'No bucket in this project at all' },
      ],
    };
    const r = check(app, DEV, { projectFor: () => project });
    expect(r.findings.find((f) => f.ruleId === 'AM-LOG-1')!.suppressed!.source).toBe(
      'project[dev/petstore].suppressions[0]',
    );
    const stale = findings(r, 'AM-SUP-3');
    expect(stale.map((f) => [f.address, f.severity])).toEqual([
      ['project[dev/petstore].suppressions[1]', 'warning'],
    ]);
    expect(r.errors).toBe(0);
  });

  test('a stack shared by environments (bootstrap) takes their suppressions and the strictest level', () => {
    const json = {
      resource: {
        aws_cloudwatch_log_group: {
          g: {
            name: 'g',
            tags: {
              Project: 'p',
              Environment: 'shared',
              ManagedBy: 'm',
              'automock:env': 'shared',
              'automock:project': '_environment',
            },
          },
        },
        aws_dynamodb_table: {
          t: { name: 't', server_side_encryption: { enabled: true }, tags: {} },
        },
      },
    };
    const dev = {
      ...DEV,
      suppressions: [{ id: 'AM-LOG-1', reason: 'kept for the audit trail of CI runs' }],
    };
    const r = checkStacks([{ name: 'bootstrap', json, sharedBy: [dev, PROD] }]);
    expect(r.findings.find((f) => f.ruleId === 'AM-LOG-1')!.suppressed!.source).toBe(
      'environment[dev].suppressions[0]',
    );
    // production level because prod shares it: missing PITR is an error, not a warning
    expect(findings(r, 'AM-DDB-1').map((f) => f.severity)).toEqual(['error']);
  });

  test('an environment suppression is validated once however many stacks share it', () => {
    const env = withSuppressions([{ id: 'AM-LOG-1' }]);
    const json = { resource: {} };
    const r = checkStacks([
      { name: 'a', json, environment: env },
      { name: 'b', json, environment: env },
    ]);
    expect(findings(r, 'AM-SUP-1')).toHaveLength(1);
  });
});

describe('report', () => {
  test('counts rules checked, passed, warnings, errors and suppressed', () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'forever', { name: 'forever' });
    new DynamodbTable(stack, 't', {
      name: 't',
      hashKey: 'k',
      attribute: [{ name: 'k', type: 'S' }],
      serverSideEncryption: { enabled: true },
    });
    const r = check(app);
    const devRules = RULES.filter((x) => x.level !== 'off');
    expect(r.rulesChecked).toBe(devRules.length);
    expect(r.errors).toBe(1);
    expect(r.warnings).toBe(1);
    expect(r.passed).toBe(devRules.length - 2);
    expect(r.stacks).toEqual(['test-dev']);
    expect(summarizePolicyReport(r)).toBe(
      `Policy: ${devRules.length} rules checked on 1 stack, ${devRules.length - 2} passed, 1 warning, 0 suppressed, 1 error`,
    );
  });

  test('prod-only rules run only at production level', () => {
    expect(check(leakyStack(PROD), PROD).rulesChecked).toBe(RULES.length);
  });

  test('hand-written JSON can be checked without constructs', () => {
    const r = checkStacks([
      {
        name: 'raw',
        json: {
          resource: {
            aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 0, tags: {} } },
          },
        },
      },
    ]);
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['AM-LOG-1', 'AM-TAG-1']);
  });

  test('rule ids are unique and follow AM-<AREA>-<n>', () => {
    const ids = RULES.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^AM-[A-Z0-9]+-\d+$/);
    for (const r of RULES) expect(r.meaning).not.toMatch(/\n/);
  });
});
