import type { PolicyStatement } from '@automock/core';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { ITerraformDependable, TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';

/** Options of {@link privateBucketControls}. */
export interface PrivateBucketControlsProps {
  /** The bucket's id (its name). */
  readonly bucket: string;
  /** KMS key for SSE-KMS (with a bucket key). @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /**
   * Allow a bucket policy that grants public read (the two policy flags of the public access
   * block off; ACLs stay blocked and ignored). @default false
   */
  readonly allowPublicPolicy?: boolean;
  /** @default - the scope's default provider */
  readonly provider?: TerraformProvider;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** What {@link privateBucketControls} created. */
export interface PrivateBucketControls {
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly ownership: S3BucketOwnershipControls;
}

/**
 * The controls every AutoMock bucket carries, created under `scope` with fixed ids
 * (`Encryption`, `PublicAccessBlock`, `Ownership`), so a construct that used to create them
 * itself keeps its Terraform addresses: default encryption (SSE-S3, or SSE-KMS with a bucket
 * key), all four public-access blocks (two of them off only for a declared public bucket) and
 * bucket-owner-enforced ownership (ACLs disabled).
 */
export function privateBucketControls(
  scope: Construct,
  props: PrivateBucketControlsProps,
): PrivateBucketControls {
  const b = { provider: props.provider, dependsOn: props.dependsOn, bucket: props.bucket };
  const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, 'Encryption', {
    ...b,
    rule: [
      {
        applyServerSideEncryptionByDefault: props.kmsKeyArn
          ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
          : { sseAlgorithm: 'AES256' },
        bucketKeyEnabled: props.kmsKeyArn ? true : undefined,
      },
    ],
  });
  const open = props.allowPublicPolicy ?? false;
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', {
    ...b,
    blockPublicAcls: true,
    blockPublicPolicy: !open,
    ignorePublicAcls: true,
    restrictPublicBuckets: !open,
  });
  const ownership = new S3BucketOwnershipControls(scope, 'Ownership', {
    ...b,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  return { encryption, publicAccessBlock, ownership };
}

/** The statement every bucket policy starts with: no request without TLS, from anyone. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
