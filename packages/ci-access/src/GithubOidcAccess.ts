import {
  checkAccountId,
  checkBucketName,
  checkRegion,
  checkTableName,
  IssueCollector,
  PolicyDocument,
  policyDocument,
  resourceName,
} from '@automock/core';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import {
  applyStatements,
  EnvironmentInventory,
  IamScope,
  packStatements,
  planStatements,
  stateStatements,
} from './environment-policies';
import { EnvironmentScope } from './service-scopes';

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
  /**
   * Numeric ids of the owner and the repository, for repositories using GitHub's immutable subject
   * format (`repo:OWNER@OWNER-ID/REPO@REPO-ID:…`: every repository created after 2026-07-15, and
   * those that opted in). Both or neither.
   * @default - the name-only subject `repo:OWNER/REPO:…`
   */
  readonly immutableIds?: { readonly ownerId: number; readonly repositoryId: number };
}

/**
 * Claims the repository's OIDC subject must be built from (`PUT
 * /repos/{owner}/{repo}/actions/oidc/customization/sub` with `use_default: false`): with `ref`
 * in the subject, a job in GitHub environment `prod` on main presents
 * `repo:OWNER/REPO:environment:prod:ref:refs/heads/main`, so the apply role can require the
 * branch as well as the environment. `automock doctor` checks the setting.
 */
export const GITHUB_SUBJECT_CLAIM_KEYS = ['repo', 'context', 'ref'] as const;

/** The `repo` part of a subject: `OWNER/REPO` or the immutable `OWNER@ID/REPO@ID`. */
export function subjectRepo(github: GithubRepository): string {
  const ids = github.immutableIds;
  return ids
    ? `${github.owner}@${ids.ownerId}/${github.repository}@${ids.repositoryId}`
    : `${github.owner}/${github.repository}`;
}

/** The one subject an environment's apply role accepts: its GitHub environment, on the branch. */
export function applySubject(github: GithubRepository, env: string, branch: string): string {
  return `repo:${subjectRepo(github)}:environment:${env}:ref:refs/heads/${branch}`;
}

/**
 * Subjects the plan roles accept (IAM `StringLike`): pull request jobs of the repository, whose
 * ref is `refs/pull/<number>/merge`. The wildcard stands for the pull request number only.
 */
export function planSubjectPattern(github: GithubRepository): string {
  return `repo:${subjectRepo(github)}:pull_request:ref:refs/pull/*/merge`;
}

/**
 * The one subject an environment's drift role accepts: a job on the branch that runs in no GitHub
 * environment (context `ref:refs/heads/<branch>`), which is what drift.yml's scheduled and manual
 * runs on main present. The subject cannot tell a scheduled run from a push (it carries no event
 * name), so the drift role is its own read-only role, not the plan role: the plan role keeps
 * trusting pull requests only, and a workflow on main gets read access only through code that
 * was reviewed into main.
 */
export function driftSubject(github: GithubRepository, branch: string): string {
  return `repo:${subjectRepo(github)}:ref:refs/heads/${branch}:ref:refs/heads/${branch}`;
}

