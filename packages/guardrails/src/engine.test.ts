import { defineEnvironment, Environment } from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { checkStacks, RuleResultsMemo, StackPolicyInput, StackRuleResults } from './engine';
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

describe('rule results kept between checks', () => {
  /** A memo in memory that records what it was asked. */
  function memo() {
    const kept = new Map<string, StackRuleResults>();
    const log = { hits: 0, misses: 0 };
    const results: RuleResultsMemo = {
      get: (key) => {
        const r = kept.get(key);
        if (r) log.hits++;
        else log.misses++;
        return r;
      },
      put: (key, r) => void kept.set(key, r),
    };
    return { kept, log, results };
  }
  const taggedBy = (env: string) => ({
    Project: 'p',
    Environment: env,
    ManagedBy: 'm',
    'automock:env': env,
    'automock:project': 'p',
  });
  // A bucket that holds another stack's Terraform state only once that stack is checked with it.
  const app: StackPolicyInput = {
    name: 'app',
    contentKey: 'app-v1',
    environment: DEV,
    json: {
      resource: {
        aws_s3_bucket: { b: { bucket: 'shared-state', tags: taggedBy('dev') } },
        aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 0, tags: taggedBy('dev') } },
      },
    },
  };
  const other: StackPolicyInput = {
    name: 'other',
    contentKey: 'other-v1',
    environment: DEV,
    json: { terraform: { backend: { s3: { bucket: 'shared-state', key: 'k' } } }, resource: {} },
  };

  test('give the report a full check gives, and are used for an unchanged stack', () => {
    const m = memo();
    const first = checkStacks([app, other], { results: m.results });
    expect(m.log).toEqual({ hits: 0, misses: 2 });
    const again = checkStacks([app, other], { results: m.results });
    expect(m.log).toEqual({ hits: 2, misses: 2 });
    expect(again).toEqual(first);
    expect(again).toEqual(checkStacks([app, other]));
    // A stack without a content key is always checked.
    checkStacks([{ ...app, contentKey: undefined }], { results: m.results });
    expect(m.log).toEqual({ hits: 2, misses: 2 });
  });

  test('are what the report is made of (a forged result is reported)', () => {
    const m = memo();
    checkStacks([app], { results: m.results });
    const [key] = [...m.kept.keys()];
    m.kept.set(key!, { 'AM-LOG-1': [{ address: 'forged.address', message: 'forged finding' }] });
    const r = checkStacks([app], { results: m.results });
    expect(r.findings.map((f) => [f.ruleId, f.address, f.message])).toEqual([
      ['AM-LOG-1', 'forged.address', 'forged finding'],
    ]);
  });

  test('do not hide a finding another stack causes: the state buckets are part of the key', () => {
    const m = memo();
    const alone = checkStacks([app], { results: m.results });
    expect(findings(alone, 'AM-STATE-1')).toEqual([]);
    const together = checkStacks([app, other], { results: m.results });
    expect(m.log.hits).toBe(0);
    expect(findings(together, 'AM-STATE-1').map((f) => [f.stack, f.address])).toEqual([
      ['app', 'aws_s3_bucket.b'],
    ]);
    expect(together).toEqual(checkStacks([app, other]));
  });

  test('follow the environment and its level', () => {
    const m = memo();
    checkStacks([app], { results: m.results });
    const prod = checkStacks([{ ...app, environment: PROD }], { results: m.results });
    expect(m.log.hits).toBe(0);
    expect(prod).toEqual(checkStacks([{ ...app, environment: PROD }]));
    expect(prod.rulesChecked).toBe(RULES.length);
  });

  test('leave suppressions to each check: used by a remembered finding, stale when unused', () => {
    const m = memo();
    const suppressing = {
      ...DEV,
      suppressions: [
        { id: 'AM-LOG-1', reason: 'Audit logs must be kept without limit here' },
        { id: 'AM-DDB-1', reason: 'No table in any of these stacks' },
      ],
    };
    const stacks = [
      { ...app, environment: suppressing },
      { ...other, environment: suppressing },
    ];
    checkStacks(stacks, { results: m.results });
    const r = checkStacks(stacks, { results: m.results });
    expect(m.log.hits).toBe(2);
    expect(r).toEqual(checkStacks(stacks));
    expect(r.findings.find((f) => f.ruleId === 'AM-LOG-1')!.suppressed!.source).toBe(
      'environment[dev].suppressions[0]',
    );
    expect(findings(r, 'AM-SUP-3').map((f) => [f.stack, f.address])).toEqual([
      ['app', 'environment[dev].suppressions[1]'],
    ]);
  });
});
