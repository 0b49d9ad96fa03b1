import {
  checkCidrList,
  DEFAULT_DATA_PLANE_CIDRS,
  isInternetCidr,
  MAX_CONTROL_PLANE_CIDRS,
  MAX_DATA_PLANE_CIDRS,
} from './access';
import { ACM_DOMAIN_NAME_MAX } from './aws-limits';
import { ALB_NAME_FORBIDDEN_PREFIX, checkAccountId, checkRegion } from './aws-names';
import { parseCidr } from './cidr';
import { IssueCollector } from './errors';
import { checkContainerImages, ContainerImages } from './images';
import { INSTANCE_SIZE_NAMES, InstanceSizeName } from './sizes';
import { checkTags } from './tags';

/** How NAT gateways are provisioned for private subnets. */
export type NatStrategy = 'none' | 'single' | 'per-az';

/**
 * Where Fargate tasks run. `private`: private subnets, egress through NAT. `public`: public
 * subnets with public IPs and no NAT, the cheap mode for ephemeral mocks (tasks still admit
 * traffic only from the load balancer).
 */
export type TaskPlacement = 'private' | 'public';

/** A DNS name and the Route53 hosted zone that serves it. */
export interface DomainConfig {
  /** Parent domain, e.g. `mocks.example.com`; projects get `<project>.<name>`. */
  readonly name: string;
  /** Route53 hosted zone id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId: string;
}

/** A policy rule the user has decided to accept for this environment, with the reason. */
export interface RuleSuppression {
  /** Stable rule id, e.g. `AM-S3-4`. */
  readonly id: string;
  /** Why the finding is acceptable here; required. */
  readonly reason: string;
}

/** What a user writes to declare an environment. Optional fields have safe defaults. */
export interface EnvironmentInput {
  /** Short DNS-safe name: `dev`, `staging`, `prod`. 1-12 chars, lowercase letters, digits, hyphens. */
  readonly name: string;
  /** 12-digit AWS account id; the provider refuses to run against any other account. */
  readonly accountId: string;
  /** AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /** Availability zones to spread subnets over. @default 2 */
  readonly azCount?: 2 | 3;
  /** VPC CIDR, /16 to /24. @default '10.0.0.0/16' */
  readonly vpcCidr?: string;
  /** NAT gateways for private subnets. @default 'single' */
  readonly nat?: NatStrategy;
  /** Where tasks run. @default 'private' */
  readonly taskPlacement?: TaskPlacement;
  /** Instance size for projects that name none. @default 'small' */
  readonly defaultSize?: InstanceSizeName;
  /** Time-to-live for projects that give none; 0 means never expire. @default 4 */
  readonly defaultTtlHours?: number;
  /**
   * Longest time-to-live an ephemeral project may ask for, at deploy and by `extend-ttl` (1-720);
   * when set, 0 (never expire) is refused too and `defaultTtlHours` must be within it. A request
   * above it fails naming the limit (exit 2).
   * @default - 720 (MAX_TTL_HOURS), and 0 allowed
   */
  readonly maxTtlHours?: number;
  /**
   * Minutes before expiry at which the reaper warns the environment's topic and the deployer's
   * address (1-4 distinct whole numbers, 1-1440); a run that missed a stage sends only the latest
   * one due.
   * @default [60, 15]
   */
  readonly expiryWarningMinutes?: readonly number[];
  /** CloudWatch Logs retention in days (one of CloudWatch's allowed values). @default 14 */
  readonly logRetentionDays?: number;
  /** Optional domain: projects get HTTPS at `<project>.<domain>`. @default - plain HTTP on the ALB's DNS name */
  readonly domain?: DomainConfig;
  /** Address that receives alarms and TTL warnings. @default - no email subscription */
  readonly notificationEmail?: string;
  /** Protect load balancers and tables from deletion; turn on for production. @default false */
  readonly deletionProtection?: boolean;
  /** VPC flow logs to CloudWatch. @default false */
  readonly flowLogs?: boolean;
  /**
   * A third subnet tier for databases (one subnet per AZ with no route to the internet, and a DB
   * subnet group), which a workload's `database` section needs. Adding it renumbers nothing.
   * @default false
   */
  readonly databaseSubnets?: boolean;
  /** Name prefix for every resource. @default 'automock' */
  readonly prefix?: string;
  /** Extra tags on every resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Policy findings accepted in this environment. @default [] */
  readonly suppressions?: readonly RuleSuppression[];
  /** Stricter policy level (production): warnings about resilience become errors. @default name === 'prod' */
  readonly production?: boolean;
  /**
   * Who may call the projects' mocked APIs: IPv4 CIDRs, at most 4 (one ALB rule). Projects may
   * override it. Production environments should narrow it (AM-ELB-6 flags the internet there).
   * @default ['0.0.0.0/0'] (mocks are called from laptops and CI runners)
   */
  readonly dataPlaneCidrs?: readonly string[];
  /**
   * Networks (e.g. an office VPN) that reach MockServer's control plane (`/mockserver/*`,
   * dashboard included) without the project's token: IPv4 CIDRs, at most 2, never the internet.
   * @default [] (only requests carrying the token, which the CLI reads from Secrets Manager)
   */
  readonly controlPlaneCidrs?: readonly string[];
  /** Image references pinned by digest. @default {} (the constructs' tags; AM-ECS-4 reports them) */
  readonly images?: ContainerImages;
  /**
   * ALB access logs to an S3 bucket of the environment, kept `logRetentionDays` days.
   * @default production
   */
  readonly albAccessLogs?: boolean;
}

/** A validated environment with every default filled in. */
export interface Environment {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly azCount: 2 | 3;
  readonly vpcCidr: string;
  readonly nat: NatStrategy;
  readonly taskPlacement: TaskPlacement;
  readonly defaultSize: InstanceSizeName;
  readonly defaultTtlHours: number;
  readonly maxTtlHours?: number;
  readonly expiryWarningMinutes: readonly number[];
  readonly logRetentionDays: number;
  readonly domain?: DomainConfig;
  readonly notificationEmail?: string;
  readonly deletionProtection: boolean;
  readonly flowLogs: boolean;
  readonly databaseSubnets: boolean;
  readonly prefix: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly suppressions: readonly RuleSuppression[];
  readonly production: boolean;
  readonly dataPlaneCidrs: readonly string[];
  readonly controlPlaneCidrs: readonly string[];
  readonly images: ContainerImages;
  readonly albAccessLogs: boolean;
}

/** Named defaults, merged field by field; never written into the caller's object. */
export const ENVIRONMENT_DEFAULTS = {
  azCount: 2,
  vpcCidr: '10.0.0.0/16',
  nat: 'single',
  taskPlacement: 'private',
  defaultSize: 'small',
  defaultTtlHours: 4,
  expiryWarningMinutes: [60, 15],
  logRetentionDays: 14,
  deletionProtection: false,
  flowLogs: false,
  databaseSubnets: false,
  prefix: 'automock',
} as const satisfies Partial<EnvironmentInput>;

/** Longest TTL a project may ask for: 30 days. Longer-lived mocks should be declared with 0 (never). */
export const MAX_TTL_HOURS = 720;

/** CloudWatch Logs' allowed retention values, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/**
 * Words after the prefix that name an account's shared resources (state bucket
 * `<prefix>-tfstate-…`, lock table `<prefix>-terraform-locks`, registry `<prefix>-deployments`):
 * an environment of that name would own them through its `<prefix>-<env>-*` permissions.
 */
export const RESERVED_ENVIRONMENT_NAMES = ['tfstate', 'terraform', 'deployments'] as const;

export const DNS_LABEL_RE = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ZONE_RE = /^Z[A-Z0-9]{1,31}$/;
export const RULE_ID_RE = /^AM-[A-Z0-9]+-\d+$/;

/** Checks a TTL in hours: an integer from 0 (never) to {@link MAX_TTL_HOURS}. */
export function checkTtlHours(issues: IssueCollector, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TTL_HOURS) {
    issues.add(
      field,
      v,
      `must be a whole number of hours from 0 (never expire) to ${MAX_TTL_HOURS}`,
    );
  }
}

