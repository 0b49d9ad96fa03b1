import { validateExpectationsValue } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { App, TerraformStack, Testing } from 'cdktf';
import { ConfigBucket, ConfigBucketProps } from './ConfigBucket';

const EXPECTATIONS = validateExpectationsValue(
  [{ httpRequest: { path: '/pets' }, httpResponse: { statusCode: 200, body: '[]' } }],
  'expectations.json',
);

function build(over: Partial<ConfigBucketProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const bucket = new ConfigBucket(stack, 'Config', {
    prefix: 'automock',
    env: 'dev',
    project: 'petstore',
    accountId: '123456789012',
    expectations: EXPECTATIONS,
    metadata: {
      ttlHours: 4,
      sizeName: 'small',
      createdAt: '2025-01-05T10:00:00Z',
      expiresAt: '2025-01-05T14:00:00Z',
    },
    ...over,
  });
  return { app, stack, bucket };
}

function synth(stack: TerraformStack) {
  return JSON.parse(Testing.synth(stack));
}

function objects(json: any): Record<string, any> {
  return json.resource.aws_s3_object;
}

describe('ConfigBucket hardening', () => {
  const { stack, bucket } = build();
  bucket.grantRead('arn:aws:iam::123456789012:role/automock-dev-petstore-task');
  const out = Testing.synth(stack);
  const json = JSON.parse(out);

  it('names the bucket within S3 limits, without force_destroy for long-lived projects', () => {
    expect(out).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'automock-dev-petstore-config-123456789012',
      force_destroy: false,
    });
  });

  it('versions, encrypts, blocks public access and enforces bucket-owner ownership', () => {
    expect(out).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: 'Enabled' },
    });
    expect(out).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    });
    expect(out).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(out).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it('expires noncurrent versions', () => {
    expect(out).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [
        expect.objectContaining({
          status: 'Enabled',
          noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        }),
      ],
    });
  });

  it('denies non-TLS access and grants read of exactly two objects to the given role', () => {
    const policy = JSON.parse(Object.values<any>(json.resource.aws_s3_bucket_policy)[0].policy);
    const [deny, allow] = policy.Statement;
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(allow.Principal).toEqual({
      AWS: ['arn:aws:iam::123456789012:role/automock-dev-petstore-task'],
    });
    expect(allow.Action).toEqual(['s3:GetObject']);
    expect(allow.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.Config_Bucket_\w+\.arn\}\/expectations\.json$/),
      expect.stringMatching(
        /^\$\{aws_s3_bucket\.Config_Bucket_\w+\.arn\}\/project-metadata\.json$/,
      ),
    ]);
  });

  it('writes expectations.json with the validated content', () => {
    const o = Object.values(objects(json)).find((x: any) => x.key === 'expectations.json');
    expect(JSON.parse(o.content)).toEqual(EXPECTATIONS.items);
    expect(o.server_side_encryption).toBe('AES256');
  });

  it('writes project-metadata.json', () => {
    const o = Object.values(objects(json)).find((x: any) => x.key === 'project-metadata.json');
    expect(JSON.parse(o.content)).toEqual({
      format: 1,
      project: 'petstore',
      env: 'dev',
      ttlHours: 4,
      createdAt: '2025-01-05T10:00:00Z',
      expiresAt: '2025-01-05T14:00:00Z',
      size: { name: 'small', cpu: 256, memory: 512 },
      version: EXPECTATIONS.hash,
      expectationsCount: 1,
    });
  });

  it('keys the versions/ copy by a timestamp that is replaced when the content hash changes', () => {
    const stamp = Object.values<any>(json.resource.terraform_data)[0];
    expect(stamp.triggers_replace).toEqual({ hash: EXPECTATIONS.hash });
    expect(stamp.input).toEqual({ at: '${plantimestamp()}' });
    expect(stamp.lifecycle.ignore_changes).toEqual(['input']);
    const copies = Object.values<any>(json.resource.aws_s3_object_copy);
    expect(copies).toHaveLength(1);
    const v = copies[0];
    expect(v.key).toMatch(
      /^versions\/\$\{terraform_data\.Config_VersionStamp_\w+\.output\.at\}\/expectations\.json$/,
    );
    // S3 copies the current expectations.json, after it has been written.
    expect(v.source).toMatch(
      /^\$\{aws_s3_bucket\.Config_Bucket_\w+\.bucket\}\/expectations\.json$/,
    );
    expect(v.depends_on).toEqual([
      expect.stringMatching(/^aws_s3_object\.Config_Expectations_\w+$/),
    ]);
    expect(v.server_side_encryption).toBe('AES256');
  });

  it('carries the expectations once, as compact JSON (no copy, no re-indentation)', () => {
    const text = JSON.stringify(json);
    const compact = EXPECTATIONS.json;
    expect(compact).not.toMatch(/\n/);
    // The document appears once, JSON-escaped as the content of expectations.json.
    const escaped = JSON.stringify(compact).slice(1, -1);
    expect(text.split(escaped)).toHaveLength(2);
    expect(Object.values(objects(json)).filter((o: any) => o.content === compact)).toHaveLength(1);
  });
});

describe('ConfigBucket options', () => {
  it('sets force_destroy for ephemeral projects', () => {
    const { stack } = build({ ephemeral: true });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(S3Bucket, { force_destroy: true });
  });

  it('changes the version stamp trigger when the content changes', () => {
    const a = synth(build().stack);
    const b = synth(build({ expectations: '[{"httpResponse":{"statusCode":201}}]' }).stack);
    const trig = (j: any) => Object.values<any>(j.resource.terraform_data)[0].triggers_replace.hash;
    expect(trig(a)).not.toEqual(trig(b));
  });

  it('validates raw expectations before creating anything', () => {
    const app = new App();
    const stack = new TerraformStack(app, 's');
    expect(
      () =>
        new ConfigBucket(stack, 'Config', {
          prefix: 'automock',
          env: 'dev',
          project: 'p',
          accountId: '123456789012',
          expectations: '[{"httpResponse":{"statusCode":"200"}}]',
          metadata: { ttlHours: 0, sizeName: 'small' },
        }),
    ).toThrow('expectations.json: $[0].httpResponse.statusCode: got "200", must be an integer');
    expect(stack.node.findAll().filter((c) => c instanceof S3Bucket)).toHaveLength(0);
  });

  it('uses SSE-KMS with a bucket key when given a key', () => {
    const { stack } = build({ kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abc' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(
      S3BucketServerSideEncryptionConfigurationA,
      {
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: 'arn:aws:kms:us-east-1:123456789012:key/abc',
            },
            bucket_key_enabled: true,
          },
        ],
      },
    );
  });

  it('rejects a bad noncurrent expiry', () => {
    expect(() => build({ noncurrentVersionExpirationDays: 0 })).toThrow(
      /noncurrentVersionExpirationDays: got 0/,
    );
  });
});
