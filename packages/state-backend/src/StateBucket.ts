import {
  checkBucketName,
  checkKmsKeyArn,
  IssueCollector,
  PolicyCondition,
  policyDocumentBlocks,
  PolicyStatement,
} from '@automock/core';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { checkBoolean, checkDays } from './validation';

/** Server-side encryption of the state bucket. */
export type StateBucketEncryption =
  /** S3-managed keys (SSE-S3). */
  | { readonly type: 'AES256' }
  /** KMS (SSE-KMS) with S3 bucket keys; the key's policy must let the bootstrap and CI roles use it. */
  | {
      readonly type: 'KMS';
      /** Key ARN. @default - the account's AWS-managed `aws/s3` key */
      readonly kmsKeyArn?: string;
    };

/** Inputs of {@link StateBucket}. */
export interface StateBucketProps {
  /** Bucket name (S3 rules: 3-63 lowercase characters); use core's `stateBackendNames`. */
  readonly bucketName: string;
  /** Default encryption of every object. @default { type: 'AES256' } */
  readonly encryption?: StateBucketEncryption;
  /** Days a replaced or deleted state version is kept before S3 expires it. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which S3 aborts an incomplete multipart upload and frees its parts. @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Terraform's `lifecycle.prevent_destroy`: a plan that would delete the bucket fails. Turn off
   * only for throw-away test accounts.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /** Extra tags on the bucket. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider to create the resources with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Defaults of {@link StateBucketProps}. */
export const STATE_BUCKET_DEFAULTS = {
  encryption: { type: 'AES256' },
  noncurrentVersionExpirationDays: 90,
  abortIncompleteMultipartUploadDays: 7,
  preventDestroy: true,
} as const;

interface ResolvedStateBucketProps {
  readonly encryption: StateBucketEncryption;
  readonly noncurrentDays: number;
  readonly abortDays: number;
  readonly preventDestroy: boolean;
}

/**
 * Validates {@link StateBucketProps} and fills in defaults; every problem is reported at once.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveStateBucketProps(props: StateBucketProps): ResolvedStateBucketProps {
  const issues = new IssueCollector();
  checkBucketName(issues, 'stateBucket.bucketName', props.bucketName);
  const encryption: StateBucketEncryption = props.encryption ?? STATE_BUCKET_DEFAULTS.encryption;
  if (encryption.type !== 'AES256' && encryption.type !== 'KMS') {
    issues.add(
      'stateBucket.encryption.type',
      (encryption as { type: unknown }).type,
      "must be 'AES256' or 'KMS'",
    );
  } else if (encryption.type === 'KMS') {
    checkKmsKeyArn(issues, 'stateBucket.encryption.kmsKeyArn', encryption.kmsKeyArn);
  }
  const noncurrentDays =
    props.noncurrentVersionExpirationDays ?? STATE_BUCKET_DEFAULTS.noncurrentVersionExpirationDays;
  checkDays(issues, 'stateBucket.noncurrentVersionExpirationDays', noncurrentDays, 1, 3650);
  const abortDays =
    props.abortIncompleteMultipartUploadDays ??
    STATE_BUCKET_DEFAULTS.abortIncompleteMultipartUploadDays;
  checkDays(issues, 'stateBucket.abortIncompleteMultipartUploadDays', abortDays, 1, 365);
  checkBoolean(issues, 'stateBucket.preventDestroy', props.preventDestroy);
  issues.throwIfAny(`state bucket ${JSON.stringify(props.bucketName)}`);
  return {
    encryption,
    noncurrentDays,
    abortDays,
    preventDestroy: props.preventDestroy ?? STATE_BUCKET_DEFAULTS.preventDestroy,
  };
}

/**
 * The S3 bucket that holds every stack's Terraform state (and the synthesised project stacks).
 * Versioned, encrypted by default, closed to the public, ACLs disabled (bucket owner enforced),
 * reachable only over TLS 1.2+, old versions expired after a while, and protected from
 * `terraform destroy`.
 */
export class StateBucket extends Construct {
  readonly bucket: S3Bucket;
  /** Bucket name. */
  readonly bucketName: string;
  /** Bucket ARN. */
  readonly bucketArn: string;
  readonly versioning: S3BucketVersioningA;
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly ownershipControls: S3BucketOwnershipControls;
  readonly policy: S3BucketPolicy;
  readonly lifecycle: S3BucketLifecycleConfiguration;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    // Validate before joining the tree, so bad input leaves nothing half-built.
    const p = resolveStateBucketProps(props);
    super(scope, id);

    const provider = props.provider;
    const { encryption, noncurrentDays, abortDays, preventDestroy } = p;

    this.bucket = new S3Bucket(this, 'Bucket', {
      provider,
      bucket: props.bucketName,
      // Never empty a state bucket to delete it: the versions are the only undo for state.
      forceDestroy: false,
      tags: { ...(props.tags ?? {}), Name: props.bucketName },
      lifecycle: { preventDestroy },
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });

    this.encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket: this.bucket.id,
      rule: [
        encryption.type === 'KMS'
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: 'aws:kms',
                kmsMasterKeyId: encryption.kmsKeyArn,
              },
              // One data key per bucket instead of per object: fewer KMS calls, lower cost.
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    this.ownershipControls = new S3BucketOwnershipControls(this, 'OwnershipControls', {
      provider,
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    const deny = (sid: string, condition: PolicyCondition): PolicyStatement => ({
      Sid: sid,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
      Condition: condition,
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, 'TlsOnlyPolicy', {
      provider,
      statement: policyDocumentBlocks([
        deny('DenyInsecureTransport', { Bool: { 'aws:SecureTransport': 'false' } }),
        deny('DenyOutdatedTls', { NumericLessThan: { 's3:TlsVersion': '1.2' } }),
      ]),
    });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket: this.bucket.id,
      policy: tlsOnly.json,
      // S3 rejects concurrent bucket-level configuration changes; order them.
      dependsOn: [this.publicAccessBlock, this.ownershipControls],
    });

    this.lifecycle = new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
        },
      ],
      // Noncurrent-version rules need versioning in place first.
      dependsOn: [this.versioning],
    });
  }
}
