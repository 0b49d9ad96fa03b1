import { Flags } from '@oclif/core';
import { MAX_TTL_HOURS } from '@automock/core';
import { userInfo } from 'node:os';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { envFlag, projectFlag } from '../flags';
import { extendTtl, ExtendResult } from '../services/extend';
import { showExpiry } from '../presentation/time';

export default class ExtendTtl extends AutomockCommand {
  static override summary =
    'Give a deployed project or workload preview more time before its automatic teardown.';

  static override description = `Adds hours to the project's expiry (from now, if it has already passed) with a conditional registry write, so two people extending at once both count, and mirrors the new expiry into project-metadata.json in its config bucket (a workload preview, named by --project <workload>-<name>, has none). The environment's maxTtlHours bounds the new expiry. --hours 0 removes the expiry. A project whose teardown has begun (expiring, destroying) or that is gone cannot be extended.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api --hours 4',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --hours 0',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]:
      'the project cannot be extended (teardown begun, gone, or its deploy failed), or AWS refused',
    [EXIT.usage]: 'bad input: flags, an unknown environment or project',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: envFlag,
    project: projectFlag,
    hours: Flags.integer({
      summary: `Hours to add (0 = never expire).`,
      required: true,
      min: 0,
      max: MAX_TTL_HOURS,
    }),
  };

  async run(): Promise<ExtendResult> {
    const { flags } = await this.parse(ExtendTtl);
    const res = await extendTtl(
      flags.env,
      flags.project,
      flags.hours,
      process.env.USER || userInfo().username,
    );
    if (!this.jsonEnabled()) {
      this.log(`${res.env}/${res.project} now expires ${showExpiry(res.expiresAt)}`);
      if (!res.metadataUpdated && res.kind !== 'workload')
        this.warn(`project-metadata.json not refreshed: ${res.metadataNote}`);
    }
    return res;
  }
}
