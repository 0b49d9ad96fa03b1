import { Environment, EnvOutputName, environmentStateKey, stateBackendNames } from '@automock/core';
import { DataTerraformRemoteStateS3, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** Declares one of the environment's contract outputs (core's `ENV_OUTPUT`). */
export function exportEnvOutput(
  stack: TerraformStack,
  name: EnvOutputName,
  value: unknown,
  description: string,
): TerraformOutput {
  return new TerraformOutput(stack, name, { value, description });
}

/** Reads an environment stack's outputs from its remote state (same bucket, same region). */
export class EnvironmentOutputs extends Construct {
  private readonly state: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id);
    const names = stateBackendNames(env.prefix, env.accountId, env.region);
    this.state = new DataTerraformRemoteStateS3(this, 'state', {
      bucket: names.bucket,
      key: environmentStateKey(env.name),
      region: env.region,
    });
  }

  /** A string output (token). */
  string(name: EnvOutputName): string {
    return this.state.getString(name);
  }

  /** A list output (token). */
  list(name: EnvOutputName): string[] {
    return this.state.getList(name);
  }
}
