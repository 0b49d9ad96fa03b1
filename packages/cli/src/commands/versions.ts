import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { envFlag, projectFlag } from '../flags';
import { table } from '../presentation/format';
import { listVersions, StoredVersion } from '../services/update';

export default class Versions extends AutomockCommand {
  static override summary = 'List the stored versions of a project’s expectations.';

  static override description = `Every entry under versions/ in the project's config bucket (the one deploy made and one per automock update), newest first, the one being served marked with *. Go back to one with automock update --to VERSION.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]: 'AWS failed (the config bucket could not be read)',
    [EXIT.usage]: 'bad input: flags, an unknown environment or project',
  });

  static override enableJsonFlag = true;

  static override flags = { env: envFlag, project: projectFlag };

  async run(): Promise<StoredVersion[]> {
    const { flags } = await this.parse(Versions);
    const versions = await listVersions(flags.env, flags.project);
    if (!this.jsonEnabled()) {
      if (!versions.length) this.log(`${flags.env}/${flags.project} has no stored versions`);
      else
        this.log(
          table(
            versions.map((v) => [v.current ? '*' : '', v.version, `${v.bytes} B`, v.hash ?? '-']),
            ['', 'version', 'size', 'content hash'],
          ),
        );
    }
    return versions;
  }
}
