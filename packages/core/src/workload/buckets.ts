import { checkKmsKeyArn } from '../aws-names';
import { resourceName } from '../naming';
import type { RuleSuppression } from '../environment';
import type { WorkloadDeclaration, WorkloadSection, WorkloadSectionContext } from './section';

/** Storage classes a lifecycle rule may move objects to, in the order S3 allows moves. */
export const BUCKET_STORAGE_CLASSES = [
  'STANDARD_IA',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;
export type BucketStorageClass = (typeof BUCKET_STORAGE_CLASSES)[number];

/**
 * S3 accepts a transition to these classes only for objects at least this many days old
 * (API reference, `Transition.Days`); the other classes accept 0.
 */
export const BUCKET_TRANSITION_MIN_DAYS: Readonly<Partial<Record<BucketStorageClass, number>>> = {
  STANDARD_IA: 30,
  ONEZONE_IA: 30,
};

/** Methods S3 CORS accepts (`AllowedMethod`). */
export const BUCKET_CORS_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
export type BucketCorsMethod = (typeof BUCKET_CORS_METHODS)[number];

/** S3's limits on one bucket's configuration. */
export const BUCKET_LIMITS = { lifecycleRules: 1000, corsRules: 100, lifecycleRuleId: 255 };

/** Rule ids that suppress the findings a public bucket raises (guardrails' S3 rules). */
export const PUBLIC_BUCKET_RULE_IDS = ['AM-S3-1', 'AM-S3-5'] as const;

/** A move to a cheaper storage class. */
export interface BucketTransitionInput {
  /** Storage class objects move to. */
  readonly storageClass: BucketStorageClass;
  /** Days after creation (for noncurrent rules: after becoming noncurrent). */
  readonly afterDays: number;
}

/** One lifecycle rule of a bucket. At least one action is required. */
export interface BucketLifecycleRuleInput {
  /** Rule id, unique in the bucket. @default `rule-<index>` */
  readonly id?: string;
  /** Key prefix the rule applies to. @default '' (every object) */
  readonly prefix?: string;
  /** Delete current objects this many days after creation. @default - never */
  readonly expireAfterDays?: number;
  /** Delete a replaced version this many days after it became noncurrent (versioned buckets). @default - never */
  readonly noncurrentExpireAfterDays?: number;
  /** Abort multipart uploads left incomplete this many days. @default - never */
  readonly abortIncompleteMultipartAfterDays?: number;
  /** Moves of current objects to cheaper storage classes. @default [] */
  readonly transitions?: readonly BucketTransitionInput[];
}

/** One CORS rule of a bucket. */
export interface BucketCorsRuleInput {
  /** HTTP methods browsers may use. */
  readonly allowedMethods: readonly BucketCorsMethod[];
  /** Origins (`https://app.example.com`, or `*`); each holds at most one `*`. */
  readonly allowedOrigins: readonly string[];
  /** Request headers allowed in a preflight. @default [] */
  readonly allowedHeaders?: readonly string[];
  /** Response headers the browser may read. @default [] */
  readonly exposeHeaders?: readonly string[];
  /** Seconds a browser caches the preflight answer. @default - not set (browser default) */
  readonly maxAgeSeconds?: number;
}

/** One bucket of a workload, as written. */
export interface BucketInput {
  /** Name inside the workload (lowercase letters, digits, hyphens); the AWS name derives from it. */
  readonly name: string;
  /** Keep every version of every object. @default false */
  readonly versioning?: boolean;
  /** SSE-KMS with this key instead of SSE-S3. @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Lifecycle rules. @default [] */
  readonly lifecycle?: readonly BucketLifecycleRuleInput[];
  /** CORS rules. @default [] (no cross-origin access) */
  readonly cors?: readonly BucketCorsRuleInput[];
  /** Let Terraform delete the bucket with its objects. @default true for ephemeral workloads, else false */
  readonly forceDestroy?: boolean;
  /**
   * Make every object publicly readable. Only with a reason, which becomes the guardrail
   * suppression of the public-bucket findings. @default - private
   */
  readonly public?: { readonly reason: string };
}

/** A lifecycle rule with its defaults filled in. */
export interface BucketLifecycleRule {
  readonly id: string;
  readonly prefix: string;
  readonly expireAfterDays?: number;
  readonly noncurrentExpireAfterDays?: number;
  readonly abortIncompleteMultipartAfterDays?: number;
  readonly transitions: readonly BucketTransitionInput[];
}

/** A CORS rule with its defaults filled in. */
export interface BucketCorsRule {
  readonly allowedMethods: readonly BucketCorsMethod[];
  readonly allowedOrigins: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

/** A validated bucket with every default filled in. */
export interface BucketResolved {
  /** Name inside the workload. */
  readonly name: string;
  /** The S3 bucket name: prefix, environment, workload, name and account, at most 63 characters. */
  readonly bucketName: string;
  readonly versioning: boolean;
  readonly kmsKeyArn?: string;
  readonly lifecycle: readonly BucketLifecycleRule[];
  readonly cors: readonly BucketCorsRule[];
  readonly forceDestroy: boolean;
  readonly public?: { readonly reason: string };
}

const NAME_PATTERN = '^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$';
const days = (description: string, minimum = 1) => ({
  type: 'integer',
  minimum,
  maximum: 36500,
  description,
});
const stringList = (description: string) => ({
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description,
});

/** JSON Schema of the `buckets` section. */
export const BUCKETS_SCHEMA = {
  type: 'array',
  description: 'S3 buckets: private, encrypted and TLS-only unless stated otherwise.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        pattern: NAME_PATTERN,
        description:
          'Name inside the workload, 1-32 lowercase letters, digits and hyphens; the S3 name adds prefix, environment, workload and account.',
      },
      versioning: { type: 'boolean', default: false, description: 'Keep every object version.' },
      kmsKeyArn: {
        type: 'string',
        description: 'SSE-KMS with this key (default: SSE-S3, AES256).',
      },
      lifecycle: {
        type: 'array',
        default: [],
        maxItems: BUCKET_LIMITS.lifecycleRules,
        description:
          'Lifecycle rules: expiry, noncurrent versions, incomplete uploads, transitions.',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            id: {
              type: 'string',
              minLength: 1,
              maxLength: BUCKET_LIMITS.lifecycleRuleId,
              description: 'Rule id, unique in the bucket (default: rule-<index>).',
            },
            prefix: { type: 'string', default: '', description: 'Key prefix the rule applies to.' },
            expireAfterDays: days('Delete current objects this many days after creation.'),
            noncurrentExpireAfterDays: days(
              'Delete replaced versions this many days after they became noncurrent (versioned buckets).',
            ),
            abortIncompleteMultipartAfterDays: days(
              'Abort multipart uploads left incomplete this many days.',
            ),
            transitions: {
              type: 'array',
              default: [],
              description: 'Moves to cheaper storage classes, in S3 order (STANDARD_IA first).',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['storageClass', 'afterDays'],
                properties: {
                  storageClass: {
                    type: 'string',
                    enum: [...BUCKET_STORAGE_CLASSES],
                    description: 'Storage class objects move to.',
                  },
                  afterDays: days(
                    'Days after creation (STANDARD_IA and ONEZONE_IA: 30 or more).',
                    0,
                  ),
                },
              },
            },
          },
        },
      },
      cors: {
        type: 'array',
        default: [],
        maxItems: BUCKET_LIMITS.corsRules,
        description: 'CORS rules for browsers.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['allowedMethods', 'allowedOrigins'],
          properties: {
            allowedMethods: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', enum: [...BUCKET_CORS_METHODS] },
              description: 'HTTP methods browsers may use.',
            },
            allowedOrigins: {
              ...stringList('Origins such as https://app.example.com, or *.'),
              minItems: 1,
            },
            allowedHeaders: {
              ...stringList('Request headers allowed in a preflight.'),
              default: [],
            },
            exposeHeaders: {
              ...stringList('Response headers the browser may read.'),
              default: [],
            },
            maxAgeSeconds: {
              type: 'integer',
              minimum: 0,
              description: 'Seconds a browser caches the preflight answer.',
            },
          },
        },
      },
      forceDestroy: {
        type: 'boolean',
        description:
          'Let Terraform delete the bucket with its objects (default: true for ephemeral workloads, else false).',
      },
      public: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        description:
          'Make every object publicly readable; the reason becomes the guardrail suppression.',
        properties: {
          reason: {
            type: 'string',
            minLength: 10,
            description: 'Why the objects may be public (at least 10 characters).',
          },
        },
      },
    },
  },
} as const;

