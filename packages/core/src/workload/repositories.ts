import { checkAccountId, checkKmsKeyArn, checkRegion } from '../aws-names';
import { DNS_LABEL_RE } from '../environment';
import { resourceName } from '../naming';
import { declaresByName } from './buckets';
import type { WorkloadSection, WorkloadSectionContext } from './section';

/** How long untagged images and how many images a repository keeps. */
export interface RepositoryLifecycleInput {
  /** Keep only the newest N images (any tag state). @default - no count limit */
  readonly keepLast?: number;
  /** Expire untagged images this many days after they were pushed. @default - never */
  readonly untaggedExpireAfterDays?: number;
}

/** Where a repository created in another environment lives. */
export interface RepositoryRegistryInput {
  /** Account of the registry. @default - this environment's account */
  readonly accountId?: string;
  /** Region of the registry. @default - this environment's region */
  readonly region?: string;
}

/** One ECR repository of a workload, as written. */
export interface RepositoryInput {
  /** Name inside the workload (lowercase letters, digits, hyphens). */
  readonly name: string;
  /** Scan each image for vulnerabilities when it is pushed. @default true */
  readonly scanOnPush?: boolean;
  /** Whether a tag may be moved to another image. @default 'IMMUTABLE' */
  readonly tagMutability?: 'IMMUTABLE' | 'MUTABLE';
  /** KMS encryption with this key instead of AES256. @default - AES256 */
  readonly kmsKeyArn?: string;
  /** Image expiry rules. @default - images are kept */
  readonly lifecycle?: RepositoryLifecycleInput;
  /**
   * Environments that create the repository (seed 004: `[dev]`); the others refer to the one
   * created in the first of them. @default - every environment creates its own
   */
  readonly environments?: readonly string[];
  /** Registry of the creating environment, when it is another account or region. @default - this environment's */
  readonly registry?: RepositoryRegistryInput;
  /** Delete the repository even when it still holds images. @default true for ephemeral workloads, else false */
  readonly forceDelete?: boolean;
}

/** A validated repository with every default filled in. */
export interface RepositoryResolved {
  readonly name: string;
  /** The ECR repository name (in the creating environment). */
  readonly repositoryName: string;
  /** Whether this environment creates it (otherwise it is referenced). */
  readonly create: boolean;
  /** Account and region of the registry that holds it. */
  readonly accountId: string;
  readonly region: string;
  readonly scanOnPush: boolean;
  readonly tagMutability: 'IMMUTABLE' | 'MUTABLE';
  readonly kmsKeyArn?: string;
  /** ECR lifecycle policy JSON, or undefined when no rule is set. */
  readonly lifecyclePolicy?: string;
  readonly forceDelete: boolean;
}

const NAME_PATTERN = '^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$';

/** JSON Schema of the `repositories` section. */
export const REPOSITORIES_SCHEMA = {
  type: 'array',
  description: 'ECR repositories: scanned on push, immutable tags, optional lifecycle.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        pattern: NAME_PATTERN,
        description:
          'Name inside the workload, 1-32 lowercase letters, digits and hyphens; the ECR name adds prefix, environment and workload.',
      },
      scanOnPush: { type: 'boolean', default: true, description: 'Scan images when pushed.' },
      tagMutability: {
        type: 'string',
        enum: ['IMMUTABLE', 'MUTABLE'],
        default: 'IMMUTABLE',
        description: 'Whether a tag may be moved to another image.',
      },
      kmsKeyArn: { type: 'string', description: 'KMS key for encryption (default: AES256).' },
      lifecycle: {
        type: 'object',
        additionalProperties: false,
        description: 'Image expiry rules, rendered as an ECR lifecycle policy.',
        properties: {
          keepLast: {
            type: 'integer',
            minimum: 1,
            maximum: 10000,
            description: 'Keep only the newest N images.',
          },
          untaggedExpireAfterDays: {
            type: 'integer',
            minimum: 1,
            maximum: 36500,
            description: 'Expire untagged images this many days after push.',
          },
        },
      },
      environments: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'string', minLength: 1 },
        description:
          'Environments that create the repository; the others refer to the one of the first listed (default: every environment creates its own).',
      },
      registry: {
        type: 'object',
        additionalProperties: false,
        description: 'Account and region of the creating environment, when they differ.',
        properties: {
          accountId: { type: 'string', description: '12-digit account id.' },
          region: { type: 'string', description: 'AWS region.' },
        },
      },
      forceDelete: {
        type: 'boolean',
        description:
          'Delete the repository even when it holds images (default: true for ephemeral workloads, else false).',
      },
    },
  },
} as const;

