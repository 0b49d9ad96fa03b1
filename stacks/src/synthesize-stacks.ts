import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { EnvironmentInventory } from '@automock/ci-access';
import { withSchemaVerdictMemo, type Environment, type Project } from '@automock/core';
import {
  checkStacks,
  PolicyReport,
  PolicyViolationError,
  StackPolicyInput,
  resourceCount,
  taggableFromJson,
  TfElement,
} from '@automock/guardrails';
import {
  AppPlan,
  BootstrapGroup,
  BuildAppOptions,
  canonicalStackNames,
  declaredProjectsOf,
  declaredWorkloadsOf,
  planApp,
} from './app-plan';
import { STACK_KIND_ORDER } from './stack-kinds';
import type { StackInfo, StackKind, StateOptions } from './automock-stack';
import {
  currentBundle,
  LoadedBundle,
  loadBundle,
  PROVIDERS_FILE,
  providersAllAtOnce,
} from './synthesis/bundle';
import { ManifestMemo, StagedManifest } from './synthesis/manifest';
import {
  appCodeFingerprint,
  CODE_DIGESTS,
  defaultCacheDir,
  StackCache,
} from './synthesis/stack-cache';
import { SCHEMA_VERDICTS, SchemaVerdictFile } from './synthesis/schema-verdicts';
import { WORKLOAD_DEFINITIONS, WorkloadDefinitionFile } from './synthesis/workload-memo';
import { GUARDRAIL_RESULTS, GuardrailResultFile } from './synthesis/guardrail-results';
import type * as Builder from './synthesis/stack-builder';
import type { ProviderModules } from './synthesis/providers';
import { buildInParallel, workerCount } from './synthesis/parallel';
import { buildOf, StackRecipe } from './synthesis/recipe';
import { withCheapTokenTraces } from './synthesis/token-traces';
import type { PlannedWorkload } from './workloads';

/** One stack to synthesise: what it is made from, and how to build it. */
export interface StackSpec {
  /** Stack name (its directory under `cdktf.out/stacks`). */
  readonly name: string;
  readonly kind: StackKind;
  /**
   * Everything the stack is made from besides the app's code (validated configuration, file
   * contents, what it derives from other stacks): plain data, hashed into its cache key. What
   * is not here or in the code must not change the stack.
   */
  readonly inputs: unknown;
  /** How the guardrails see it (level, suppressions). */
  readonly policy: Pick<StackPolicyInput, 'environment' | 'sharedBy' | 'project'>;
  /** Adds the stack to `app`, with the stack classes of the module that builds it. */
  readonly build: Builder.StackBuild;
  /**
   * The same construction as plain data, for a worker thread; undefined when it holds code (a
   * workload's builders given by a test), which only this thread can run.
   */
  readonly recipe?: StackRecipe;
}

/** A spec whose construction is its recipe, so this thread and a worker build the same stack. */
function fromRecipe(recipe: StackRecipe, rest: Pick<StackSpec, 'inputs' | 'policy'>): StackSpec {
  return { name: recipe.name, kind: recipe.kind, ...rest, build: buildOf(recipe), recipe };
}

/** The per-stack cache. */
export interface SynthCacheOptions {
  /** Where entries live. @default - `AUTOMOCK_SYNTH_CACHE_DIR`, else `stacks/node_modules/.cache/automock-synth` */
  readonly dir?: string;
  /**
   * Hash of the code shared by every stack; a different value invalidates every entry.
   * @default - the app's code, its workspace packages' build output, the lockfile and Node.js
   */
  readonly fingerprint?: string;
}

export interface SynthesizeStacksOptions extends BuildAppOptions {
  /**
   * Reuse stacks whose inputs and code are unchanged since an earlier synthesis, or `false` to
   * build every stack.
   * @default - on, unless `AUTOMOCK_SYNTH_CACHE=0`
   */
  readonly cache?: SynthCacheOptions | false;
}

