import {
  bootstrapStateKey,
  Environment,
  stateBackendNames,
  StandardTagsAspect,
  standardTags,
} from '@automock/core';
import { EnvironmentBoundary, EnvironmentInventory, GithubOidcAccess } from '@automock/ci-access';
import { StateBackend } from '@automock/state-backend';
import { Aspects, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';
import { GITHUB_CI, GithubCiConfig } from './github';
import { awsProvider } from './providers';

// Planning helpers live with the app plan (no provider classes), re-exported where they were.
export { bootstrapGroups, bootstrapStackName } from './app-plan';

export interface BootstrapStackProps extends StateOptions {
  /** The environments whose state lives in this account and region (at least one). */
  readonly environments: readonly Environment[];
  /**
   * What each environment's stacks hold (by environment name; see `ciInventories`): the CI
   * permissions and the permissions boundary of each environment are derived from it.
   */
  readonly inventories: Readonly<Record<string, EnvironmentInventory>>;
  /**
   * Repository whose GitHub Actions get a plan and an apply role per environment; `null` creates
   * no CI access (the permissions boundaries are created either way: every role carries one).
   * @default GITHUB_CI
   */
  readonly github?: GithubCiConfig | null;
}

/**
 * The state bucket, lock table and deployments registry of one account and region. Its own state
 * lives in the bucket it creates: `automock bootstrap` applies it once with local state and then
 * migrates that state into the bucket.
 */
export class BootstrapStack extends AutomockStack {
  readonly backend: StateBackend;
  /** The environments whose state this stack holds (all of them, whatever `--env` selected). */
  readonly environments: readonly Environment[];
  /** GitHub OIDC provider and CI roles, unless `github: null`. */
  readonly ciAccess?: GithubOidcAccess;
  /** The permissions boundary of each environment's roles, by environment name. */
  readonly boundaries: Readonly<Record<string, EnvironmentBoundary>>;

  constructor(scope: Construct, name: string, props: BootstrapStackProps) {
    const first = props.environments[0]!;
    const names = stateBackendNames(first.prefix, first.accountId, first.region);
    super(
      scope,
      name,
      {
        kind: 'bootstrap',
        region: first.region,
        accountId: first.accountId,
        backendKey: bootstrapStateKey(first.region),
      },
      names,
      props,
    );
    this.environments = props.environments;
    awsProvider(this, { ...first, name: 'shared', tags: {} });
    this.backend = new StateBackend(this, 'state', {
      prefix: first.prefix,
      accountId: first.accountId,
      region: first.region,
    });
    Aspects.of(this).add(new StandardTagsAspect(standardTags('shared')));

    new TerraformOutput(this, 'state_bucket', {
      value: this.backend.stateBucket.bucketName,
      description: 'Terraform state bucket',
    });
    new TerraformOutput(this, 'lock_table', {
      value: this.backend.lockTable.tableName,
      description: 'Terraform lock table',
    });
    new TerraformOutput(this, 'registry_table', {
      value: this.backend.registryTable.tableName,
      description: 'Deployments registry table',
    });

    const inventory = (e: Environment): EnvironmentInventory => {
      const inv = props.inventories[e.name];
      if (!inv) throw new Error(`bootstrap stack ${name}: no inventory for environment ${e.name}`);
      return inv;
    };
    const boundaries: Record<string, EnvironmentBoundary> = {};
    for (const e of props.environments) {
      boundaries[e.name] = new EnvironmentBoundary(this, `boundary-${e.name}`, {
        env: e.name,
        accountId: e.accountId,
        region: e.region,
        prefix: e.prefix,
        stateBucket: names.bucket,
        lockTable: names.lockTable,
        registryTable: names.registryTable,
        stateRegion: first.region,
        inventory: inventory(e),
      });
      new TerraformOutput(this, `permissions_boundary_arn_${e.name}`, {
        value: boundaries[e.name]!.arn,
        description: `Permissions boundary of every role the ${e.name} stacks create`,
      });
    }
    this.boundaries = boundaries;

    const github = props.github === undefined ? GITHUB_CI : props.github;
    if (github) {
      this.ciAccess = new GithubOidcAccess(this, 'github-ci', {
        github: {
          owner: github.owner,
          repository: github.repository,
          immutableIds: github.immutableIds,
        },
        accountId: first.accountId,
        prefix: first.prefix,
        mainBranch: github.mainBranch,
        oidcProvider: (github.existingOidcProviderAccounts ?? []).includes(first.accountId)
          ? 'existing'
          : 'create',
        environments: props.environments.map((e) => ({
          name: e.name,
          stateBucket: names.bucket,
          lockTable: names.lockTable,
          registryTable: names.registryTable,
          stateRegion: first.region,
          region: e.region,
          hostedZoneId: e.domain?.hostedZoneId,
          domainName: e.domain?.name,
          inventory: inventory(e),
        })),
      });
      // The values of the repository variables AUTOMOCK_PLAN_ROLE_ARN_<ENV>,
      // AUTOMOCK_APPLY_ROLE_ARN_<ENV> and AUTOMOCK_DRIFT_ROLE_ARN_<ENV>.
      for (const [env, roles] of Object.entries(this.ciAccess.environments)) {
        new TerraformOutput(this, `github_plan_role_arn_${env}`, {
          value: roles.planRole.arn,
          description: `Plan role for pull requests (${env})`,
        });
        new TerraformOutput(this, `github_apply_role_arn_${env}`, {
          value: roles.applyRole.arn,
          description: `Apply role for the ${env} GitHub environment on the main branch`,
        });
        new TerraformOutput(this, `github_drift_role_arn_${env}`, {
          value: roles.driftRole.arn,
          description: `Drift check role for scheduled runs on the main branch (${env})`,
        });
      }
    }
  }
}
