import {
  configBucketName,
  Environment,
  PROJECT_OUTPUT,
  stateBackendNames,
  StateBackendNames,
} from '@automock/core';
import { Deployment, DeploymentRegistry } from '@automock/registry';

import { userInfo } from 'node:os';
import { resolveEnvironment } from './app-module';
import { dynamoClient, s3Client, stsClient } from './aws';
import { CliError, EXIT } from '../errors';

/** An environment with its state backend names and AWS clients for its account and region. */
export class EnvironmentContext {
  readonly names: StateBackendNames;
  readonly registry: DeploymentRegistry;
  private s3?: ReturnType<typeof s3Client>;

  constructor(readonly env: Environment) {
    this.names = stateBackendNames(env.prefix, env.accountId, env.region);
    this.registry = new DeploymentRegistry({
      client: dynamoClient(env.region),
      tableName: this.names.registryTable,
    });
  }

  static open(name: string): EnvironmentContext {
    return new EnvironmentContext(resolveEnvironment(name));
  }

  get s3Client(): ReturnType<typeof s3Client> {
    this.s3 ??= s3Client(this.env.region);
    return this.s3;
  }

  /**
   * The account guard of every command that writes (deploy, extend-ttl, destroy...): asks STS who
   * the credentials are and refuses, before anything is written, when they are for another account
   * than the environment's. Returns who it is (for `createdBy`/`by`).
   */
  async requireAccount(): Promise<CallerIdentity> {
    const who = await callerIdentity(this.env.region);
    checkAccount(this.env, who);
    return who;
  }

  /** The project's deployment, or an error naming the ones that exist. */
  async requireDeployment(project: string): Promise<Deployment> {
    const d = await this.registry.get(this.env.name, project);
    if (!d) {
      const known = (await this.registry.listByEnvironment(this.env.name))
        .filter((x) => x.status !== 'destroyed')
        .map((x) => x.project);
      throw new CliError(
        `project: got ${JSON.stringify(project)}, no deployment of it in ${this.env.name}` +
          (known.length
            ? ` (deployed there: ${known.join(', ')})`
            : ' (nothing is deployed there)'),
        [`automock list --env ${this.env.name}`],
        EXIT.usage,
      );
    }
    return d;
  }

  /** Name of a project's config bucket, from its outputs or else from the naming contract. */
  configBucket(project: string, outputs: Readonly<Record<string, string>> = {}): string {
    return (
      outputs[PROJECT_OUTPUT.configBucket] ??
      configBucketName(this.env.prefix, this.env.name, project, this.env.accountId)
    );
  }
}

/** Who is running the CLI, from STS (its ARN) and the account it is in. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** Short form for the registry: the session or user name. */
  readonly name: string;
}

export async function callerIdentity(region: string): Promise<CallerIdentity> {
  const client = stsClient(region);
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { GetCallerIdentityCommand } =
      require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const out = await client.send(new GetCallerIdentityCommand({}));
    const arn = out.Arn ?? '';
    return {
      account: out.Account ?? '',
      arn,
      name: arn.split('/').pop() || userInfo().username,
    };
  } finally {
    client.destroy();
  }
}

/** Refuses to act in an account other than the environment's. */
export function checkAccount(env: Environment, who: CallerIdentity): void {
  if (who.account !== env.accountId) {
    throw new CliError(
      `AWS credentials are for account ${who.account} (${who.arn}), but environment ${env.name} is in account ${env.accountId}`,
      [`Switch to a profile for account ${env.accountId}, e.g. export AWS_PROFILE=<profile>`],
      EXIT.failure,
    );
  }
}
