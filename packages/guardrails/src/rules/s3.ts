import { asList, StackModel, TfBlock, TfElement } from '../model';
import { readPolicy } from '../policy-document';
import { errorRule, PolicyRule, RuleContext, RuleViolation } from '../rule';

/**
 * Tag that declares what a bucket holds. `state` and `config` buckets must be versioned (a bad
 * write must be recoverable); constructs that create such buckets set it.
 */
export const DATA_CLASS_TAG = 'automock:data';

const BUCKET = 'aws_s3_bucket';
const PAB_FLAGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

function eachBucket(
  stack: StackModel,
  fn: (bucket: TfElement) => string | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const b of stack.resources(BUCKET)) {
    const message = fn(b);
    if (message) out.push({ address: b.address, message });
  }
  return out;
}

/** Why a bucket counts as holding state or config, or undefined. */
export function bucketDataClass(
  stack: StackModel,
  bucket: TfElement,
  ctx: RuleContext,
): string | undefined {
  if (typeof bucket.body.bucket === 'string' && ctx.stateBuckets.has(bucket.body.bucket)) {
    return 'holds Terraform state';
  }
  const tag = (bucket.body.tags as Record<string, unknown> | undefined)?.[DATA_CLASS_TAG];
  if (tag === 'state' || tag === 'config') return `is tagged ${DATA_CLASS_TAG}=${tag}`;
  if (stack.attachedTo('aws_s3_object', 'bucket', bucket).length > 0) {
    return 'holds objects managed by Terraform (configuration)';
  }
  return undefined;
}

function bucketPolicies(stack: StackModel, bucket: TfElement): unknown[] {
  const attached = stack
    .attachedTo('aws_s3_bucket_policy', 'bucket', bucket)
    .map((p) => p.body.policy);
  return bucket.body.policy !== undefined ? [bucket.body.policy, ...attached] : attached;
}

function isTlsDeny(s: {
  effect: string;
  anyPrincipal: boolean;
  actions?: readonly string[];
  conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}): boolean {
  return (
    s.effect === 'Deny' &&
    s.anyPrincipal &&
    (s.actions ?? []).some((a) => a === '*' || a.toLowerCase() === 's3:*') &&
    s.conditions.some(
      (c) =>
        c.test === 'Bool' &&
        c.variable.toLowerCase() === 'aws:securetransport' &&
        c.values.some((v) => v.toLowerCase() === 'false'),
    )
  );
}

export const S3_RULES: readonly PolicyRule[] = [
  errorRule('AM-S3-1', 'S3 buckets have a public access block with all four settings on', (stack) =>
    eachBucket(stack, (b) => {
      const blocks = stack.attachedTo('aws_s3_bucket_public_access_block', 'bucket', b);
      if (blocks.length === 0) return 'has no aws_s3_bucket_public_access_block';
      const off = PAB_FLAGS.filter((f) => !blocks.some((p) => p.body[f] === true));
      return off.length > 0
        ? `public access block does not set ${off.join(', ')} to true`
        : undefined;
    }),
  ),
  errorRule(
    'AM-S3-2',
    'S3 buckets have default server-side encryption (AES256 or aws:kms)',
    (stack) =>
      eachBucket(stack, (b) => {
        const configs = [
          ...stack.attachedTo('aws_s3_bucket_server_side_encryption_configuration', 'bucket', b),
          ...(b.body.server_side_encryption_configuration ? [b] : []),
        ];
        const algorithms = configs.flatMap((c) =>
          asList(
            c.body.rule ?? (c.body.server_side_encryption_configuration as TfBlock)?.rule,
          ).flatMap((r) =>
            asList(r.apply_server_side_encryption_by_default).map((d) => d.sse_algorithm),
          ),
        );
        if (algorithms.length === 0) {
          return 'has no aws_s3_bucket_server_side_encryption_configuration with a default algorithm';
        }
        const bad = algorithms.filter(
          (a) => typeof a !== 'string' || !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(a),
        );
        return bad.length > 0
          ? `default encryption algorithm ${JSON.stringify(bad[0])} is not AES256, aws:kms or aws:kms:dsse`
          : undefined;
      }),
  ),
  errorRule(
    'AM-S3-3',
    `S3 buckets that hold state or config (backend buckets, tag ${DATA_CLASS_TAG}=state|config, or Terraform-managed objects) are versioned`,
    (stack, ctx) =>
      eachBucket(stack, (b) => {
        const why = bucketDataClass(stack, b, ctx);
        if (!why) return undefined;
        const enabled = [
          ...stack
            .attachedTo('aws_s3_bucket_versioning', 'bucket', b)
            .flatMap((v) => asList(v.body.versioning_configuration))
            .map((c) => c.status),
          ...asList(b.body.versioning).map((v) => (v.enabled === true ? 'Enabled' : 'Suspended')),
        ];
        return enabled.includes('Enabled')
          ? undefined
          : `${why} but has no aws_s3_bucket_versioning with status Enabled`;
      }),
  ),
  errorRule(
    'AM-S3-4',
    'S3 bucket policies deny any request not made over TLS (aws:SecureTransport = false)',
    (stack) =>
      eachBucket(stack, (b) => {
        const policies = bucketPolicies(stack, b);
        if (policies.length === 0) {
          return 'has no bucket policy; add one that denies s3:* to * when aws:SecureTransport is false';
        }
        const unreadable: string[] = [];
        for (const p of policies) {
          const read = readPolicy(stack, p);
          if (!read.ok) unreadable.push(read.reason);
          else if (read.statements.some(isTlsDeny)) return undefined;
        }
        return unreadable.length > 0
          ? `bucket policy ${unreadable[0]}, so TLS-only access cannot be verified`
          : 'bucket policy has no Deny of s3:* for principal * when aws:SecureTransport is false';
      }),
  ),
  errorRule(
    'AM-S3-5',
    'S3 bucket policies grant nothing to every principal (no public bucket without a suppression giving the reason)',
    (stack) =>
      eachBucket(stack, (b) => {
        for (const p of bucketPolicies(stack, b)) {
          const read = readPolicy(stack, p);
          if (!read.ok) continue;
          const open = read.statements.find(
            (s) => s.effect === 'Allow' && s.anyPrincipal && s.conditions.length === 0,
          );
          if (open)
            return `bucket policy allows ${(open.actions ?? ['(NotAction)']).join(', ')} to every principal; keep the bucket private, or suppress AM-S3-1 and AM-S3-5 with the reason it is public`;
        }
        return undefined;
      }),
  ),
];
