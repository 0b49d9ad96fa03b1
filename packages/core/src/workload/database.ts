import { resourceName } from '../naming';
import {
  isSupportedPostgresVersion,
  RDS_POSTGRES_DEFAULT_VERSION,
  RDS_POSTGRES_MAJOR_VERSIONS,
} from './rds-postgres-versions';
import { PGADMIN_SCHEMA, type PgAdminInput, type PgAdminResolved, resolvePgAdmin } from './pgadmin';
import type { WorkloadSection } from './section';

/** The kind and name under which the database is provided to the other sections. */
export const DATABASE_REF = { kind: 'database', name: 'postgres' } as const;

/** PostgreSQL's port, the only one the database's security group opens. */
export const POSTGRES_PORT = 5432;

/** A workload's PostgreSQL database (RDS), as written. */
export interface DatabaseInput {
  /**
   * PostgreSQL version: a major (`17`, RDS picks and upgrades the minor) or a minor (`17.7`) of
   * one of {@link RDS_POSTGRES_MAJOR_VERSIONS}. @default '17'
   */
  readonly engineVersion?: string;
  /** RDS instance class, e.g. `db.t4g.micro`, `db.m7g.large`. @default 'db.t4g.micro' */
  readonly instanceClass?: string;
  /** Database created in the instance. @default - the workload name with `-` as `_` */
  readonly databaseName?: string;
  /** Master user name; its password is generated and kept by RDS in Secrets Manager. @default 'postgres' */
  readonly username?: string;
  /** Storage at creation, GiB (gp3, 20-65536). @default 20 */
  readonly allocatedStorageGiB?: number;
  /**
   * Upper bound for storage autoscaling, GiB: above `allocatedStorageGiB`, or 0 to turn
   * autoscaling off. @default 100
   */
  readonly maxAllocatedStorageGiB?: number;
  /** Days of automated backups (point-in-time recovery), 0-35; at least 1 in production. @default 7 */
  readonly backupRetentionDays?: number;
  /** A standby in a second AZ. @default - the environment's `production` */
  readonly multiAz?: boolean;
  /** Performance Insights. @default false */
  readonly performanceInsights?: boolean;
  /**
   * Days Performance Insights keeps its data: 7 (free), a multiple of 31 up to 713, or 731.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: number;
  /** Parameters of the database's parameter group, by name. @default {} */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Services of this workload that may connect (port 5432). @default [] (none) */
  readonly clients?: readonly string[];
  /**
   * pgAdmin 4 as a Fargate service on the environment's shared ALB, reachable only with the
   * control-plane token or from `access.controlPlaneCidrs`; the database admits it on 5432.
   * @default - none
   */
  readonly pgAdmin?: PgAdminInput;
}

/** SSM parameter names of the connection (never the password), as seed 004 names them. */
export interface DatabaseSsmNames {
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly username: string;
}

/** A validated database with every default filled in. */
export interface DatabaseResolved {
  /** RDS instance identifier, `<prefix>-<env>-<workload>`. */
  readonly identifier: string;
  /** Parameter group name. */
  readonly parameterGroupName: string;
  /** Parameter group family, `postgres<major>`. */
  readonly family: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly databaseName: string;
  readonly username: string;
  readonly allocatedStorageGiB: number;
  /** 0: no storage autoscaling. */
  readonly maxAllocatedStorageGiB: number;
  readonly backupRetentionDays: number;
  readonly multiAz: boolean;
  readonly performanceInsights: boolean;
  readonly performanceInsightsRetentionDays: number;
  readonly parameters: Readonly<Record<string, string>>;
  readonly clients: readonly string[];
  /** The environment's `deletionProtection`: protect the instance, and snapshot it on destroy. */
  readonly deletionProtection: boolean;
  /** Name of the final snapshot, when `deletionProtection`. */
  readonly finalSnapshotIdentifier?: string;
  readonly ssmParameters: DatabaseSsmNames;
  /** pgAdmin, when asked for. */
  readonly pgAdmin?: PgAdminResolved;
}

