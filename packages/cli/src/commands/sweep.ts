import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { CliError, EXIT, exitCodes } from '../errors';
import { envFlag } from '../flags';
import { table } from '../presentation/format';
import { money } from '../services/cost';
import { orphans, OrphansResult } from '../services/orphans';

export default class Sweep extends AutomockCommand {
  static override summary =
    'Find (and with --yes remove) tagged resources whose project the registry does not know or lists as destroyed.';

  static override description = `Dry run by default: lists, per orphaned project, why it is an orphan, how long it has been left (since the registry's destroyedAt; unknown for a project the registry never knew, as the Tagging API gives no creation time), what a sweep would delete (IAM roles included) and the hourly cost of what bills by the hour. --yes sweeps them with the same safety rules as destroy --sweep: the account is checked first, only resources with both tags, never the state bucket, lock table or registry, and a project deployed again meanwhile is left alone.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --orphans --env dev',
    '<%= config.bin %> <%= command.id %> --orphans --env dev --yes',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]: 'the account is not the environment’s, or a sweep of an orphan did not finish',
    [EXIT.usage]: 'bad input: flags or an unknown environment',
  });

  static override enableJsonFlag = true;

  static override flags = {
    orphans: Flags.boolean({
      summary: 'Look for orphaned resources (what this command does).',
      required: true,
    }),
    env: envFlag,
    yes: Flags.boolean({ char: 'y', summary: 'Remove what is found.', default: false }),
  };

  async run(): Promise<OrphansResult> {
    const { flags } = await this.parse(Sweep);
    const r = await orphans(flags.env, {
      remove: flags.yes,
      log: (l) => this.logToStderr(`  ${l}`),
    });
    if (!this.jsonEnabled()) this.print(r);
    const unfinished = (r.swept ?? []).filter((s) => s.result && !s.result.complete);
    if (unfinished.length)
      throw new CliError(`Sweeping ${unfinished.map((s) => s.project).join(', ')} did not finish`, [
        `Run it again to resume: automock sweep --orphans --env ${flags.env} --yes`,
      ]);
    return r;
  }

  private print(r: OrphansResult): void {
    if (r.orphans.length === 0) {
      this.log(`No orphaned resources in ${r.env}.`);
      return;
    }
    this.log(
      table(
        r.orphans.map((o) => [
          o.project,
          o.reason === 'unknown' ? 'not in the registry' : 'registry says destroyed',
          o.ageHours === undefined ? 'unknown' : `${Math.round(o.ageHours)} h`,
          String(o.resources.length),
          `~${money(o.hourlyCost)}/h${o.unpriced.length ? ` + usage of ${o.unpriced.join(', ')}` : ''}`,
        ]),
        ['project', 'why', 'left for', 'resources', 'cost'],
      ),
    );
    this.log(`(hourly list prices of ${r.pricesAsOf})`);
    if (!r.swept) {
      this.log(`Dry run; remove them with: automock sweep --orphans --env ${r.env} --yes`);
      return;
    }
    for (const s of r.swept)
      this.log(
        s.result
          ? `${s.project}: ${s.result.deleted.length} deleted${s.result.complete ? '' : `, ${s.result.failures.length} failed`}`
          : `${s.project}: left alone, ${s.skippedBecause}`,
      );
  }
}