/** The S3 name of a workload bucket (lowercase, at most 63 characters, globally unique per account). */
export function workloadBucketName(
  ctx: Pick<WorkloadSectionContext, 'env' | 'workload'>,
  name: string,
): string {
  return resourceName('s3Bucket', {
    prefix: ctx.env.prefix,
    env: ctx.env.name,
    project: ctx.workload,
    kind: `${name}-${ctx.env.accountId}`,
  });
}

const ORIGIN_RE = /^(\*|[a-z][a-z0-9+.-]*:\/\/[^\s/]+)$/i;

function resolveLifecycle(
  rules: readonly BucketLifecycleRuleInput[],
  versioning: boolean,
  field: string,
  ctx: WorkloadSectionContext,
): BucketLifecycleRule[] {
  const seen = new Set<string>();
  return rules.map((r, i) => {
    const f = `${field}[${i}]`;
    const id = r.id ?? `rule-${i}`;
    if (seen.has(id)) ctx.issues.add(`${f}.id`, id, "must be unique among the bucket's rules");
    seen.add(id);
    const transitions = r.transitions ?? [];
    if (
      r.expireAfterDays === undefined &&
      r.noncurrentExpireAfterDays === undefined &&
      r.abortIncompleteMultipartAfterDays === undefined &&
      transitions.length === 0
    )
      ctx.issues.add(
        f,
        r,
        'must have at least one action: expireAfterDays, noncurrentExpireAfterDays, abortIncompleteMultipartAfterDays or transitions',
      );
    if (r.noncurrentExpireAfterDays !== undefined && !versioning)
      ctx.issues.add(
        `${f}.noncurrentExpireAfterDays`,
        r.noncurrentExpireAfterDays,
        'applies only to versioned buckets: set versioning: true or remove it',
      );
    let previous: BucketTransitionInput | undefined;
    transitions.forEach((t, j) => {
      const tf = `${f}.transitions[${j}]`;
      const min = BUCKET_TRANSITION_MIN_DAYS[t.storageClass];
      if (min !== undefined && t.afterDays < min)
        ctx.issues.add(
          `${tf}.afterDays`,
          t.afterDays,
          `S3 moves objects to ${t.storageClass} only after at least ${min} days`,
        );
      if (previous) {
        const order = (c: BucketStorageClass) => BUCKET_STORAGE_CLASSES.indexOf(c);
        if (order(t.storageClass) <= order(previous.storageClass))
          ctx.issues.add(
            `${tf}.storageClass`,
            t.storageClass,
            `must come after ${previous.storageClass} in S3's order (${BUCKET_STORAGE_CLASSES.join(', ')})`,
          );
        // Objects stay at least 30 days in an infrequent-access class before S3 moves them on.
        const stay = BUCKET_TRANSITION_MIN_DAYS[previous.storageClass] ?? 1;
        if (t.afterDays < previous.afterDays + stay)
          ctx.issues.add(
            `${tf}.afterDays`,
            t.afterDays,
            `must be at least ${stay} day(s) after the move to ${previous.storageClass} (day ${previous.afterDays})`,
          );
      }
      previous = t;
    });
    if (previous && r.expireAfterDays !== undefined && r.expireAfterDays <= previous.afterDays)
      ctx.issues.add(
        `${f}.expireAfterDays`,
        r.expireAfterDays,
        `must be greater than the last transition's afterDays (${previous.afterDays})`,
      );
    return {
      id,
      prefix: r.prefix ?? '',
      ...(r.expireAfterDays !== undefined ? { expireAfterDays: r.expireAfterDays } : {}),
      ...(r.noncurrentExpireAfterDays !== undefined
        ? { noncurrentExpireAfterDays: r.noncurrentExpireAfterDays }
        : {}),
      ...(r.abortIncompleteMultipartAfterDays !== undefined
        ? { abortIncompleteMultipartAfterDays: r.abortIncompleteMultipartAfterDays }
        : {}),
      transitions,
    };
  });
}

