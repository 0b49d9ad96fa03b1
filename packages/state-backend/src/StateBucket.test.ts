// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { ConfigValidationError } from '@automock/core';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformStack, Testing } from 'cdktf';
import { StateBucket, StateBucketProps } from './StateBucket';

type Json = Record<string, any>;

function synth(props: Partial<StateBucketProps> = {}): { raw: string; json: Json } {
  const stack = new TerraformStack(Testing.app(), 'test');
  new StateBucket(stack, 'State', {
    bucketName: 'automock-tfstate-123456789012-eu-west-1',
    ...props,
  });
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) };
}

const only = (json: Json, type: string): Json => {
  const all = Object.values(json.resource[type] ?? {}) as Json[];
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('StateBucket', () => {
  it('is protected from destroy and never force-emptied', () => {
    const { raw } = synth();
    expect(raw).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'automock-tfstate-123456789012-eu-west-1',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('turns versioning on', () => {
    expect(synth().raw).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
    });
  });

  it('encrypts with AES256 by default', () => {
    const { json } = synth();
    expect(only(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('encrypts with the given KMS key and a bucket key when asked', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(synth({ encryption: { type: 'KMS', kmsKeyArn: key } }).raw).toHaveResourceWithProperties(
      S3BucketServerSideEncryptionConfigurationA,
      {
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: key,
            },
            bucket_key_enabled: true,
          },
        ],
      },
    );
  });

  it('blocks every kind of public access and disables ACLs', () => {
    const { raw } = synth();
    expect(raw).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(raw).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it('denies any request not made over TLS, on the bucket and its objects', () => {
    const { json } = synth();
    const policy = only(json, 'aws_s3_bucket_policy');
    const docKey = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1]!;
    const doc = json.data.aws_iam_policy_document[docKey];
    const tls = doc.statement.find((s: Json) => s.sid === 'DenyInsecureTransport');
    const bucketArn = `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket)[0]}.arn}`;
    expect(tls).toEqual({
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      resources: [bucketArn, `${bucketArn}/*`],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
    expect(doc.statement.every((s: Json) => s.effect === 'Deny')).toBe(true);
  });

  it('expires noncurrent versions after 90 days by default and aborts stale multipart uploads', () => {
    const { json } = synth();
    const lifecycle = only(json, 'aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({
        status: 'Enabled',
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      }),
      expect.objectContaining({
        status: 'Enabled',
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      }),
    ]);
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
  });

  it('takes the noncurrent-version expiry from props', () => {
    expect(synth({ noncurrentVersionExpirationDays: 30 }).raw).toHaveResourceWithProperties(
      S3BucketLifecycleConfiguration,
      {
        rule: expect.arrayContaining([
          expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
        ]),
      },
    );
  });

  it('rejects an illegal bucket name, bad days and a bad KMS key together, creating nothing', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    let error: unknown;
    try {
      new StateBucket(stack, 'State', {
        bucketName: 'Has_Upper',
        noncurrentVersionExpirationDays: 0,
        encryption: { type: 'KMS', kmsKeyArn: 'my-key' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((i) => i.field)).toEqual([
      'stateBucket.bucketName',
      'stateBucket.encryption.kmsKeyArn',
      'stateBucket.noncurrentVersionExpirationDays',
    ]);
    expect((error as Error).message).toMatch(
      /stateBucket\.bucketName: got "Has_Upper", must be an S3 bucket name/,
    );
    expect(stack.node.children).toHaveLength(0);
  });

  it.each([
    ['ab', /3-63 characters/],
    ['a'.repeat(64), /3-63 characters/],
    ['my..bucket', /adjacent periods/],
    ['192.168.1.10', /IP address/],
    ['xn--bucket', /reserves/],
    ['bucket-', /3-63 characters/],
  ])('rejects bucket name %j', (bucketName, rule) => {
    expect(() => synth({ bucketName })).toThrow(rule);
  });
});
