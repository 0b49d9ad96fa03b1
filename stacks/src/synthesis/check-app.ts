// With token-traces.ts, the one place that relies on cdktf 0.21's internals: `invokeAspects` (a
// deep import), `TerraformStack.ensureBackendExists`, and `app.synth()` calling each stack's
// `prepareStack()` and `toTerraform()` through the instance, which synthWithPolicy overrides to
// hand it the JSON already checked. synthesis.test.ts fails when any of them changes, and proves
// the output byte-identical to cdktf's own synthesis.
import { Environment } from '@automock/core';
import { App, TerraformResource, TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { IConstruct } from 'constructs';
import {
  CheckOptions,
  checkStacks,
  PolicyReport,
  PolicyViolationError,
  ProjectPolicyConfig,
  StackPolicyInput,
  taggableFromJson,
  TerraformJson,
  TfElement,
} from '@automock/guardrails';

/** How {@link checkApp} learns which environment and project each stack belongs to. */
export interface CheckAppOptions extends CheckOptions {
  /**
   * The environment a stack deploys into.
   * @default - the stack's `environment` field when it is an Environment, else none (non-production level)
   */
  readonly environmentFor?: (stack: TerraformStack) => Environment | undefined;
  /**
   * The environments sharing a stack that belongs to none alone (a bootstrap stack): their
   * suppressions apply to it, and the production level when any is production.
   * @default - the stack's `environments` field when it is a list of Environments, else none
   */
  readonly sharedBy?: (stack: TerraformStack) => readonly Environment[] | undefined;
  /**
   * The project a stack deploys, for its suppressions.
   * @default - the stack's `project` field when it has a `name`, else none
   */
  readonly projectFor?: (stack: TerraformStack) => ProjectPolicyConfig | undefined;
  /**
   * Whether stacks may refer to each other's attributes directly (cdktf cross-stack references).
   * cdktf discovers those in a "preparing" pass that resolves every token of every stack, which
   * is about a third of synthesis time. An app whose stacks share values another way (remote
   * state, fixed names) can skip that pass; cross-stack references would then be left unwired,
   * so an app that turns this off should test that its output is unchanged.
   * @default true
   */
  readonly crossStackReferences?: boolean;
}

function defaultEnvironment(stack: TerraformStack): Environment | undefined {
  const e = (stack as unknown as { environment?: Partial<Environment> }).environment;
  return e &&
    typeof e === 'object' &&
    typeof e.name === 'string' &&
    typeof e.production === 'boolean'
    ? (e as Environment)
    : undefined;
}

function defaultSharedBy(stack: TerraformStack): readonly Environment[] | undefined {
  const list = (stack as unknown as { environments?: unknown }).environments;
  return Array.isArray(list) &&
    list.every((e) => typeof e?.name === 'string' && typeof e?.production === 'boolean')
    ? (list as Environment[])
    : undefined;
}

function defaultProject(stack: TerraformStack): ProjectPolicyConfig | undefined {
  const p = (stack as unknown as { project?: Partial<ProjectPolicyConfig> }).project;
  return p && typeof p === 'object' && typeof p.name === 'string'
    ? (p as ProjectPolicyConfig)
    : undefined;
}

/**
 * Asks the provider classes which resources accept tags (they have a `tagsInput`), by Terraform
 * address: what {@link StackPolicyInput.isTaggable} answers for a stack that is no longer held.
 */
export function taggableAddresses(stack: TerraformStack): Record<string, boolean> {
  const known: Record<string, boolean> = {};
  for (const node of stack.node.findAll()) {
    if (node instanceof TerraformResource) {
      known[`${node.terraformResourceType}.${node.friendlyUniqueId}`] = 'tagsInput' in node;
    }
  }
  return known;
}

/** {@link taggableAddresses} as a predicate, falling back to the JSON for what it does not know. */
export function taggableFrom(known: Readonly<Record<string, boolean>>): (el: TfElement) => boolean {
  return (el) => (Object.hasOwn(known, el.address) ? known[el.address]! : taggableFromJson(el));
}

function taggableFromConstructs(stack: TerraformStack): (el: TfElement) => boolean {
  return taggableFrom(taggableAddresses(stack));
}

/**
 * Checks every stack of an app as `app.synth()` would write it, without writing anything: it
 * prepares each stack, runs its aspects (so aspect-added tags are seen) and reads
 * `stack.toTerraform()`. Aspects therefore run again in `app.synth()`; they must be idempotent,
 * as cdktf's own `Testing.synth` already assumes.
 */
export function checkApp(app: IConstruct, options: CheckAppOptions = {}): PolicyReport {
  return checkStacks(policyInputs(app, options), options);
}

/**
 * What {@link checkApp} checks: every stack of the app, prepared and with its aspects run, as
 * Terraform JSON with its environment and project. Writes nothing.
 */
export function policyInputs(app: IConstruct, options: CheckAppOptions = {}): StackPolicyInput[] {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  for (const s of stacks) {
    if (options.crossStackReferences === false) ensureBackend(s);
    else s.prepareStack();
  }
  const environmentFor = options.environmentFor ?? defaultEnvironment;
  const projectFor = options.projectFor ?? defaultProject;
  const sharedBy = options.sharedBy ?? defaultSharedBy;
  return stacks.map((s) => {
    invokeAspects(s);
    return {
      name: s.node.id,
      json: s.toTerraform() as TerraformJson,
      environment: environmentFor(s),
      sharedBy: sharedBy(s),
      project: projectFor(s),
      isTaggable: taggableFromConstructs(s),
    };
  });
}

/** The part of `prepareStack()` that is not the preparing resolve: a local backend if none is set. */
export function ensureBackend(stack: TerraformStack): void {
  const s = stack as unknown as { ensureBackendExists?: () => void };
  if (typeof s.ensureBackendExists !== 'function') {
    throw new Error(
      'crossStackReferences: false needs cdktf 0.21 TerraformStack.ensureBackendExists, which this cdktf lacks',
    );
  }
  s.ensureBackendExists();
}

/**
 * Checks the app and synthesises it only when no error was found, so a failing check writes no
 * stack file and no manifest.
 *
 * @throws PolicyViolationError when the check found errors (nothing is written).
 */
export function synthWithPolicy(app: App, options: CheckAppOptions = {}): PolicyReport {
  const inputs = policyInputs(app, options);
  const report = checkStacks(inputs, options);
  if (report.errors > 0) throw new PolicyViolationError(report);
  // app.synth() would prepare and resolve every stack again (two full resolve passes, the larger
  // part of synthesis time). The stacks are prepared already; hand it the JSON just checked: it
  // is what it would compute (aspects are idempotent), and the files written are then exactly
  // what the policy saw.
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const byName = new Map(inputs.map((i) => [i.name, i.json]));
  for (const s of stacks) {
    const json = byName.get(s.node.id);
    if (!json) continue;
    Object.defineProperty(s, 'prepareStack', { value: () => undefined, configurable: true });
    Object.defineProperty(s, 'toTerraform', { value: () => json, configurable: true });
  }
  try {
    app.synth();
  } finally {
    for (const s of stacks) {
      delete (s as { toTerraform?: unknown }).toTerraform;
      delete (s as { prepareStack?: unknown }).prepareStack;
    }
  }
  return report;
}
