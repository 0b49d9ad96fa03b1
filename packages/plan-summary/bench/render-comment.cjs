// Prints how long renderComment takes to fit large plans under the comment limit (no assertions).
// Run after `pnpm build`: node packages/plan-summary/bench/render-comment.cjs
const p = require('../dist');
const fs = require('fs');
const fx = fs.readFileSync(
  require('node:path').join(__dirname, '..', 'fixtures', 'mixed.plan.json'),
  'utf8',
);
function big(n, tag) {
  const l = [];
  for (let i = 0; i < n; i++) {
    l.push(`  # aws_x.${tag}_${i} will be created`, `  + resource "aws_x" "${tag}_${i}" {`);
    for (let j = 0; j < 8; j++) l.push(`      + a${j} = "${'x'.repeat(30)}"`);
    l.push('    }');
  }
  return l.join('\n');
}
for (const [stacks, res] of [
  [30, 400],
  [300, 50],
  [3000, 5],
]) {
  const summaries = Array.from({ length: stacks }, (_, i) =>
    p.parsePlanJson(fx, { stack: `s${i}` }),
  );
  const plans = Object.fromEntries(summaries.map((s) => [s.stack, big(res, s.stack)]));
  const input = Object.values(plans).reduce((a, t) => a + t.length, 0);
  const t0 = process.hrtime.bigint();
  const body = p.renderComment({ summaries, plans, artifactUrl: 'https://x' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `${stacks} stacks, ${(input / 1e6).toFixed(1)} MB of plan text -> ${body.length} chars in ${ms.toFixed(0)} ms`,
  );
}
const t0 = process.hrtime.bigint();
for (let i = 0; i < 1000; i++) p.parsePlanJson(fx);
console.log(
  `parsePlanJson: ${(Number(process.hrtime.bigint() - t0) / 1e6 / 1000).toFixed(3)} ms per 8 KB plan`,
);
