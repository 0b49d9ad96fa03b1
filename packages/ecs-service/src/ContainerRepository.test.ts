import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import {
  ContainerRepository,
  ContainerRepositoryProps,
  ecrPullStatements,
  ecrPushStatements,
} from './ContainerRepository';

function synth(props: Partial<ContainerRepositoryProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 's');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new ContainerRepository(stack, 'Repo', { repositoryName: 'automock-dev-shop-api', ...props });
  return JSON.parse(Testing.synth(stack)).resource;
}

describe('ContainerRepository', () => {
  test('defaults: scan on push, immutable tags, AES256, not force-deleted, no lifecycle', () => {
    const r = synth();
    expect(Object.values<any>(r.aws_ecr_repository)).toEqual([
      expect.objectContaining({
        name: 'automock-dev-shop-api',
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'AES256' }],
        force_delete: false,
      }),
    ]);
    expect(r.aws_ecr_lifecycle_policy).toBeUndefined();
  });

  test('KMS, mutable tags, force delete and a lifecycle policy on the repository', () => {
    const policy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 },
          action: { type: 'expire' },
        },
      ],
    });
    const r = synth({
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      tagMutability: 'MUTABLE',
      forceDelete: true,
      lifecyclePolicy: policy,
    });
    expect(Object.values<any>(r.aws_ecr_repository)[0]).toMatchObject({
      image_tag_mutability: 'MUTABLE',
      force_delete: true,
      encryption_configuration: [
        { encryption_type: 'KMS', kms_key: 'arn:aws:kms:eu-west-1:123456789012:key/k' },
      ],
    });
    const lc = Object.values<any>(r.aws_ecr_lifecycle_policy)[0];
    expect(lc.policy).toBe(policy);
    expect(lc.repository).toMatch(/^\$\{aws_ecr_repository\.Repo_Repository_\w+\.name\}$/);
  });

  test('bad names and lifecycle JSON are refused, naming the field', () => {
    const stack = new TerraformStack(new App(), 's');
    expect(
      () =>
        new ContainerRepository(stack, 'R', {
          repositoryName: 'Upper--Case',
          lifecyclePolicy: '{"rules":[]}',
        }),
    ).toThrow(
      /ContainerRepository\.repositoryName: got "Upper--Case"[\s\S]*ContainerRepository\.lifecyclePolicy/,
    );
  });

  test('pull and push grants: actions on the repository, the login on * only', () => {
    const arn = 'arn:aws:ecr:eu-west-1:123456789012:repository/automock-dev-shop-api';
    expect(ecrPullStatements(arn)).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
        ],
        Resource: arn,
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
    expect(ecrPushStatements(arn)[0]!.Action).toEqual([
      'ecr:BatchCheckLayerAvailability',
      'ecr:CompleteLayerUpload',
      'ecr:InitiateLayerUpload',
      'ecr:PutImage',
      'ecr:UploadLayerPart',
    ]);
  });
});
