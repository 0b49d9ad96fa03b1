import type { DeploymentStatus } from './deployment';

/** What the failed write expected to find. */
export interface RegistryExpectation {
  /** What the write was doing, e.g. `active -> expiring` or `extend TTL by 4 h`. */
  readonly action: string;
  /** Statuses it accepted. */
  readonly statuses: readonly DeploymentStatus[];
  /** Version it was conditional on, when it had read one. */
  readonly version?: number;
}

/** What the item looked like when the write was refused (re-read after the conflict). */
export interface RegistryCurrentState {
  readonly status: DeploymentStatus;
  readonly version: number;
  readonly expiresAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/**
 * A registry write lost a race or found the deployment in a state it cannot act on. The message
 * says what was expected and what is there now, so a user (or the reaper's log) can tell whether
 * to retry, e.g. "dev#petstore: extend TTL by 4 h expected status deploying|active at version 3,
 * found expiring at version 4 (expires 2026-01-01T10:00:00.000Z, last written 2026-01-01T10:00:03.000Z
 * by reaper)".
 */
export class RegistryConflictError extends Error {
  readonly env: string;
  readonly project: string;
  readonly expected: RegistryExpectation;
  /** The item now, or `undefined` when it does not exist. */
  readonly current: RegistryCurrentState | undefined;

  constructor(
    env: string,
    project: string,
    expected: RegistryExpectation,
    current: RegistryCurrentState | undefined,
  ) {
    const want =
      `expected status ${expected.statuses.join('|') || '(none: a new item)'}` +
      (expected.version !== undefined ? ` at version ${expected.version}` : '');
    const found = current
      ? `found ${current.status} at version ${current.version} (expires ${current.expiresAt}, ` +
        `last written ${current.updatedAt} by ${current.updatedBy})`
      : 'found no deployment';
    super(`${env}#${project}: ${expected.action} ${want}, ${found}`);
    this.name = 'RegistryConflictError';
    this.env = env;
    this.project = project;
    this.expected = expected;
    this.current = current;
  }
}
