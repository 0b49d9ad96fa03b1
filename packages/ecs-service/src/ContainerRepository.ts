import { checkKmsKeyArn, IssueCollector, type PolicyStatement } from '@automock/core';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** ECR's repository name rule (CreateRepository `repositoryName`). */
const ECR_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Actions a task needs to pull an image from a repository (besides GetAuthorizationToken). */
export const ECR_PULL_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
] as const;

/** Actions CI needs to push an image to a repository. */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:CompleteLayerUpload',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
] as const;

/**
 * The registry login every pull and push starts with. AWS defines no resource type for it, so it
 * is granted on `*`: the one wildcard a repository grant carries; the token alone reads nothing.
 */
export const ECR_AUTH_STATEMENT: PolicyStatement = {
  Effect: 'Allow',
  Action: 'ecr:GetAuthorizationToken',
  Resource: '*',
};

/** Props of {@link ContainerRepository}. */
export interface ContainerRepositoryProps extends TerraformMetaArguments {
  /** Repository name (core's `workloadRepositoryName`). */
  readonly repositoryName: string;
  /** Scan images for vulnerabilities when pushed. @default true */
  readonly scanOnPush?: boolean;
  /** Whether tags may move to another image. @default 'IMMUTABLE' */
  readonly tagMutability?: 'IMMUTABLE' | 'MUTABLE';
  /** KMS key for encryption. @default - AES256 */
  readonly kmsKeyArn?: string;
  /** ECR lifecycle policy JSON (core's `ecrLifecyclePolicy`). @default - none: images are kept */
  readonly lifecyclePolicy?: string;
  /** Delete the repository with its images. @default false */
  readonly forceDelete?: boolean;
}

/** An ECR repository: scanned on push and immutable tags by default, with an optional lifecycle. */
export class ContainerRepository extends Construct {
  readonly repository: EcrRepository;
  readonly lifecyclePolicy?: EcrLifecyclePolicy;
  readonly repositoryArn: string;
  readonly repositoryUrl: string;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const issues = new IssueCollector();
    if (
      props.repositoryName.length < 2 ||
      props.repositoryName.length > 256 ||
      !ECR_NAME_RE.test(props.repositoryName)
    )
      issues.add(
        'ContainerRepository.repositoryName',
        props.repositoryName,
        'must be an ECR repository name: 2-256 lowercase letters and digits, separated by single ., _, - or /',
      );
    checkKmsKeyArn(issues, 'ContainerRepository.kmsKeyArn', props.kmsKeyArn);
    if (props.lifecyclePolicy !== undefined) {
      try {
        const doc = JSON.parse(props.lifecyclePolicy) as { rules?: unknown };
        if (!Array.isArray(doc.rules) || doc.rules.length === 0) throw new Error('no rules');
      } catch {
        issues.add(
          'ContainerRepository.lifecyclePolicy',
          props.lifecyclePolicy,
          'must be ECR lifecycle policy JSON with a non-empty "rules" list',
        );
      }
    }
    issues.throwIfAny('ContainerRepository');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };

    this.repository = new EcrRepository(this, 'Repository', {
      ...meta,
      name: props.repositoryName,
      imageTagMutability: props.tagMutability ?? 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: props.scanOnPush ?? true },
      encryptionConfiguration: [
        props.kmsKeyArn
          ? { encryptionType: 'KMS', kmsKey: props.kmsKeyArn }
          : { encryptionType: 'AES256' },
      ],
      forceDelete: props.forceDelete ?? false,
    });
    this.repositoryArn = this.repository.arn;
    this.repositoryUrl = this.repository.repositoryUrl;
    if (props.lifecyclePolicy)
      this.lifecyclePolicy = new EcrLifecyclePolicy(this, 'Lifecycle', {
        ...meta,
        repository: this.repository.name,
        policy: props.lifecyclePolicy,
      });
  }
}

/** Pull access to the repository `arn`: the pull actions on it, and the registry login. */
export function ecrPullStatements(arn: string): PolicyStatement[] {
  return [{ Effect: 'Allow', Action: [...ECR_PULL_ACTIONS], Resource: arn }, ECR_AUTH_STATEMENT];
}

/** Push access to the repository `arn`: the push actions on it, and the registry login. */
export function ecrPushStatements(arn: string): PolicyStatement[] {
  return [{ Effect: 'Allow', Action: [...ECR_PUSH_ACTIONS], Resource: arn }, ECR_AUTH_STATEMENT];
}
