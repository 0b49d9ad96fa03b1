import type { SavedLogQuery } from './SavedLogQueries';

/**
 * The seed's saved Logs Insights queries, rewritten for what MockServer 9.x logs (its log entry
 * message formats, mock-server/mockserver-monorepo `LogEntry` users: `received request:`,
 * `request:… matched expectation:`, `no expectation for:… returning response:`,
 * `creating expectation:`; a file that fails to load logs `exception while loading JSON
 * initialization file`). The awslogs driver makes each line an event, so the queries match the
 * first line of an entry; `@logStream` names the task. The config loader's lines are the AWS
 * CLI's (`download: s3://… to …`, or `fatal error: …`).
 *
 * The seed's third query (auto-scaling events) has no counterpart here: scaling activity is
 * recorded by Application Auto Scaling and in the ECS service's events, not in container logs;
 * the dashboard's task-count chart shows it instead.
 */
export function mockServerLogQueries(logGroups: {
  /** Log group of the MockServer container. */
  readonly mockserver: string;
  /** Log group of the config-loader init container. */
  readonly configLoader: string;
}): SavedLogQuery[] {
  const recent = '| sort @timestamp desc\n| limit 200';
  return [
    {
      key: 'requests',
      logGroupNames: [logGroups.mockserver],
      queryString: `fields @timestamp, @logStream, @message\n| filter @message like /received request:|matched expectation:|no expectation for:/\n${recent}`,
    },
    {
      key: 'unmatched',
      logGroupNames: [logGroups.mockserver],
      queryString: `fields @timestamp, @logStream, @message\n| filter @message like /no expectation for:/\n${recent}`,
    },
    {
      key: 'expectations-loaded',
      logGroupNames: [logGroups.mockserver, logGroups.configLoader],
      queryString: `fields @timestamp, @log, @logStream, @message\n| filter @message like /creating expectation:|exception while loading JSON initialization file|download:|fatal error/\n${recent}`,
    },
  ];
}