/** Longest apply job of the workflows (apply-environment.yml `timeout-minutes`), in seconds. */
export const APPLY_SESSION_SECONDS = 7200;
/** Longest plan and drift job (plan.yml, drift.yml: 60 minutes), in seconds; IAM's minimum for a role's session. */
export const PLAN_SESSION_SECONDS = 3600;
/** Managed policies IAM lets a role have by default (the quota can be raised to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** One environment the CI gets a plan and an apply role for. */
export interface CiEnvironmentAccess {
  /** Environment name (`dev`); also the GitHub environment name the apply job runs in. */
  readonly name: string;
  /** Name of the S3 bucket holding the environment's state. */
  readonly stateBucket: string;
  /** Name of the DynamoDB lock table. */
  readonly lockTable: string;
  /** Name of the deployments registry table (the boundary keeps roles to their own items). */
  readonly registryTable: string;
  /** Region of the state bucket and the tables. */
  readonly stateRegion: string;
  /**
   * Region the environment deploys to; the roles act only there.
   * @default - stateRegion
   */
  readonly region?: string;
  /**
   * Route53 hosted zone of the environment's domain; the apply role may change records only there.
   * @default - no DNS permissions
   */
  readonly hostedZoneId?: string;
  /**
   * The environment's domain; record changes are limited to it and its subdomains.
   * @default - no DNS permissions
   */
  readonly domainName?: string;
  /**
   * What the environment's stacks hold (resource types, the actions and trusted services of the
   * roles they create). The apply and plan permissions and the boundary are derived from it.
   */
  readonly inventory: EnvironmentInventory;
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
   * Name prefix of every AutoMock resource; an environment's roles act on names starting
   * `<prefix>-<env>-` only.
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
   * The branch apply jobs must run on.
   * @default 'main'
   */
  readonly mainBranch?: string;
  /**
   * AWS partition of the ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * Longest session of the plan and drift roles, in seconds (3600-43200); at least the plan and
   * drift jobs' timeouts.
   * @default PLAN_SESSION_SECONDS
   */
  readonly planSessionSeconds?: number;
  /**
   * Longest session of the apply roles, in seconds (3600-43200); at least the apply job's timeout,
   * which is what the workflow asks for (`role-duration-seconds`).
   * @default APPLY_SESSION_SECONDS
   */
  readonly applySessionSeconds?: number;
  /**
   * Provider to create the resources with.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/** The roles, policies and boundary of one environment. */
export interface CiEnvironmentRoles {
  /** Role for `terraform plan` of pull requests: reads configuration, never data; locks its own state. */
  readonly planRole: IamRole;
  /** Role for `terraform apply` from the environment's GitHub environment on the main branch. */
  readonly applyRole: IamRole;
  /**
   * Role for the scheduled drift check (`terraform plan -refresh-only`) from the main branch: the
   * plan role's permissions (the same managed policies and state policy), its own trust.
   */
  readonly driftRole: IamRole;
  /** Trust policy of {@link planRole} (the provider ARN may be a token). */
  readonly planTrustPolicy: PolicyDocument;
  /** Trust policy of {@link driftRole}. */
  readonly driftTrustPolicy: PolicyDocument;
  /** Trust policy of {@link applyRole}. */
  readonly applyTrustPolicy: PolicyDocument;
  /** ARN of the environment's permissions boundary ({@link EnvironmentBoundary}), the only one its roles may get. */
  readonly boundaryArn: string;
  /** Managed policies of the plan role (refresh reads), in order. */
  readonly planPolicies: readonly PolicyDocument[];
  /** Managed policies of the apply role (deploy actions), in order. */
  readonly applyPolicies: readonly PolicyDocument[];
  /** Inline state policy of the plan role. */
  readonly planStatePolicy: PolicyDocument;
  /** Inline state policy of the apply role. */
  readonly applyStatePolicy: PolicyDocument;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const ENV_NAME = /^[A-Za-z0-9._-]{1,255}$/;

/** The CI roles of every environment of the account (patterns): no environment's CI may touch them. */
export function ciRoleArns(partition: string, accountId: string, prefix: string): string[] {
  const iam = `arn:${partition}:iam::${accountId}`;
  return [
    `${iam}:role/${prefix}-*-github-plan`,
    `${iam}:role/${prefix}-*-github-apply`,
    `${iam}:role/${prefix}-*-github-drift`,
  ];
}

/** The boundaries and the CI roles' managed policies (patterns): fixed for CI and for bounded roles. */
export function protectedPolicyArns(
  partition: string,
  accountId: string,
  prefix: string,
): string[] {
  const iam = `arn:${partition}:iam::${accountId}`;
  return [`${iam}:policy/${prefix}-*-boundary`, `${iam}:policy/${prefix}-*-github-*`];
}

/** Name of an environment's permissions boundary policy. */
export function permissionsBoundaryName(prefix: string, env: string): string {
  return resourceName('iamPolicy', { prefix, env, kind: 'boundary' });
}

/** ARN of an environment's permissions boundary (created by the bootstrap stack). */
export function permissionsBoundaryArn(
  partition: string,
  accountId: string,
  prefix: string,
  env: string,
): string {
  return `arn:${partition}:iam::${accountId}:policy/${permissionsBoundaryName(prefix, env)}`;
}

/**
 * Keyless AWS access for GitHub Actions: the account's GitHub OIDC identity provider and, per
 * environment, a plan role (refresh reads
 * of the environment's resources, its own state and locks) for pull requests of the repository,
 * a drift role with the same permissions for jobs on the main branch outside any GitHub
 * environment (the scheduled drift check), and an apply role for jobs in the environment's GitHub environment on the main branch, whose
 * permissions are derived from the resource types the environment's stacks hold and scoped to
 * the environment.
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
    const partition = props.partition ?? 'aws';
    const prefix = props.prefix ?? 'automock';
    const mainBranch = props.mainBranch ?? 'main';
    const repo = `${props.github.owner}/${props.github.repository}`;
    const provider = props.provider;
    const iam = (resource: string): string =>
      `arn:${partition}:iam::${props.accountId}:${resource}`;
    const roleName = (env: string, kind: 'plan' | 'apply' | 'drift'): string =>
      resourceName('iamRole', { prefix, env, kind: `github-${kind}` });

    // Every document is built (and checked against IAM's limits) before anything joins the tree.
    const plans = props.environments.map((env) => {
      const scope: EnvironmentScope = {
        partition,
        accountId: props.accountId,
        region: env.region ?? env.stateRegion,
        prefix,
        env: env.name,
        stateBucket: env.stateBucket,
        lockTable: env.lockTable,
        stateRegion: env.stateRegion,
        hostedZoneId: env.hostedZoneId,
        domainName: env.domainName,
      };
      const boundaryArn = permissionsBoundaryArn(partition, props.accountId, prefix, env.name);
      const iamScope: IamScope = {
        boundaryArn,
        ciRoleArns: ciRoleArns(partition, props.accountId, prefix),
        protectedPolicyArns: protectedPolicyArns(partition, props.accountId, prefix),
      };
      const applyPolicies = packStatements(applyStatements(scope, env.inventory, iamScope));
      const planPolicies = packStatements(planStatements(scope, env.inventory));
      for (const [kind, docs] of [
        ['apply', applyPolicies],
        ['plan', planPolicies],
      ] as const) {
        if (docs.length > MANAGED_POLICIES_PER_ROLE) {
          throw new Error(
            `githubOidcAccess.environments[${env.name}]: the ${kind} role needs ${docs.length} managed policies, over the ${MANAGED_POLICIES_PER_ROLE} IAM allows a role by default${secretsHint(env.inventory)}`,
          );
        }
      }
      return {
        env,
        scope,
        boundaryArn,
        applyPolicies,
        planPolicies,
        planStatePolicy: policyDocument(stateStatements(scope, 'plan')),
        applyStatePolicy: policyDocument(stateStatements(scope, 'apply')),
      };
    });

    super(scope, id);
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

    const envs: Record<string, CiEnvironmentRoles> = {};
    for (const p of plans) {
      const name = p.env.name;
      const planTrustPolicy = trustPolicy(this.oidcProviderArn, {
        StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: planSubjectPattern(props.github) },
      });
      const applyTrustPolicy = trustPolicy(this.oidcProviderArn, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:sub`]: applySubject(props.github, name, mainBranch) },
      });

      const planRole = new IamRole(this, `${name}-plan`, {
        name: roleName(name, 'plan'),
        description: `GitHub Actions: terraform plan of ${name} for pull requests of ${repo}`,
        assumeRolePolicy: JSON.stringify(planTrustPolicy),
        maxSessionDuration: props.planSessionSeconds ?? PLAN_SESSION_SECONDS,
        provider,
      });
      new IamRolePolicy(this, `${name}-plan-state`, {
        name: 'terraform-state-read-lock-write',
        role: planRole.id,
        policy: JSON.stringify(p.planStatePolicy),
        provider,
      });
      const planPolicies = this.attach(planRole, name, 'plan', p.planPolicies, prefix, provider);

      const driftTrustPolicy = trustPolicy(this.oidcProviderArn, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:sub`]: driftSubject(props.github, mainBranch) },
      });
      const driftRole = new IamRole(this, `${name}-drift`, {
        name: roleName(name, 'drift'),
        description: `GitHub Actions: drift check (terraform plan -refresh-only) of ${name} from ${repo} (${mainBranch})`,
        assumeRolePolicy: JSON.stringify(driftTrustPolicy),
        maxSessionDuration: props.planSessionSeconds ?? PLAN_SESSION_SECONDS,
        provider,
      });
      new IamRolePolicy(this, `${name}-drift-state`, {
        name: 'terraform-state-read-lock-write',
        role: driftRole.id,
        policy: JSON.stringify(p.planStatePolicy),
        provider,
      });
      planPolicies.forEach((policy, i) => {
        new IamRolePolicyAttachment(this, `${name}-drift-${i + 1}-attachment`, {
          role: driftRole.name,
          policyArn: policy.arn,
          provider,
        });
      });

      const applyRole = new IamRole(this, `${name}-apply`, {
        name: roleName(name, 'apply'),
        description: `GitHub Actions: terraform apply of ${name} from ${repo} (${name} environment, ${mainBranch})`,
        assumeRolePolicy: JSON.stringify(applyTrustPolicy),
        maxSessionDuration: props.applySessionSeconds ?? APPLY_SESSION_SECONDS,
        provider,
      });
      new IamRolePolicy(this, `${name}-apply-state`, {
        name: 'terraform-state-read-write',
        role: applyRole.id,
        policy: JSON.stringify(p.applyStatePolicy),
        provider,
      });
      this.attach(applyRole, name, 'apply', p.applyPolicies, prefix, provider);

      envs[name] = {
        planRole,
        applyRole,
        driftRole,
        planTrustPolicy,
        driftTrustPolicy,
        applyTrustPolicy,
        boundaryArn: p.boundaryArn,
        planPolicies: p.planPolicies,
        applyPolicies: p.applyPolicies,
        planStatePolicy: p.planStatePolicy,
        applyStatePolicy: p.applyStatePolicy,
      };
    }
    this.environments = envs;
  }

  private attach(
    role: IamRole,
    env: string,
    kind: 'plan' | 'apply',
    docs: readonly PolicyDocument[],
    prefix: string,
    provider: TerraformProvider | undefined,
  ): IamPolicy[] {
    return docs.map((doc, i) => {
      const policy = new IamPolicy(this, `${env}-${kind}-${i + 1}`, {
        name: resourceName('iamPolicy', { prefix, env, kind: `github-${kind}-${i + 1}` }),
        description: `GitHub Actions ${kind} of ${env} (${i + 1}/${docs.length}), derived from the resource types of its stacks`,
        policy: JSON.stringify(doc),
        provider,
      });
      new IamRolePolicyAttachment(this, `${env}-${kind}-${i + 1}-attachment`, {
        role: role.name,
        policyArn: policy.arn,
        provider,
      });
      return policy;
    });
  }
}

/** What makes a role's policies large when it is the secrets CI reads: say so in the error. */
function secretsHint(inventory: EnvironmentInventory): string {
  const n = inventory.secretVersionNames?.length ?? 0;
  return n > 0
    ? ` (its stacks write ${n} secret values, each readable by name: fewer generated secrets, or fewer workloads in this environment)`
    : '';
}

function trustPolicy(
  providerArn: string,
  subject: Record<string, Record<string, string>>,
): PolicyDocument {
  return policyDocument([
    {
      Sid: 'GithubActions',
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        ...subject,
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          ...(subject.StringEquals ?? {}),
        },
      },
    },
  ]);
}

