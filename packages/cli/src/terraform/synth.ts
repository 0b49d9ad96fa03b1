import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigValidationError } from '@automock/core';
import { type PolicyReport, resourceCount, type TerraformJson } from '@automock/guardrails';
import type { BuildAppOptions, StackInfo } from '@automock/stacks';
import { loadAppModule, loadSynthesizer } from '../environment/app-module';
import { cdktfContext } from '../environment/project-root';

/** One synthesised stack. */
export interface SynthesizedStack extends StackInfo {
  /** Number of Terraform resources in the stack. */
  readonly resources: number;
  /** Path of the stack's `cdk.tf.json`, relative to the output directory. */
  readonly file: string;
}

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: readonly SynthesizedStack[];
  readonly durationMs: number;
  /** The guardrails' report; synthesis stops (writing nothing) when it has errors. */
  readonly policy: PolicyReport;
  /**
   * Stacks a worker thread failed to build and this process built instead, with the worker's
   * error: the output is right, but a large synthesis lost its parallelism.
   */
  readonly workerFailures: readonly { readonly stack: string; readonly error: string }[];
}

export interface SynthOptions extends Omit<BuildAppOptions, 'outdir' | 'context'> {
  /** Repository root (holds cdktf.json). */
  readonly root: string;
  /** Output directory. @default '<root>/cdktf.out' */
  readonly outDir?: string;
}

interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

function countResources(file: string): number {
  return resourceCount(JSON.parse(readFileSync(file, 'utf8')) as TerraformJson);
}

/** A synthesis that failed on what the user gave, kept for the next call with the same options. */
let failedOnInput: { readonly key: string; readonly error: Error } | undefined;

function attemptKey(options: SynthOptions): string {
  return JSON.stringify(options, (_k, v: unknown) => (typeof v === 'function' ? String(v) : v));
}

/**
 * Whether `error` is a verdict on the configuration (invalid input, a guardrails error), which
 * synthesising the same options again would reach again. Anything else (a file system error, a
 * module that failed to load) is not.
 */
function isVerdict(error: unknown): error is Error {
  return (
    error instanceof ConfigValidationError ||
    (error instanceof Error && error.name === 'PolicyViolationError')
  );
}

/**
 * Like {@link synthesize}, and when it fails on the configuration, the next {@link synthesize}
 * with the same options (the oclif command reporting the failure, after the `synth` fast path)
 * throws the same error again instead of synthesising a second time. Nothing was written either
 * time.
 */
export function synthesizeOnce(options: SynthOptions): SynthResult {
  try {
    return synthesize(options);
  } catch (e) {
    if (isVerdict(e)) failedOnInput = { key: attemptKey(options), error: e };
    throw e;
  }
}

/**
 * Synthesises the app in this process into a temporary directory beside `outDir`, then swaps it
 * into place, so a failure (invalid configuration, policy error) leaves the previous output intact.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const earlier = failedOnInput;
  failedOnInput = undefined;
  if (earlier && earlier.key === attemptKey(options)) throw earlier.error;
  const started = process.hrtime.bigint();
  const outDir = resolve(options.outDir ?? join(options.root, 'cdktf.out'));
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(outDir)}.tmp-${process.pid}-${Date.now()}`);
  try {
    const synthesizeStacks = loadSynthesizer();
    const { root: _root, outDir: _out, ...appOptions } = options;
    const buildOptions = { ...appOptions, outdir: tmp, context: cdktfContext(options.root) };
    // Same path as main.ts (`cdktf synth`); throws before anything is written.
    let infos: readonly StackInfo[];
    let policy: PolicyReport;
    // Counted by the streamed synthesis from the JSON it kept; otherwise read from the files.
    let counted: Readonly<Record<string, number>> | undefined;
    let workerFailures: SynthResult['workerFailures'] = [];
    if (synthesizeStacks) {
      ({
        stacks: infos,
        policy,
        resources: counted,
        workerFailures,
      } = synthesizeStacks(buildOptions));
    } else {
      const app = loadAppModule();
      const whole = app.synthesizeApp(buildOptions);
      infos = app.AutomockStack.all(whole.app).map((s) => s.info);
      policy = whole.policy;
    }
    const manifest = JSON.parse(readFileSync(join(tmp, 'manifest.json'), 'utf8')) as Manifest;
    const stacks = infos.map((info) => {
      const file =
        manifest.stacks[info.name]?.synthesizedStackPath ?? `stacks/${info.name}/cdk.tf.json`;
      return {
        ...info,
        file,
        resources: counted?.[info.name] ?? countResources(join(tmp, file)),
      };
    });
    replaceDir(tmp, outDir);
    return {
      outDir,
      stacks,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      policy,
      workerFailures,
    };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function replaceDir(from: string, to: string): void {
  const old = `${from}.old`;
  if (existsSync(to)) renameSync(to, old);
  try {
    renameSync(from, to);
  } catch (e) {
    if (existsSync(old)) renameSync(old, to);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
