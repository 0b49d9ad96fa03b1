import type { Environment, RuleSuppression } from '../environment';
import type { IssueCollector } from '../errors';
import type { PolicyStatement } from '../iam';

/**
 * The contract every section of a workload file follows (`services`, `scheduledTasks`,
 * `eventTasks`, `tables`, `secrets`, `queues`, ...; issue 14 adds `database`, `files`, ...).
 * Each section owns one top-level key, its JSON Schema and its semantic checks, so a new kind of
 * resource is a new section, not a change to the definition's shape.
 *
 * Validation is two-phase, so sections may refer to each other by name in any order:
 * 1. the layer checks each section's value against its {@link WorkloadSection.schema} (unknown
 *    keys, types, enums, ranges: every problem as field/value/rule) and collects every
 *    section's {@link WorkloadSection.declares};
 * 2. it calls {@link WorkloadSection.resolve} of each section whose value passed its schema,
 *    which checks what a schema cannot (references, expressions AWS would refuse, limits that
 *    depend on the environment) and returns the value with every default filled in.
 */
export interface WorkloadSection<Input = unknown, Resolved = unknown> {
  /** The section's top-level key in a workload file, camelCase, e.g. `queues`. */
  readonly key: string;
  /**
   * JSON Schema (draft-07) of the section's value, embedded in the published workload schema.
   * Objects set `additionalProperties: false`; every property has a `description` (editors show
   * it) and, when optional, its default in `default`.
   */
  readonly schema: Readonly<Record<string, unknown>>;
  /**
   * The names this section declares, for other sections to refer to. Called on values that may
   * not have passed the schema: return what can be read, never throw.
   */
  declares?(input: unknown, field: string): readonly WorkloadDeclaration[];
  /** Semantic checks and defaults; report problems on `ctx.issues`, return undefined if any. */
  resolve(input: Input, ctx: WorkloadSectionContext): Resolved | undefined;
  /**
   * Guardrail findings the resolved value accepts by declaration (a public bucket carries its
   * reason), added to the workload's suppressions. @default - none
   */
  suppressions?(resolved: Resolved): readonly RuleSuppression[];
}

/** Kinds of named things a workload declares. Strings, so later sections add kinds freely. */
export type WorkloadRefKind =
  | 'service'
  | 'scheduledTask'
  | 'eventTask'
  | 'secret'
  | 'queue'
  | 'topic'
  | 'table'
  | 'bucket'
  | 'repository'
  | (string & {});

/** A name a section declares, and where (for duplicate-name errors). */
export interface WorkloadDeclaration {
  readonly kind: WorkloadRefKind;
  readonly name: string;
  /** Field path of the declaration, e.g. `workload[dev/shop].queues[0].name`. */
  readonly field: string;
}

/** What a section's `resolve` knows about the workload being checked. */
export interface WorkloadSectionContext {
  /** The validated environment the workload is defined for. */
  readonly env: Environment;
  /** The workload's validated name. */
  readonly workload: string;
  /** Where every problem goes, as field/value/rule. */
  readonly issues: IssueCollector;
  /** Field path of this section, e.g. `workload[dev/shop].queues`; report problems under it. */
  readonly field: string;
  /**
   * Whether the workload is deployed with a TTL (a preview environment): its data may be
   * destroyed with it (buckets force-destroyed, repositories force-deleted).
   * @default false
   */
  readonly ephemeral?: boolean;
  /**
   * The workload's network: the environment's (`shared`, with its ALB and Cloud Map namespace)
   * or its own (`dedicated`, neither). @default 'shared'
   */
  readonly network?: 'shared' | 'dedicated';
  /** True when any section of the workload declares `name` of `kind`. */
  declared(kind: WorkloadRefKind, name: string): boolean;
  /**
   * Another section's value as written, when it passed its schema (undefined when absent or
   * not): for checks that need more than a declared name, such as whether a service the HTTP
   * API routes to is on the shared ALB, whatever order the sections resolve in.
   * @default - not given: the section checks names only
   */
  sectionInput?(key: string): unknown;
}

/**
 * What a section's resources offer the others at synthesis (stacks' `WorkloadBuildContext`):
 * the ARN to reference, and the IAM statements that grant access to it, so a service that says
 * `access: [{ table: pool, mode: readWrite }]` gets exactly those and nothing wider.
 */
export interface WorkloadResourceRef {
  readonly kind: WorkloadRefKind;
  readonly name: string;
  /** ARN (a Terraform token at synthesis). */
  readonly arn: string;
  /** Other attributes consumers need (queue URL, image URI, security group id, ...). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Statements granting read or write access, when the resource can be granted. */
  readonly grants?: Readonly<Partial<Record<WorkloadAccessMode, readonly PolicyStatement[]>>>;
}

/** How a service or task may use another resource of its workload. */
export type WorkloadAccessMode = 'read' | 'write';
