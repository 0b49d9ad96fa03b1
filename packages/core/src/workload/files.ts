import { resourceName } from '../naming';
import type { WorkloadDeclaration, WorkloadSection } from './section';

/** Kind of the file systems the `files` section declares (services' `mounts` name them). */
export const FILE_SYSTEM_KIND = 'fileSystem';
/** Kind of their access points, declared as `<fileSystem>/<accessPoint>`. */
export const FILE_SYSTEM_ACCESS_POINT_KIND = 'fileSystemAccessPoint';

/** NFS's port, the only one a file system's security group opens. */
export const NFS_PORT = 2049;

/**
 * Days without access after which EFS moves a file to Infrequent Access: the `TransitionToIA`
 * values of EFS's `LifecyclePolicy` (API reference), which the provider validates against.
 */
export const EFS_TRANSITION_TO_IA = [
  'AFTER_1_DAY',
  'AFTER_7_DAYS',
  'AFTER_14_DAYS',
  'AFTER_30_DAYS',
  'AFTER_60_DAYS',
  'AFTER_90_DAYS',
  'AFTER_180_DAYS',
  'AFTER_270_DAYS',
  'AFTER_365_DAYS',
] as const;

/** An Infrequent Access transition EFS accepts. */
export type EfsTransitionToIa = (typeof EFS_TRANSITION_TO_IA)[number];

/** An access point of a file system, as written: the POSIX identity and directory it imposes. */
export interface FileAccessPointInput {
  /** Name, unique in its file system; services' `mounts[].accessPoint` name it. */
  readonly name: string;
  /** Directory the access point exposes as the root, absolute, e.g. `/uploads`. */
  readonly path: string;
  /** POSIX user id every request through the access point runs as. @default 1000 */
  readonly uid?: number;
  /** POSIX group id every request runs as. @default 1000 */
  readonly gid?: number;
  /** Octal permissions EFS gives `path` when it creates it, e.g. `0755`. @default '0755' */
  readonly permissions?: string;
}

/** A file system of the workload (EFS), as written. */
export interface FileSystemInput {
  /** Name, unique in the workload; services' `mounts[].fileSystem` name it. */
  readonly name: string;
  /**
   * Move files not read for this long to Infrequent Access, or `never`.
   * @default 'AFTER_30_DAYS'
   */
  readonly transitionToIa?: EfsTransitionToIa | 'never';
  /** Move a file back to Standard storage on its first access after a transition. @default true */
  readonly backToStandardOnAccess?: boolean;
  /** Access points; a mount without one sees the file system's root as root. @default [] */
  readonly accessPoints?: readonly FileAccessPointInput[];
}

/** A validated access point. */
export interface ResolvedFileAccessPoint {
  readonly name: string;
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
  readonly permissions: string;
}

/** A validated file system with every default filled in. */
export interface ResolvedFileSystem {
  readonly name: string;
  /** EFS creation token (idempotency key, 1-64 characters), also the `Name` tag. */
  readonly creationToken: string;
  /** Security group name. */
  readonly securityGroupName: string;
  /** undefined: files never move to Infrequent Access. */
  readonly transitionToIa?: EfsTransitionToIa;
  readonly backToStandardOnAccess: boolean;
  readonly accessPoints: readonly ResolvedFileAccessPoint[];
}

/** Named defaults of {@link FileSystemInput} and {@link FileAccessPointInput}. */
export const FILE_SYSTEM_DEFAULTS = {
  transitionToIa: 'AFTER_30_DAYS',
  backToStandardOnAccess: true,
  uid: 1000,
  gid: 1000,
  permissions: '0755',
} as const;

const NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$';
// EFS: a root directory path of 1-100 characters; `/` alone would be the file system's root.
const PATH_PATTERN = '^(/[A-Za-z0-9._-]+)+$';
// POSIX ids EFS accepts: 0 to 4294967295.
const POSIX_ID = { type: 'integer', minimum: 0, maximum: 4294967295 } as const;

