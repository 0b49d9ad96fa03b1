import { checkAccountId, IssueCollector, PolicyDocument } from '@automock/core';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import {
  boundaryPolicy,
  EnvironmentInventory,
  MANAGED_POLICY_MAX_CHARS,
  policySize,
} from './environment-policies';
import {
  ciRoleArns,
  permissionsBoundaryArn,
  permissionsBoundaryName,
  protectedPolicyArns,
} from './GithubOidcAccess';

/** Inputs of {@link EnvironmentBoundary}. */
export interface EnvironmentBoundaryProps {
  /** Environment name. */
  readonly env: string;
  /** 12-digit account id. */
  readonly accountId: string;
  /** Region the environment deploys to. */
  readonly region: string;
  /** The account-and-region state bucket. */
  readonly stateBucket: string;
  /** The Terraform lock table. */
  readonly lockTable: string;
  /** The deployments registry table. */
  readonly registryTable: string;
  /** Region of the bucket and the tables. */
  readonly stateRegion: string;
  /** What the environment's stacks hold: the actions and trusted services of their roles. */
  readonly inventory: EnvironmentInventory;
  /**
   * Resource name prefix.
   * @default 'automock'
   */
  readonly prefix?: string;
  /**
   * AWS partition.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * Provider to create the policy with.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The permissions boundary of every role an environment's stacks create: at most the actions
 * their policies name, never on another environment's resources, state, objects or items, never
 * an IAM write, roles passed only within the environment. The CI apply role may create roles only
 * with it and can neither change nor remove it, so no role it makes can hold more.
 */
export class EnvironmentBoundary extends Construct {
  /** The managed policy. */
  readonly policy: IamPolicy;
  /** Its ARN, known before it exists (what the stacks set on their roles). */
  readonly arn: string;
  /** Its document. */
  readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: EnvironmentBoundaryProps) {
    const partition = props.partition ?? 'aws';
    const prefix = props.prefix ?? 'automock';
    const issues = new IssueCollector();
    checkAccountId(issues, 'environmentBoundary.accountId', props.accountId);
    issues.throwIfAny('permissions boundary');
    const arn = permissionsBoundaryArn(partition, props.accountId, prefix, props.env);
    const document = boundaryPolicy(
      {
        partition,
        accountId: props.accountId,
        region: props.region,
        prefix,
        env: props.env,
        stateBucket: props.stateBucket,
        lockTable: props.lockTable,
        registryTable: props.registryTable,
        stateRegion: props.stateRegion,
      },
      props.inventory,
      {
        boundaryArn: arn,
        ciRoleArns: ciRoleArns(partition, props.accountId, prefix),
        protectedPolicyArns: protectedPolicyArns(partition, props.accountId, prefix),
      },
    );
    const size = policySize(document);
    if (size > MANAGED_POLICY_MAX_CHARS) {
      throw new Error(
        `permissions boundary of ${props.env}: ${size} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy (the roles of its stacks name too many actions)`,
      );
    }
    super(scope, id);
    this.arn = arn;
    this.document = document;
    this.policy = new IamPolicy(this, 'Policy', {
      name: permissionsBoundaryName(prefix, props.env),
      description: `Permissions boundary of every role the ${props.env} stacks create`,
      policy: JSON.stringify(document),
      provider: props.provider,
    });
  }
}
