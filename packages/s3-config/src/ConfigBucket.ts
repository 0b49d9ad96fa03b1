import {
  checkAccountId,
  checkKmsKeyArn,
  ConfigValidationError,
  configBucketName,
  IssueCollector,
  INSTANCE_SIZES,
  InstanceSizeName,
  PolicyStatement,
  policyJson,
  TaskSize,
  ValidatedExpectations,
  validateExpectationsText,
} from '@automock/core';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { S3ObjectCopy } from '@cdktf/provider-aws/lib/s3-object-copy';
import { Lazy, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { denyInsecureTransport, privateBucketControls } from './private-bucket';
import { VersionStamp } from './VersionStamp';

/** Object keys the bucket holds; the config loader and the reaper rely on them. */
export const CONFIG_KEYS = {
  expectations: 'expectations.json',
  metadata: 'project-metadata.json',
  versionsPrefix: 'versions/',
} as const;

/** Format of `project-metadata.json`; bump when its shape changes. */
export const METADATA_FORMAT = 1;

/** What the bucket records about the project in `project-metadata.json`. */
export interface ConfigBucketMetadata {
  /** Hours until teardown; 0 means never. */
  readonly ttlHours: number;
  /** First deployment time, ISO-8601 UTC. @default - unknown (written as null) */
  readonly createdAt?: string;
  /** Teardown time, ISO-8601 UTC. @default - none (written as null: no TTL, or createdAt unknown) */
  readonly expiresAt?: string;
  /** Size name (`small`...) or `custom`. */
  readonly sizeName: InstanceSizeName | 'custom';
  /** Task CPU units and memory MiB. @default - the named size's values */
  readonly size?: TaskSize;
}

/** Props of {@link ConfigBucket}. */
export interface ConfigBucketProps extends TerraformMetaArguments {
  /** Name prefix, e.g. `automock`. */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** Project name (DNS-safe). */
  readonly project: string;
  /** AWS account id, part of the bucket name so it is globally unique per account. */
  readonly accountId: string;
  /**
   * MockServer expectations: already validated (from core's `defineProject`), or raw JSON text
   * that is validated here before any resource is created.
   */
  readonly expectations: ValidatedExpectations | string;
  /** What to write to `project-metadata.json`. */
  readonly metadata: ConfigBucketMetadata;
  /** Ephemeral projects: `force_destroy` so teardown can delete a versioned bucket. @default false */
  readonly ephemeral?: boolean;
  /** Days a replaced object version is kept. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** KMS key for SSE-KMS. @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
}

/** The parts of a config bucket other constructs need (e.g. a service's task role). */
export interface IConfigBucket {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Key of the expectations file the config loader copies. */
  readonly expectationsKey: string;
  /** ARNs of the objects a reader may get (and nothing else in the bucket). */
  readonly readableObjectArns: string[];
}

/**
 * Checks the props before anything is created, raw expectations text included, so a bad value
 * leaves no half-built stack; every problem is reported at once.
 *
 * @returns the validated expectations.
 * @throws ConfigValidationError naming each field, value and rule.
 */
function validate(props: ConfigBucketProps, days: number): ValidatedExpectations {
  const issues = new IssueCollector();
  checkAccountId(issues, 'ConfigBucket.accountId', props.accountId);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    issues.add(
      'ConfigBucket.noncurrentVersionExpirationDays',
      days,
      'must be a whole number of days from 1 to 3650',
    );
  checkKmsKeyArn(issues, 'ConfigBucket.kmsKeyArn', props.kmsKeyArn);
  let expectations = props.expectations as ValidatedExpectations;
  if (typeof props.expectations === 'string') {
    try {
      expectations = validateExpectationsText(props.expectations, CONFIG_KEYS.expectations);
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      for (const i of err.issues) issues.add(i.field, i.value, i.rule);
    }
  }
  issues.throwIfAny('ConfigBucket');
  return expectations;
}

/**
 * A project's config bucket: versioned, encrypted, private (public access block,
 * bucket-owner-enforced ownership), TLS-only, noncurrent versions expired, with
 * `expectations.json`, `project-metadata.json` and a copy of the expectations under
 * `versions/<timestamp>/` that is re-created (with a new timestamp) whenever their content
 * hash changes. The copy is made by S3 from `expectations.json` (`aws_s3_object_copy`), so the
 * synthesised stack and the Terraform state carry the document once, as compact JSON. Read
 * access is granted with {@link grantRead}, to named role ARNs only.
 */
export class ConfigBucket extends Construct implements IConfigBucket {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;
  readonly expectationsObject: S3Object;
  readonly metadataObject: S3Object;
  /** Server-side copy of `expectations.json` under `versions/<timestamp>/`. */
  readonly versionObject: S3ObjectCopy;
  /** Holds the time the current expectations content first appeared. */
  readonly versionStamp: VersionStamp;
  readonly expectations: ValidatedExpectations;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly expectationsKey = CONFIG_KEYS.expectations;
  private readonly readers: string[] = [];

  constructor(scope: Construct, id: string, props: ConfigBucketProps) {
    super(scope, id);
    const days = props.noncurrentVersionExpirationDays ?? 30;
    this.expectations = validate(props, days);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };

    this.bucket = new S3Bucket(this, 'Bucket', {
      ...meta,
      bucket: configBucketName(props.prefix, props.env, props.project, props.accountId),
      forceDestroy: props.ephemeral ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    const b = { ...meta, bucket: this.bucket.id };

    new S3BucketVersioningA(this, 'Versioning', {
      ...b,
      versioningConfiguration: { status: 'Enabled' },
    });
    const { publicAccessBlock: publicAccess } = privateBucketControls(this, {
      ...b,
      kmsKeyArn: props.kmsKeyArn,
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      ...b,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: days }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    this.policy = new S3BucketPolicy(this, 'Policy', {
      ...b,
      // A public-access-block change and a policy put race on the same bucket otherwise.
      dependsOn: [...(props.dependsOn ?? []), publicAccess],
      policy: Lazy.stringValue({ produce: () => this.policyJson() }),
    });

    const objectDefaults = {
      ...b,
      contentType: 'application/json',
      serverSideEncryption: props.kmsKeyArn ? 'aws:kms' : 'AES256',
      kmsKeyId: props.kmsKeyArn,
    };
    this.expectationsObject = new S3Object(this, 'Expectations', {
      ...objectDefaults,
      key: CONFIG_KEYS.expectations,
      content: this.expectations.json,
      metadata: { 'content-hash': this.expectations.hash },
    });

    this.versionStamp = new VersionStamp(this, 'VersionStamp', { hash: this.expectations.hash });
    const stamp = this.versionStamp.timestamp;
    // Copied by S3 after the expectations object is written: its key changes with the content
    // hash, so a new copy is made (from the new content) exactly when the content changes.
    this.versionObject = new S3ObjectCopy(this, 'ExpectationsVersion', {
      ...b,
      dependsOn: [...(props.dependsOn ?? []), this.expectationsObject],
      key: `${CONFIG_KEYS.versionsPrefix}${stamp}/${CONFIG_KEYS.expectations}`,
      source: `${this.bucket.bucket}/${CONFIG_KEYS.expectations}`,
      serverSideEncryption: objectDefaults.serverSideEncryption,
      kmsKeyId: props.kmsKeyArn,
    });

    const size =
      props.metadata.size ??
      (props.metadata.sizeName !== 'custom' ? INSTANCE_SIZES[props.metadata.sizeName] : undefined);
    this.metadataObject = new S3Object(this, 'Metadata', {
      ...objectDefaults,
      key: CONFIG_KEYS.metadata,
      content: `${JSON.stringify(
        {
          format: METADATA_FORMAT,
          project: props.project,
          env: props.env,
          ttlHours: props.metadata.ttlHours,
          createdAt: props.metadata.createdAt ?? null,
          expiresAt: props.metadata.expiresAt ?? null,
          size: { name: props.metadata.sizeName, cpu: size?.cpu, memory: size?.memory },
          version: this.expectations.hash,
          expectationsCount: this.expectations.count,
        },
        null,
        2,
      )}\n`,
    });
  }

  /** Objects a reader may get: the expectations and the metadata. */
  get readableObjectArns(): string[] {
    return [
      `${this.bucketArn}/${CONFIG_KEYS.expectations}`,
      `${this.bucketArn}/${CONFIG_KEYS.metadata}`,
    ];
  }

  /**
   * Grants `roleArn` read access to the expectations and metadata objects in the bucket policy.
   * The role's own policy must allow the same (see {@link readPolicyStatement}).
   */
  grantRead(roleArn: string): void {
    if (!this.readers.includes(roleArn)) this.readers.push(roleArn);
  }

  /** IAM statement for a reader role's policy: GetObject on exactly the readable objects. */
  readPolicyStatement(): PolicyStatement {
    return {
      Sid: 'ReadProjectConfig',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: this.readableObjectArns,
    };
  }

  private policyJson(): string {
    const statements: PolicyStatement[] = [denyInsecureTransport(this.bucketArn)];
    if (this.readers.length > 0) {
      statements.push({
        Sid: 'AllowProjectTaskRoleRead',
        Effect: 'Allow',
        Principal: { AWS: this.readers },
        Action: ['s3:GetObject'],
        Resource: this.readableObjectArns,
      });
    }
    return policyJson(statements);
  }
}
