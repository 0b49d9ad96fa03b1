import { IssueCollector, NAME_RULES } from '@automock/core';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';

/** One saved Logs Insights query. */
export interface SavedLogQuery {
  /** Short key, unique among the queries, e.g. `requests`; part of the construct id and the name. */
  readonly key: string;
  /** Log groups the query reads when opened (1-50). */
  readonly logGroupNames: readonly string[];
  /** The Logs Insights query. */
  readonly queryString: string;
}

/** Props of {@link SavedLogQueries}. */
export interface SavedLogQueriesProps extends TerraformMetaArguments {
  /**
   * Name prefix: every query is saved as `<namePrefix>-<key>`, so the console's query list finds a
   * project's queries by its prefix (core's `resourceName('queryDefinition', …)`).
   */
  readonly namePrefix: string;
  /** The queries. */
  readonly queries: readonly SavedLogQuery[];
}

/** CloudWatch's limit on log groups one Logs Insights query reads. */
const LOG_GROUPS_PER_QUERY = 50;
/** PutQueryDefinition's limit on a query's length. */
const QUERY_MAX = 10000;
/** Keys become part of a construct id and of the query's name. */
const KEY_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Checks saved queries: keys, names within PutQueryDefinition's limit, log groups. */
export function checkSavedLogQueries(
  issues: IssueCollector,
  owner: string,
  props: SavedLogQueriesProps,
): void {
  const bad = (field: string, value: unknown, rule: string) =>
    issues.add(`${owner}.${field}`, value, rule);
  const seen = new Set<string>();
  for (const [i, q] of props.queries.entries()) {
    if (!KEY_RE.test(q.key))
      bad(`queries[${i}].key`, q.key, 'must be 1-32 lowercase letters, digits or hyphens');
    else if (seen.has(q.key)) bad(`queries[${i}].key`, q.key, 'must be unique');
    seen.add(q.key);
    const name = `${props.namePrefix}-${q.key}`;
    if (!Token.isUnresolved(name) && name.length > NAME_RULES.queryDefinition.max)
      bad(
        'namePrefix',
        props.namePrefix,
        `makes query name ${name} longer than ${NAME_RULES.queryDefinition.max} characters`,
      );
    if (q.logGroupNames.length === 0 || q.logGroupNames.length > LOG_GROUPS_PER_QUERY)
      bad(
        `queries[${i}].logGroupNames`,
        q.logGroupNames,
        `must list 1-${LOG_GROUPS_PER_QUERY} log groups`,
      );
    if (q.queryString.trim().length === 0 || q.queryString.length > QUERY_MAX)
      bad(`queries[${i}].queryString`, q.queryString, `must be 1-${QUERY_MAX} characters`);
  }
}

/** Logs Insights queries saved in the account (`aws_cloudwatch_query_definition`), one per key. */
export class SavedLogQueries extends Construct {
  /** The query definitions, by key. */
  readonly definitions: Record<string, CloudwatchQueryDefinition> = {};

  constructor(scope: Construct, id: string, props: SavedLogQueriesProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkSavedLogQueries(issues, 'SavedLogQueries', props);
    issues.throwIfAny('SavedLogQueries');
    for (const q of props.queries) {
      this.definitions[q.key] = new CloudwatchQueryDefinition(this, q.key, {
        provider: props.provider,
        dependsOn: props.dependsOn,
        name: `${props.namePrefix}-${q.key}`,
        logGroupNames: [...q.logGroupNames],
        queryString: q.queryString,
      });
    }
  }
}
