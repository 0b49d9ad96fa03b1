import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { Harness, startHarness } from '../testing/harness';
import { parseSince, readable } from '../services/logs';

const logs = mockClient(CloudWatchLogsClient);
const T = Date.parse('2026-01-01T10:00:00Z');

/** A MockServer message as awslogs stores it: one event per line of one stream. */
function lines(at: number, stream: string, text: string): FilteredLogEvent[] {
  return text.split('\n').map((message, i) => ({
    eventId: `${stream}-${at}-${i}`,
    logStreamName: stream,
    timestamp: at,
    message,
  }));
}

const MATCH = `2026-01-01 10:00:00.100 INFO 1080 returning response:

  {
    "statusCode" : 200,
    "body" : "[]"
  }

 for request:

  {
    "method" : "GET",
    "path" : "/users"
  }

 for action:

  {
    "statusCode" : 200
  }

 from expectation:

  users
`;

const NO_MATCH = `2026-01-01 10:00:01.000 INFO 1080 no expectation for:

  {
    "method" : "POST",
    "path" : "/orders",
    "body" : "{\\"a\\":\\"}\\"}"
  }

 returning response:

  {
    "statusCode" : 404
  }
`;

describe('automock logs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: {} });
    logs.reset();
    await h.registry.register({ env: 'test', project: 'demo', createdBy: 'alice', ttlHours: 4 });
    logs
      .on(FilterLogEventsCommand, { logGroupName: '/ecs/automock/test/demo/mockserver' })
      .resolves({
        events: [
          ...lines(T + 100, 'mockserver/mockserver/t1', MATCH),
          ...lines(T + 1000, 'mockserver/mockserver/t1', NO_MATCH),
        ],
      })
      .on(FilterLogEventsCommand, { logGroupName: '/ecs/automock/test/demo/config-loader' })
      .resolves({
        events: [
          {
            eventId: 'c1',
            logStreamName: 'config-loader/config-loader/t1',
            timestamp: T,
            message:
              'download: s3://automock-test-demo-config/expectations.json to ../config/expectations.json',
          },
        ],
      });
  });
  afterEach(() => h.stop());

  it('prints one line per match and no-match, with the request, the status and the expectation', async () => {
    const { stdout, error } = await h.run([
      'logs',
      '--env',
      'test',
      '--project',
      'demo',
      '--since',
      '1h',
    ]);
    expect(error).toBeUndefined();
    expect(stdout.trimEnd().split('\n')).toEqual([
      '2026-01-01T10:00:00.000Z config-loader download: s3://automock-test-demo-config/expectations.json to ../config/expectations.json',
      '2026-01-01T10:00:00.100Z mockserver    MATCH    GET /users -> 200 (expectation users)',
      '2026-01-01T10:00:01.000Z mockserver    NO MATCH POST /orders -> 404',
    ]);
    const input = logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(Date.now() - input.startTime!).toBeGreaterThanOrEqual(3_600_000);
    expect(Date.now() - input.startTime!).toBeLessThan(3_700_000);
  });

  it('returns the entries as JSON', async () => {
    const { stdout } = await h.run(['logs', '--env', 'test', '--project', 'demo', '--json']);
    const entries = JSON.parse(stdout);
    expect(entries.map((e: { kind: string }) => e.kind)).toEqual(['other', 'match', 'no-match']);
  });

  it('follows until Ctrl-C, printing only new entries', async () => {
    const later = lines(T + 5000, 'mockserver/mockserver/t2', NO_MATCH.replace('/orders', '/pets'));
    logs
      .on(FilterLogEventsCommand, { logGroupName: '/ecs/automock/test/demo/mockserver' })
      .resolvesOnce({ events: lines(T + 100, 'mockserver/mockserver/t1', MATCH) })
      .resolves({ events: [...lines(T + 100, 'mockserver/mockserver/t1', MATCH), ...later] });
    const running = h.run(['logs', '--env', 'test', '--project', 'demo', '--follow']);
    const started = Date.now();
    while (logs.commandCalls(FilterLogEventsCommand).length < 4 && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 50));
    process.emit('SIGINT');
    const { stdout, error } = await running;
    expect(error).toBeUndefined();
    expect(stdout.match(/MATCH {4}GET \/users/g)).toHaveLength(1);
    expect(stdout).toMatch(/NO MATCH POST \/pets -> 404/);
  });

  it('refuses a bad --since (exit 2) and an unknown project (exit 2)', async () => {
    const { error } = await h.run([
      'logs',
      '--env',
      'test',
      '--project',
      'demo',
      '--since',
      '15min',
    ]);
    expect(error?.message).toBe(
      'since: got "15min", must be a duration like 30s, 15m, 2h or 1d (at most 30d)',
    );
    expect(error?.oclif?.exit).toBe(2);
    const { error: unknown } = await h.run(['logs', '--env', 'test', '--project', 'nope']);
    expect(unknown?.message).toMatch(/project: got "nope", no deployment of it in test/);
    expect(unknown?.oclif?.exit).toBe(2);
    expect(logs.calls()).toHaveLength(0);
  });
});

describe('log helpers', () => {
  it('parses durations', () => {
    expect(parseSince('30s')).toBe(30_000);
    expect(parseSince('2h')).toBe(7_200_000);
    expect(() => parseSince('0m')).toThrow(/since: got "0m"/);
    expect(() => parseSince('31d')).toThrow(/at most 30d/);
  });

  it('keeps messages that are neither a match nor a no-match, on one line', () => {
    expect(readable('2026-01-01 10:00:00 INFO 1080 started on port: 1080\n  more')).toEqual({
      kind: 'other',
      text: '2026-01-01 10:00:00 INFO 1080 started on port: 1080 more',
    });
  });
});