/** What {@link synthesizeStacks} wrote. */
export interface SynthesizedStacks {
  /** Every stack written: bootstrap stacks, then environments, projects and workloads. */
  readonly stacks: readonly StackInfo[];
  readonly policy: PolicyReport;
  /** Stacks built and resolved in this run. */
  readonly built: readonly string[];
  /** Stacks restored from the cache. */
  readonly cached: readonly string[];
  /** Worker threads that built stacks beside this one (0: all in this thread). */
  readonly workers: number;
  /**
   * The stacks of `built` that worker threads built. A stack a worker failed is built again in
   * this thread, with the same files, and is not here.
   */
  readonly builtInWorkers: readonly string[];
  /**
   * Stacks a worker thread failed to build, with the worker's error, that this thread then built
   * (they are in `built`, not in `builtInWorkers`). Their files are right; the workers are not, and
   * a large synthesis is slower for it.
   */
  readonly workerFailures: readonly { readonly stack: string; readonly error: string }[];
  /**
   * Each stack's number of Terraform resources, by name: what its file's `resource` holds,
   * counted from the JSON synthesis kept (so a caller reporting them need not read every file).
   */
  readonly resources: Readonly<Record<string, number>>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const builders: {
  bundled?: LoadedBundle<typeof Builder>;
  providers?: LoadedBundle<ProviderModules>;
  modules?: typeof Builder;
} = {};

/** How a synthesis gets the module that builds stacks. */
interface BuilderSource {
  /** cdktf and what building any stack needs, loaded on first call. */
  readonly get: () => typeof Builder;
  /**
   * Says how many stacks this synthesis builds, before it builds them: past a few, the bundle's
   * provider modules are loaded all at once ({@link providersAllAtOnce}). The count is of the
   * environment, project and workload stacks; a bootstrap stack rebuilt after them (its
   * inventories changed) loads what it needs one by one.
   */
  readonly expect: (toBuild: number) => void;
  /** Keeps V8's code of the bundle for the next run, if it was loaded from the bundle. */
  readonly done: () => void;
  /** The bundle it loads, or undefined when it loads the modules. */
  readonly bundle?: string;
  /** The module of all the bundle's provider modules, when it is loaded (and worker threads load it). */
  readonly providers: () => string | undefined;
}

/**
 * The bundle `pnpm build` made of the stack builder (one file to read instead of several hundred
 * modules) while it is current, with V8's code cache for it in the synthesis cache; else the
 * modules. `AUTOMOCK_SYNTH_BUNDLE=0` always loads the modules. Workload builders given by the
 * caller were made against the modules' cdktf, so they are built with the modules too.
 */
function builderFor(plan: AppPlan, cache: SynthCache | undefined): BuilderSource {
  const bundle =
    plan.workloadBuilders === undefined && process.env.AUTOMOCK_SYNTH_BUNDLE !== '0'
      ? currentBundle(join(__dirname, 'synthesis'))
      : undefined;
  if (!bundle) {
    const get = () => (builders.modules ??= require('./synthesis/stack-builder') as typeof Builder);
    return {
      get,
      // Checked here too, so a wrong value is refused whether or not the bundle is used.
      expect: (toBuild) => void providersAllAtOnce(toBuild),
      done: () => undefined,
      providers: () => undefined,
    };
  }
  // Without the cache, only the code `pnpm build` shipped with the bundle is reused.
  const codeDir = cache?.store.dir;
  // Absent when the bundle holds the provider modules itself (AUTOMOCK_BUNDLE_LAZY_PROVIDERS=0).
  const providersFile = join(dirname(bundle), PROVIDERS_FILE);
  let all = false;
  let used = false;
  const loadAll = (exports: typeof Builder) => {
    if (builders.providers || !existsSync(providersFile)) return;
    builders.providers = loadBundle<ProviderModules>(providersFile, codeDir);
    exports.useProviderModules(builders.providers.exports);
  };
  const get = () => {
    used = true;
    builders.bundled ??= loadBundle<typeof Builder>(bundle, codeDir);
    if (all) loadAll(builders.bundled.exports);
    return builders.bundled.exports;
  };
  return {
    get,
    expect(toBuild) {
      all = providersAllAtOnce(toBuild);
      if (all && builders.bundled) loadAll(builders.bundled.exports);
    },
    done() {
      if (!used) return;
      builders.bundled?.saveCodeCache();
      builders.providers?.saveCodeCache();
    },
    bundle,
    providers: () => (all && existsSync(providersFile) ? providersFile : undefined),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

function environmentSpec(environment: Environment, state: StateOptions): StackSpec {
  return fromRecipe(
    { kind: 'environment', name: environment.name, props: { environment, ...state } },
    { inputs: { environment, state }, policy: { environment } },
  );
}

function projectSpec(project: Project, state: StateOptions): StackSpec {
  return fromRecipe(
    { kind: 'project', name: `${project.env.name}-${project.name}`, props: { project, ...state } },
    {
      inputs: { project, state },
      policy: {
        environment: project.env,
        project: { name: project.name, suppressions: project.suppressions },
      },
    },
  );
}

/**
 * A workload's stack. Keyed on its validated definition and on what it was declared from (the
 * YAML file's text, or the TypeScript object), so editing one workload rebuilds only its stacks.
 */
function workloadSpec(
  planned: PlannedWorkload,
  state: StateOptions,
  builders: AppPlan['workloadBuilders'],
): StackSpec {
  const { workload, content } = planned;
  const name = `${workload.env.name}-${workload.name}`;
  const rest = {
    // Builders given in place of the registry (tests) are code outside the app's fingerprint.
    inputs: {
      workload,
      content,
      state,
      builders: builders?.map((b) => `${b.key}:${b.order}:${String(b.build)}`),
    },
    policy: {
      environment: workload.env,
      project: { name: workload.name, suppressions: workload.suppressions },
    },
  };
  if (!builders) return fromRecipe({ kind: 'workload', name, props: { workload, ...state } }, rest);
  return {
    name,
    kind: 'workload',
    ...rest,
    build: (app, classes) => new (classes.workload())(app, { workload, builders, ...state }),
  };
}

function bootstrapSpec(
  group: BootstrapGroup,
  inventories: Record<string, EnvironmentInventory>,
  state: StateOptions,
): StackSpec {
  return fromRecipe(
    {
      kind: 'bootstrap',
      name: group.name,
      props: { environments: group.environments, inventories, ...state },
    },
    {
      inputs: { environments: group.environments, inventories, state },
      policy: { sharedBy: group.environments },
    },
  );
}

/** The union of stacks' inventories: what `inventoryOf` gives for the stacks together. */
export function mergeInventories(parts: readonly EnvironmentInventory[]): EnvironmentInventory {
  const union = (pick: (i: EnvironmentInventory) => readonly string[]) =>
    [...new Set(parts.flatMap(pick))].sort();
  return {
    resources: union((i) => i.resources),
    dataSources: union((i) => i.dataSources),
    roleActions: union((i) => i.roleActions),
    roleServices: union((i) => i.roleServices),
    attachedPolicyArns: union((i) => i.attachedPolicyArns),
    // Issue 13: the secrets CI may read (a stack's inventory lists them; an empty list reads none).
    secretVersionNames: union((i) => i.secretVersionNames ?? []),
  };
}

/** The context an App would end with: the one given, then `CDKTF_CONTEXT_JSON` over it. */
function effectiveContext(context: Record<string, unknown> | undefined): unknown {
  const fromEnv = process.env.CDKTF_CONTEXT_JSON;
  return { ...(context ?? {}), ...(fromEnv ? (JSON.parse(fromEnv) as object) : {}) };
}

interface SynthCache {
  readonly store: StackCache<Builder.StackMeta>;
  readonly fingerprint: string;
}

function openCache(option: SynthCacheOptions | false | undefined): SynthCache | undefined {
  // HCL output is written by another path of cdktf, which this one does not cache.
  if (option === false || process.env.AUTOMOCK_SYNTH_CACHE === '0') return undefined;
  if (process.env.SYNTH_HCL_OUTPUT !== undefined) return undefined;
  const dir = option?.dir ?? defaultCacheDir();
  return {
    store: new StackCache<Builder.StackMeta>(dir),
    fingerprint: option?.fingerprint ?? appCodeFingerprint(join(dir, CODE_DIGESTS)),
  };
}

/**
 * Synthesises the app one stack at a time: each is built in an App of its own, resolved once,
 * written and dropped, so memory holds one construct tree (plus every stack's JSON for the
 * guardrails), not the whole fleet's. A stack whose inputs ({@link StackSpec.inputs}) and code
 * are unchanged since an earlier run is restored from the cache instead. The files written are
 * byte for byte what `buildApp(options).synth()` writes (synthesis.test.ts).
 *
 * Bootstrap stacks come last: their CI permissions are the union of what each environment's
 * canonical stacks hold, kept per stack (or built aside when not part of this run).
 *
 * Everything is written to a directory beside `outdir` and moved into it only when the
 * guardrails found no error.
 *
 * @throws ConfigValidationError for invalid configuration, PolicyViolationError for a policy
 *   error; in both cases `outdir` is left as it was.
 */
export function synthesizeStacks(options: SynthesizeStacksOptions = {}): SynthesizedStacks {
  return withCheapTokenTraces(() => {
    const cache = openCache(options.cache);
    // Embedded JSON Schemas already judged with this code are not checked (nor ajv loaded) again:
    // while planning, and when the bootstrap stacks' inventories validate declared projects.
    const verdicts =
      cache && new SchemaVerdictFile(join(cache.store.dir, SCHEMA_VERDICTS), cache.fingerprint);
    // Declared YAML workloads defined before are not parsed or checked (nor yaml or ajv loaded)
    // again. Kept only when the synthesis succeeds: an error leaves the cache as it was.
    const workloads =
      cache &&
      new WorkloadDefinitionFile(join(cache.store.dir, WORKLOAD_DEFINITIONS), cache.fingerprint);
    try {
      const result = withSchemaVerdictMemo(verdicts, () =>
        synthesizePlan(planApp(options, workloads), options, cache),
      );
      workloads?.save();
      return result;
    } finally {
      verdicts?.save();
    }
  });
}

interface StackResult {
  readonly spec: StackSpec;
  readonly meta: Builder.StackMeta;
  /** Its cache key, when the cache is on. */
  readonly key: string | undefined;
}

function synthesizePlan(
  plan: AppPlan,
  options: SynthesizeStacksOptions,
  cache: SynthCache | undefined,
): SynthesizedStacks {
  const outdir = resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = mkdtempSync(join(dirname(outdir), `.${basename(outdir)}.staging-`));
  try {
    const shared = {
      context: effectiveContext(options.context),
      continueOnErrorAnnotations: process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS ?? null,
    };
    const keyOf = (spec: StackSpec) =>
      cache &&
      StackCache.key(cache.fingerprint, {
        shared,
        kind: spec.kind,
        name: spec.name,
        inputs: spec.inputs,
      });
    const ctx = { outdir: staging, context: options.context };
    const source = builderFor(plan, cache);
    const builder = source.get;
    const manifest = new StagedManifest(staging, (dir) => builder().newManifest(dir));
    const built: string[] = [];
    const cached: string[] = [];
    const results: StackResult[] = [];

    /** A spec's cache key and cache entry, read once per spec. */
    const lookup = (spec: StackSpec) => {
      const key = keyOf(spec);
      return { key, hit: cache && key ? cache.store.get(key) : undefined };
    };
    /** Restores `spec` from the cache, takes it as built ahead (`pre`), or builds it now. */
    const synth = (
      spec: StackSpec,
      { key, hit } = lookup(spec),
      pre?: Builder.StackMeta,
    ): StackResult => {
      let meta: Builder.StackMeta;
      if (pre) {
        manifest.stacks[spec.name] = pre.manifest;
        meta = pre;
        if (cache && key) cache.store.put(key, meta, join(staging, meta.manifest.workingDirectory));
        built.push(spec.name);
      } else if (cache && key && hit) {
        cache.store.restore(key, join(staging, hit.manifest.workingDirectory));
        manifest.stacks[spec.name] = hit.manifest;
        meta = hit;
        cached.push(spec.name);
      } else {
        meta = builder().synthesizeStack(spec.build, ctx, manifest.cdktf());
        if (cache && key) cache.store.put(key, meta, join(staging, meta.manifest.workingDirectory));
        built.push(spec.name);
      }
      const result = { spec, meta, key };
      results.push(result);
      return result;
    };

    const specs = [
      ...plan.selected.map((env) => environmentSpec(env, plan.state)),
      ...plan.projects.map((project) => projectSpec(project, plan.state)),
      ...plan.workloads.map((w) => workloadSpec(w, plan.state, plan.workloadBuilders)),
    ];
    // A large fleet's stacks are built ahead in worker threads (and this one), each with a
    // manifest of its own; their entries join the manifest below in the specs' order, as a
    // sequential synthesis adds them.
    const found = specs.map(lookup);
    const ahead: (Builder.StackMeta | undefined)[] = [];
    const toBuild = specs
      .map((spec, i) => ({ spec, i }))
      .filter(({ spec, i }) => spec.recipe && !found[i]!.hit);
    source.expect(toBuild.length);
    const workers = workerCount(toBuild.length);
    const builtInWorkers: string[] = [];
    const workerFailures: { stack: string; error: string }[] = [];
    if (workers > 0) {
      const providers = source.providers();
      const { metas, inWorkers, workerErrors } = buildInParallel(
        toBuild.map(({ spec }) => ({ recipe: spec.recipe!, ctx })),
        (job) =>
          builder().synthesizeStack(
            buildOf(job.recipe),
            job.ctx,
            builder().newManifest(job.ctx.outdir),
          ),
        {
          workers,
          ...(source.bundle ? { bundle: source.bundle } : {}),
          ...(providers ? { providers } : {}),
          ...(cache ? { codeCacheDir: cache.store.dir } : {}),
        },
      );
      toBuild.forEach(({ i }, k) => (ahead[i] = metas[k]));
      builtInWorkers.push(...inWorkers.map((k) => toBuild[k]!.spec.name));
      for (const { index, error } of workerErrors)
        workerFailures.push({ stack: toBuild[index]!.spec.name, error });
    }
    specs.forEach((spec, i) => synth(spec, found[i], ahead[i]));

    // A stack of this run stands for the canonical stack of its name (as in buildApp).
    const inventoryOf = (spec: StackSpec): EnvironmentInventory => {
      const present = results.find((r) => r.spec.name === spec.name);
      if (present) return present.meta.inventory;
      const key = keyOf(spec);
      const hit = cache && key ? cache.store.get(key) : undefined;
      if (hit) return hit.inventory;
      if (!cache || !key) return builder().inventoryOnly(spec.build, ctx);
      // Written aside and cached, so the next run (e.g. `--env dev` again) reads it back.
      const aside = mkdtempSync(join(dirname(outdir), `.${basename(outdir)}.aside-`));
      try {
        const meta = builder().synthesizeStack(
          spec.build,
          { ...ctx, outdir: aside },
          builder().newManifest(aside),
        );
        cache.store.put(key, meta, join(aside, meta.manifest.workingDirectory));
        return meta.inventory;
      } finally {
        rmSync(aside, { recursive: true, force: true });
      }
    };
    for (const group of plan.groups) {
      const inventories: Record<string, EnvironmentInventory> = {};
      for (const env of group.environments) {
        const specs = [
          environmentSpec(env, plan.state),
          ...declaredProjectsOf(env, plan.all).map((p) => projectSpec(p, plan.state)),
          ...declaredWorkloadsOf(plan, env).map((w) =>
            workloadSpec(w, plan.state, plan.workloadBuilders),
          ),
        ];
        const names = canonicalStackNames(env, plan.declaredWorkloadSources);
        inventories[env.name] = mergeInventories(
          specs.filter((s) => names.includes(s.name)).map(inventoryOf),
        );
      }
      synth(bootstrapSpec(group, inventories, plan.state));
    }

    // What the rules found in a stack is kept with its cache key; checkStacks adds to the key
    // what else they read (the app's state buckets and lock tables, levels), and applies the
    // suppressions afresh, so findings across stacks are as a full check makes them.
    const ruleResults =
      cache && new GuardrailResultFile(join(cache.store.dir, GUARDRAIL_RESULTS), cache.fingerprint);
    const report = checkStacks(
      results.map(({ spec, meta, key }) => ({
        name: spec.name,
        json: meta.json,
        ...spec.policy,
        isTaggable: taggableFrom(meta.taggable),
        ...(key ? { contentKey: key } : {}),
      })),
      ruleResults ? { results: ruleResults } : {},
    );
    if (report.errors > 0) throw new PolicyViolationError(report);
    ruleResults?.save();
    manifest.write(cache && manifestMemo(cache.store.dir, cache.fingerprint));
    install(staging, outdir);
    source.done();
    cache?.store.prune();
    const order = STACK_KIND_ORDER;
    return {
      stacks: results
        .map((r, i) => ({ info: r.meta.info, i }))
        .sort((a, b) => order[a.info.kind] - order[b.info.kind] || a.i - b.i)
        .map((r) => r.info),
      policy: report,
      built,
      cached,
      workers,
      builtInWorkers,
      workerFailures,
      resources: Object.fromEntries(
        results.map(({ spec, meta }) => [spec.name, resourceCount(meta.json)]),
      ),
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** `manifest.json` texts kept in the stack cache, keyed by the entries they were written for. */
function manifestMemo(dir: string, fingerprint: string): ManifestMemo {
  const store = new StackCache<{ readonly text: string }>(dir);
  const keyOf = (entries: unknown) => StackCache.key(fingerprint, { manifestJson: entries });
  return {
    get: (entries) => store.get(keyOf(entries))?.text,
    put: (entries, text) => store.put(keyOf(entries), { text }),
  };
}

/** check-app's `taggableFrom`, without loading cdktf: known addresses, else the JSON's judgement. */
function taggableFrom(known: Readonly<Record<string, boolean>>): (el: TfElement) => boolean {
  return (el) => (Object.hasOwn(known, el.address) ? known[el.address]! : taggableFromJson(el));
}

/**
 * Moves the staged output into `outdir`: the whole directory when there is none yet, else each
 * stack's directory (replacing its previous files) and the manifest.
 */
function install(staging: string, outdir: string): void {
  if (!existsSync(outdir)) {
    renameSync(staging, outdir);
    return;
  }
  mkdirSync(join(outdir, 'stacks'), { recursive: true });
  for (const name of readdirSync(join(staging, 'stacks'))) {
    const target = join(outdir, 'stacks', name);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, 'stacks', name), target);
  }
  renameSync(join(staging, 'manifest.json'), join(outdir, 'manifest.json'));
}
