import type { PolicyStatement } from '@automock/core';
import { asList, parseRef, StackModel, TfBlock } from './model';

/**
 * One IAM statement in a single shape, whichever way it was written (core's JSON
 * `PolicyStatement`, or an `aws_iam_policy_document` block).
 */
export interface ReadStatement {
  readonly effect: 'Allow' | 'Deny';
  /** `Action`, or undefined when the statement uses `NotAction`. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** The principal is everyone (`"*"` or `{ AWS: "*" }`). */
  readonly anyPrincipal: boolean;
  readonly conditions: readonly { test: string; variable: string; values: readonly string[] }[];
}

/** A policy that could be read, or why it could not. */
export type PolicyReadResult =
  | { readonly ok: true; readonly statements: readonly ReadStatement[] }
  | { readonly ok: false; readonly reason: string };

const strings = (v: unknown): string[] => asList<unknown>(v).map((x) => String(x));

/** A statement parsed from JSON: IAM's keys, values unchecked (a document may be hand-written). */
type ParsedStatement = { readonly [K in keyof PolicyStatement | 'NotAction']?: unknown };

function fromJsonStatement(s: ParsedStatement): ReadStatement {
  const principal = s.Principal;
  const anyPrincipal =
    principal === '*' ||
    (typeof principal === 'object' &&
      principal !== null &&
      strings((principal as Record<string, unknown>).AWS).includes('*'));
  const conditions: { test: string; variable: string; values: string[] }[] = [];
  for (const [test, vars] of Object.entries((s.Condition as Record<string, unknown>) ?? {})) {
    for (const [variable, values] of Object.entries((vars as Record<string, unknown>) ?? {})) {
      conditions.push({ test, variable, values: strings(values) });
    }
  }
  return {
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: s.Action !== undefined ? strings(s.Action) : undefined,
    notActions: s.NotAction !== undefined ? strings(s.NotAction) : undefined,
    resources: s.Resource !== undefined ? strings(s.Resource) : undefined,
    notResources: s.NotResource !== undefined ? strings(s.NotResource) : undefined,
    anyPrincipal,
    conditions,
  };
}

function fromDocStatement(s: TfBlock): ReadStatement {
  const principals = asList(s.principals);
  return {
    effect: s.effect === 'Deny' ? 'Deny' : 'Allow',
    actions: s.actions !== undefined ? strings(s.actions) : undefined,
    notActions: s.not_actions !== undefined ? strings(s.not_actions) : undefined,
    resources: s.resources !== undefined ? strings(s.resources) : undefined,
    notResources: s.not_resources !== undefined ? strings(s.not_resources) : undefined,
    anyPrincipal: principals.some(
      (p) => (p.type === '*' || p.type === 'AWS') && strings(p.identifiers).includes('*'),
    ),
    conditions: asList(s.condition).map((c) => ({
      test: String(c.test),
      variable: String(c.variable),
      values: strings(c.values),
    })),
  };
}

/**
 * Reads a policy attribute: an inline JSON string (which may embed `${...}` references), or a
 * reference to a `data.aws_iam_policy_document` (including its source and override documents).
 * Anything else, such as `${jsonencode(...)}`, cannot be checked and is reported as unreadable.
 */
export function readPolicy(model: StackModel, value: unknown, depth = 0): PolicyReadResult {
  if (depth > 0) return readPolicyNow(model, value, depth);
  // Several rules read every policy of a stack; each is parsed once per stack model.
  let read = readPolicies.get(model);
  if (!read) readPolicies.set(model, (read = new Map()));
  let result = read.get(value);
  if (!result) {
    result = readPolicyNow(model, value, 0);
    if (result.ok) Object.freeze(result.statements);
    read.set(value, Object.freeze(result));
  }
  return result;
}

const readPolicies = new WeakMap<StackModel, Map<unknown, PolicyReadResult>>();

function readPolicyNow(model: StackModel, value: unknown, depth: number): PolicyReadResult {
  if (depth > 8) return { ok: false, reason: 'policy documents nest more than 8 levels deep' };
  const ref = parseRef(value);
  if (ref) {
    const doc = model.resolve(ref);
    if (!doc || doc.type !== 'aws_iam_policy_document') {
      return {
        ok: false,
        reason: `refers to ${String(value)}, not a policy document in this stack`,
      };
    }
    const statements: ReadStatement[] = [];
    for (const src of [
      ...asList<unknown>(doc.body.source_policy_documents),
      ...asList<unknown>(doc.body.override_policy_documents),
    ]) {
      const inner = readPolicy(model, src, depth + 1);
      if (!inner.ok) return inner;
      statements.push(...inner.statements);
    }
    statements.push(...asList(doc.body.statement).map(fromDocStatement));
    return { ok: true, statements };
  }
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {
        ok: false,
        reason: 'is neither JSON nor a reference to a data.aws_iam_policy_document',
      };
    }
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return { ok: false, reason: 'is not a policy document' };
  }
  return {
    ok: true,
    statements: asList<ParsedStatement>((parsed as Record<string, unknown>).Statement).map(
      fromJsonStatement,
    ),
  };
}

/** Whether a glob pattern with `*` and `?` (IAM's wildcards) matches `s`, case-insensitively. */
export function iamGlob(pattern: string, s: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    // The rules test each action against the same few hundred patterns.
    if (globs.size >= MAX_GLOBS) globs.clear();
    globs.set(pattern, (re = globRegExp(pattern)));
  }
  return re.test(s);
}

/**
 * A test of whether any of `patterns` (IAM globs) matches a string, case-insensitively: what
 * `patterns.some((p) => iamGlob(p, s))` answers, with one regular expression.
 */
export function anyIamGlob(patterns: readonly string[]): (s: string) => boolean {
  const re = new RegExp(`^(?:${patterns.map((p) => globBody(p)).join('|')})$`, 'i');
  return (s) => re.test(s);
}

const MAX_GLOBS = 10_000;
const globs = new Map<string, RegExp>();

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${globBody(pattern)}$`, 'i');
}

function globBody(pattern: string): string {
  return pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
}