/** Named defaults of {@link DatabaseInput}. */
export const DATABASE_DEFAULTS = {
  engineVersion: RDS_POSTGRES_DEFAULT_VERSION,
  instanceClass: 'db.t4g.micro',
  username: 'postgres',
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
  backupRetentionDays: 7,
  performanceInsights: false,
  performanceInsightsRetentionDays: 7,
} as const;

/** gp3 storage limits of RDS for PostgreSQL, GiB. */
export const RDS_STORAGE_GIB = { min: 20, max: 65536 } as const;

const IDENT_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,62}$';

/** JSON Schema of the `database` section. */
export const DATABASE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description:
    'A PostgreSQL database (RDS) in the database subnets of the environment: encrypted, private, backed up, its master password kept by RDS in Secrets Manager.',
  properties: {
    engineVersion: {
      type: 'string',
      pattern: '^\\d+(\\.\\d+)?$',
      default: DATABASE_DEFAULTS.engineVersion,
      description: `PostgreSQL major (RDS picks the minor) or minor version; majors ${RDS_POSTGRES_MAJOR_VERSIONS.join(', ')}.`,
    },
    instanceClass: {
      type: 'string',
      pattern: '^db\\.[a-z0-9-]+\\.[a-z0-9]+$',
      default: DATABASE_DEFAULTS.instanceClass,
      description: 'RDS instance class, e.g. db.t4g.micro.',
    },
    databaseName: {
      type: 'string',
      pattern: IDENT_PATTERN,
      description:
        'Database created in the instance, 1-63 letters, digits and underscores starting with a letter (default: the workload name with - as _).',
    },
    username: {
      type: 'string',
      pattern: IDENT_PATTERN,
      default: DATABASE_DEFAULTS.username,
      description: 'Master user name; RDS generates its password and keeps it in Secrets Manager.',
    },
    allocatedStorageGiB: {
      type: 'integer',
      minimum: RDS_STORAGE_GIB.min,
      maximum: RDS_STORAGE_GIB.max,
      default: DATABASE_DEFAULTS.allocatedStorageGiB,
      description: 'Storage at creation, GiB (gp3).',
    },
    maxAllocatedStorageGiB: {
      type: 'integer',
      minimum: 0,
      maximum: RDS_STORAGE_GIB.max,
      default: DATABASE_DEFAULTS.maxAllocatedStorageGiB,
      description: 'Storage autoscaling limit, GiB, above allocatedStorageGiB; 0 turns it off.',
    },
    backupRetentionDays: {
      type: 'integer',
      minimum: 0,
      maximum: 35,
      default: DATABASE_DEFAULTS.backupRetentionDays,
      description: 'Days of automated backups; at least 1 in production.',
    },
    multiAz: {
      type: 'boolean',
      description: 'A standby in a second AZ (default: on in production environments).',
    },
    performanceInsights: {
      type: 'boolean',
      default: DATABASE_DEFAULTS.performanceInsights,
      description: 'Turn on Performance Insights.',
    },
    performanceInsightsRetentionDays: {
      type: 'integer',
      minimum: 7,
      maximum: 731,
      default: DATABASE_DEFAULTS.performanceInsightsRetentionDays,
      description: 'Days of Performance Insights data: 7, a multiple of 31 up to 713, or 731.',
    },
    parameters: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9_.]{1,255}$' },
      additionalProperties: { type: 'string' },
      description: 'PostgreSQL parameters of the database parameter group, by name.',
    },
    clients: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
      description: 'Services of this workload that may connect on port 5432.',
    },
    pgAdmin: PGADMIN_SCHEMA,
  },
} as const;

/** Performance Insights' accepted retention periods, in days. */
export function isPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (days % 31 === 0 && days >= 31 && days <= 713);
}

/**
 * Seed 004's SSM names of a workload's connection parameters: `/{env}/{project}/postgres_*`, the
 * workload in the project's place.
 */
export function databaseSsmNames(env: string, workload: string): DatabaseSsmNames {
  const p = `/${env}/${workload}/postgres_`;
  return { host: `${p}host`, port: `${p}port`, database: `${p}database`, username: `${p}username` };
}