function resolveCors(
  rules: readonly BucketCorsRuleInput[],
  field: string,
  ctx: WorkloadSectionContext,
): BucketCorsRule[] {
  const stars = (s: string) => s.split('*').length - 1;
  return rules.map((r, i) => {
    const f = `${field}[${i}]`;
    r.allowedOrigins.forEach((o, j) => {
      if (!ORIGIN_RE.test(o.replace('*', 'x')) && o !== '*')
        ctx.issues.add(
          `${f}.allowedOrigins[${j}]`,
          o,
          'must be * or an origin such as https://app.example.com (scheme and host, no path)',
        );
      else if (stars(o) > 1)
        ctx.issues.add(`${f}.allowedOrigins[${j}]`, o, 'may contain at most one * (S3)');
    });
    (r.allowedHeaders ?? []).forEach((h, j) => {
      if (stars(h) > 1)
        ctx.issues.add(`${f}.allowedHeaders[${j}]`, h, 'may contain at most one * (S3)');
    });
    return {
      allowedMethods: r.allowedMethods,
      allowedOrigins: r.allowedOrigins,
      allowedHeaders: r.allowedHeaders ?? [],
      exposeHeaders: r.exposeHeaders ?? [],
      ...(r.maxAgeSeconds !== undefined ? { maxAgeSeconds: r.maxAgeSeconds } : {}),
    };
  });
}

