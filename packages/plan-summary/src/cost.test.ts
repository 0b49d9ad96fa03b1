import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { planCostChange } from './cost';
import { renderCostTable, usd, usdDelta } from './cost-table';
import { renderComment } from './comment';
import { parsePlanJson } from './plan-json';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

// us-east-1 list prices (USD per hour unless said), as core's table has them
const VCPU = 0.04048;
const GB = 0.004445;
const IPV4 = 0.005;
const LCU = 0.008;
const DATA_OUT_GB = 0.09;
const NAT_HOUR = 0.045;
const NAT_GB = 0.045;

describe('planCostChange', () => {
  it('prices a resize of the task and a higher autoscaling maximum from before and after values', () => {
    // dev-petstore: small (0.25 vCPU, 0.5 GB) -> medium (0.5 vCPU, 1 GB), 1-4 -> 1-20 tasks; the
    // task definition is replaced, so the service's new task_definition is unknown and found
    // through the configuration's references, the old one by its ARN.
    const cost = planCostChange(JSON.parse(fixture('cost-resize.plan.json')))!;
    expect(cost).toMatchObject({ region: 'us-east-1', pricesAsOf: '2025-06-01' });
    const perTask = (vcpu: number, gb: number) => vcpu * VCPU + gb * GB + IPV4;
    expect(cost.after!.minimum - cost.before!.minimum).toBeCloseTo(
      perTask(0.5, 1) - perTask(0.25, 0.5),
      10,
    );
    // At the maximum traffic follows the tasks: 1 LCU and 0.5 GB out per task.
    const traffic = LCU + 0.5 * DATA_OUT_GB;
    expect(cost.after!.maximum - cost.before!.maximum).toBeCloseTo(
      20 * (perTask(0.5, 1) + traffic) - 4 * (perTask(0.25, 0.5) + traffic),
      10,
    );
  });

  it('prices a NAT gateway and its Elastic IP being created', () => {
    const cost = planCostChange(JSON.parse(fixture('cost-nat.plan.json')))!;
    expect(cost.after!.minimum - cost.before!.minimum).toBeCloseTo(
      NAT_HOUR + 0.5 * NAT_GB + IPV4,
      10,
    );
    // The unchanged ALB is in both sides: hour and one address per subnet.
    expect(cost.before!.minimum).toBeCloseTo(0.0225 + 2 * IPV4, 10);
  });

  it('gives the reason instead of figures for a region without a price table, or none', () => {
    expect(planCostChange(JSON.parse(fixture('cost-unpriced-region.plan.json')))).toEqual({
      region: 'ap-southeast-7',
      unpriced: 'no price table for region ap-southeast-7; known: us-east-1, us-west-2',
    });
    const plan = JSON.parse(fixture('cost-nat.plan.json'));
    delete plan.configuration;
    expect(planCostChange(plan)).toEqual({
      unpriced: 'the plan does not name the AWS provider region',
    });
  });

  it('has nothing to say about a plan that changes nothing priced', () => {
    expect(planCostChange(JSON.parse(fixture('mixed.plan.json')))).toBeUndefined();
    const plan = JSON.parse(fixture('cost-resize.plan.json'));
    for (const rc of plan.resource_changes) rc.change.actions = ['no-op'];
    expect(planCostChange(plan)).toBeUndefined();
    expect(parsePlanJson(fixture('mixed.plan.json'))).not.toHaveProperty('cost');
  });
});

describe('the cost section of the plan comment', () => {
  const summaries = [
    parsePlanJson(fixture('cost-resize.plan.json'), { stack: 'dev-petstore' }),
    parsePlanJson(fixture('cost-nat.plan.json'), { stack: 'staging' }),
    parsePlanJson(fixture('cost-unpriced-region.plan.json'), { stack: 'far' }),
    parsePlanJson(fixture('mixed.plan.json'), { stack: 'other' }),
  ];

  it('shows before, after and the difference per changed stack, hourly and monthly', () => {
    const table = renderCostTable(summaries);
    expect(table).toContain(
      '| `dev-petstore` | us-east-1 | $0.040 → $0.053 | +$0.012 | $29.51 → $38.52 | +$9.01 | +$1002 |',
    );
    expect(table).toContain(
      '| `staging` | us-east-1 | $0.033 → $0.105 | +$0.073 | $23.73 → $76.65 | +$52.93 | +$52.93 |',
    );
    expect(table).toContain(
      '| `far` | ap-southeast-7 | _no estimate: no price table for region ap-southeast-7; known: us-east-1, us-west-2_ |',
    );
    expect(table).toMatch(/^\| \*\*Total\*\* \| \| \$0\.073 → \$0\.158 \| \*\*\+\$0\.085\*\* \|/m);
    expect(table).not.toContain('`other`');
    expect(table).toContain('us-east-1 as of 2025-06-01');
  });

  it('is part of the comment, after the summary table, and absent when nothing is priced', () => {
    const body = renderComment({ summaries });
    expect(body.indexOf('#### Cost')).toBeGreaterThan(body.indexOf('| **Total** | 7 |'));
    expect(renderComment({ summaries: [summaries[3]!] })).not.toContain('#### Cost');
  });

  it('formats amounts and signed differences', () => {
    expect([usd(0.0404), usd(29.5), usd(1002.4), usd(0)]).toEqual([
      '$0.040',
      '$29.50',
      '$1002',
      '$0.00',
    ]);
    expect([usdDelta(9.01), usdDelta(-0.05), usdDelta(0.0001)]).toEqual([
      '+$9.01',
      '−$0.050',
      '$0.00',
    ]);
  });
});
