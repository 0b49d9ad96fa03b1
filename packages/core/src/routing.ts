/**
 * How requests reach a project, decided once by `defineProject` and passed unchanged to the
 * stacks and constructs: the user chooses `isolation`, the environment's domain decides between a
 * port and a host name on the shared ALB. Beside it, who may reach the project.
 */

/** A project's host name in the environment's domain, and the Route53 zone of its record. */
export interface ProjectDomain {
  /** `<project>.<domain>`. */
  readonly hostname: string;
  readonly hostedZoneId: string;
}

/** A listener of the project's own on the environment's shared ALB (environment without a domain). */
export interface SharedPortRouting {
  readonly kind: 'shared-port';
  /** Listener port, 1024-65535, not 443. */
  readonly port: number;
}

/** Rules for the project's host name on the shared ALB's HTTPS listener (environment with a domain). */
export interface SharedHostRouting {
  readonly kind: 'shared-host';
  readonly domain: ProjectDomain;
  /** First of the project's block of listener rule priorities (core's RULE_PRIORITY_BLOCK). */
  readonly priority: number;
}

/**
 * An ALB (and network) of the project's own, `isolation: 'dedicated'`: HTTP on its DNS name, or
 * HTTPS on the project's host name when the environment has a domain.
 */
export interface DedicatedRouting {
  readonly kind: 'dedicated';
  /** @default - no domain: HTTP on the ALB's DNS name */
  readonly domain?: ProjectDomain;
}

/** How a project is reached. */
export type ProjectRouting = SharedPortRouting | SharedHostRouting | DedicatedRouting;

/** The routings that attach to the environment's shared ALB. */
export type SharedAlbRouting = SharedPortRouting | SharedHostRouting;

/** Who may reach a project, enforced by its listener rules whichever the routing. */
export interface ProjectAccess {
  /**
   * Networks admitted to MockServer's control plane (`/mockserver/*`) without the project token
   * (the environment's `controlPlaneCidrs`), at most `MAX_CONTROL_PLANE_CIDRS`.
   */
  readonly controlPlaneCidrs: readonly string[];
  /**
   * Who may call the mocked API: the project's `dataPlaneCidrs`, else the environment's; at most
   * `MAX_DATA_PLANE_CIDRS`.
   */
  readonly dataPlaneCidrs: readonly string[];
}

/** How a shared-ALB project of an environment is routed: by host name with a domain, by port without. */
export function sharedRoutingKind(env: { readonly domain?: unknown }): SharedAlbRouting['kind'] {
  return env.domain ? 'shared-host' : 'shared-port';
}

/**
 * An ALB path pattern (`*` any characters, `?` exactly one, the rest literal) as a whole-string
 * regular expression: what a listener rule's path condition matches.
 */
export function albPathPatternRegex(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