/**
 * The `database` section: one RDS PostgreSQL instance per workload, in the environment's
 * database subnets (an environment without them cannot hold one).
 */
export const databaseSection: WorkloadSection<DatabaseInput, DatabaseResolved> = {
  key: 'database',
  schema: DATABASE_SCHEMA,
  declares: (input, field) =>
    input !== null && typeof input === 'object' ? [{ ...DATABASE_REF, field }] : [],
  resolve(d, ctx) {
    const before = ctx.issues.issues.length;
    const f = (k: string) => `${ctx.field}.${k}`;
    if (!ctx.env.databaseSubnets)
      ctx.issues.add(
        ctx.field,
        'database',
        `needs an environment with database subnets: set databaseSubnets: true on environment ${ctx.env.name} (a database never runs in the private or public subnets)`,
      );
    const v = { ...DATABASE_DEFAULTS, ...d };
    if (!isSupportedPostgresVersion(v.engineVersion))
      ctx.issues.add(
        f('engineVersion'),
        v.engineVersion,
        `must be a PostgreSQL major version RDS supports (${RDS_POSTGRES_MAJOR_VERSIONS.join(', ')}) or a minor of one, e.g. 17 or 17.7`,
      );
    if (v.maxAllocatedStorageGiB !== 0 && v.maxAllocatedStorageGiB <= v.allocatedStorageGiB)
      ctx.issues.add(
        f('maxAllocatedStorageGiB'),
        v.maxAllocatedStorageGiB,
        `must be above allocatedStorageGiB (${v.allocatedStorageGiB}) for storage autoscaling, or 0 to turn it off`,
      );
    if (ctx.env.production && v.backupRetentionDays < 1)
      ctx.issues.add(
        f('backupRetentionDays'),
        v.backupRetentionDays,
        `must be at least 1 in production environment ${ctx.env.name}: 0 turns off automated backups and point-in-time recovery`,
      );
    if (
      v.performanceInsights &&
      !isPerformanceInsightsRetention(v.performanceInsightsRetentionDays)
    )
      ctx.issues.add(
        f('performanceInsightsRetentionDays'),
        v.performanceInsightsRetentionDays,
        'must be 7, a multiple of 31 up to 713, or 731 (the periods Performance Insights accepts)',
      );
    (v.clients ?? []).forEach((c, i) => {
      if (!ctx.declared('service', c))
        ctx.issues.add(`${f('clients')}[${i}]`, c, 'must name a service of this workload');
    });
    const databaseName = v.databaseName ?? ctx.workload.replace(/-/g, '_');
    const pgAdmin = v.pgAdmin && resolvePgAdmin(v.pgAdmin, ctx, f('pgAdmin'));
    if (ctx.issues.issues.length > before) return undefined;

    const parts = { prefix: ctx.env.prefix, env: ctx.env.name, project: ctx.workload };
    const identifier = resourceName('rdsName', parts);
    return {
      identifier,
      parameterGroupName: resourceName('rdsName', { ...parts, kind: 'postgres' }),
      family: `postgres${v.engineVersion.split('.')[0]}`,
      engineVersion: v.engineVersion,
      instanceClass: v.instanceClass,
      databaseName,
      username: v.username,
      allocatedStorageGiB: v.allocatedStorageGiB,
      maxAllocatedStorageGiB: v.maxAllocatedStorageGiB,
      backupRetentionDays: v.backupRetentionDays,
      multiAz: v.multiAz ?? ctx.env.production,
      performanceInsights: v.performanceInsights,
      performanceInsightsRetentionDays: v.performanceInsightsRetentionDays,
      parameters: { ...(v.parameters ?? {}) },
      clients: [...(v.clients ?? [])],
      deletionProtection: ctx.env.deletionProtection,
      ...(ctx.env.deletionProtection && {
        finalSnapshotIdentifier: resourceName('rdsName', { ...parts, kind: 'final' }),
      }),
      ssmParameters: databaseSsmNames(ctx.env.name, ctx.workload),
      ...(pgAdmin && { pgAdmin }),
    };
  },
};
