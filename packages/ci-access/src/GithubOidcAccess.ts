import { IssueCollector, resourceName } from '@automock/core';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { deployPolicy } from './deploy-permissions';
import { PolicyDocument, PolicyStatement } from './policy-document';

/** Host of GitHub Actions' OIDC issuer; also the prefix of its condition keys in IAM. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** Audience aws-actions/configure-aws-credentials requests. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/**
 * Certificate thumbprints AWS documents for GitHub's issuer. IAM no longer relies on them for
 * this issuer (it trusts the certificate authority), but the API still stores a list.
 */
export const GITHUB_OIDC_THUMBPRINTS: readonly string[] = [
  '6938fd4d98bab03faadb97b34396831e3780aea1',
  '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
];

/** The GitHub repository whose workflows may assume the roles. */
export interface GithubRepository {
  /** User or organisation, exactly as GitHub spells it (the `sub` claim is compared case-sensitively). */
  readonly owner: string;
  /** Repository name, exactly as GitHub spells it. */
  readonly repository: string;
}

/** Which workflow runs may assume an environment's apply role. */
export type ApplyTrust = 'environment' | 'environment-or-main';

/** One environment the CI gets a plan and an apply role for. */
export interface CiEnvironmentAccess {
  /** Environment name (`dev`); also the GitHub environment name the apply job runs in. */
  readonly name: string;
  /** Name of the S3 bucket holding the environment's state. */
  readonly stateBucket: string;
  /** Name of the DynamoDB lock table. */
  readonly lockTable: string;
  /** Region of the lock table. */
  readonly stateRegion: string;
  /**
   * Region the environment deploys to; the apply role may write only there.
   * @default - stateRegion
   */
  readonly region?: string;
  /**
   * Route53 hosted zone of the environment's domain; the apply role may change records only there.
   * @default - no DNS permissions
   */
  readonly hostedZoneId?: string;
  /**
   * Who may apply. `environment-or-main`: jobs running in the GitHub environment of this name
   * (`repo:OWNER/NAME:environment:<name>`) or on the main branch without an environment
   * (`repo:OWNER/NAME:ref:refs/heads/<main>`). `environment`: only the former, so the GitHub
   * environment's required reviewers cannot be bypassed by a workflow that omits `environment:`
   * (use it for production).
   * @default 'environment-or-main'
   */
  readonly applyTrust?: ApplyTrust;
}

