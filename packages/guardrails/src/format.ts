import { PolicyFinding, PolicyReport } from './engine';

/** One line: `AM-S3-1 dev aws_s3_bucket.x (dev/config/bucket): message`. */
export function formatFinding(f: PolicyFinding): string {
  const where = `${f.stack ? `${f.stack} ` : ''}${f.address}${f.path ? ` (${f.path})` : ''}`;
  const tail = f.suppressed
    ? ` [suppressed by ${f.suppressed.source}: ${f.suppressed.reason}]`
    : '';
  return `${f.ruleId} ${where}: ${f.message}${tail}`;
}

/** The short summary `automock synth` prints. */
export function summarizePolicyReport(r: PolicyReport): string {
  return `Policy: ${r.rulesChecked} rules checked on ${r.stacks.length} stack${r.stacks.length === 1 ? '' : 's'}, ${r.passed} passed, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}, ${r.suppressed} suppressed, ${r.errors} error${r.errors === 1 ? '' : 's'}`;
}

/** The summary followed by every error, warning and suppressed finding, one per line. */
export function formatPolicyReport(r: PolicyReport): string {
  const lines = [summarizePolicyReport(r)];
  const group = (title: string, list: PolicyFinding[]) => {
    for (const f of list) lines.push(`  ${title.padEnd(10)} ${formatFinding(f)}`);
  };
  group(
    'ERROR',
    r.findings.filter((f) => !f.suppressed && f.severity === 'error'),
  );
  group(
    'WARNING',
    r.findings.filter((f) => !f.suppressed && f.severity === 'warning'),
  );
  group(
    'SUPPRESSED',
    r.findings.filter((f) => f.suppressed),
  );
  return `${lines.join('\n')}\n`;
}
