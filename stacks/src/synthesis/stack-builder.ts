// The part of streamed synthesis that needs cdktf and the provider classes: loaded only when a
// stack has to be built (synthesize-stacks.ts requires it on first use).
import type { EnvironmentInventory } from '@automock/ci-access';
import type { TerraformJson } from '@automock/guardrails';
import { App, Manifest, StackManifest } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { AutomockStack, StackInfo } from '../automock-stack';
import { inventoryOf } from '../ci-inventory';
import { ensureBackend, taggableAddresses } from './check-app';

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
  build: (app: App) => AutomockStack,
  ctx: BuildContext,
  manifest: Manifest,
): StackMeta {
  const app = appFor(ctx);
  const stack = build(app);
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
export function inventoryOnly(
  build: (app: App) => AutomockStack,
  ctx: BuildContext,
): EnvironmentInventory {
  return inventoryOf([build(appFor(ctx))]);
}
