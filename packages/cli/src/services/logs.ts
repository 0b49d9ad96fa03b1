import {
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { CliError, EXIT } from '../errors';
import type { EnvironmentContext } from '../environment/environment-context';

/** One log entry: a MockServer message may span many lines, which awslogs stores one per event. */
export interface LogEntry {
  readonly at: string;
  readonly container: string;
  /** What happened, in one line for match / no-match entries, else the message as logged. */
  readonly text: string;
  readonly kind: 'match' | 'no-match' | 'other';
}

/** `15m`, `2h`, `1d`, `30s` as milliseconds. */
export function parseSince(value: string): number {
  const m = /^(\d+)([smhd])$/.exec(value.trim());
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const ms = m ? Number(m[1]) * unit[m[2] as keyof typeof unit] : NaN;
  if (!m || ms <= 0 || ms > 30 * 86_400_000)
    throw new CliError(
      `since: got ${JSON.stringify(value)}, must be a duration like 30s, 15m, 2h or 1d (at most 30d)`,
      [],
      EXIT.usage,
    );
  return ms;
}

/** The containers of a MockServer task (ecs-service's MockServerService), whose logs `logs` reads. */
export const MOCK_CONTAINERS = ['mockserver', 'config-loader'] as const;

/**
 * The project's container log groups, container → group, by ecs-service's containerLogGroupName
 * rule (`/ecs/<prefix>/<env>/<project>/<container>`; the CLI does not load that construct package,
 * and terraform's map output `log_group_names` does not reach the registry's string outputs).
 */
export function logGroupsOf(ctx: EnvironmentContext, project: string): Record<string, string> {
  return Object.fromEntries(
    MOCK_CONTAINERS.map((c) => [c, `/ecs/${ctx.env.prefix}/${ctx.env.name}/${project}/${c}`]),
  );
}

const NEW_ENTRY = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/;

/** The JSON object or value after `label` in a MockServer message (balanced braces), parsed. */
function jsonAfter(text: string, label: string): Record<string, unknown> | undefined {
  const i = text.indexOf(label);
  if (i < 0) return undefined;
  const start = text.indexOf('{', i + label.length);
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, j + 1)) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function describeRequest(r: Record<string, unknown> | undefined): string {
  if (!r) return '?';
  const method = typeof r.method === 'string' ? r.method : '';
  const path = typeof r.path === 'string' ? r.path : '';
  return `${method} ${path}`.trim() || '?';
}

/**
 * One line for MockServer's match and no-match messages (formats from MockServer's
 * HttpActionHandler: `returning response:{}for request:{}for action:{}from expectation:{}` and
 * `no expectation for:{}returning response:{}`); other messages as logged, lines joined.
 */
export function readable(message: string): Pick<LogEntry, 'text' | 'kind'> {
  if (message.includes('no expectation for:')) {
    const req = jsonAfter(message, 'no expectation for:');
    const res = jsonAfter(message, 'returning response:');
    return {
      kind: 'no-match',
      text: `NO MATCH ${describeRequest(req)} -> ${String(res?.statusCode ?? 404)}`,
    };
  }
  if (message.includes('returning response:') && message.includes('for request:')) {
    const res = jsonAfter(message, 'returning response:');
    const req = jsonAfter(message, 'for request:');
    const id = /from expectation:\s*"?([^\s"]+)/.exec(message)?.[1];
    return {
      kind: 'match',
      text: `MATCH    ${describeRequest(req)} -> ${String(res?.statusCode ?? 200)}${id ? ` (expectation ${id})` : ''}`,
    };
  }
  return { kind: 'other', text: message.replace(/\s*\n\s*/g, ' ').trim() };
}

/**
 * Groups awslogs events (one per line) back into messages per stream: a line that starts with a
 * date starts a message, the others continue it.
 */
export function toEntries(
  events: readonly (FilteredLogEvent & { container: string })[],
): LogEntry[] {
  const open = new Map<string, { at: number; container: string; lines: string[] }>();
  const done: { at: number; container: string; lines: string[] }[] = [];
  for (const e of events) {
    const stream = `${e.container}/${e.logStreamName ?? ''}`;
    const line = (e.message ?? '').replace(/\r?\n$/, '');
    const cur = open.get(stream);
    if (cur && !NEW_ENTRY.test(line)) {
      cur.lines.push(line);
      continue;
    }
    const next = { at: e.timestamp ?? 0, container: e.container, lines: [line] };
    open.set(stream, next);
    done.push(next);
  }
  return done
    .sort((a, b) => a.at - b.at)
    .map((m) => ({
      at: new Date(m.at).toISOString(),
      container: m.container,
      ...readable(m.lines.join('\n')),
    }));
}

/** Reads the events of the given groups from `startTime`, every page. */
export async function fetchEvents(
  logs: Pick<CloudWatchLogsClient, 'send'>,
  groups: Readonly<Record<string, string>>,
  startTime: number,
): Promise<(FilteredLogEvent & { container: string })[]> {
  const all: (FilteredLogEvent & { container: string })[] = [];
  for (const [container, group] of Object.entries(groups)) {
    let nextToken: string | undefined;
    do {
      const out = await logs.send(
        new FilterLogEventsCommand({ logGroupName: group, startTime, nextToken }),
      );
      for (const e of out.events ?? []) all.push({ ...e, container });
      nextToken = out.nextToken;
    } while (nextToken);
  }
  return all.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}
