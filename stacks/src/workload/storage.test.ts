import {
  bucketsSection,
  endpointsSection,
  estimateStackCost,
  type PolicyStatement,
  policyDocument,
  IssueCollector,
  publicBucketSuppressions,
  repositoriesSection,
  type WorkloadSection,
} from '@automock/core';
import { checkStacks } from '@automock/guardrails';
import { decide, type SimRequest } from '@automock/test-support/iam';
import { Testing } from 'cdktf';
import { bucketsBuilder, endpointsBuilder, repositoriesBuilder } from './storage';
import { TEST_ENV, TEST_NETWORK, testBuild } from './testing';

function resolve<I, R>(section: WorkloadSection<I, R>, input: I, env = TEST_ENV): R {
  const issues = new IssueCollector();
  const out = section.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: `workload[${env.name}/shop].${section.key}`,
    declared: () => true,
  });
  issues.throwIfAny('test');
  return out!;
}

const synth = (stack: Parameters<typeof Testing.synth>[0]) => JSON.parse(Testing.synth(stack));
const one = (json: any, type: string) => Object.values<any>(json.resource[type] ?? {});

describe('buckets builder', () => {
  test('a private bucket: encrypted, all public access blocked, TLS-only, grants scoped to it', () => {
    const { stack, ctx, provided, resolve: tf } = testBuild();
    bucketsBuilder.build(
      resolve(bucketsSection, [
        {
          name: 'assets',
          versioning: true,
          lifecycle: [{ expireAfterDays: 90, noncurrentExpireAfterDays: 7 }],
          cors: [{ allowedMethods: ['GET'], allowedOrigins: ['https://shop.example.com'] }],
        },
      ]),
      ctx,
    );
    const json = synth(stack);
    expect(one(json, 'aws_s3_bucket')).toEqual([
      expect.objectContaining({
        bucket: 'automock-dev-shop-assets-123456789012',
        force_destroy: false,
      }),
    ]);
    expect(one(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(one(json, 'aws_s3_bucket_ownership_controls')[0].rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
    expect(one(json, 'aws_s3_bucket_versioning')).toHaveLength(1);
    expect(one(json, 'aws_s3_bucket_lifecycle_configuration')[0].rule).toEqual([
      {
        id: 'rule-0',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: 90 }],
        noncurrent_version_expiration: [{ noncurrent_days: 7 }],
      },
    ]);
    expect(one(json, 'aws_s3_bucket_cors_configuration')[0].cors_rule).toEqual([
      { allowed_methods: ['GET'], allowed_origins: ['https://shop.example.com'] },
    ]);
    const policy = JSON.parse(one(json, 'aws_s3_bucket_policy')[0].policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny' }),
    ]);

    const ref = tf(provided.get('bucket/assets')!);
    expect(ref.arn).toMatch(/^\$\{aws_s3_bucket\.Bucket.*\.arn\}$/);
    expect(ref.grants!.read).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: ref.arn },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ref.arn}/*` },
    ]);
    expect(ref.grants!.write).toEqual([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${ref.arn}/*` },
    ]);
  });

  test('passes the guardrails as built; a public bucket passes only with its suppressions', () => {
    const { stack, ctx } = testBuild();
    const resolved = resolve(bucketsSection, [
      { name: 'site', public: { reason: 'static assets served to browsers' } },
    ]);
    bucketsBuilder.build(resolved, ctx);
    const json = synth(stack);
    expect(one(json, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      ignore_public_acls: true,
      block_public_policy: false,
      restrict_public_buckets: false,
    });
    const errors = (suppressions: { id: string; reason: string }[]) =>
      checkStacks([
        {
          name: 'dev-shop',
          json,
          environment: TEST_ENV,
          project: { name: 'shop', suppressions },
        },
      ])
        .findings.filter((f) => f.severity === 'error' && !f.suppressed)
        .map((f) => f.ruleId);
    expect(errors([]).sort()).toEqual(['AM-S3-1', 'AM-S3-5']);
    expect(errors(publicBucketSuppressions(resolved))).toEqual([]);

    const priv = testBuild();
    bucketsBuilder.build(
      resolve(bucketsSection, [
        { name: 'data', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
      ]),
      priv.ctx,
    );
    const report = checkStacks([
      { name: 'dev-shop', json: synth(priv.stack), environment: TEST_ENV },
    ]);
    expect(report.findings.filter((f) => f.ruleId.startsWith('AM-S3'))).toEqual([]);
    expect(priv.provided.get('bucket/data')!.grants!.read).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/k',
    });
  });
});

describe('repositories builder', () => {
  test('creates a scanned, immutable, AES256 repository with its lifecycle policy', () => {
    const { stack, ctx, provided, resolve: tf } = testBuild();
    repositoriesBuilder.build(
      resolve(repositoriesSection, [
        { name: 'backend', lifecycle: { keepLast: 30, untaggedExpireAfterDays: 7 } },
      ]),
      ctx,
    );
    const json = synth(stack);
    expect(one(json, 'aws_ecr_repository')).toEqual([
      expect.objectContaining({
        name: 'automock-dev-shop-backend',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'AES256' }],
        force_delete: false,
      }),
    ]);
    const policy = JSON.parse(one(json, 'aws_ecr_lifecycle_policy')[0].policy);
    expect(policy.rules.map((r: any) => r.selection.tagStatus)).toEqual(['untagged', 'any']);
    const ref = tf(provided.get('repository/backend')!);
    expect(ref.attributes!.repositoryUrl).toMatch(/^\$\{aws_ecr_repository\..*\.repository_url\}$/);
    expect(ref.grants!.read).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
        ],
        Resource: ref.arn,
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
    expect(ref.grants!.write![0]!.Action).toContain('ecr:PutImage');
    const report = checkStacks([{ name: 'dev-shop', json, environment: TEST_ENV }]);
    expect(report.findings.filter((f) => f.ruleId.startsWith('AM-ECR'))).toEqual([]);
  });

  test('outside its environments the repository is referenced, not created', () => {
    const prod = { ...TEST_ENV, name: 'prod', accountId: '210987654321', region: 'us-east-1' };
    const { stack, ctx, provided } = testBuild({ env: prod });
    repositoriesBuilder.build(
      resolve(
        repositoriesSection,
        [
          {
            name: 'backend',
            environments: ['dev'],
            registry: { accountId: '123456789012', region: 'eu-west-1' },
          },
        ],
        prod,
      ),
      ctx,
    );
    expect(synth(stack).resource?.aws_ecr_repository).toBeUndefined();
    const ref = provided.get('repository/backend')!;
    expect(ref.arn).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/automock-dev-shop-backend');
    expect(ref.attributes!.repositoryUrl).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/automock-dev-shop-backend',
    );
  });
});

describe('endpoints builder', () => {
  test('gateway endpoints on the private route tables; interface endpoints behind HTTPS from the VPC', () => {
    const { stack, ctx } = testBuild();
    endpointsBuilder.build(
      resolve(endpointsSection, [
        { service: 'dynamodb' },
        { service: 'ecr.api' },
        { service: 'logs' },
      ]),
      ctx,
    );
    const json = synth(stack);
    const eps = one(json, 'aws_vpc_endpoint');
    expect(eps).toEqual([
      expect.objectContaining({
        vpc_endpoint_type: 'Gateway',
        service_name: 'com.amazonaws.eu-west-1.dynamodb',
        route_table_ids: TEST_NETWORK.privateRouteTableIds,
      }),
      expect.objectContaining({
        vpc_endpoint_type: 'Interface',
        service_name: 'com.amazonaws.eu-west-1.ecr.api',
        subnet_ids: TEST_NETWORK.privateSubnetIds,
        private_dns_enabled: true,
      }),
      expect.objectContaining({ service_name: 'com.amazonaws.eu-west-1.logs' }),
    ]);
    expect(eps[0].subnet_ids).toBeUndefined();
    expect(one(json, 'aws_security_group')).toEqual([
      expect.objectContaining({ name: 'automock-dev-shop-endpoints', vpc_id: TEST_NETWORK.vpcId }),
    ]);
    expect(one(json, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({ from_port: 443, to_port: 443, cidr_ipv4: '10.0.0.0/16' }),
    ]);
    expect(one(json, 'aws_vpc_security_group_egress_rule')).toEqual([]);
    const report = checkStacks([{ name: 'dev-shop', json, environment: TEST_ENV }]);
    expect(report.findings.filter((f) => /^AM-(SG|VPC)/.test(f.ruleId))).toEqual([]);
  });

  test('a gateway endpoint the network already has is not created again', () => {
    const { stack, ctx } = testBuild({
      network: { ...TEST_NETWORK, gatewayEndpointServices: ['s3', 'dynamodb'] },
    });
    endpointsBuilder.build(resolve(endpointsSection, [{ service: 'dynamodb' }]), ctx);
    expect(synth(stack).resource?.aws_vpc_endpoint).toBeUndefined();
    expect(() =>
      endpointsBuilder.build(
        resolve(endpointsSection, [
          {
            service: 's3',
            policy: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
          },
        ]),
        ctx,
      ),
    ).toThrow(/already has a s3 gateway endpoint; its policy cannot be set/);
  });

  test('gateway endpoints without route tables are refused, naming the field', () => {
    const { ctx } = testBuild({
      network: { ...TEST_NETWORK, privateRouteTableIds: undefined },
    });
    expect(() =>
      endpointsBuilder.build(resolve(endpointsSection, [{ service: 's3' }]), ctx),
    ).toThrow(/WorkloadEndpoints\.privateRouteTableIds.*need the private route tables/s);
  });
});

// What AWS would decide for a role holding exactly one grant (iam-simulate).
describe('grants, as AWS would decide them', () => {
  const ACCOUNT = '123456789012';
  const principal = {
    accountId: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-shop-api-task`,
  };
  async function decisions(grant: readonly PolicyStatement[], requests: SimRequest[]) {
    const out: string[] = [];
    for (const r of requests) out.push(await decide(principal, [policyDocument(grant)], r));
    return out;
  }

  test('bucket read lists and gets this bucket only; write puts and deletes objects only', async () => {
    const { ctx, provided, resolve: tf } = testBuild();
    const [b] = resolve(bucketsSection, [{ name: 'assets' }]);
    bucketsBuilder.build([b!], ctx);
    const ref = tf(provided.get('bucket/assets')!);
    const arn = `arn:aws:s3:::${b!.bucketName}`;
    const real = (g: readonly PolicyStatement[]) =>
      JSON.parse(JSON.stringify(g).split(ref.arn).join(arn)) as PolicyStatement[];
    const other = 'arn:aws:s3:::automock-dev-other-assets-123456789012';
    expect(
      await decisions(real(ref.grants!.read!), [
        { action: 's3:ListBucket', resource: arn },
        { action: 's3:GetObject', resource: `${arn}/img/logo.png` },
        { action: 's3:PutObject', resource: `${arn}/img/logo.png` },
        { action: 's3:GetObject', resource: `${other}/x` },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    expect(
      await decisions(real(ref.grants!.write!), [
        { action: 's3:PutObject', resource: `${arn}/a` },
        { action: 's3:DeleteObject', resource: `${arn}/a` },
        { action: 's3:GetObject', resource: `${arn}/a` },
        { action: 's3:DeleteBucket', resource: arn },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  test('repository read pulls from this repository only (the login on *); write pushes', async () => {
    const prod = { ...TEST_ENV, name: 'prod' };
    const { ctx, provided } = testBuild({ env: prod });
    repositoriesBuilder.build(
      resolve(repositoriesSection, [{ name: 'backend', environments: ['dev'] }], prod),
      ctx,
    );
    const ref = provided.get('repository/backend')!;
    const other = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/automock-dev-shop-worker`;
    expect(
      await decisions(ref.grants!.read!, [
        { action: 'ecr:BatchGetImage', resource: ref.arn },
        { action: 'ecr:GetDownloadUrlForLayer', resource: ref.arn },
        { action: 'ecr:GetAuthorizationToken', resource: '*' },
        { action: 'ecr:PutImage', resource: ref.arn },
        { action: 'ecr:BatchGetImage', resource: other },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    expect(
      await decisions(ref.grants!.write!, [
        { action: 'ecr:PutImage', resource: ref.arn },
        { action: 'ecr:UploadLayerPart', resource: ref.arn },
        { action: 'ecr:DeleteRepository', resource: ref.arn },
      ]),
    ).toEqual(['Allowed', 'Allowed', 'ImplicitlyDenied']);
  });
});

describe('endpoint cost', () => {
  test('interface endpoints are priced per AZ-hour; gateway endpoints are free', () => {
    const env = { ...TEST_ENV, region: 'us-east-1' };
    const { stack, ctx } = testBuild({ env });
    endpointsBuilder.build(
      resolve(endpointsSection, [{ service: 'dynamodb' }, { service: 'ecr.dkr' }], env),
      ctx,
    );
    const cost = estimateStackCost('dev-shop', Testing.synth(stack));
    const lines = cost.lines.filter((l) => l.resource.startsWith('aws_vpc_endpoint.'));
    expect(lines).toEqual([
      expect.objectContaining({
        item: 'Interface endpoint',
        basis: expect.stringMatching(/^2 AZ x /),
      }),
    ]);
    expect(lines[0]!.hourly).toBeGreaterThan(0);
  });
});
