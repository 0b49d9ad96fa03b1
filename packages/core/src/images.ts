import { IssueCollector } from './errors';

/**
 * Container images an environment may pin (each a full reference, `repository:tag@sha256:<digest>`).
 * Images left out run by the constructs' default tags, which AM-ECS-4 reports as unpinned (a
 * warning outside production, an error in it): no digest is built in, because none of these was
 * pulled where this code was written, and a made-up digest would fail every task launch.
 */
export interface ContainerImages {
  /** MockServer. @default ecs-service's MOCKSERVER_IMAGE tag (`mockserver/mockserver:9.4.0`) */
  readonly mockserver?: string;
  /** The init container that copies the expectations from S3. @default ecs-service's CONFIG_LOADER_IMAGE tag */
  readonly configLoader?: string;
  /** Destroyer task: runs the destroyer script. @default ttl-cleanup's DESTROYER_IMAGES.node */
  readonly destroyerNode?: string;
  /** Destroyer task: supplies the terraform binary. @default ttl-cleanup's DESTROYER_IMAGES.terraform */
  readonly destroyerTerraform?: string;
  /** Destroyer task: fetches the destroyer script. @default ttl-cleanup's DESTROYER_IMAGES.awsCli */
  readonly destroyerAwsCli?: string;
}

export const CONTAINER_IMAGE_KEYS = [
  'mockserver',
  'configLoader',
  'destroyerNode',
  'destroyerTerraform',
  'destroyerAwsCli',
] as const satisfies readonly (keyof ContainerImages)[];

/** `sha256:` and 64 lower-case hex digits, the form registries use for manifest digests. */
export const IMAGE_DIGEST_RE = /@sha256:[0-9a-f]{64}$/;

// [registry[:port]/]path[:tag][@sha256:digest], per the OCI distribution reference grammar.
const IMAGE_REF_RE =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** True when an image reference names its content by digest. */
export function isPinnedByDigest(image: string): boolean {
  return IMAGE_DIGEST_RE.test(image);
}

/** Checks the image overrides of an environment. */
export function checkContainerImages(issues: IssueCollector, field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(field, value, `must be an object with any of ${CONTAINER_IMAGE_KEYS.join(', ')}`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!(CONTAINER_IMAGE_KEYS as readonly string[]).includes(k)) {
      issues.add(
        `${field}.${k}`,
        v,
        `is not an image this project runs; use one of ${CONTAINER_IMAGE_KEYS.join(', ')}`,
      );
    } else if (typeof v !== 'string' || v.length > 1024 || !IMAGE_REF_RE.test(v)) {
      issues.add(
        `${field}.${k}`,
        v,
        'must be an image reference such as mockserver/mockserver:9.4.0@sha256:<64 hex digits>',
      );
    } else if (!/[:@]/.test(v.slice(v.lastIndexOf('/') + 1))) {
      issues.add(
        `${field}.${k}`,
        v,
        'must name a tag or a digest (a bare repository floats to latest)',
      );
    }
  }
}

/**
 * Docker labels that record, on the container itself, why it does not run as a non-root user or
 * with a read-only root file system. AM-ECS-5 accepts a container that breaks the rule only when
 * it carries the matching label with a reason.
 */
export const HARDENING_EXCEPTION_LABELS = {
  /** Why the container runs as root. */
  root: 'automock.runs-as-root',
  /** Why the container's root file system is writable. */
  writableRoot: 'automock.writable-root-filesystem',
} as const;
