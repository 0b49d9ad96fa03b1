// The part of streamed synthesis that needs cdktf and the provider classes: loaded only when a
// stack has to be built (synthesize-stacks.ts requires it on first use). `pnpm build` also bundles
// this module with everything it loads (scripts/bundle-builder.js): what crosses between it and
// its caller is plain data, functions, and the objects this module made (apps, manifests).
import type { EnvironmentInventory } from '@automock/ci-access';
import type { TerraformJson } from '@automock/guardrails';
import { App, Manifest, StackManifest } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { AutomockStack, StackInfo } from '../automock-stack';
import { inventoryOf } from '../ci-inventory';
import { ensureBackend, taggableAddresses } from './check-app';
import { bundleProviders, ProviderModules } from './providers';

export { newManifest } from './manifest';

/**
 * In the builder bundle, the provider modules not yet loaded come from `modules` (what
 * `PROVIDERS_FILE` exports) instead of one file each. Without the bundle, it changes nothing.
 */
export function useProviderModules(modules: ProviderModules): void {
  bundleProviders.useModules(modules);
}

/** In the builder bundle, the provider modules loaded so far; without it, none. */
export function loadedProviders(): string[] {
  return bundleProviders.names();
}

/* eslint-disable @typescript-eslint/no-require-imports */
// Each stack class (and the provider classes it imports) is loaded when a stack of its kind is
// built, so rebuilding one project stack does not load the environment and bootstrap stacks'.
// The classes come from here, beside cdktf, so that the bundle's stacks use the bundle's cdktf.
export const stackClasses = {
  environment: () =>
    (require('../environment-stack') as typeof import('../environment-stack')).EnvironmentStack,
  project: () => (require('../project-stack') as typeof import('../project-stack')).ProjectStack,
  bootstrap: () =>
    (require('../bootstrap-stack') as typeof import('../bootstrap-stack')).BootstrapStack,
  workload: () =>
    (require('../workload-stack') as typeof import('../workload-stack')).WorkloadStack,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The stack classes, each loaded on first use. */
export type StackClasses = typeof stackClasses;

/** Adds a stack to `app`, made with the classes of the module that builds it. */
export type StackBuild = (app: App, classes: StackClasses) => AutomockStack;

/** What synthesis keeps of a stack once its constructs are gone (and what the cache stores). */
export interface StackMeta {
  readonly info: StackInfo;
  /** Its entry of `manifest.json`, as cdktf made it. */
  readonly manifest: StackManifest;
  /** What it holds, for the CI roles of its environment (one stack's part; they are unions). */
  readonly inventory: EnvironmentInventory;
  /** Which resources accept tags, by Terraform address (for the guardrails). */
  readonly taggable: Readonly<Record<string, boolean>>;
  /** `toTerraform()`, as the guardrails check it. */
  readonly json: TerraformJson;
}

/** Where a stack is built and written. */
export interface BuildContext {
  readonly outdir: string;
  readonly context?: Record<string, unknown>;
}

function appFor(ctx: BuildContext): App {
  return new App({ outdir: ctx.outdir, ...(ctx.context ? { context: ctx.context } : {}) });
}

/**
 * Builds one stack in an App of its own, resolves it once, and writes it into `ctx.outdir` with
 * cdktf's own stack synthesizer (aspects, validations, assets, annotations, the file), recording
 * it in `manifest`. The same steps as `synthWithPolicy` for one stack; the App and its constructs
 * can be dropped afterwards.
 */
export function synthesizeStack(
  build: StackBuild,
  ctx: BuildContext,
  manifest: Manifest,
): StackMeta {
  const app = appFor(ctx);
  const stack = build(app, stackClasses);
  ensureBackend(stack);
  invokeAspects(stack);
  const json = stack.toTerraform() as TerraformJson;
  const inventory = inventoryOf([stack]);
  const taggable = taggableAddresses(stack);
  Object.defineProperty(stack, 'prepareStack', { value: () => undefined, configurable: true });
  Object.defineProperty(stack, 'toTerraform', { value: () => json, configurable: true });
  stack.synthesizer.synthesize({
    outdir: ctx.outdir,
    skipValidation: app.skipValidation,
    manifest,
  });
  const errors = app.node.validate();
  if (errors.length > 0)
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  return { info: stack.info, manifest: manifest.stacks[stack.node.id]!, inventory, taggable, json };
}

/** What a stack holds for the CI roles, built aside and never written. */
export function inventoryOnly(build: StackBuild, ctx: BuildContext): EnvironmentInventory {
  return inventoryOf([build(appFor(ctx), stackClasses)]);
}
