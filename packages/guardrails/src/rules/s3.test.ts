import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { bucket, check, findings, ids, testStack } from '../testing/fixtures';

describe('S3 rules', () => {
  test('a bucket with every companion passes all S3 rules', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', {}, { bucket: 'automock-dev-cfg' });
    expect(ids(check(app))).toEqual([]);
  });

  test('AM-S3-1: a bucket without a public access block is caught', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { publicAccessBlock: false });
    const f = findings(check(app), 'AM-S3-1');
    expect(f).toHaveLength(1);
    expect(f[0]!.address).toMatch(/^aws_s3_bucket\.cfg/);
    expect(f[0]!.path).toBe('test-dev/cfg');
  });

  test('AM-S3-1: a public access block that leaves a setting off is caught', () => {
    const { app, stack } = testStack();
    const b = bucket(stack, 'cfg', { publicAccessBlock: false });
    new S3BucketPublicAccessBlock(stack, 'pab', {
      bucket: b.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
    });
    expect(findings(check(app), 'AM-S3-1')[0]!.message).toMatch(/restrict_public_buckets/);
  });

  test('AM-S3-1: a block belonging to another bucket does not count', () => {
    const { app, stack } = testStack();
    bucket(stack, 'a');
    bucket(stack, 'b', { publicAccessBlock: false });
    const f = findings(check(app), 'AM-S3-1');
    expect(f.map((x) => x.address)).toEqual([expect.stringMatching(/^aws_s3_bucket\.b/)]);
  });

  test('AM-S3-2: a bucket without default encryption is caught', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { encryption: false });
    expect(findings(check(app), 'AM-S3-2')).toHaveLength(1);
  });

  test('AM-S3-2: aws:kms passes', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { encryption: 'aws:kms' });
    expect(findings(check(app), 'AM-S3-2')).toHaveLength(0);
  });

  test('AM-S3-3: a config bucket (Terraform-managed objects) without versioning is caught', () => {
    const { app, stack } = testStack();
    const b = bucket(stack, 'cfg', { versioning: false });
    new S3Object(stack, 'expectations', { bucket: b.id, key: 'expectations.json', content: '[]' });
    const f = findings(check(app), 'AM-S3-3');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/objects managed by Terraform/);
  });

  test('AM-S3-3: a bucket tagged automock:data=config without versioning is caught', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { versioning: false }, { tags: { 'automock:data': 'config' } });
    expect(findings(check(app), 'AM-S3-3')).toHaveLength(1);
  });

  test('AM-S3-3: the state bucket (named by the backend) without versioning is caught', () => {
    const { app, stack } = testStack();
    stack.addOverride('terraform.backend', {
      s3: { bucket: 'my-state', key: 'k', region: 'us-east-1', dynamodb_table: 'locks' },
    });
    bucket(
      stack,
      'state',
      { versioning: false },
      { bucket: 'my-state', lifecycle: { preventDestroy: true } },
    );
    expect(findings(check(app), 'AM-S3-3')[0]!.message).toMatch(/Terraform state/);
  });

  test('AM-S3-3: a plain bucket (e.g. logs) needs no versioning', () => {
    const { app, stack } = testStack();
    bucket(stack, 'logs', { versioning: false });
    expect(findings(check(app), 'AM-S3-3')).toHaveLength(0);
  });

  test('AM-S3-4: a bucket without a policy is caught', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { tlsPolicy: false });
    expect(findings(check(app), 'AM-S3-4')[0]!.message).toMatch(/no bucket policy/);
  });

  test('AM-S3-4: an inline JSON TLS-only policy passes', () => {
    const { app, stack } = testStack();
    bucket(stack, 'cfg', { tlsPolicy: 'json' });
    expect(findings(check(app), 'AM-S3-4')).toHaveLength(0);
  });

  test('AM-S3-4: a policy without the SecureTransport deny is caught', () => {
    const { app, stack } = testStack();
    const b = bucket(stack, 'cfg', { tlsPolicy: false });
    new S3BucketPolicy(stack, 'p', {
      bucket: b.id,
      policy: JSON.stringify({
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: b.arn }],
      }),
    });
    expect(findings(check(app), 'AM-S3-4')[0]!.message).toMatch(/no Deny of s3:\*/);
  });
});
