import { Flags } from '@oclif/core';
import { setTimeout as delay } from 'node:timers/promises';
import { AutomockCommand } from '../base-command';
import { logsClient } from '../environment/aws';
import { EnvironmentContext } from '../environment/environment-context';
import { EXIT, exitCodes } from '../errors';
import { envFlag, projectFlag } from '../flags';
import { fetchEvents, LogEntry, logGroupsOf, parseSince, toEntries } from '../services/logs';

/** Time between two reads with --follow. */
const FOLLOW_POLL_MS = 2000;

export default class Logs extends AutomockCommand {
  static override summary = 'Show a project’s container logs (CloudWatch Logs).';

  static override description = `Reads the log groups of the project's containers (mockserver, config-loader) from --since ago. MockServer's multi-line messages are put back together, and its match and no-match messages shown on one line each (MATCH GET /users -> 200 (expectation users), NO MATCH GET /nope -> 404). --follow keeps reading until Ctrl-C.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --since 1h --follow',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]: 'AWS failed (the log groups could not be read)',
    [EXIT.usage]: 'bad input: flags, a bad --since, an unknown environment or project',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: envFlag,
    project: projectFlag,
    since: Flags.string({
      summary: 'How far back to start: 30s, 15m, 2h, 1d.',
      default: '15m',
    }),
    follow: Flags.boolean({
      char: 'f',
      summary: 'Keep printing new entries until Ctrl-C.',
      default: false,
      exclusive: ['json'],
    }),
  };

  async run(): Promise<LogEntry[]> {
    const { flags } = await this.parse(Logs);
    const sinceMs = parseSince(flags.since);
    const ctx = EnvironmentContext.open(flags.env);
    const d = await ctx.requireDeployment(flags.project);
    const groups = logGroupsOf(ctx, d.project);
    const client = logsClient(ctx.env.region);
    const print = (entries: LogEntry[]) => {
      if (this.jsonEnabled()) return;
      for (const e of entries) this.log(`${e.at} ${e.container.padEnd(13)} ${e.text}`);
    };
    try {
      let start = Date.now() - sinceMs;
      const first = await fetchEvents(client, groups, start);
      const entries = toEntries(first);
      print(entries);
      if (!flags.follow) return entries;
      const seen = new Set(first.map((e) => e.eventId));
      let stop = false;
      const onSigint = () => {
        stop = true;
      };
      process.once('SIGINT', onSigint);
      try {
        while (!stop) {
          await delay(FOLLOW_POLL_MS);
          const events = (await fetchEvents(client, groups, start)).filter(
            (e) => !seen.has(e.eventId),
          );
          for (const e of events) seen.add(e.eventId);
          // Re-read from the newest event seen: late-arriving events of that second are kept.
          if (events.length) start = Math.max(start, ...events.map((e) => e.timestamp ?? 0));
          print(toEntries(events));
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
      return [];
    } finally {
      client.destroy();
    }
  }
}
