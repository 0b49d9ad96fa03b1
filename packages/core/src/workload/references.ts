import type { IssueCollector } from '../errors';
import type { WorkloadRefKind, WorkloadSectionContext } from './section';

/**
 * References a workload's strings may hold to values known only at synthesis or deploy time:
 * `${<kind>:<name>:<attribute>}` names an attribute of a resource the workload declares
 * (`${table:pool:tableName}`), `${<scope>:<value>}` a value of the stack it is in
 * (`${aws:region}`, `${network:vpcId}`). One file serves both environments of a workload this
 * way: a table's name, the region and the subnets differ between them.
 */

/** Attributes each kind of declared resource offers (every kind also offers `arn`). */
export const WORKLOAD_REFERENCE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  table: ['arn', 'tableName'],
  secret: ['arn', 'secretName'],
  queue: ['arn', 'url', 'queueName'],
  topic: ['arn', 'topicName'],
  bucket: ['arn', 'bucketName'],
  repository: ['arn', 'repositoryUrl', 'repositoryName'],
  service: [
    'arn',
    'serviceName',
    'logGroupName',
    'albDnsName',
    'url',
    // issue 14 (seed 004's backend_task_role_name output)
    'taskRoleName',
    'taskRoleArn',
  ],
  scheduledTask: ['arn', 'logGroupName', 'taskDefinitionArn'],
  eventTask: ['arn', 'logGroupName', 'taskDefinitionArn', 'deadLetterQueueArn'],
  // issue 14: the HTTP API (`${httpApi:api:url}`: its custom domain's URL, else its endpoint)
  httpApi: ['arn', 'url', 'apiId', 'apiEndpoint'],
};

/** Values of the stack itself, by `<scope>:<value>`; `list` ones are lists of strings. */
export const WORKLOAD_CONTEXT_VALUES: Readonly<Record<string, { readonly list: boolean }>> = {
  'aws:region': { list: false },
  'aws:accountId': { list: false },
  'env:name': { list: false },
  'cluster:name': { list: false },
  'cluster:arn': { list: false },
  'network:vpcId': { list: false },
  // issue 14 (seed 004's backend_cloud_map_arn output): the environment's Cloud Map namespace
  'cloudMap:namespaceArn': { list: false },
  'cloudMap:namespaceName': { list: false },
  'network:privateSubnetIds': { list: true },
  'network:publicSubnetIds': { list: true },
};

/** One `${...}` of a string. */
export type WorkloadReference =
  | {
      readonly type: 'resource';
      readonly kind: WorkloadRefKind;
      readonly name: string;
      readonly attribute: string;
      /** The text `${...}` as written. */
      readonly text: string;
    }
  | { readonly type: 'context'; readonly value: string; readonly text: string };

const REFERENCE = /\$\{([^}]*)\}/g;

/** Every `${...}` of `value`, in order (checked or not). */
export function parseWorkloadReferences(value: string): WorkloadReference[] {
  const out: WorkloadReference[] = [];
  for (const m of value.matchAll(REFERENCE)) {
    const parts = m[1]!.split(':');
    if (parts.length === 3)
      out.push({
        type: 'resource',
        kind: parts[0]!,
        name: parts[1]!,
        attribute: parts[2]!,
        text: m[0],
      });
    else out.push({ type: 'context', value: m[1]!, text: m[0] });
  }
  return out;
}

/** What a string's references may name. */
export interface ReferenceRules {
  /** Kinds the string may refer to (those built before it). */
  readonly kinds: readonly WorkloadRefKind[];
  /** Whether a list value (subnet ids) may stand as the whole string. @default false */
  readonly lists?: boolean;
}

/**
 * Reports each reference of `value` that names no declared resource, an attribute its kind does
 * not offer, a kind `rules` excludes, or an unknown stack value, as field/value/rule.
 */
export function checkWorkloadReferences(
  issues: IssueCollector,
  field: string,
  value: string,
  ctx: Pick<WorkloadSectionContext, 'declared'>,
  rules: ReferenceRules,
): void {
  const refs = parseWorkloadReferences(value);
  for (const r of refs) {
    if (r.type === 'context') {
      const known = WORKLOAD_CONTEXT_VALUES[r.value];
      if (!known) {
        issues.add(
          field,
          r.text,
          `must be \${<kind>:<name>:<attribute>} or one of ${Object.keys(WORKLOAD_CONTEXT_VALUES)
            .map((k) => `\${${k}}`)
            .join(', ')}`,
        );
      } else if (known.list && !(rules.lists === true && refs.length === 1 && value === r.text)) {
        issues.add(
          field,
          r.text,
          rules.lists === true
            ? 'must be the whole value: it is a list'
            : 'must not be used here: it is a list of strings',
        );
      }
      continue;
    }
    if (!rules.kinds.includes(r.kind)) {
      issues.add(field, r.text, `must name a kind of ${rules.kinds.join(', ')}`);
      continue;
    }
    if (!ctx.declared(r.kind, r.name)) {
      issues.add(field, r.text, `must name a ${r.kind} of this workload`);
      continue;
    }
    const attrs = WORKLOAD_REFERENCE_ATTRIBUTES[r.kind] ?? ['arn'];
    if (!attrs.includes(r.attribute))
      issues.add(field, r.text, `must name an attribute of a ${r.kind}: ${attrs.join(', ')}`);
  }
}