/** Inputs of {@link GithubOidcAccess}. */
export interface GithubOidcAccessProps {
  /** Repository whose workflows get access. */
  readonly github: GithubRepository;
  /** 12-digit id of the account the roles live in (IAM is global to the account). */
  readonly accountId: string;
  /** Environments to create a plan and an apply role for (at least one, unique names). */
  readonly environments: readonly CiEnvironmentAccess[];
  /**
   * Name prefix of every AutoMock resource; the apply role may manage IAM roles and policies
   * whose names start with `<prefix>-` and no others.
   * @default 'automock'
   */
  readonly prefix?: string;
  /**
   * `create` the account's GitHub OIDC identity provider, or use the `existing` one (an account
   * holds at most one per issuer: set this in every bootstrap stack of an account but one, or when
   * the account already has it).
   * @default 'create'
   */
  readonly oidcProvider?: 'create' | 'existing';
  /**
   * Thumbprints stored on a created provider.
   * @default GITHUB_OIDC_THUMBPRINTS
   */
  readonly thumbprints?: readonly string[];
  /**
   * Branch whose pushes may assume apply roles with `applyTrust: 'environment-or-main'`.
   * @default 'main'
   */
  readonly mainBranch?: string;
  /**
   * Managed policies of the apply roles, besides state access, the named deploy actions
   * (DEPLOY_ACTIONS, scoped to the environment's account and region) and the prefix-scoped IAM policy.
   * @default ['arn:<partition>:iam::aws:policy/ReadOnlyAccess'] (terraform's reads and refreshes)
   */
  readonly applyManagedPolicyArns?: readonly string[];
  /**
   * AWS partition of the ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * Longest session either role grants, in seconds (3600-43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Provider to create the resources with.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/** The two roles of one environment and their policies. */
export interface CiEnvironmentRoles {
  /** Read-only role for `terraform plan` on pull requests. */
  readonly planRole: IamRole;
  /** Role for `terraform apply` from main or the GitHub environment. */
  readonly applyRole: IamRole;
  /** Trust policy of {@link planRole} (the provider ARN may be a token). */
  readonly planTrustPolicy: PolicyDocument;
  /** Trust policy of {@link applyRole}. */
  readonly applyTrustPolicy: PolicyDocument;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const ENV_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/** Role actions the apply role needs on AutoMock's own roles (task, execution, Lambda roles). */
const ROLE_ACTIONS = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:GetRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:ListRoleTags',
  'iam:PutRolePolicy',
  'iam:GetRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:ListRolePolicies',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListInstanceProfilesForRole',
  'iam:PassRole',
];

const POLICY_ACTIONS = [
  'iam:CreatePolicy',
  'iam:DeletePolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListPolicyVersions',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:TagPolicy',
  'iam:UntagPolicy',
];

/** Services AutoMock's roles are handed to. */
const PASSED_TO = [
  'ecs-tasks.amazonaws.com',
  'lambda.amazonaws.com',
  'events.amazonaws.com',
  'scheduler.amazonaws.com',
  'vpc-flow-logs.amazonaws.com',
];

/** Service-linked roles ECS, load balancing and autoscaling create on first use. */
const SERVICE_LINKED = [
  'ecs.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'ecs.application-autoscaling.amazonaws.com',
];

/**
 * Keyless AWS access for GitHub Actions: the account's GitHub OIDC identity provider and, per
 * environment, a plan role (ReadOnlyAccess, state read, lock write) that only pull request runs
 * of the repository can assume, and an apply role that only the main branch or the environment's
 * GitHub environment can assume. Trust is `StringEquals` on `aud` and `sub`, never a wildcard.
 */
export class GithubOidcAccess extends Construct {
  /** The created provider, or undefined with `oidcProvider: 'existing'`. */
  readonly oidcProvider?: IamOpenidConnectProvider;
  /** ARN of the provider the roles trust. */
  readonly oidcProviderArn: string;
  /** Roles per environment name. */
  readonly environments: Readonly<Record<string, CiEnvironmentRoles>>;

  constructor(scope: Construct, id: string, props: GithubOidcAccessProps) {
    validate(props);
    super(scope, id);
    const partition = props.partition ?? 'aws';
    const prefix = props.prefix ?? 'automock';
    const mainBranch = props.mainBranch ?? 'main';
    const repo = `${props.github.owner}/${props.github.repository}`;
    const maxSession = props.maxSessionDurationSeconds ?? 3600;
    const provider = props.provider;
    const iam = (resource: string): string =>
      `arn:${partition}:iam::${props.accountId}:${resource}`;

    if ((props.oidcProvider ?? 'create') === 'create') {
      this.oidcProvider = new IamOpenidConnectProvider(this, 'Provider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        thumbprintList: [...(props.thumbprints ?? GITHUB_OIDC_THUMBPRINTS)],
        provider,
      });
      this.oidcProviderArn = this.oidcProvider.arn;
    } else {
      this.oidcProviderArn = iam(`oidc-provider/${GITHUB_OIDC_HOST}`);
    }

    const roleName = (env: string, kind: 'plan' | 'apply'): string =>
      resourceName('iamRole', { prefix, env, kind: `github-${kind}` });
    // The apply roles may manage `<prefix>-*` roles, which includes these: they must not edit themselves.
    // The patterns also cover CI roles made by this construct in the account's other bootstrap stacks.
    const ciRoleArns = [
      ...props.environments.flatMap((e) => [
        iam(`role/${roleName(e.name, 'plan')}`),
        iam(`role/${roleName(e.name, 'apply')}`),
      ]),
      iam(`role/${prefix}-*-github-plan`),
      iam(`role/${prefix}-*-github-apply`),
    ];

