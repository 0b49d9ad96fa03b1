import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes, TERRAFORM_EXIT_CODES } from '../errors';
import { bootstrap, BootstrapResult } from '../services/bootstrap';
import { findProjectRoot } from '../environment/project-root';
import { planChanges } from '../terraform/stack-plans';
import { TerraformRunner } from '../terraform/terraform';

export default class Bootstrap extends AutomockCommand {
  static override summary =
    'Create the state bucket, lock table and deployments registry of a region.';

  static override description = `Run once per account and region before anything else. The first run applies the bootstrap stack with local state, then moves that state into the bucket it created (terraform init -migrate-state). Running it again finds the state in the bucket and changes nothing unless the bootstrap stack changed.`;

  static override examples = ['<%= config.bin %> <%= command.id %> --region us-east-1'];

  static exitCodes = exitCodes({
    ...TERRAFORM_EXIT_CODES,
    [EXIT.usage]: 'bad input: flags, or no environment in the region',
  });

  static override enableJsonFlag = true;

  static override flags = {
    region: Flags.string({
      summary: 'AWS region to bootstrap (every account with an environment there).',
      required: true,
    }),
    verbose: Flags.boolean({ summary: 'Stream terraform’s output.', default: false }),
  };

  async run(): Promise<BootstrapResult[]> {
    const { flags } = await this.parse(Bootstrap);
    const results = await bootstrap(
      findProjectRoot(),
      flags.region,
      new TerraformRunner({ verbose: flags.verbose }),
    );
    for (const r of results) {
      const what = r.migrated
        ? `created; state moved to s3://${r.stateBucket}/${r.backendKey}`
        : planChanges(r.plan)
          ? `updated (${r.plan.add} added, ${r.plan.change} changed, ${r.plan.destroy} destroyed)`
          : 'already bootstrapped, no changes';
      this.log(`${r.stack}: ${what}`);
    }
    return results;
  }
}
