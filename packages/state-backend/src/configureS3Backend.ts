import {
  checkBucketName,
  checkKmsKeyArn,
  checkRegion,
  checkTableName,
  IssueCollector,
} from '@automock/core';
import { S3Backend, S3BackendConfig, TerraformStack } from 'cdktf';
import { checkBoolean, isToken } from './validation';

/** Service endpoints for the S3 backend, e.g. emulators on 127.0.0.1 or VPC endpoints. */
export interface S3BackendEndpoints {
  /** S3 API endpoint URL. @default - AWS's regional endpoint */
  readonly s3?: string;
  /** DynamoDB API endpoint URL (lock table). @default - AWS's regional endpoint */
  readonly dynamodb?: string;
  /** STS API endpoint URL (credential validation, account id). @default - AWS's regional endpoint */
  readonly sts?: string;
}

/** Inputs of {@link configureS3Backend}. */
export interface S3BackendOptions {
  /** State bucket name (core's `stateBackendNames().bucket`). */
  readonly bucket: string;
  /** Object key of this stack's state (core's `environmentStateKey` / `projectStateKey`...). */
  readonly key: string;
  /** Region of the bucket and lock table. */
  readonly region: string;
  /** DynamoDB lock table name (core's `stateBackendNames().lockTable`). */
  readonly lockTable: string;
  /**
   * Also take Terraform's S3-native lock (a `<key>.tflock` object written with a conditional
   * PUT). Terraform 1.10+ takes both locks when both are configured; DynamoDB locking is
   * deprecated from 1.11, so keeping both lets the lock table be retired later without a gap.
   * Needs Terraform >= 1.10.
   * @default true
   */
  readonly useLockfile?: boolean;
  /** KMS key for the state object. @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
  /** Custom service endpoints. @default - AWS's regional endpoints */
  readonly endpoints?: S3BackendEndpoints;
  /**
   * Talk to a local S3/DynamoDB emulator (s3rver, dynalite): path-style addressing, and no STS,
   * IAM, region or instance-metadata calls, which an emulator cannot answer. Requires
   * `endpoints.s3`.
   * @default false
   */
  readonly emulator?: boolean;
}

const URL_RE = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;

/** Validates {@link S3BackendOptions}; every problem is reported at once. */
function validate(options: S3BackendOptions): void {
  const issues = new IssueCollector();
  const f = (k: string) => `s3Backend.${k}`;
  checkBucketName(issues, f('bucket'), options.bucket);
  if (!isToken(options.key)) {
    if (typeof options.key !== 'string' || options.key.trim().length === 0) {
      issues.add(
        f('key'),
        options.key,
        'must be a non-empty object key such as envs/dev/terraform.tfstate',
      );
    } else if (options.key.startsWith('/') || options.key.endsWith('/')) {
      issues.add(f('key'), options.key, "must not start or end with '/'");
    } else if (options.key.length > 1024) {
      issues.add(f('key'), options.key, 'must be at most 1024 characters (S3 key limit)');
    }
  }
  if (!isToken(options.region)) checkRegion(issues, f('region'), options.region);
  checkTableName(issues, f('lockTable'), options.lockTable);
  checkBoolean(issues, f('useLockfile'), options.useLockfile);
  checkBoolean(issues, f('emulator'), options.emulator);
  checkKmsKeyArn(issues, f('kmsKeyId'), options.kmsKeyId);
  for (const [service, url] of Object.entries(options.endpoints ?? {})) {
    if (url !== undefined && (typeof url !== 'string' || !URL_RE.test(url))) {
      issues.add(
        f(`endpoints.${service}`),
        url,
        'must be an http(s) URL such as http://127.0.0.1:4569',
      );
    }
  }
  if (options.emulator === true && !options.endpoints?.s3) {
    issues.add(f('endpoints.s3'), options.endpoints?.s3, 'must be set when emulator is true');
  }
  issues.throwIfAny(`S3 backend for key ${JSON.stringify(options.key)}`);
}

/**
 * Configures `stack`'s S3 backend the way every AutoMock stack uses it: encrypted state, the
 * DynamoDB lock table, and (by default) Terraform's S3-native lockfile as well. cdktf 0.21 has no
 * `use_lockfile` prop, so it is added as an override of the synthesised backend block.
 *
 * @throws ConfigValidationError when an option is invalid (nothing is added to the stack).
 * @returns the backend construct.
 */
export function configureS3Backend(stack: TerraformStack, options: S3BackendOptions): S3Backend {
  validate(options);
  const emulator = options.emulator ?? false;
  const endpoints = options.endpoints;
  const config: S3BackendConfig = {
    bucket: options.bucket,
    key: options.key,
    region: options.region,
    encrypt: true,
    dynamodbTable: options.lockTable,
    ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
    ...(endpoints && Object.values(endpoints).some((v) => v !== undefined)
      ? {
          endpoints: {
            ...(endpoints.s3 ? { s3: endpoints.s3 } : {}),
            ...(endpoints.dynamodb ? { dynamodb: endpoints.dynamodb } : {}),
            ...(endpoints.sts ? { sts: endpoints.sts } : {}),
          },
        }
      : {}),
    // Each flag below was found necessary (or a hang risk) against s3rver and dynalite with
    // Terraform 1.11: virtual-host addressing needs DNS for `<bucket>.127.0.0.1`, and the
    // STS/IAM/IMDS/region checks call services an emulator does not serve.
    ...(emulator
      ? {
          usePathStyle: true,
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipRegionValidation: true,
          skipS3Checksum: true,
        }
      : {}),
  };
  const backend = new S3Backend(stack, config);
  if (options.useLockfile ?? true) {
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }
  return backend;
}