/** JSON Schema of the `files` section. */
export const FILES_SCHEMA = {
  type: 'array',
  description:
    'Shared file systems (EFS): encrypted, reachable on NFS only from the services that mount them, with access points imposing a POSIX identity and directory.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        pattern: NAME_PATTERN,
        description: "File system name, unique in the workload; services' mounts name it.",
      },
      transitionToIa: {
        type: 'string',
        enum: [...EFS_TRANSITION_TO_IA, 'never'],
        default: FILE_SYSTEM_DEFAULTS.transitionToIa,
        description: 'Move files not read for this long to Infrequent Access storage, or never.',
      },
      backToStandardOnAccess: {
        type: 'boolean',
        default: FILE_SYSTEM_DEFAULTS.backToStandardOnAccess,
        description: 'Move a file back to Standard storage on its first access.',
      },
      accessPoints: {
        type: 'array',
        description: 'Access points: a POSIX identity and a root directory each.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'path'],
          properties: {
            name: {
              type: 'string',
              pattern: NAME_PATTERN,
              description: "Access point name, unique in its file system; mounts' accessPoint.",
            },
            path: {
              type: 'string',
              pattern: PATH_PATTERN,
              maxLength: 100,
              description: 'Directory exposed as the root, absolute, e.g. /uploads.',
            },
            uid: {
              ...POSIX_ID,
              default: FILE_SYSTEM_DEFAULTS.uid,
              description: 'POSIX user id every request runs as.',
            },
            gid: {
              ...POSIX_ID,
              default: FILE_SYSTEM_DEFAULTS.gid,
              description: 'POSIX group id every request runs as.',
            },
            permissions: {
              type: 'string',
              pattern: '^0?[0-7]{3,4}$',
              default: FILE_SYSTEM_DEFAULTS.permissions,
              description: 'Octal permissions of path when EFS creates it, e.g. 0755.',
            },
          },
        },
      },
    },
  },
} as const;

/** The access point's declared name: unique in the workload. */
export function accessPointRefName(fileSystem: string, accessPoint: string): string {
  return `${fileSystem}/${accessPoint}`;
}

/** The `files` section: EFS file systems and their access points. */
export const filesSection: WorkloadSection<
  readonly FileSystemInput[],
  readonly ResolvedFileSystem[]
> = {
  key: 'files',
  schema: FILES_SCHEMA,
  declares(input, field) {
    if (!Array.isArray(input)) return [];
    const out: WorkloadDeclaration[] = [];
    input.forEach((fs: unknown, i) => {
      if (fs === null || typeof fs !== 'object') return;
      const { name, accessPoints } = fs as { name?: unknown; accessPoints?: unknown };
      if (typeof name !== 'string') return;
      out.push({ kind: FILE_SYSTEM_KIND, name, field: `${field}[${i}].name` });
      if (!Array.isArray(accessPoints)) return;
      accessPoints.forEach((ap: unknown, j) => {
        const apName = (ap as { name?: unknown } | null)?.name;
        if (typeof apName === 'string')
          out.push({
            kind: FILE_SYSTEM_ACCESS_POINT_KIND,
            name: accessPointRefName(name, apName),
            field: `${field}[${i}].accessPoints[${j}].name`,
          });
      });
    });
    return out;
  },
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const parts = { prefix: ctx.env.prefix, env: ctx.env.name, project: ctx.workload };
    const out = input.map((fs, i): ResolvedFileSystem => {
      const f = `${ctx.field}[${i}]`;
      const seen = new Set<string>();
      const accessPoints = (fs.accessPoints ?? []).map((ap, j) => {
        if (seen.has(ap.name))
          ctx.issues.add(
            `${f}.accessPoints[${j}].name`,
            ap.name,
            `must be unique in file system ${fs.name}`,
          );
        seen.add(ap.name);
        return {
          name: ap.name,
          path: ap.path,
          uid: ap.uid ?? FILE_SYSTEM_DEFAULTS.uid,
          gid: ap.gid ?? FILE_SYSTEM_DEFAULTS.gid,
          // EFS takes the mode as written; a leading 0 keeps it octal-looking like chmod's.
          permissions: (ap.permissions ?? FILE_SYSTEM_DEFAULTS.permissions).padStart(4, '0'),
        };
      });
      const transition = fs.transitionToIa ?? FILE_SYSTEM_DEFAULTS.transitionToIa;
      return {
        name: fs.name,
        creationToken: resourceName('generic', { ...parts, kind: `files-${fs.name}` }),
        securityGroupName: resourceName('securityGroup', { ...parts, kind: `files-${fs.name}` }),
        ...(transition !== 'never' && { transitionToIa: transition }),
        backToStandardOnAccess:
          fs.backToStandardOnAccess ?? FILE_SYSTEM_DEFAULTS.backToStandardOnAccess,
        accessPoints,
      };
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};