/** Most expiry warning stages an environment may set. */
export const MAX_WARNING_STAGES = 4;

/** Checks expiry warning stages: 1-4 distinct whole minutes from 1 to 1440 (a day). */
export function checkWarningMinutes(issues: IssueCollector, field: string, v: unknown): void {
  if (
    !Array.isArray(v) ||
    v.length < 1 ||
    v.length > MAX_WARNING_STAGES ||
    v.some((m) => typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > 1440) ||
    new Set(v).size !== v.length
  )
    issues.add(
      field,
      v,
      `must list 1-${MAX_WARNING_STAGES} distinct whole numbers of minutes from 1 to 1440, e.g. [60, 15]`,
    );
}

/** Checks a DNS-safe name (environment or project). */
export function checkDnsName(issues: IssueCollector, field: string, v: unknown, max: number): void {
  if (typeof v !== 'string' || v.length < 1 || v.length > max || !DNS_LABEL_RE.test(v)) {
    issues.add(
      field,
      v,
      `must be 1-${max} characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    );
  }
}

export function checkSuppressions(issues: IssueCollector, field: string, v: unknown): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    issues.add(field, v, 'must be a list of { id, reason }');
    return;
  }
  v.forEach((s: Partial<RuleSuppression> | undefined, i) => {
    if (!s || typeof s.id !== 'string' || !RULE_ID_RE.test(s.id)) {
      issues.add(`${field}[${i}].id`, s?.id, 'must be a rule id like AM-S3-1');
    }
    if (!s || typeof s.reason !== 'string' || s.reason.trim().length < 10) {
      issues.add(
        `${field}[${i}].reason`,
        s?.reason,
        'must explain in words (at least 10 characters) why the finding is acceptable',
      );
    }
  });
}

/**
 * Validates an environment and fills in its defaults. Every problem is reported at once, each
 * naming the field, the value and the rule.
 *
 * @throws ConfigValidationError when anything is wrong.
 */
export function defineEnvironment(input: EnvironmentInput): Environment {
  const issues = new IssueCollector();
  const f = (k: string) =>
    `environment${typeof input?.name === 'string' ? `[${input.name}]` : ''}.${k}`;
  if (input === null || typeof input !== 'object') {
    issues.add('environment', input, 'must be an object');
    issues.throwIfAny('environment');
  }
  const v = { ...ENVIRONMENT_DEFAULTS, ...stripUndefined(input) } as Environment &
    Record<string, unknown>;

  checkDnsName(issues, f('name'), v.name, 12);
  if ((RESERVED_ENVIRONMENT_NAMES as readonly unknown[]).includes(v.name)) {
    issues.add(
      f('name'),
      v.name,
      `must not be one of ${RESERVED_ENVIRONMENT_NAMES.join(', ')}: the account's shared state resources are named <prefix>-<that>-…, and an environment's CI role may manage everything named <prefix>-<env>-…`,
    );
  }
  checkAccountId(issues, f('accountId'), v.accountId);
  checkRegion(issues, f('region'), v.region);
  if (v.azCount !== 2 && v.azCount !== 3) issues.add(f('azCount'), v.azCount, 'must be 2 or 3');
  const cidr = typeof v.vpcCidr === 'string' ? parseCidr(v.vpcCidr) : undefined;
  if (!cidr) {
    issues.add(
      f('vpcCidr'),
      v.vpcCidr,
      'must be an IPv4 network in CIDR form with no host bits set, e.g. 10.0.0.0/16',
    );
  } else if (cidr.prefix < 16 || cidr.prefix > 24) {
    issues.add(
      f('vpcCidr'),
      v.vpcCidr,
      'must have a prefix from /16 to /24 (AWS VPC limits, and room for subnets)',
    );
  }
  if (!['none', 'single', 'per-az'].includes(v.nat)) {
    issues.add(f('nat'), v.nat, "must be 'none', 'single' or 'per-az'");
  }
  if (!['private', 'public'].includes(v.taskPlacement)) {
    issues.add(f('taskPlacement'), v.taskPlacement, "must be 'private' or 'public'");
  } else if (v.taskPlacement === 'private' && v.nat === 'none') {
    issues.add(
      f('nat'),
      v.nat,
      "must be 'single' or 'per-az' when taskPlacement is 'private': tasks in private subnets need NAT to pull images (or use taskPlacement 'public')",
    );
  }
  if (!INSTANCE_SIZE_NAMES.includes(v.defaultSize)) {
    issues.add(f('defaultSize'), v.defaultSize, `must be one of ${INSTANCE_SIZE_NAMES.join(', ')}`);
  }
  checkTtlHours(issues, f('defaultTtlHours'), v.defaultTtlHours);
  if (v.maxTtlHours !== undefined) {
    if (
      typeof v.maxTtlHours !== 'number' ||
      !Number.isInteger(v.maxTtlHours) ||
      v.maxTtlHours < 1 ||
      v.maxTtlHours > MAX_TTL_HOURS
    )
      issues.add(
        f('maxTtlHours'),
        v.maxTtlHours,
        `must be a whole number of hours from 1 to ${MAX_TTL_HOURS}`,
      );
    else if (
      typeof v.defaultTtlHours === 'number' &&
      (v.defaultTtlHours === 0 || v.defaultTtlHours > v.maxTtlHours)
    )
      issues.add(
        f('defaultTtlHours'),
        v.defaultTtlHours,
        `must be from 1 to maxTtlHours (${v.maxTtlHours})`,
      );
  }
  checkWarningMinutes(issues, f('expiryWarningMinutes'), v.expiryWarningMinutes);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(v.logRetentionDays)) {
    issues.add(
      f('logRetentionDays'),
      v.logRetentionDays,
      `must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  }
  if (v.domain !== undefined) {
    if (typeof v.domain !== 'object' || v.domain === null) {
      issues.add(f('domain'), v.domain, 'must be { name, hostedZoneId }');
    } else {
      if (typeof v.domain.name !== 'string' || !DOMAIN_RE.test(v.domain.name)) {
        issues.add(
          f('domain.name'),
          v.domain.name,
          'must be a lowercase DNS name such as mocks.example.com',
        );
      } else if (`*.${v.domain.name}`.length > ACM_DOMAIN_NAME_MAX) {
        // The shared ALB's certificate is for `*.<domain>`, its first (and only) name.
        issues.add(
          f('domain.name'),
          v.domain.name,
          `must be at most ${ACM_DOMAIN_NAME_MAX - 2} characters: the shared ALB's certificate is for *.<domain>, and ACM limits a certificate's first domain name to ${ACM_DOMAIN_NAME_MAX}`,
        );
      }
      if (typeof v.domain.hostedZoneId !== 'string' || !ZONE_RE.test(v.domain.hostedZoneId)) {
        issues.add(
          f('domain.hostedZoneId'),
          v.domain.hostedZoneId,
          'must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ',
        );
      }
    }
  }
  if (
    v.notificationEmail !== undefined &&
    (typeof v.notificationEmail !== 'string' || !EMAIL_RE.test(v.notificationEmail))
  ) {
    issues.add(f('notificationEmail'), v.notificationEmail, 'must be an email address');
  }
  for (const k of ['deletionProtection', 'flowLogs', 'databaseSubnets'] as const) {
    if (typeof v[k] !== 'boolean') issues.add(f(k), v[k], 'must be true or false');
  }
  if (v.production !== undefined && typeof v.production !== 'boolean') {
    issues.add(f('production'), v.production, 'must be true or false');
  }
  if (typeof v.prefix !== 'string' || !/^[a-z][a-z0-9-]{0,19}$/.test(v.prefix)) {
    issues.add(
      f('prefix'),
      v.prefix,
      'must be 1-20 lowercase letters, digits or hyphens, starting with a letter',
    );
  } else if (`${v.prefix}-`.startsWith(ALB_NAME_FORBIDDEN_PREFIX)) {
    issues.add(
      f('prefix'),
      v.prefix,
      `must not make load balancer names that start with '${ALB_NAME_FORBIDDEN_PREFIX}' (ELB refuses them); choose another prefix`,
    );
  }
  checkTags(issues, f('tags'), v.tags ?? {});
  checkSuppressions(issues, f('suppressions'), v.suppressions);
  checkCidrList(issues, f('dataPlaneCidrs'), v.dataPlaneCidrs ?? DEFAULT_DATA_PLANE_CIDRS, {
    min: 1,
    max: MAX_DATA_PLANE_CIDRS,
    why: 'one ALB rule holds 5 condition values and the host name takes one',
  });
  checkControlPlaneCidrs(issues, f('controlPlaneCidrs'), v.controlPlaneCidrs ?? []);
  checkContainerImages(issues, f('images'), v.images);
  if (v.albAccessLogs !== undefined && typeof v.albAccessLogs !== 'boolean') {
    issues.add(f('albAccessLogs'), v.albAccessLogs, 'must be true or false');
  }
  issues.throwIfAny(`environment ${JSON.stringify(input.name)}`);

  const production = v.production ?? v.name === 'prod';
  return Object.freeze({
    ...v,
    tags: Object.freeze({ ...(v.tags ?? {}) }),
    suppressions: Object.freeze([...(v.suppressions ?? [])]),
    production,
    dataPlaneCidrs: Object.freeze([...(v.dataPlaneCidrs ?? DEFAULT_DATA_PLANE_CIDRS)]),
    controlPlaneCidrs: Object.freeze([...(v.controlPlaneCidrs ?? [])]),
    images: Object.freeze({ ...(v.images ?? {}) }),
    // Latest stage first, the order the reaper sends them in.
    expiryWarningMinutes: Object.freeze([...v.expiryWarningMinutes].sort((a, b) => b - a)),
    albAccessLogs: v.albAccessLogs ?? production,
  });
}

/** Checks control-plane CIDRs: at most 2, and never the internet (the control plane is never anonymous). */
export function checkControlPlaneCidrs(issues: IssueCollector, field: string, v: unknown): void {
  if (
    checkCidrList(issues, field, v, {
      min: 0,
      max: MAX_CONTROL_PLANE_CIDRS,
      why: 'one ALB rule holds 5 condition values; the host name and the two control-plane paths take three',
    })
  ) {
    (v as readonly string[]).forEach((c, i) => {
      if (isInternetCidr(c))
        issues.add(
          `${field}[${i}]`,
          c,
          'must not cover the internet (prefix /8 or longer): the control plane is never open to anonymous callers; they use the project token instead',
        );
    });
  }
}

/**
 * Checks a set of environments together: names must be unique (they key stacks and state), and
 * environments sharing an account must keep their names apart. CI permissions are scoped to names
 * starting `<prefix>-<env>-`, and IAM is global to the account: with `dev` and `dev-eu` in one
 * account, dev's pattern `automock-dev-*` would cover dev-eu's resources (and dev-eu's would
 * cover dev's project `eu-…`), as would two prefixes where one is `<other>-<env>`.
 */
export function checkEnvironmentSet(envs: readonly Environment[]): void {
  const issues = new IssueCollector();
  const seen = new Set<string>();
  for (const e of envs) {
    if (seen.has(e.name))
      issues.add(`environment[${e.name}].name`, e.name, 'must be unique across environments');
    seen.add(e.name);
  }
  for (const e of envs) {
    for (const o of envs) {
      if (o === e || o.accountId !== e.accountId) continue;
      if (o.prefix !== e.prefix) {
        // Reported once, on the later of the two.
        if (envs.indexOf(e) > envs.indexOf(o))
          issues.add(
            `environment[${e.name}].prefix`,
            e.prefix,
            `must equal ${JSON.stringify(o.prefix)} (the prefix of ${o.name}, in the same account ${e.accountId}): CI permissions are scoped by name prefix, so environments of one account share one`,
          );
      } else if (e.name.startsWith(`${o.name}-`)) {
        issues.add(
          `environment[${e.name}].name`,
          e.name,
          `must not start with "${o.name}-" while environment ${o.name} is in the same account ${e.accountId}: names of ${e.name} would fall under ${o.name}'s ${e.prefix}-${o.name}-* permissions`,
        );
      }
    }
  }
  issues.throwIfAny('environments');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, val] of Object.entries(o ?? {}))
    if (val !== undefined) (out as Record<string, unknown>)[k] = val;
  return out;
}
