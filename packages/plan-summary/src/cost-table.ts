import { monthly } from './cost';
import type { StackPlanSummary } from './plan-json';
import { inlineCode } from './summary-table';

/** `$1.23`, or more digits below a dollar. */
export function usd(n: number): string {
  const a = Math.abs(n);
  return `$${a >= 100 ? a.toFixed(0) : a >= 1 || a === 0 ? a.toFixed(2) : a.toFixed(3)}`;
}

/** A difference with its sign: `+$1.23`, `−$0.050`, `$0.00`. */
export function usdDelta(n: number): string {
  // Below a tenth of a cent a month is rounding noise, not a change.
  if (Math.abs(n) < 0.0005) return '$0.00';
  return `${n > 0 ? '+' : '−'}${usd(n)}`;
}

/**
 * The cost section of the plan comment, Infracost-style: per stack whose plan touches something
 * priced, the hourly and monthly cost before and after the plan and the difference, at the
 * autoscaling minimum, and the monthly difference with every service at its maximum. Empty when
 * no stack has an estimate.
 */
export function renderCostTable(summaries: readonly StackPlanSummary[]): string {
  const costed = summaries.filter((s) => s.cost !== undefined);
  if (costed.length === 0) return '';
  const lines = [
    '#### Cost',
    '',
    '| Stack | Region | Hourly | Δ hourly | Monthly | Δ monthly | Δ monthly at max |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  let before = 0;
  let after = 0;
  let maxDelta = 0;
  let priced = 0;
  const tables = new Map<string, string>();
  for (const s of costed) {
    const c = s.cost!;
    if (c.before === undefined || c.after === undefined) {
      lines.push(
        `| ${inlineCode(s.stack)} | ${c.region ?? '–'} | _no estimate: ${(c.unpriced ?? 'unknown').replace(/\|/g, '\\|')}_ | | | | |`,
      );
      continue;
    }
    priced++;
    if (c.region && c.pricesAsOf) tables.set(c.region, c.pricesAsOf);
    const b = c.before.minimum;
    const a = c.after.minimum;
    const dMax = monthly(c.after.maximum - c.before.maximum);
    before += b;
    after += a;
    maxDelta += dMax;
    lines.push(
      `| ${inlineCode(s.stack)} | ${c.region} | ${usd(b)} → ${usd(a)} | ${usdDelta(a - b)} | ${usd(monthly(b))} → ${usd(monthly(a))} | ${usdDelta(monthly(a - b))} | ${usdDelta(dMax)} |`,
    );
  }
  if (priced > 1) {
    lines.push(
      `| **Total** | | ${usd(before)} → ${usd(after)} | **${usdDelta(after - before)}** | ${usd(monthly(before))} → ${usd(monthly(after))} | **${usdDelta(monthly(after - before))}** | ${usdDelta(maxDelta)} |`,
    );
  }
  const asOf = [...tables].map(([r, d]) => `${r} as of ${d}`).join(', ');
  lines.push(
    '',
    `_At the autoscaling minimum (the last column: every service at its maximum), from the resources' before and after values in the plan${asOf ? `, with on-demand list prices (${asOf})` : ''}; usage-based parts (ALB LCUs, data transfer out, NAT data, logs) use the assumptions \`automock cost\` states._`,
  );
  return `${lines.join('\n')}\n`;
}
