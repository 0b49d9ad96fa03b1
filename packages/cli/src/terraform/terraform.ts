import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { CliError } from '../errors';
import { formatMs } from '../presentation/format';
import { describeTerraformFailure } from './terraform-errors';

/** Oldest terraform the CLI accepts: 1.10 brought S3-native state locking (`use_lockfile`). */
export const MIN_TERRAFORM_VERSION = '1.10.0';

const INSTALL_HELP = [
  'Install Terraform 1.10 or later: https://developer.hashicorp.com/terraform/install',
  '(macOS: brew install hashicorp/tap/terraform; Debian/Ubuntu: apt-get install terraform from the HashiCorp apt repository)',
  'or point TERRAFORM_BINARY_NAME at an existing binary',
];

/** A terraform problem the user can act on; `suggestions` say how. */
export class TerraformError extends CliError {
  override name = 'TerraformError';
}

/** Terraform stopped because the user pressed Ctrl-C; it was given the chance to release its lock. */
export class TerraformInterruptedError extends TerraformError {
  constructor(step: string) {
    super(
      `Interrupted during terraform ${step}: terraform was asked to stop and has exited (it releases the state lock when it stops cleanly)`,
      ['Run the same command again to finish', 'automock status'],
      130,
    );
    this.name = 'TerraformInterruptedError';
  }
}

/** Where output goes: progress lines (stderr) and terraform's own output with `verbose`. */
export interface RunnerOutput {
  /** A progress line (never terraform's raw output). */
  progress(line: string): void;
  /** A chunk of terraform's output, only called with `verbose`. */
  stream(chunk: string): void;
}

export interface TerraformRunnerOptions {
  /** Stream terraform's output instead of one progress line per step. @default false */
  readonly verbose?: boolean;
  /** Extra environment for terraform. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default progress and stream to stderr */
  readonly output?: RunnerOutput;
  /** Terraform binary (name on PATH or path). @default TERRAFORM_BINARY_NAME or 'terraform' */
  readonly binary?: string;
}

/** Result of one terraform invocation. */
export interface StepResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** A located terraform binary. */
export interface TerraformBinary {
  readonly path: string;
  readonly version: string;
}

const stderrOutput: RunnerOutput = {
  progress: (l) => process.stderr.write(`${l}\n`),
  stream: (c) => process.stderr.write(c),
};

/** Compares dotted versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes('/') || isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Finds terraform (TERRAFORM_BINARY_NAME, else `terraform` on PATH) and checks it is at least
 * {@link MIN_TERRAFORM_VERSION}.
 */
