import type { IAspect, TerraformResource } from 'cdktf';
import type { IConstruct } from 'constructs';
import { IssueCollector } from './errors';

/** Tag keys the TTL teardown selects on; never change them, deployed resources carry them. */
export const TAG_ENV = 'automock:env';
export const TAG_PROJECT = 'automock:project';

/** Value of `automock:project` on environment-level resources (no project). */
export const ENVIRONMENT_PROJECT = '_environment';

/**
 * The standard tags for a resource of `env` (and `project`, for project stacks). `extra` are the
 * environment's own tags; the standard keys always win so teardown selection cannot be broken by
 * configuration.
 */
export function standardTags(
  env: string,
  project?: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...extra,
    Project: project ?? 'automock',
    Environment: env,
    ManagedBy: 'automock-cdktf',
    [TAG_ENV]: env,
    [TAG_PROJECT]: project ?? ENVIRONMENT_PROJECT,
  };
}

/** Most tags AWS allows on a resource (IAM, ELB, ECS, Lambda, EC2...), default tags included. */
export const RESOURCE_TAG_LIMIT = 50;
/** Most tags S3 allows on an object, default tags included. */
export const OBJECT_TAG_LIMIT = 10;
/** Tags AutoMock sets on every resource ({@link standardTags} without extras). */
export const STANDARD_TAG_COUNT = 5;
/**
 * Most tags an environment may add. The rest of the 50 is kept for the standard tags and the few
 * a construct sets itself (e.g. `Name`).
 */
export const MAX_USER_TAGS = 40;
/** Longest tag key and value AWS accepts. */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
/**
 * Characters AWS accepts in tag keys and values across services (IAM, ELB, ECS, Lambda refuse
 * others, e.g. `&` or parentheses): letters, digits, spaces and `_ . : / = + - @`.
 */
export const TAG_CHARSET_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARSET = 'letters, digits, spaces and _ . : / = + - @';

/**
 * S3 object resources. S3 caps an object at {@link OBJECT_TAG_LIMIT} tags, default tags
 * included, so objects carry the standard tags only (see {@link StandardTagsAspect}).
 */
export const S3_OBJECT_TYPES: ReadonlySet<string> = new Set([
  'aws_s3_object',
  'aws_s3_object_copy',
]);

/** Checks user tags against AWS's limits and reserved prefixes. */
export function checkTags(issues: IssueCollector, field: string, tags: unknown): void {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    issues.add(field, tags, 'must be an object of string keys to string values');
    return;
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > MAX_USER_TAGS)
    issues.add(
      field,
      entries.length,
      `must have at most ${MAX_USER_TAGS} tags (AWS allows ${RESOURCE_TAG_LIMIT} per resource, default tags included; ${RESOURCE_TAG_LIMIT - MAX_USER_TAGS} are kept for AutoMock's)`,
    );
  for (const [k, val] of entries) {
    if (k.length < 1 || k.length > TAG_KEY_MAX || /^aws:/i.test(k)) {
      issues.add(
        `${field}.${k}`,
        k,
        `key must be 1-${TAG_KEY_MAX} characters and not start with 'aws:'`,
      );
    } else if (k.startsWith('automock:')) {
      issues.add(
        `${field}.${k}`,
        k,
        "key must not start with 'automock:' (reserved for teardown selection)",
      );
    } else if (!TAG_CHARSET_RE.test(k)) {
      issues.add(`${field}.${k}`, k, `key must use only ${TAG_CHARSET}`);
    }
    if (typeof val !== 'string' || val.length > TAG_VALUE_MAX) {
      issues.add(
        `${field}.${k}`,
        val,
        `value must be a string of at most ${TAG_VALUE_MAX} characters`,
      );
    } else if (!TAG_CHARSET_RE.test(val)) {
      issues.add(
        `${field}.${k}`,
        val,
        `value must use only ${TAG_CHARSET} (IAM, ELB, ECS and Lambda refuse others)`,
      );
    }
  }
}

type Taggable = TerraformResource & {
  tags?: Record<string, string>;
  tagsInput?: Record<string, string>;
};

// cdktf is required on first use, not at import: the CLI and the reaper Lambda use core's
// validation and names without ever loading cdktf (hundreds of milliseconds).
let resourceClass: typeof TerraformResource | undefined;

function isTaggable(node: IConstruct): node is Taggable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  resourceClass ??= (require('cdktf') as typeof import('cdktf')).TerraformResource;
  return node instanceof resourceClass && 'tagsInput' in node;
}

/**
 * Adds the standard tags to every taggable resource under the scope it is applied to, and the
 * environment's own tags to every one except S3 objects. The AWS provider's `default_tags` carry
 * the standard tags only (S3 counts default tags against an object's limit of 10, so an
 * environment's tags there would break every object); this aspect puts the environment's tags on
 * each other resource explicitly, which also makes them visible in the synthesised JSON for
 * policy checks and reviewers.
 */
export class StandardTagsAspect implements IAspect {
  private readonly standard: Readonly<Record<string, string>>;

  /**
   * @param tags the resource tags: {@link standardTags}, with the environment's extras.
   */
  constructor(private readonly tags: Readonly<Record<string, string>>) {
    const keys = Object.keys(standardTags('x'));
    this.standard = Object.fromEntries(keys.filter((k) => k in tags).map((k) => [k, tags[k]!]));
  }

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const current = node.tagsInput ?? {};
    const base = S3_OBJECT_TYPES.has(node.terraformResourceType) ? this.standard : this.tags;
    // Keep tags the construct set itself (e.g. Name); standard keys fill in the rest.
    node.tags = {
      ...base,
      ...current,
      [TAG_ENV]: this.tags[TAG_ENV]!,
      [TAG_PROJECT]: this.tags[TAG_PROJECT]!,
    };
  }
}