/** The ECR name of a workload repository created by environment `envName`. */
export function workloadRepositoryName(
  ctx: Pick<WorkloadSectionContext, 'env' | 'workload'>,
  envName: string,
  name: string,
): string {
  return resourceName('ecrRepository', {
    prefix: ctx.env.prefix,
    env: envName,
    project: ctx.workload,
    kind: name,
  });
}

/**
 * ECR's lifecycle policy JSON for the given rules. The untagged rule comes first: ECR requires a
 * rule with `tagStatus: any` to have the highest `rulePriority`.
 */
export function ecrLifecyclePolicy(l: RepositoryLifecycleInput): string | undefined {
  const rules: unknown[] = [];
  if (l.untaggedExpireAfterDays !== undefined)
    rules.push({
      rulePriority: rules.length + 1,
      description: `Expire untagged images ${l.untaggedExpireAfterDays} days after push`,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: l.untaggedExpireAfterDays,
      },
      action: { type: 'expire' },
    });
  if (l.keepLast !== undefined)
    rules.push({
      rulePriority: rules.length + 1,
      description: `Keep the newest ${l.keepLast} images`,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: l.keepLast },
      action: { type: 'expire' },
    });
  return rules.length > 0 ? JSON.stringify({ rules }) : undefined;
}

/** The `repositories` section: ECR repositories, optionally created in some environments only. */
export const repositoriesSection: WorkloadSection<
  readonly RepositoryInput[],
  RepositoryResolved[]
> = {
  key: 'repositories',
  schema: REPOSITORIES_SCHEMA,
  declares: declaresByName('repository'),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const seen = new Set<string>();
    const out = input.map((r, i): RepositoryResolved => {
      const f = `${ctx.field}[${i}]`;
      if (seen.has(r.name))
        ctx.issues.add(`${f}.name`, r.name, "must be unique among the workload's repositories");
      seen.add(r.name);
      checkKmsKeyArn(ctx.issues, `${f}.kmsKeyArn`, r.kmsKeyArn);
      (r.environments ?? []).forEach((e, j) => {
        if (!DNS_LABEL_RE.test(e) || e.length > 12)
          ctx.issues.add(
            `${f}.environments[${j}]`,
            e,
            'must be an environment name (1-12 lowercase letters, digits, hyphens)',
          );
      });
      const create = r.environments === undefined || r.environments.includes(ctx.env.name);
      if (r.registry) {
        if (create)
          ctx.issues.add(
            `${f}.registry`,
            r.registry,
            `applies only where the repository is referenced, but environment ${ctx.env.name} creates it (listed in environments)`,
          );
        if (r.registry.accountId !== undefined)
          checkAccountId(ctx.issues, `${f}.registry.accountId`, r.registry.accountId);
        if (r.registry.region !== undefined)
          checkRegion(ctx.issues, `${f}.registry.region`, r.registry.region);
      }
      const owner = create ? ctx.env.name : r.environments![0]!;
      const lifecycle = r.lifecycle ?? {};
      const lifecyclePolicy = ecrLifecyclePolicy(lifecycle);
      return {
        name: r.name,
        repositoryName: workloadRepositoryName(ctx, owner, r.name),
        create,
        accountId: r.registry?.accountId ?? ctx.env.accountId,
        region: r.registry?.region ?? ctx.env.region,
        scanOnPush: r.scanOnPush ?? true,
        tagMutability: r.tagMutability ?? 'IMMUTABLE',
        ...(r.kmsKeyArn ? { kmsKeyArn: r.kmsKeyArn } : {}),
        ...(lifecyclePolicy ? { lifecyclePolicy } : {}),
        forceDelete: r.forceDelete ?? ctx.ephemeral ?? false,
      };
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};