export function locateTerraform(
  env: NodeJS.ProcessEnv = process.env,
  binary?: string,
): TerraformBinary {
  const name = binary ?? env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const path = which(name, env);
  if (!path) {
    throw new TerraformError(
      `Terraform not found: no ${JSON.stringify(name)} ${name.includes('/') ? 'file' : 'on PATH'}`,
      INSTALL_HELP,
      127,
    );
  }
  const res = spawnSync(path, ['version', '-json'], { env, encoding: 'utf8', timeout: 30_000 });
  let version: string | undefined;
  try {
    version = (JSON.parse(res.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    version = /Terraform v(\d+\.\d+\.\d+)/.exec(res.stdout ?? '')?.[1];
  }
  if (!version) {
    throw new TerraformError(
      `Could not read the version of ${path} (exit ${res.status ?? res.signal}): ${(res.stderr || res.stdout || '').trim().slice(0, 200)}`,
      INSTALL_HELP,
    );
  }
  if (compareVersions(version, MIN_TERRAFORM_VERSION) < 0) {
    throw new TerraformError(
      `Terraform ${version} at ${path} is too old: AutoMock needs ${MIN_TERRAFORM_VERSION} or later (S3 state lock files)`,
      INSTALL_HELP,
    );
  }
  return { path, version };
}

/** Hash of the backend block of a synthesised stack; a change means `init -reconfigure`. */
export function backendHash(stackJson: string): string {
  const parsed = JSON.parse(stackJson) as { terraform?: { backend?: unknown } };
  return createHash('sha256')
    .update(JSON.stringify(parsed.terraform?.backend ?? null))
    .digest('hex');
}

const BACKEND_HASH_FILE = join('.terraform', 'automock-backend.sha256');

/**
 * Runs terraform for the CLI: one step at a time, each with a progress line (or streamed output
 * with `verbose`), Ctrl-C forwarded once to terraform so it can stop and release its state lock,
 * and failures turned into messages that say what to do.
 */
export class TerraformRunner {
  readonly binary: TerraformBinary;
  private readonly verbose: boolean;
  private readonly env: NodeJS.ProcessEnv;
  private readonly out: RunnerOutput;

  constructor(options: TerraformRunnerOptions = {}) {
    this.env = {
      ...(options.env ?? process.env),
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    };
    this.binary = locateTerraform(this.env, options.binary);
    this.verbose = options.verbose ?? false;
    this.out = options.output ?? stderrOutput;
  }

  /**
   * `init -input=false`; adds `-reconfigure` when the stack's backend block changed since the last
   * init in `dir` (or `-migrate-state -force-copy` with `migrateState`).
   */
  async init(
    dir: string,
    label: string,
    opts: { migrateState?: boolean } = {},
  ): Promise<StepResult> {
    const stackFile = join(dir, 'cdk.tf.json');
    const hash = existsSync(stackFile) ? backendHash(readFileSync(stackFile, 'utf8')) : '';
    const hashFile = join(dir, BACKEND_HASH_FILE);
    const previous = existsSync(hashFile) ? readFileSync(hashFile, 'utf8').trim() : undefined;
    const args = ['init', '-input=false', '-no-color'];
    if (opts.migrateState) args.push('-migrate-state', '-force-copy');
    else if (previous !== undefined && previous !== hash) args.push('-reconfigure');
    const res = await this.step(dir, label, 'init', args);
    mkdirSync(join(dir, '.terraform'), { recursive: true });
    writeFileSync(hashFile, `${hash}\n`);
    return res;
  }

  /**
   * `plan -out=<planFile>`; returns whether there are changes (`-detailed-exitcode`).
   */
  async plan(
    dir: string,
    label: string,
    planFile: string,
    opts: { destroy?: boolean } = {},
  ): Promise<{ changes: boolean } & StepResult> {
    const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${planFile}`];
    if (opts.destroy) args.push('-destroy');
    const res = await this.step(dir, label, opts.destroy ? 'plan -destroy' : 'plan', args, [0, 2]);
    return { ...res, changes: res.exitCode === 2 };
  }

  /** `show -json <planFile>`: the plan as JSON. */
  async showPlan(dir: string, label: string, planFile: string): Promise<string> {
    return (
      await this.step(dir, label, 'show', ['show', '-json', '-no-color', planFile], [0], true)
    ).stdout;
  }

  /** Applies exactly the saved plan. */
  async apply(dir: string, label: string, planFile: string): Promise<StepResult> {
    return this.step(dir, label, 'apply', [
      'apply',
      '-input=false',
      '-no-color',
      '-auto-approve',
      planFile,
    ]);
  }

  /** Root outputs, strings only (URLs, names); sensitive ones are left out. */
  async outputs(dir: string, label: string): Promise<Record<string, string>> {
    const res = await this.step(dir, label, 'output', ['output', '-json', '-no-color'], [0], true);
    const raw = JSON.parse(res.stdout || '{}') as Record<
      string,
      { value: unknown; sensitive?: boolean }
    >;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (v.sensitive) continue;
      if (typeof v.value === 'string') out[k] = v.value;
      else if (typeof v.value === 'number' || typeof v.value === 'boolean')
        out[k] = String(v.value);
    }
    return out;
  }

  /** Runs terraform with `args` in `dir`; throws {@link TerraformError} unless the exit code is in `ok`. */
  async step(
    dir: string,
    label: string,
    what: string,
    args: readonly string[],
    ok: readonly number[] = [0],
    quiet = false,
  ): Promise<StepResult> {
    const started = Date.now();
    const interactive = Boolean(process.stderr.isTTY);
    if (!quiet && !this.verbose && interactive) this.out.progress(`  ${label}: ${what}...`);
    if (this.verbose && !quiet) this.out.progress(`$ terraform ${args.join(' ')}  (in ${dir})`);
    const res = await this.spawn(dir, args, what, quiet);
    const elapsed = formatMs(res.durationMs);
    if (!ok.includes(res.exitCode)) {
      if (!quiet && !this.verbose) this.out.progress(`  ${label}: ${what} failed after ${elapsed}`);
      const d = describeTerraformFailure(`${res.stderr}\n${res.stdout}`, { label, dir, what });
      throw new TerraformError(d.message, d.suggestions);
    }
    if (!quiet) this.out.progress(`  ${label}: ${what} done in ${elapsed}`);
    return { ...res, durationMs: Date.now() - started };
  }

  private spawn(
    dir: string,
    args: readonly string[],
    what: string,
    quiet: boolean,
  ): Promise<StepResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      // Own process group: a terminal Ctrl-C reaches only us, and we forward exactly one SIGINT.
      // Two would make terraform abort at once without releasing its lock.
      const child = spawn(this.binary.path, args, {
        cwd: dir,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
      let stdout = '';
      let stderr = '';
      let interrupted = 0;
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (c: string) => {
        stdout += c;
        if (this.verbose && !quiet) this.out.stream(c);
      });
      child.stderr.on('data', (c: string) => {
        stderr += c;
        if (this.verbose && !quiet) this.out.stream(c);
      });
      const onSigint = () => {
        interrupted++;
        if (interrupted === 1) {
          this.out.progress(
            `  Ctrl-C: asking terraform to stop ${what} and release its lock (press Ctrl-C again to kill it, which may leave the state locked)`,
          );
          child.kill('SIGINT');
        } else {
          child.kill('SIGKILL');
        }
      };
      process.on('SIGINT', onSigint);
      const done = () => process.off('SIGINT', onSigint);
      child.on('error', (err) => {
        done();
        reject(new TerraformError(`Could not run ${this.binary.path}: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        done();
        if (interrupted > 0) {
          reject(new TerraformInterruptedError(what));
          return;
        }
        resolve({
          exitCode: code ?? (signal ? 128 : 1),
          stdout,
          stderr,
          durationMs: Date.now() - started,
        });
      });
    });
  }
}
