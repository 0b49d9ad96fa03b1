import {
  type BucketCorsRule,
  type BucketLifecycleRule,
  checkBucketName,
  checkKmsKeyArn,
  IssueCollector,
  type PolicyStatement,
  policyJson,
} from '@automock/core';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { denyInsecureTransport, privateBucketControls } from './private-bucket';

/** Props of {@link DataBucket}. */
export interface DataBucketProps extends TerraformMetaArguments {
  /** Bucket name, 3-63 lowercase characters (core's `workloadBucketName`). */
  readonly bucketName: string;
  /** Keep every object version. @default false */
  readonly versioning?: boolean;
  /** KMS key for SSE-KMS. @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** Lifecycle rules, already validated by core's `bucketsSection`. @default [] */
  readonly lifecycleRules?: readonly BucketLifecycleRule[];
  /** CORS rules, already validated by core's `bucketsSection`. @default [] */
  readonly corsRules?: readonly BucketCorsRule[];
  /** Let Terraform delete the bucket with its objects. @default false */
  readonly forceDestroy?: boolean;
  /**
   * Grant every principal `s3:GetObject` on every object. The guardrails flag such a bucket
   * (AM-S3-1, AM-S3-5) unless the stack suppresses them with a reason. @default false
   */
  readonly publicRead?: boolean;
}

/**
 * A general-purpose S3 bucket for application data: encrypted, ownership enforced (no ACLs), all
 * public access blocked unless `publicRead`, TLS-only, with optional versioning, lifecycle and
 * CORS. Access is granted through IAM ({@link readStatements}, {@link writeStatements}).
 */
export class DataBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly bucketName: string;
  readonly bucketArn: string;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkBucketName(issues, 'DataBucket.bucketName', props.bucketName);
    checkKmsKeyArn(issues, 'DataBucket.kmsKeyArn', props.kmsKeyArn);
    issues.throwIfAny('DataBucket');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    this.kmsKeyArn = props.kmsKeyArn;

    this.bucket = new S3Bucket(this, 'Bucket', {
      ...meta,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const b = { ...meta, bucket: this.bucket.id };

    if (props.versioning)
      new S3BucketVersioningA(this, 'Versioning', {
        ...b,
        versioningConfiguration: { status: 'Enabled' },
      });
    const { publicAccessBlock } = privateBucketControls(this, {
      ...b,
      kmsKeyArn: props.kmsKeyArn,
      allowPublicPolicy: props.publicRead,
    });

    const lifecycle = props.lifecycleRules ?? [];
    if (lifecycle.length > 0)
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        ...b,
        rule: lifecycle.map((r) => ({
          id: r.id,
          status: 'Enabled',
          filter: [{ prefix: r.prefix }],
          expiration: r.expireAfterDays !== undefined ? [{ days: r.expireAfterDays }] : undefined,
          noncurrentVersionExpiration:
            r.noncurrentExpireAfterDays !== undefined
              ? [{ noncurrentDays: r.noncurrentExpireAfterDays }]
              : undefined,
          abortIncompleteMultipartUpload:
            r.abortIncompleteMultipartAfterDays !== undefined
              ? [{ daysAfterInitiation: r.abortIncompleteMultipartAfterDays }]
              : undefined,
          transition:
            r.transitions.length > 0
              ? r.transitions.map((t) => ({ days: t.afterDays, storageClass: t.storageClass }))
              : undefined,
        })),
      });

    const cors = props.corsRules ?? [];
    if (cors.length > 0)
      new S3BucketCorsConfiguration(this, 'Cors', {
        ...b,
        corsRule: cors.map((c) => ({
          allowedMethods: [...c.allowedMethods],
          allowedOrigins: [...c.allowedOrigins],
          allowedHeaders: c.allowedHeaders.length > 0 ? [...c.allowedHeaders] : undefined,
          exposeHeaders: c.exposeHeaders.length > 0 ? [...c.exposeHeaders] : undefined,
          maxAgeSeconds: c.maxAgeSeconds,
        })),
      });

    const statements: PolicyStatement[] = [denyInsecureTransport(this.bucketArn)];
    if (props.publicRead)
      statements.push({
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `${this.bucketArn}/*`,
      });
    this.policy = new S3BucketPolicy(this, 'Policy', {
      ...b,
      // A public-access-block change and a policy put race on the same bucket otherwise.
      dependsOn: [...(props.dependsOn ?? []), publicAccessBlock],
      policy: policyJson(statements),
    });
  }

  /** Reading: list the bucket, get its objects (and decrypt them with the bucket's key). */
  readStatements(): PolicyStatement[] {
    return [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: this.bucketArn },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.bucketArn}/*` },
      ...(this.kmsKeyArn
        ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: this.kmsKeyArn }]
        : []),
    ];
  }

  /** Writing: put and delete objects (encrypting with the bucket's key). */
  writeStatements(): PolicyStatement[] {
    return [
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: `${this.bucketArn}/*`,
      },
      ...(this.kmsKeyArn
        ? [
            {
              Effect: 'Allow' as const,
              Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
              Resource: this.kmsKeyArn,
            },
          ]
        : []),
    ];
  }
}
