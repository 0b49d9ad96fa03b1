import { checkBucketName, IssueCollector, PolicyStatement, policyJson } from '@automock/core';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Regions where ELB writes access logs as a regional AWS account rather than as the
 * `logdelivery.elasticloadbalancing.amazonaws.com` service principal: the regions the AWS
 * provider's `aws_elb_service_account` data source knows (internal/service/elb/
 * service_account_data_source.go). The data source fails for any other region, so it is read only
 * for these; the service principal is granted everywhere (AWS documents it for Regions opened in
 * August 2022 or later).
 */
export const ELB_ACCOUNT_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ca-central-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

/** Service principal ELB uses to write access logs in newer Regions. */
export const ELB_LOG_DELIVERY_PRINCIPAL = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps extends TerraformMetaArguments {
  /** Bucket name, 3-63 lower-case characters (core's `resourceName('s3Bucket', ...)`). */
  readonly bucketName: string;
  /** Account of the load balancers whose logs land here. */
  readonly accountId: string;
  /** Region of the bucket and the load balancers (ELB writes only to a bucket in its Region). */
  readonly region: string;
  /** Days log objects are kept. */
  readonly retentionDays: number;
  /** Let Terraform delete the bucket with its logs (non-production). @default false */
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket for ALB access logs: public access blocked, SSE-S3 (the only encryption ELB log
 * delivery supports), bucket-owner-enforced ownership, objects expired after `retentionDays`, a
 * policy that denies non-TLS requests and lets only ELB log delivery write, under
 * `<prefix>/AWSLogs/<account>/` for this account.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkBucketName(issues, 'AccessLogBucket.bucketName', props.bucketName);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1)
      issues.add(
        'AccessLogBucket.retentionDays',
        props.retentionDays,
        'must be a whole number of days, at least 1',
      );
    issues.throwIfAny('AccessLogBucket');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    this.bucket = new S3Bucket(this, 'Bucket', {
      ...meta,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      ...meta,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      ...meta,
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      ...meta,
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      ...meta,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    const logs = `${this.bucket.arn}/*/AWSLogs/${props.accountId}/*`;
    const statements: PolicyStatement[] = [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'ElbLogDelivery',
        Effect: 'Allow',
        Principal: { Service: ELB_LOG_DELIVERY_PRINCIPAL },
        Action: 's3:PutObject',
        Resource: logs,
      },
    ];
    if (ELB_ACCOUNT_REGIONS.includes(props.region)) {
      const elb = new DataAwsElbServiceAccount(this, 'ElbAccount', {
        provider: props.provider,
        region: props.region,
      });
      statements.push({
        Sid: 'ElbRegionalAccount',
        Effect: 'Allow',
        Principal: { AWS: elb.arn },
        Action: 's3:PutObject',
        Resource: logs,
      });
    }
    this.policy = new S3BucketPolicy(this, 'Policy', {
      provider: props.provider,
      // A public-access-block change and a policy put race on the same bucket otherwise.
      dependsOn: [...(props.dependsOn ?? []), publicAccess],
      bucket: this.bucket.id,
      policy: policyJson(statements),
    });
  }
}