function validate(props: GithubOidcAccessProps): void {
  const issues = new IssueCollector();
  const f = (field: string): string => `githubOidcAccess.${field}`;
  const partition = props.partition ?? 'aws';
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
  checkAccountId(issues, f('accountId'), props.accountId);
  if (
    props.mainBranch !== undefined &&
    (!BRANCH.test(props.mainBranch) || props.mainBranch.includes('..'))
  ) {
    issues.add(f('mainBranch'), props.mainBranch, 'must be a branch name without wildcards');
  }
  const ids = props.github?.immutableIds;
  if (
    ids !== undefined &&
    (!Number.isSafeInteger(ids?.ownerId) ||
      ids.ownerId < 1 ||
      !Number.isSafeInteger(ids?.repositoryId) ||
      ids.repositoryId < 1)
  ) {
    issues.add(
      f('github.immutableIds'),
      ids,
      'must be { ownerId, repositoryId }, both positive integers (GET /repos/{owner}/{repo}: owner.id and id)',
    );
  }
  for (const k of ['planSessionSeconds', 'applySessionSeconds'] as const) {
    const s = props[k];
    if (s !== undefined && (!Number.isInteger(s) || s < 3600 || s > 43200)) {
      issues.add(f(k), s, 'must be a whole number of seconds from 3600 to 43200 (IAM limits)');
    }
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
      checkBucketName(issues, at('stateBucket'), e.stateBucket);
      checkTableName(issues, at('lockTable'), e.lockTable);
      checkRegion(issues, at('stateRegion'), e.stateRegion, partition);
      if (e.region !== undefined) checkRegion(issues, at('region'), e.region, partition);
      checkTableName(issues, at('registryTable'), e.registryTable);
      if (e.domainName !== undefined && !e.hostedZoneId) {
        issues.add(at('hostedZoneId'), e.hostedZoneId, 'must be given with domainName');
      }
      const inv = e.inventory;
      if (
        !inv ||
        ![
          inv.resources,
          inv.dataSources,
          inv.roleActions,
          inv.roleServices,
          inv.attachedPolicyArns,
        ].every((l) => Array.isArray(l) && l.every((x) => typeof x === 'string'))
      ) {
        issues.add(
          at('inventory'),
          inv,
          'must list resources, dataSources, roleActions, roleServices and attachedPolicyArns (strings)',
        );
      }
      const secrets = inv?.secretVersionNames;
      if (
        secrets !== undefined &&
        (!Array.isArray(secrets) || !secrets.every((x) => typeof x === 'string'))
      ) {
        issues.add(at('inventory.secretVersionNames'), secrets, 'must be a list of secret names');
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
    });
  }
  issues.throwIfAny('GitHub OIDC access');
}
