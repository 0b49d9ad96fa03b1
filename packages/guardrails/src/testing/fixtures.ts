// Small stacks for the rule tests: real provider constructs, imported by path.
import { defineEnvironment, Environment, standardTags } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket, S3BucketConfig } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { App, TerraformStack, Testing } from 'cdktf';
import { rmSync } from 'node:fs';
import { CheckOptions, checkStacks, PolicyReport, ProjectPolicyConfig } from '../engine';
import { TerraformJson } from '../model';

export const DEV: Environment = defineEnvironment({
  name: 'dev',
  accountId: '111111111111',
  region: 'us-east-1',
});

export const PROD: Environment = defineEnvironment({
  name: 'prod',
  accountId: '333333333333',
  region: 'us-east-1',
  nat: 'per-az',
  azCount: 3,
  deletionProtection: true,
  flowLogs: true,
});

/** A stack whose provider adds the standard tags, so only the rule under test can fire. */
export function testStack(env: Environment = DEV): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, `test-${env.name}`);
  new AwsProvider(stack, 'aws', {
    region: env.region,
    defaultTags: [{ tags: standardTags(env.name) }],
  });
  return { app, stack };
}

/** What {@link check} adds to the engine's options. */
export interface FixtureCheckOptions extends CheckOptions {
  /** The project every stack deploys. @default - none */
  readonly projectFor?: () => ProjectPolicyConfig | undefined;
}

/**
 * Checks the app with every stack in `env`, the way the pack is meant to be used: JSON in,
 * report out. cdktf's public API makes the JSON: `app.synth()` runs the aspects (into the
 * temporary directory `Testing.app()` made, removed afterwards), then each stack's
 * `toTerraform()` gives its Terraform JSON in construct order, with construct paths.
 */
export function check(
  app: App,
  env: Environment = DEV,
  options: FixtureCheckOptions = {},
): PolicyReport {
  app.synth();
  try {
    const inputs = app.node
      .findAll()
      .filter(TerraformStack.isStack)
      .map((s) => ({
        name: s.node.id,
        json: s.toTerraform() as TerraformJson,
        environment: env,
        project: options.projectFor?.(),
      }));
    return checkStacks(inputs, options);
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** Unsuppressed findings of one rule. */
export function findings(report: PolicyReport, ruleId: string) {
  return report.findings.filter((f) => f.ruleId === ruleId && !f.suppressed);
}

/** Rule ids of every unsuppressed finding. */
export function ids(report: PolicyReport): string[] {
  return [...new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.ruleId))];
}

export interface BucketParts {
  publicAccessBlock?: boolean;
  encryption?: string | false;
  versioning?: boolean;
  tlsPolicy?: 'document' | 'json' | false;
}

/** A bucket with every companion a compliant bucket has, each one removable. */
export function bucket(
  stack: TerraformStack,
  id: string,
  parts: BucketParts = {},
  config: S3BucketConfig = {},
): S3Bucket {
  const b = new S3Bucket(stack, id, config);
  if (parts.publicAccessBlock !== false) {
    new S3BucketPublicAccessBlock(stack, `${id}-pab`, {
      bucket: b.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
  if (parts.encryption !== false) {
    new S3BucketServerSideEncryptionConfigurationA(stack, `${id}-sse`, {
      bucket: b.id,
      rule: [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: parts.encryption ?? 'AES256' } },
      ],
    });
  }
  if (parts.versioning !== false) {
    new S3BucketVersioningA(stack, `${id}-versioning`, {
      bucket: b.id,
      versioningConfiguration: { status: 'Enabled' },
    });
  }
  const tls = parts.tlsPolicy ?? 'document';
  if (tls === 'document') {
    const doc = new DataAwsIamPolicyDocument(stack, `${id}-tls`, {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          actions: ['s3:*'],
          resources: [b.arn, `${b.arn}/*`],
          principals: [{ type: '*', identifiers: ['*'] }],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    new S3BucketPolicy(stack, `${id}-policy`, { bucket: b.id, policy: doc.json });
  } else if (tls === 'json') {
    new S3BucketPolicy(stack, `${id}-policy`, {
      bucket: b.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: [b.arn, `${b.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
  }
  return b;
}
