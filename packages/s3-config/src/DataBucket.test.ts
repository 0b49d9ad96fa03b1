import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack, Testing } from 'cdktf';
import { DataBucket, DataBucketProps } from './DataBucket';

function build(over: Partial<DataBucketProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 's');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const bucket = new DataBucket(stack, 'Data', { bucketName: 'automock-dev-shop-a-1', ...over });
  return { stack, bucket, json: JSON.parse(Testing.synth(stack)) };
}
const all = (json: any, type: string) => Object.values<any>(json.resource[type] ?? {});

describe('DataBucket', () => {
  test('minimal: SSE-S3, all public access blocked, owner-enforced, TLS-only; nothing optional', () => {
    const { json } = build();
    expect(all(json, 'aws_s3_bucket')).toEqual([
      expect.objectContaining({ bucket: 'automock-dev-shop-a-1', force_destroy: false }),
    ]);
    expect(all(json, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(all(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(all(json, 'aws_s3_bucket_versioning')).toEqual([]);
    expect(all(json, 'aws_s3_bucket_lifecycle_configuration')).toEqual([]);
    expect(all(json, 'aws_s3_bucket_cors_configuration')).toEqual([]);
    const policy = all(json, 'aws_s3_bucket_policy')[0];
    expect(policy.depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_public_access_block\./),
    ]);
    expect(JSON.parse(policy.policy).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  test('transitions, CORS headers, KMS with a bucket key, force destroy', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/k';
    const { json, bucket } = build({
      kmsKeyArn: key,
      forceDestroy: true,
      lifecycleRules: [
        {
          id: 'archive',
          prefix: 'logs/',
          transitions: [{ storageClass: 'GLACIER_IR', afterDays: 30 }],
          abortIncompleteMultipartAfterDays: 2,
        },
      ],
      corsRules: [
        {
          allowedMethods: ['PUT'],
          allowedOrigins: ['https://a.example.com'],
          allowedHeaders: ['*'],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: 600,
        },
      ],
    });
    expect(all(json, 'aws_s3_bucket')[0].force_destroy).toBe(true);
    expect(all(json, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: 'aws:kms',
          kms_master_key_id: key,
        },
        bucket_key_enabled: true,
      },
    ]);
    expect(all(json, 'aws_s3_bucket_lifecycle_configuration')[0].rule).toEqual([
      {
        id: 'archive',
        status: 'Enabled',
        filter: [{ prefix: 'logs/' }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }],
        transition: [{ days: 30, storage_class: 'GLACIER_IR' }],
      },
    ]);
    expect(all(json, 'aws_s3_bucket_cors_configuration')[0].cors_rule).toEqual([
      {
        allowed_methods: ['PUT'],
        allowed_origins: ['https://a.example.com'],
        allowed_headers: ['*'],
        expose_headers: ['ETag'],
        max_age_seconds: 600,
      },
    ]);
    expect(bucket.writeStatements()[1]).toEqual({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: key,
    });
  });

  test('public read: the policy flags of the block off, ACLs still blocked, GetObject to all', () => {
    const { json } = build({ publicRead: true });
    expect(all(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      ignore_public_acls: true,
      block_public_policy: false,
      restrict_public_buckets: false,
    });
    const [, open] = JSON.parse(all(json, 'aws_s3_bucket_policy')[0].policy).Statement;
    expect(open).toEqual({
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: expect.stringMatching(/\.arn\}\/\*$/),
    });
  });

  test('bad names and keys are refused before anything is created', () => {
    const stack = new TerraformStack(new App(), 's');
    expect(() => new DataBucket(stack, 'D', { bucketName: 'Bad_Name', kmsKeyArn: 'k' })).toThrow(
      /DataBucket\.bucketName: got "Bad_Name"[\s\S]*DataBucket\.kmsKeyArn: got "k"/,
    );
    expect(stack.node.findAll().filter((c) => c instanceof S3Bucket)).toHaveLength(0);
  });
});
