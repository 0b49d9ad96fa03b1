import { defineEnvironment } from '../environment';
import { IssueCollector } from '../errors';
import { outputsSection } from './outputs';
import { checkWorkloadReferences, parseWorkloadReferences } from './references';

const declared = (kind: string, name: string) => kind === 'table' && name === 'pool';
const check = (value: string, lists = false) => {
  const issues = new IssueCollector();
  checkWorkloadReferences(issues, 'f', value, { declared }, { kinds: ['table'], lists });
  return issues.issues.map((i) => i.rule);
};

describe('workload references', () => {
  test('parses resource and stack references in order, leaving other text alone', () => {
    expect(parseWorkloadReferences('https://${table:pool:tableName}/${aws:region}')).toEqual([
      {
        type: 'resource',
        kind: 'table',
        name: 'pool',
        attribute: 'tableName',
        text: '${table:pool:tableName}',
      },
      { type: 'context', value: 'aws:region', text: '${aws:region}' },
    ]);
    expect(parseWorkloadReferences('plain $HOME text')).toEqual([]);
  });

  test('accepts declared resources, their attributes and stack values', () => {
    expect(check('${table:pool:tableName}-${aws:region}')).toEqual([]);
    expect(check('${network:privateSubnetIds}', true)).toEqual([]);
    // issue 14: seed 004's backend_cloud_map_arn and backend_task_role_name outputs
    expect(check('${cloudMap:namespaceArn} ${cloudMap:namespaceName}')).toEqual([]);
  });

  test("a service offers its task role's name and ARN", () => {
    const issues = new IssueCollector();
    const svc = (kind: string, name: string) => kind === 'service' && name === 'backend';
    checkWorkloadReferences(
      issues,
      'f',
      '${service:backend:taskRoleName} ${service:backend:taskRoleArn}',
      { declared: svc },
      { kinds: ['service'] },
    );
    expect(issues.issues).toEqual([]);
  });

  test('refuses undeclared names, unknown attributes, kinds out of reach, unknown values and lists inside text', () => {
    expect(check('${table:other:tableName}')).toEqual(['must name a table of this workload']);
    expect(check('${table:pool:colour}')).toEqual([
      'must name an attribute of a table: arn, tableName',
    ]);
    expect(check('${queue:jobs:url}')).toEqual(['must name a kind of table']);
    expect(check('${aws:galaxy}')[0]).toMatch(/^must be \$\{<kind>:<name>:<attribute>\} or one of/);
    expect(check('${network:privateSubnetIds}')).toEqual([
      'must not be used here: it is a list of strings',
    ]);
    expect(check('x ${network:privateSubnetIds}', true)).toEqual([
      'must be the whole value: it is a list',
    ]);
  });
});

describe('outputs section', () => {
  const env = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
  test('resolves names to values and descriptions; reports each bad value under its name', () => {
    const issues = new IssueCollector();
    const ctx = { env, workload: 'w', issues, field: 'workload[dev/w].outputs', declared };
    expect(
      outputsSection.resolve(
        { a: '${table:pool:arn}', b: { value: '${aws:region}', description: 'region' } },
        ctx,
      ),
    ).toEqual([
      { name: 'a', value: '${table:pool:arn}' },
      { name: 'b', value: '${aws:region}', description: 'region' },
    ]);
    expect(outputsSection.resolve({ c: '${queue:none:url}' }, ctx)).toBeUndefined();
    expect(issues.issues.map((i) => i.field)).toEqual(['workload[dev/w].outputs.c']);
  });
});
