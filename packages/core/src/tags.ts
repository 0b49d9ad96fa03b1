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

/** Checks user tags against AWS's limits and reserved prefixes. */
export function checkTags(issues: IssueCollector, field: string, tags: unknown): void {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    issues.add(field, tags, 'must be an object of string keys to string values');
    return;
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 40)
    issues.add(
      field,
      entries.length,
      'must have at most 40 tags (AWS allows 50; 10 are reserved for AutoMock)',
    );
  for (const [k, val] of entries) {
    if (k.length < 1 || k.length > 128 || /^aws:/i.test(k)) {
      issues.add(`${field}.${k}`, k, "key must be 1-128 characters and not start with 'aws:'");
    } else if (k.startsWith('automock:')) {
      issues.add(
        `${field}.${k}`,
        k,
        "key must not start with 'automock:' (reserved for teardown selection)",
      );
    }
    if (typeof val !== 'string' || val.length > 256) {
      issues.add(`${field}.${k}`, val, 'value must be a string of at most 256 characters');
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
 * Adds the standard tags to every taggable resource under the scope it is applied to. The AWS
 * provider's `default_tags` covers most resources at apply time; this makes the tags visible in
 * the synthesised JSON too (for policy checks and reviewers) and covers resources created through
 * other providers or modules that `default_tags` does not reach.
 */
export class StandardTagsAspect implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const current = node.tagsInput ?? {};
    // Keep tags the construct set itself (e.g. Name); standard keys fill in the rest.
    node.tags = {
      ...this.tags,
      ...current,
      [TAG_ENV]: this.tags[TAG_ENV]!,
      [TAG_PROJECT]: this.tags[TAG_PROJECT]!,
    };
  }
}
