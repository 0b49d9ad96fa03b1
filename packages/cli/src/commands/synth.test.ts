import { runCommand } from '@oclif/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineEnvironment } from '@automock/core';
import { cdktfCliUnusable } from '@automock/test-support/cdktf-cli';
import { synthesize } from '../terraform/synth';

const pkgRoot = resolve(__dirname, '../..');
const repoRoot = resolve(pkgRoot, '../..');

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFiles(join(dir, e.name), base)
      : [join(dir, e.name).slice(base.length + 1)],
  );
}

describe('automock synth', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'automock-synth-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes every stack with an encrypted, locked S3 backend and reports resource counts', async () => {
    const out = join(tmp, 'out');
    const { stdout, error } = await runCommand(['synth', '--out', out], { root: pkgRoot });
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/Synthesised \d+ stacks in/);
    for (const stack of ['dev', 'staging', 'prod']) {
      expect(stdout).toMatch(new RegExp(`^${stack}\\s+environment\\s+\\d+ resources`, 'm'));
      const json = JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(json.terraform.backend.s3).toMatchObject({
        key: `envs/${stack}/terraform.tfstate`,
        encrypt: true,
        use_lockfile: true,
        region: stack === 'prod' ? 'us-west-2' : 'us-east-1',
      });
      expect(json.terraform.backend.s3.dynamodb_table).toBeTruthy();
      expect(json.provider.aws[0].allowed_account_ids).toHaveLength(1);
    }
    expect(readdirSync(join(out, 'stacks')).some((s) => s.startsWith('bootstrap-'))).toBe(true);
  });

  it('returns the stacks as JSON with --json', async () => {
    const out = join(tmp, 'out');
    const { stdout } = await runCommand(['synth', '--out', out, '--env', 'dev', '--json'], {
      root: pkgRoot,
    });
    const result = JSON.parse(stdout);
    expect(result.stacks.map((s: { name: string }) => s.name)).toContain('dev');
    expect(result.stacks.map((s: { name: string }) => s.name)).not.toContain('prod');
    expect(result.stacks.find((s: { name: string }) => s.name === 'dev').resources).toBeGreaterThan(
      10,
    );
    expect(result.workerFailures).toEqual([]);
  });

  it('rejects an unknown environment, names it, and leaves the previous output untouched', async () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'previous.txt'), 'kept');
    const { error } = await runCommand(['synth', '--out', out, '--env', 'nope'], { root: pkgRoot });
    expect(error?.message).toMatch(/env: got "nope", must be one of dev, staging, prod/);
    // Bad input, like every invalid value (README: exit codes).
    expect(error?.oclif?.exit).toBe(2);
    expect(readdirSync(out)).toEqual(['previous.txt']);
    expect(readdirSync(tmp)).toEqual(['out']);
  });

  it('leaves no half-written output when synthesis fails after validation of single environments', () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'previous.txt'), 'kept');
    const base = {
      accountId: '123456789012',
      region: 'eu-west-1',
      taskPlacement: 'public' as const,
    };
    const definitions = [
      defineEnvironment({ ...base, name: 'a' }),
      defineEnvironment({ ...base, name: 'b', prefix: 'other' }),
    ];
    expect(() =>
      synthesize({ root: repoRoot, outDir: out, definitions, declaredProjects: false }),
    ).toThrow(/environment\[b\]\.prefix: got "other"/);
    expect(readdirSync(out)).toEqual(['previous.txt']);
    expect(readdirSync(tmp)).toEqual(['out']);
  });

  const cdktfBin = join(repoRoot, 'node_modules', '.bin', 'cdktf');
  const cdktfUnusable = cdktfCliUnusable(repoRoot);
  (cdktfUnusable ? it.skip : it)(
    `produces the same bytes as cdktf synth (${cdktfUnusable ? `skipped: ${cdktfUnusable}` : 'cdktf-cli present'})`,
    async () => {
      const ours = join(tmp, 'ours');
      const theirs = join(tmp, 'theirs');
      synthesize({ root: repoRoot, outDir: ours });
      execFileSync(cdktfBin, ['synth', '--output', theirs], {
        cwd: repoRoot,
        env: {
          ...process.env,
          CHECKPOINT_DISABLE: '1',
          CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
          CI: 'true',
        },
        stdio: 'pipe',
      });
      const files = listFiles(ours).sort();
      expect(listFiles(theirs).sort()).toEqual(files);
      for (const f of files)
        expect(readFileSync(join(theirs, f), 'utf8')).toBe(readFileSync(join(ours, f), 'utf8'));
    },
    120_000,
  );
});

describe('automock stacks', () => {
  it('lists stacks with their backend keys as JSON', async () => {
    const { stdout } = await runCommand(['stacks', '--json'], { root: pkgRoot });
    const stacks = JSON.parse(stdout) as {
      name: string;
      kind: string;
      backendKey: string;
      stateBucket: string;
    }[];
    expect(stacks.find((s) => s.name === 'prod')).toMatchObject({
      kind: 'environment',
      backendKey: 'envs/prod/terraform.tfstate',
    });
    expect(stacks.filter((s) => s.kind === 'bootstrap').length).toBeGreaterThan(0);
    for (const s of stacks) expect(s.stateBucket).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });

  it('prints a table by default', async () => {
    const { stdout } = await runCommand(['stacks', '--env', 'dev'], { root: pkgRoot });
    expect(stdout).toMatch(/^stack\s+kind\s+region\s+state/m);
    expect(stdout).toMatch(
      /^dev\s+environment\s+us-east-1\s+s3:\/\/automock-tfstate-111111111111-us-east-1\/envs\/dev\/terraform\.tfstate$/m,
    );
  });
});
