/**
 * A recording fake `terraform` for tests: a small node script written into a temporary directory.
 * Every call appends { argv, cwd, env (AWS_*, TF_*, FAKE_*) } to `calls.jsonl`; what each
 * subcommand does (exit code, output, hanging until SIGINT) comes from `script.json`, which tests
 * rewrite between runs. `plan` writes its `-out` file; `show` prints `planJson`; `output` prints
 * `outputs`.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one subcommand does. */
export interface FakeStep {
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  /** Write `<sub>.started`, then wait for SIGINT (record it in signals.log, exit 1 after 300 ms). */
  readonly hang?: boolean;
}

export interface FakeScript {
  /** Reported by `terraform version -json`. @default '1.11.0' */
  readonly version?: string;
  /** By subcommand (`init`, `plan`, `plan-destroy`, `apply`, `show`, `output`). */
  readonly steps?: Readonly<Record<string, FakeStep>>;
  /** What `show -json` prints. */
  readonly planJson?: unknown;
  /** What `output -json` prints. */
  readonly outputs?: Record<string, { value: unknown; sensitive?: boolean }>;
}

export interface FakeCall {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

const SCRIPT = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const dir = ${JSON.stringify('__DIR__')};
const args = process.argv.slice(2);
const sub = args.find((a) => !a.startsWith('-')) || '';
const script = JSON.parse(fs.readFileSync(path.join(dir, 'script.json'), 'utf8'));
const env = {};
for (const [k, v] of Object.entries(process.env)) if (/^(AWS_|TF_|FAKE_)/.test(k)) env[k] = v;
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ argv: args, cwd: process.cwd(), env }) + '\\n');
if (sub === 'version') {
  process.stdout.write(JSON.stringify({ terraform_version: script.version || '1.11.0' }));
  process.exit(0);
}
const key = sub === 'plan' && args.includes('-destroy') ? 'plan-destroy' : sub;
const step = (script.steps || {})[key] || {};
if (sub === 'plan') {
  const out = args.find((a) => a.startsWith('-out='));
  if (out) fs.writeFileSync(path.resolve(out.slice(5)), 'fake plan');
}
if (sub === 'show') process.stdout.write(JSON.stringify(script.planJson || { format_version: '1.2', resource_changes: [] }));
if (sub === 'output') process.stdout.write(JSON.stringify(script.outputs || {}));
if (step.stdout) process.stdout.write(step.stdout);
if (step.stderr) process.stderr.write(step.stderr);
if (step.hang) {
  process.on('SIGINT', () => {
    fs.appendFileSync(path.join(dir, 'signals.log'), sub + ' SIGINT\\n');
    setTimeout(() => process.exit(1), 300);
  });
  fs.writeFileSync(path.join(dir, sub + '.started'), '');
  setTimeout(() => process.exit(99), 20000);
} else {
  process.exit(step.exitCode !== undefined ? step.exitCode : sub === 'plan' ? 2 : 0);
}
`;

/** A fake terraform installed in its own directory. */
export class FakeTerraform {
  readonly dir: string;
  readonly path: string;

  constructor(script: FakeScript = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'automock-faketf-'));
    this.path = join(this.dir, 'terraform');
    writeFileSync(this.path, SCRIPT.replace(JSON.stringify('__DIR__'), JSON.stringify(this.dir)));
    chmodSync(this.path, 0o755);
    this.script(script);
  }

  /** Replaces what the fake does and forgets earlier calls. */
  script(script: FakeScript): void {
    writeFileSync(join(this.dir, 'script.json'), JSON.stringify(script));
    rmSync(join(this.dir, 'calls.jsonl'), { force: true });
    rmSync(join(this.dir, 'signals.log'), { force: true });
  }

  calls(): FakeCall[] {
    const f = join(this.dir, 'calls.jsonl');
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FakeCall);
  }

  /** Subcommands called, in order, without `version`. */
  subcommands(): string[] {
    return this.calls()
      .map((c) => c.argv.find((a) => !a.startsWith('-')) ?? '')
      .filter((s) => s !== 'version');
  }

  signals(): string {
    const f = join(this.dir, 'signals.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  started(sub: string): boolean {
    return existsSync(join(this.dir, `${sub}.started`));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A plan as `terraform show -json` prints it, with the given actions per address. */
export function planJson(changes: Record<string, string[]>): unknown {
  return {
    format_version: '1.2',
    terraform_version: '1.11.0',
    resource_changes: Object.entries(changes).map(([address, actions]) => ({
      address,
      mode: 'managed',
      type: address.split('.')[0],
      change: { actions },
    })),
  };
}
