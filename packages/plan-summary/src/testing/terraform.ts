import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The terraform binary to use, or undefined (with the reason) when none runs. */
export function findTerraform(): { bin?: string; reason?: string } {
  const bin = process.env.TERRAFORM_BINARY_NAME || 'terraform';
  try {
    execFileSync(bin, ['version'], { stdio: 'pipe', timeout: 20_000 });
    return { bin };
  } catch (e) {
    return {
      reason: `no runnable terraform binary (${bin}): ${(e as Error).message.split('\n')[0]}`,
    };
  }
}

/** A provider-less configuration (terraform_data only) in cdktf's JSON syntax. */
export type TfJson = Record<string, unknown>;

/**
 * Applies `before` with local state in a temp dir, then plans `after` and returns
 * `terraform show -json` and `terraform show` text of that plan. Needs no provider download.
 */
export function planTransition(
  bin: string,
  before: TfJson,
  after: TfJson,
): { json: string; text: string; exitCode: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'plan-summary-'));
  const cliConfig = path.join(dir, 'terraformrc');
  writeFileSync(cliConfig, '');
  const env = {
    ...process.env,
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
  };
  const tf = (args: string[], okCodes = [0]): { out: string; code: number } => {
    try {
      return {
        out: execFileSync(bin, args, { cwd: dir, env, stdio: 'pipe', timeout: 60_000 }).toString(),
        code: 0,
      };
    } catch (e) {
      const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
      if (err.status !== undefined && okCodes.includes(err.status))
        return { out: String(err.stdout ?? ''), code: err.status };
      throw new Error(`terraform ${args.join(' ')} failed: ${String(err.stderr ?? e)}`);
    }
  };
  try {
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(before));
    tf(['init', '-input=false', '-no-color']);
    tf(['apply', '-auto-approve', '-input=false', '-no-color']);
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(after));
    const { code } = tf(
      ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=tfplan'],
      [0, 2],
    );
    const json = tf(['show', '-json', 'tfplan']).out;
    const text = tf(['show', '-no-color', 'tfplan']).out;
    return { json, text, exitCode: code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Before/after pair covering create, update, no-op, destroy, both replace orders and outputs. */
export const MIXED_BEFORE: TfJson = {
  resource: {
    terraform_data: {
      updated: { input: 'one' },
      destroyed: { input: 'gone' },
      unchanged: { input: 'keep' },
      replaced: { triggers_replace: ['1'] },
      replaced_cbd: { triggers_replace: ['1'], lifecycle: { create_before_destroy: true } },
    },
  },
  output: { kept: { value: 'same' }, changed: { value: 'old' } },
};

export const MIXED_AFTER: TfJson = {
  resource: {
    terraform_data: {
      updated: { input: 'two' },
      unchanged: { input: 'keep' },
      replaced: { triggers_replace: ['2'] },
      replaced_cbd: { triggers_replace: ['2'], lifecycle: { create_before_destroy: true } },
      created: { input: 'new' },
    },
  },
  output: { kept: { value: 'same' }, changed: { value: 'new' } },
};