    const envs: Record<string, CiEnvironmentRoles> = {};
    for (const env of props.environments) {
      const bucketArn = `arn:${partition}:s3:::${env.stateBucket}`;
      const lockTableArn = `arn:${partition}:dynamodb:${env.stateRegion}:${props.accountId}:table/${env.lockTable}`;
      const lockStatement: PolicyStatement = {
        Sid: 'StateLockTable',
        Effect: 'Allow',
        Action: [
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
        ],
        Resource: lockTableArn,
      };

      const planTrustPolicy = trustPolicy(this.oidcProviderArn, [`repo:${repo}:pull_request`]);
      const applySubs = [`repo:${repo}:environment:${env.name}`];
      if ((env.applyTrust ?? 'environment-or-main') === 'environment-or-main') {
        applySubs.unshift(`repo:${repo}:ref:refs/heads/${mainBranch}`);
      }
      const applyTrustPolicy = trustPolicy(this.oidcProviderArn, applySubs);

      const planRole = new IamRole(this, `${env.name}-plan`, {
        name: roleName(env.name, 'plan'),
        description: `GitHub Actions: terraform plan of ${env.name} for pull requests of ${repo}`,
        assumeRolePolicy: JSON.stringify(planTrustPolicy),
        maxSessionDuration: maxSession,
        provider,
      });
      new IamRolePolicyAttachment(this, `${env.name}-plan-read-only`, {
        role: planRole.name,
        policyArn: `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
        provider,
      });
      new IamRolePolicy(this, `${env.name}-plan-state`, {
        name: 'terraform-state-read-lock-write',
        role: planRole.id,
        policy: JSON.stringify(
          document([
            { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
            {
              Sid: 'StateRead',
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: `${bucketArn}/*`,
            },
            // Terraform's S3-native lock is an object next to the state; writing it is all a plan writes.
            {
              Sid: 'StateLockFile',
              Effect: 'Allow',
              Action: ['s3:PutObject', 's3:DeleteObject'],
              Resource: `${bucketArn}/*.tflock`,
            },
            lockStatement,
          ]),
        ),
        provider,
      });

      const applyRole = new IamRole(this, `${env.name}-apply`, {
        name: roleName(env.name, 'apply'),
        description: `GitHub Actions: terraform apply of ${env.name} from ${repo}`,
        assumeRolePolicy: JSON.stringify(applyTrustPolicy),
        maxSessionDuration: maxSession,
        provider,
      });
      const managed = props.applyManagedPolicyArns ?? [
        `arn:${partition}:iam::aws:policy/ReadOnlyAccess`,
      ];
      managed.forEach((arn, i) => {
        new IamRolePolicyAttachment(this, `${env.name}-apply-managed-${i}`, {
          role: applyRole.name,
          policyArn: arn,
          provider,
        });
      });
      new IamRolePolicy(this, `${env.name}-apply-state`, {
        name: 'terraform-state-read-write',
        role: applyRole.id,
        policy: JSON.stringify(
          document([
            { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
            {
              Sid: 'StateReadWrite',
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
              Resource: `${bucketArn}/*`,
            },
            lockStatement,
          ]),
        ),
        provider,
      });
      new IamRolePolicy(this, `${env.name}-apply-deploy`, {
        name: 'automock-deploy',
        role: applyRole.id,
        policy: JSON.stringify(
          deployPolicy({
            partition,
            accountId: props.accountId,
            region: env.region ?? env.stateRegion,
            prefix,
            hostedZoneId: env.hostedZoneId,
            stateBucket: env.stateBucket,
          }),
        ),
        provider,
      });
      new IamRolePolicy(this, `${env.name}-apply-iam`, {
        name: 'automock-iam',
        role: applyRole.id,
        policy: JSON.stringify(
          document([
            {
              Sid: 'ProjectRoles',
              Effect: 'Allow',
              Action: ROLE_ACTIONS.filter((a) => a !== 'iam:PassRole'),
              Resource: iam(`role/${prefix}-*`),
            },
            {
              Sid: 'PassProjectRoles',
              Effect: 'Allow',
              Action: 'iam:PassRole',
              Resource: iam(`role/${prefix}-*`),
              Condition: { StringEquals: { 'iam:PassedToService': PASSED_TO } },
            },
            {
              Sid: 'ProjectPolicies',
              Effect: 'Allow',
              Action: POLICY_ACTIONS,
              Resource: iam(`policy/${prefix}-*`),
            },
            {
              Sid: 'ServiceLinkedRoles',
              Effect: 'Allow',
              Action: 'iam:CreateServiceLinkedRole',
              Resource: iam('role/aws-service-role/*'),
              Condition: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED } },
            },
            { Sid: 'NotTheCiRoles', Effect: 'Deny', Action: ROLE_ACTIONS, Resource: ciRoleArns },
          ]),
        ),
        provider,
      });

      envs[env.name] = { planRole, applyRole, planTrustPolicy, applyTrustPolicy };
    }
    this.environments = envs;
  }
}

function document(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function trustPolicy(providerArn: string, subjects: readonly string[]): PolicyDocument {
  return document([
    {
      Sid: 'GithubActions',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0]! : [...subjects],
        },
      },
    },
  ]);
}

function validate(props: GithubOidcAccessProps): void {
  const issues = new IssueCollector();
  const f = (field: string): string => `githubOidcAccess.${field}`;
  if (typeof props.github?.owner !== 'string' || !OWNER.test(props.github.owner)) {
    issues.add(
      f('github.owner'),
      props.github?.owner,
      'must be a GitHub user or organisation name (letters, digits, single hyphens, at most 39; no wildcards)',
    );
  }
  if (typeof props.github?.repository !== 'string' || !REPOSITORY.test(props.github.repository)) {
    issues.add(
      f('github.repository'),
      props.github?.repository,
      'must be a repository name (letters, digits, ".", "_", "-"; no wildcards)',
    );
  }
  if (typeof props.accountId !== 'string' || !/^\d{12}$/.test(props.accountId)) {
    issues.add(f('accountId'), props.accountId, 'must be a 12-digit AWS account id, as a string');
  }
  if (
    props.mainBranch !== undefined &&
    (!BRANCH.test(props.mainBranch) || props.mainBranch.includes('..'))
  ) {
    issues.add(f('mainBranch'), props.mainBranch, 'must be a branch name without wildcards');
  }
  const s = props.maxSessionDurationSeconds;
  if (s !== undefined && (!Number.isInteger(s) || s < 3600 || s > 43200)) {
    issues.add(f('maxSessionDurationSeconds'), s, 'must be an integer from 3600 to 43200');
  }
  if (
    props.oidcProvider !== undefined &&
    props.oidcProvider !== 'create' &&
    props.oidcProvider !== 'existing'
  ) {
    issues.add(f('oidcProvider'), props.oidcProvider, "must be 'create' or 'existing'");
  }
  if (!Array.isArray(props.environments) || props.environments.length === 0) {
    issues.add(f('environments'), props.environments, 'must list at least one environment');
  } else {
    const seen = new Set<string>();
    props.environments.forEach((e, i) => {
      const at = (field: string): string => f(`environments[${i}].${field}`);
      if (typeof e.name !== 'string' || !ENV_NAME.test(e.name)) {
        issues.add(
          at('name'),
          e.name,
          'must be a GitHub environment name (letters, digits, ".", "_", "-")',
        );
      } else if (seen.has(e.name)) {
        issues.add(at('name'), e.name, 'must be unique');
      }
      seen.add(e.name);
      if (
        typeof e.stateBucket !== 'string' ||
        !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(e.stateBucket)
      ) {
        issues.add(at('stateBucket'), e.stateBucket, 'must be an S3 bucket name');
      }
      if (typeof e.lockTable !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(e.lockTable)) {
        issues.add(at('lockTable'), e.lockTable, 'must be a DynamoDB table name');
      }
      if (
        typeof e.stateRegion !== 'string' ||
        !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(e.stateRegion)
      ) {
        issues.add(at('stateRegion'), e.stateRegion, 'must be an AWS region such as us-east-1');
      }
      if (
        e.region !== undefined &&
        (typeof e.region !== 'string' || !/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(e.region))
      ) {
        issues.add(at('region'), e.region, 'must be an AWS region such as us-east-1');
      }
      if (
        e.hostedZoneId !== undefined &&
        (typeof e.hostedZoneId !== 'string' || !/^Z[A-Z0-9]{1,31}$/.test(e.hostedZoneId))
      ) {
        issues.add(
          at('hostedZoneId'),
          e.hostedZoneId,
          'must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ',
        );
      }
      if (
        e.applyTrust !== undefined &&
        e.applyTrust !== 'environment' &&
        e.applyTrust !== 'environment-or-main'
      ) {
        issues.add(
          at('applyTrust'),
          e.applyTrust,
          "must be 'environment' or 'environment-or-main'",
        );
      }
    });
  }
  issues.throwIfAny('GitHub OIDC access');
}
