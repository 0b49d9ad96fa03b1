import { permissionsBoundaryArn } from '@automock/ci-access';
import { Environment, standardTags } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';

/**
 * The AWS provider of a stack. `allowed_account_ids` makes Terraform refuse to run with
 * credentials of any other account, so a dev configuration can never touch prod. `default_tags`
 * holds the standard tags only: S3 counts default tags against an object's limit of 10, so the
 * environment's own tags go on each resource through core's StandardTagsAspect instead.
 */
export function awsProvider(scope: Construct, env: Environment, project?: string): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: env.region,
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags: standardTags(env.name, project) }],
  });
}

/** ARN of the permissions boundary every role of `env`'s stacks carries (bootstrap stack creates it). */
export function environmentBoundaryArn(env: Environment): string {
  return permissionsBoundaryArn('aws', env.accountId, env.prefix, env.name);
}
