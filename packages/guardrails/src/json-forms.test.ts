// Hand-written Terraform JSON for the forms the provider classes of this repository do not
// produce but other stacks (or older providers) do.
import { checkStacks, PolicyReport } from './engine';
import { TerraformJson } from './model';
import { DEV, PROD } from './testing/fixtures';

const run = (
  resource: TerraformJson['resource'],
  env = DEV,
  data?: TerraformJson['data'],
): PolicyReport =>
  checkStacks([{ name: 'raw', json: { resource, ...(data ? { data } : {}) }, environment: env }]);
const ids = (r: PolicyReport, id: string) =>
  r.findings.filter((f) => f.ruleId === id).map((f) => f.address);

const TLS_POLICY = JSON.stringify({
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': false } },
    },
  ],
});

describe('hand-written JSON forms', () => {
  test('companions may name the bucket literally instead of by reference', () => {
    const r = run({
      aws_s3_bucket: { b: { bucket: 'literal-name' } },
      aws_s3_bucket_public_access_block: {
        p: {
          bucket: 'literal-name',
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        },
      },
      aws_s3_bucket_policy: { pol: { bucket: 'literal-name', policy: TLS_POLICY } },
    });
    expect(ids(r, 'AM-S3-1')).toEqual([]);
    expect(ids(r, 'AM-S3-4')).toEqual([]);
    expect(ids(r, 'AM-S3-2')).toEqual(['aws_s3_bucket.b']);
  });

  test('legacy inline bucket policy, versioning and encryption count', () => {
    const r = run({
      aws_s3_bucket: {
        b: {
          bucket: 'cfg',
          policy: TLS_POLICY,
          versioning: { enabled: true },
          server_side_encryption_configuration: {
            rule: { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } },
          },
          tags: { 'automock:data': 'state' },
        },
      },
    });
    for (const id of ['AM-S3-2', 'AM-S3-3', 'AM-S3-4']) expect(ids(r, id)).toEqual([]);
  });

  test('a bucket policy from a policy document with source documents is followed', () => {
    const r = run(
      {
        aws_s3_bucket: { b: { bucket: 'x' } },
        aws_s3_bucket_policy: {
          p: {
            bucket: '${aws_s3_bucket.b.id}',
            policy: '${data.aws_iam_policy_document.outer.json}',
          },
        },
      },
      DEV,
      {
        aws_iam_policy_document: {
          outer: {
            source_policy_documents: ['${data.aws_iam_policy_document.tls.json}'],
            statement: [],
          },
          tls: {
            statement: [
              {
                effect: 'Deny',
                actions: ['s3:*'],
                resources: ['*'],
                principals: [{ type: 'AWS', identifiers: ['*'] }],
                condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
              },
            ],
          },
        },
      },
    );
    expect(ids(r, 'AM-S3-4')).toEqual([]);
  });

  test('aws_alb and aws_alb_listener are load balancers too', () => {
    const r = run(
      {
        aws_alb: {
          a: { security_groups: ['${aws_security_group.s.id}'], drop_invalid_header_fields: false },
        },
        aws_alb_listener: {
          l: {
            load_balancer_arn: '${aws_alb.a.arn}',
            port: 443,
            protocol: 'HTTPS',
            ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
          },
        },
        aws_security_group: {
          s: {
            description: 'alb',
            ingress: [
              {
                description: 'https',
                from_port: 443,
                to_port: 443,
                protocol: 'tcp',
                cidr_blocks: ['0.0.0.0/0'],
              },
            ],
          },
        },
      },
      PROD,
    );
    expect(ids(r, 'AM-SG-1')).toEqual([]);
    expect(ids(r, 'AM-ELB-1')).toEqual(['aws_alb.a']);
    expect(ids(r, 'AM-ELB-4')).toEqual(['aws_alb.a']);
  });

  test('egress rules to anywhere are not judged as ingress', () => {
    const r = run({
      aws_security_group: { s: { description: 'tasks' } },
      aws_security_group_rule: {
        e: {
          type: 'egress',
          security_group_id: '${aws_security_group.s.id}',
          protocol: '-1',
          from_port: 0,
          to_port: 0,
          cidr_blocks: ['0.0.0.0/0'],
          description: 'out',
        },
      },
    });
    expect(ids(r, 'AM-SG-1')).toEqual([]);
  });
});