function declaresNamed(kind: string) {
  return (input: unknown, field: string): WorkloadDeclaration[] =>
    Array.isArray(input)
      ? input.flatMap((b: unknown, i) =>
          typeof b === 'object' && b !== null && typeof (b as { name?: unknown }).name === 'string'
            ? [{ kind, name: (b as { name: string }).name, field: `${field}[${i}].name` }]
            : [],
        )
      : [];
}

/** Names declared by a list section whose items carry `name` (buckets, repositories). */
export const declaresByName = declaresNamed;

/** The `buckets` section: S3 buckets, private by default. */
export const bucketsSection: WorkloadSection<readonly BucketInput[], BucketResolved[]> = {
  key: 'buckets',
  schema: BUCKETS_SCHEMA,
  declares: declaresNamed('bucket'),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const seen = new Set<string>();
    const out = input.map((b, i): BucketResolved => {
      const f = `${ctx.field}[${i}]`;
      if (seen.has(b.name))
        ctx.issues.add(`${f}.name`, b.name, "must be unique among the workload's buckets");
      seen.add(b.name);
      checkKmsKeyArn(ctx.issues, `${f}.kmsKeyArn`, b.kmsKeyArn);
      const versioning = b.versioning ?? false;
      return {
        name: b.name,
        bucketName: workloadBucketName(ctx, b.name),
        versioning,
        ...(b.kmsKeyArn ? { kmsKeyArn: b.kmsKeyArn } : {}),
        lifecycle: resolveLifecycle(b.lifecycle ?? [], versioning, `${f}.lifecycle`, ctx),
        cors: resolveCors(b.cors ?? [], `${f}.cors`, ctx),
        forceDestroy: b.forceDestroy ?? ctx.ephemeral ?? false,
        ...(b.public ? { public: { reason: b.public.reason } } : {}),
      };
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
  suppressions: (resolved) => publicBucketSuppressions(resolved),
};

/**
 * The guardrail suppressions a workload's public buckets need, each carrying the bucket's
 * reason: the workload stack adds them to its policy check (guardrails' `ProjectPolicyConfig`).
 */
export function publicBucketSuppressions(buckets: readonly BucketResolved[]): RuleSuppression[] {
  return buckets
    .filter((b) => b.public)
    .flatMap((b) =>
      PUBLIC_BUCKET_RULE_IDS.map((id) => ({
        id,
        reason: `bucket ${b.name} is public: ${b.public!.reason}`,
      })),
    );
}
