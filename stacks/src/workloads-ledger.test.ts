import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type DatabaseResolved } from '@automock/core';
import { checkStacks, type TerraformJson } from '@automock/guardrails';
import { Testing } from 'cdktf';
import { ENVIRONMENTS } from './environments';
import { checkPolicy } from './policy';
import { WorkloadStack } from './workload-stack';
import { resolveWorkloads, yamlWorkload } from './workloads';

/** stacks/workloads/ledger.yaml: issue 14's database tier with pgAdmin, in the default app (dev). */
type Res = Record<string, any>;

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const FILE = path.join(__dirname, '..', 'workloads', 'ledger.yaml');
const ledger = resolveWorkloads([yamlWorkload(readFileSync(FILE, 'utf8'), FILE)], [dev])[0]!
  .workload;
const app = Testing.app();
const stack = new WorkloadStack(app, { workload: ledger });
const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Res>> };
const all = (type: string): Res[] => Object.values(json.resource[type] ?? {});

describe('the workload ledger (stacks/workloads/ledger.yaml)', () => {
  test('PostgreSQL in the database subnets with pgAdmin at /ledger/pgadmin', () => {
    const d = ledger.sections.database as DatabaseResolved;
    expect(d.pgAdmin).toEqual(
      expect.objectContaining({ path: '/ledger/pgadmin', email: 'dba@example.com' }),
    );
    expect(all('aws_db_instance')).toHaveLength(1);
    expect(all('aws_lb_target_group').map((t) => t.health_check.path)).toEqual([
      '/ledger/pgadmin/misc/ping',
    ]);
  });

  test("pgAdmin's paths on dev's HTTP listener: the token header or 403 (dev names no control-plane networks)", () => {
    const rules = all('aws_lb_listener_rule').sort((a, b) => a.priority - b.priority);
    expect(rules.map((r) => r.action[0].type)).toEqual(['forward', 'fixed-response']);
    for (const r of rules) {
      expect(String(r.listener_arn)).toContain('http_listener_arn');
      expect(r.condition[0]).toEqual({
        path_pattern: { values: ['/ledger/pgadmin', '/ledger/pgadmin/*'] },
      });
    }
    expect(rules[0]!.condition[1].http_header.http_header_name).toBe('x-automock-control-token');
  });

  test('passes the guardrails with 0 errors', () => {
    const report = checkPolicy(app);
    expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
  });

  test("AM-ELB-8 recognises pgAdmin's rules: the same stack without the token condition is an error", () => {
    const elb8 = (j: unknown) =>
      checkStacks([{ name: 'dev-ledger', json: j as TerraformJson, environment: dev }])
        .findings.filter((f) => f.ruleId === 'AM-ELB-8')
        .map((f) => f.address);
    expect(elb8(json)).toEqual([]);
    const open = structuredClone(json);
    const rules = open.resource.aws_lb_listener_rule!;
    const [id, token] = Object.entries(rules).find(([, r]) => r.action[0].type === 'forward')!;
    rules[id] = { ...token, condition: [token.condition[0]] };
    expect(elb8(open)).toEqual([`aws_lb_listener_rule.${id}`]);
  });

  test("another workload of dev with pgAdmin at the ledger's path is refused before anything is built", () => {
    const other = yamlWorkload(
      'name: books\nenvironments: [dev]\ndatabase:\n  pgAdmin: { email: b@example.com, path: /ledger/pgadmin }\n',
      'books.yaml',
    );
    expect(() =>
      resolveWorkloads([yamlWorkload(readFileSync(FILE, 'utf8'), FILE), other], [dev]),
    ).toThrow(
      /workload\[dev\/books\]\.database\.pgAdmin\.path: got "\/ledger\/pgadmin", must not overlap workload ledger's pgAdmin path/,
    );
  });
});
