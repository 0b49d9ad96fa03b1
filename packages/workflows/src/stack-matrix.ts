/** What this module reads of one entry of `automock stacks --json` (the CLI's StackInfo). */
export interface StackListing {
  readonly name: string;
  readonly kind: string;
  readonly environment?: string;
  readonly region: string;
}

/** One job of the plan or apply matrix. */
export interface StackMatrixEntry {
  readonly stack: string;
  readonly kind: string;
  readonly environment: string;
  /** Environment as used in repository variable names: `staging-eu` -> `STAGING_EU`. */
  readonly env_key: string;
  readonly region: string;
}

/** A GitHub Actions `strategy.matrix` value plus the stacks left out of it. */
export interface StackMatrix {
  readonly include: StackMatrixEntry[];
  /** Stacks not planned by the workflows, with why. */
  readonly skipped: { readonly stack: string; readonly reason: string }[];
}

/** Options of {@link stackMatrix}. */
export interface StackMatrixOptions {
  /**
   * Only stacks of this environment.
   * @default - every environment
   */
  readonly environment?: string;
}

// Stack names become artifact names, paths and shell arguments: only these characters are safe.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const KIND_ORDER: Record<string, number> = { environment: 0, project: 1 };

/** Name of the repository variable holding an environment's role ARN, e.g. `AUTOMOCK_PLAN_ROLE_ARN_DEV`. */
export function roleVariable(kind: 'plan' | 'apply' | 'drift', environment: string): string {
  return `AUTOMOCK_${kind.toUpperCase()}_ROLE_ARN_${envKey(environment)}`;
}

function envKey(environment: string): string {
  return environment.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Turns the output of `automock stacks [--changed-since REF] --json` (an array, or an object with
 * a `stacks` array) into a job matrix: environment stacks before project stacks (projects read
 * their environment's outputs), then by name. Bootstrap stacks are left out: they hold the CI's
 * own roles, so a person applies them with `automock bootstrap`.
 */
export function stackMatrix(listing: unknown, options: StackMatrixOptions = {}): StackMatrix {
  const list = Array.isArray(listing)
    ? listing
    : typeof listing === 'object' &&
        listing !== null &&
        Array.isArray((listing as { stacks?: unknown }).stacks)
      ? (listing as { stacks: unknown[] }).stacks
      : undefined;
  if (!list) {
    throw new Error(
      `stack list: got ${JSON.stringify(listing)?.slice(0, 80)}, must be the JSON array printed by \`automock stacks --json\``,
    );
  }
  const include: StackMatrixEntry[] = [];
  const skipped: { stack: string; reason: string }[] = [];
  list.forEach((raw, i) => {
    const s = raw as Partial<StackListing>;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.name !== 'string' ||
      typeof s.kind !== 'string'
    ) {
      throw new Error(
        `stack list[${i}]: got ${JSON.stringify(raw)?.slice(0, 80)}, must be an object with name and kind`,
      );
    }
    if (!SAFE_NAME.test(s.name)) {
      throw new Error(
        `stack list[${i}].name: got ${JSON.stringify(s.name)}, must be letters, digits, ".", "_", "-" (it becomes a path and an artifact name)`,
      );
    }
    if (s.kind === 'bootstrap') {
      skipped.push({
        stack: s.name,
        reason: 'bootstrap stacks are applied by a person with `automock bootstrap`',
      });
      return;
    }
    if (typeof s.environment !== 'string' || !SAFE_NAME.test(s.environment)) {
      throw new Error(
        `stack list[${i}].environment: got ${JSON.stringify(s.environment)}, a ${s.kind} stack must name its environment`,
      );
    }
    if (typeof s.region !== 'string' || !/^[a-z0-9-]+$/.test(s.region)) {
      throw new Error(
        `stack list[${i}].region: got ${JSON.stringify(s.region)}, must be an AWS region`,
      );
    }
    if (options.environment !== undefined && s.environment !== options.environment) return;
    include.push({
      stack: s.name,
      kind: s.kind,
      environment: s.environment,
      env_key: envKey(s.environment),
      region: s.region,
    });
  });
  include.sort(
    (a, b) =>
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.stack.localeCompare(b.stack),
  );
  return { include, skipped };
}
