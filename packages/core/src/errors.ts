/** One thing wrong with a value a user gave: where it is, what it was, and the rule it broke. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `environments.dev.vpcCidr`. */
  readonly field: string;
  /** The value that was given (rendered with JSON.stringify in messages). */
  readonly value: unknown;
  /** The rule, phrased as what is allowed, e.g. `must be 2 or 3`. */
  readonly rule: string;
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    const s = JSON.stringify(value);
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  } catch {
    return String(value);
  }
}

/** Formats one issue as `field: got VALUE, RULE`. */
export function formatIssue(issue: ValidationIssue): string {
  return `${issue.field}: got ${render(issue.value)}, ${issue.rule}`;
}

/** Marks a ConfigValidationError made by any copy of this module (see `Symbol.hasInstance`). */
const CONFIG_VALIDATION_ERROR = Symbol.for('@automock/core.ConfigValidationError');

/**
 * Raised when configuration is invalid. Carries every problem found, so a user fixes them in one
 * pass instead of one per run.
 */
export class ConfigValidationError extends Error {
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const lines = issues.map((i) => `  - ${formatIssue(i)}`).join('\n');
    super(
      `Invalid ${subject} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`,
    );
    this.name = 'ConfigValidationError';
    this.issues = issues;
    Object.defineProperty(this, CONFIG_VALIDATION_ERROR, { value: true });
  }

  /**
   * Also true for an error made by another copy of core: synthesis builds stacks with a bundle
   * that carries its own (stacks' scripts/bundle-builder.js), and its callers test what it throws
   * with `instanceof`. Subclasses keep the plain prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return (
      this === ConfigValidationError &&
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[CONFIG_VALIDATION_ERROR] === true
    );
  }
}

/** Collects issues while a validator walks a value; throws them together at the end. */
export class IssueCollector {
  private readonly list: ValidationIssue[] = [];

  add(field: string, value: unknown, rule: string): void {
    this.list.push({ field, value, rule });
  }

  get issues(): readonly ValidationIssue[] {
    return this.list;
  }

  get ok(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new ConfigValidationError(subject, this.list);
  }
}
