import { shortHash } from './hash';

/**
 * AWS resource kinds whose names AutoMock creates, each with its own length and character rules.
 */
export type ResourceKind =
  | 'alb'
  | 'targetGroup'
  | 's3Bucket'
  | 'iamRole'
  | 'iamPolicy'
  | 'lambda'
  | 'logGroup'
  | 'ecsCluster'
  | 'ecsService'
  | 'ecsTaskFamily'
  | 'securityGroup'
  | 'dynamodbTable'
  | 'snsTopic'
  | 'eventRule'
  | 'alarm'
  | 'dashboard'
  | 'queryDefinition'
  | 'schedule'
  | 'sqsQueue'
  | 'ecrRepository'
  // ---- database tier (issue 14 A)
  | 'rdsName'
  | 'generic';

interface KindRule {
  /** Maximum length AWS accepts. */
  readonly max: number;
  /** Lower-case only (S3). */
  readonly lower: boolean;
  /** Characters allowed besides letters and digits; everything else becomes the separator. */
  readonly extra: string;
  /** Separator used between parts. */
  readonly sep: string;
  /** Must start with a letter (hash-only names must not start with a digit). */
  readonly startLetter?: boolean;
}

/** AWS limits per kind; the numbers are the documented maxima. */
export const NAME_RULES: Readonly<Record<ResourceKind, KindRule>> = {
  alb: { max: 32, lower: false, extra: '-', sep: '-' },
  targetGroup: { max: 32, lower: false, extra: '-', sep: '-' },
  s3Bucket: { max: 63, lower: true, extra: '-', sep: '-', startLetter: true },
  iamRole: { max: 64, lower: false, extra: '-_+=,.@', sep: '-' },
  iamPolicy: { max: 128, lower: false, extra: '-_+=,.@', sep: '-' },
  lambda: { max: 64, lower: false, extra: '-_', sep: '-' },
  logGroup: { max: 512, lower: false, extra: '-_/.#', sep: '/' },
  ecsCluster: { max: 255, lower: false, extra: '-_', sep: '-' },
  ecsService: { max: 255, lower: false, extra: '-_', sep: '-' },
  ecsTaskFamily: { max: 255, lower: false, extra: '-_', sep: '-' },
  securityGroup: { max: 255, lower: false, extra: '-_.', sep: '-' },
  dynamodbTable: { max: 255, lower: false, extra: '-_.', sep: '-' },
  snsTopic: { max: 256, lower: false, extra: '-_', sep: '-' },
  eventRule: { max: 64, lower: false, extra: '-_.', sep: '-' },
  alarm: { max: 255, lower: false, extra: '-_. ', sep: '-' },
  // PutDashboard: 1-255 of A-Z, a-z, 0-9, '-' and '_'.
  dashboard: { max: 255, lower: false, extra: '-_', sep: '-' },
  // PutQueryDefinition: 1-255 characters; kept to the dashboard's set so names read alike.
  queryDefinition: { max: 255, lower: false, extra: '-_', sep: '-' },
  // CreateSchedule: Name 1-64 of [0-9a-zA-Z-_.].
  schedule: { max: 64, lower: false, extra: '-_.', sep: '-' },
  // CreateQueue: 1-80 of A-Z, a-z, 0-9, '-' and '_', a FIFO queue's `.fifo` included: 75 + 5.
  sqsQueue: { max: 75, lower: false, extra: '-_', sep: '-' },
  // CreateRepository: 2-256 lowercase characters; `-` and `_` only inside (no `/` namespaces here).
  ecrRepository: { max: 256, lower: true, extra: '-_', sep: '-', startLetter: true },
  // ---- database tier (issue 14 A). DB instance identifiers, parameter groups and snapshots:
  // 1-63 lowercase letters, digits and hyphens, starting with a letter, no `--`, no trailing `-`.
  rdsName: { max: 63, lower: true, extra: '-', sep: '-', startLetter: true },
  generic: { max: 64, lower: false, extra: '-_', sep: '-' },
};

/** What a name is made of. Empty parts are skipped. */
export interface NameParts {
  /** Organisation or product prefix, e.g. `automock`. */
  readonly prefix: string;
  /** Environment name, e.g. `dev`. */
  readonly env?: string;
  /** Project name, e.g. `petstore`. */
  readonly project?: string;
  /** What the resource is, e.g. `alb`, `api-tg`, `config`. */
  readonly kind?: string;
}

function escapeClass(chars: string): string {
  return chars.replace(/[-\\\]^/]/g, (c) => `\\${c}`);
}

function clean(part: string, rule: KindRule): string {
  let s = rule.lower ? part.toLowerCase() : part;
  const sepForPart = rule.sep === '/' ? '-' : rule.sep;
  const bad = new RegExp(`[^A-Za-z0-9${escapeClass(rule.extra.replace('/', ''))}]+`, 'g');
  s = s.replace(bad, sepForPart);
  // collapse repeated separators and trim them from the ends
  s = s.replace(/-{2,}/g, '-').replace(/^[-_.]+|[-_.]+$/g, '');
  return s;
}

/**
 * Builds a name that AWS accepts for `kind`, from prefix, environment, project and what the
 * resource is. Deterministic: the same parts always give the same name. When the readable form is
 * too long, the middle is shortened and a hash of the full form is appended, so two different long
 * inputs never share a name.
 *
 * @example resourceName('alb', { prefix: 'automock', env: 'dev', project: 'petstore' }) === 'automock-dev-petstore'
 */
export function resourceName(kind: ResourceKind, parts: NameParts): string {
  const rule = NAME_RULES[kind];
  const pieces = [parts.prefix, parts.env, parts.project, parts.kind]
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map((p) => clean(p, rule))
    .filter((p) => p.length > 0);
  if (pieces.length === 0)
    throw new Error(`resourceName(${kind}): at least one non-empty part is required`);
  const lead = rule.sep === '/' ? '/' : '';
  let full = lead + pieces.join(rule.sep);
  if (rule.startLetter && !/^[a-z]/.test(full)) full = `a${full}`;
  if (full.length <= rule.max) return full;

  // Too long: keep a readable head, then `-<hash>` of the untruncated name.
  const hash = shortHash(full, 6);
  const room = rule.max - hash.length - 1;
  let head = full.slice(0, room).replace(/[-_./]+$/, '');
  // A head of separators only would leave a name starting with '-': a letter is valid everywhere.
  if (head.length === 0) head = 'n';
  return `${head}-${hash}`;
}
