import { PolicyReport } from './engine';
import { formatFinding } from './format';

/** Raised when a policy check found errors; carries the whole report. */
export class PolicyViolationError extends Error {
  readonly report: PolicyReport;

  constructor(report: PolicyReport) {
    const errors = report.findings.filter((f) => f.severity === 'error' && !f.suppressed);
    super(
      `Policy check failed with ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was synthesised:\n${errors
        .map((f) => `  ${formatFinding(f)}`)
        .join(
          '\n',
        )}\nFix them, or suppress one with { id, reason } in the environment or project configuration.`,
    );
    this.name = 'PolicyViolationError';
    this.report = report;
  }
}
