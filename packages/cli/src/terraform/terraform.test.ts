import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeTerraform } from '../testing/fake-terraform';
import {
  backendHash,
  compareVersions,
  locateTerraform,
  TerraformError,
  TerraformRunner,
} from './terraform';
import { describeTerraformFailure, parseLockInfo } from './terraform-errors';

describe('locateTerraform', () => {
  it('says how to install terraform when it is not on PATH', () => {
    const run = () => locateTerraform({ PATH: '/nonexistent' });
    expect(run).toThrow(TerraformError);
    try {
      run();
    } catch (e) {
      const err = e as TerraformError;
      expect(err.message).toBe('Terraform not found: no "terraform" on PATH');
      expect(err.suggestions[0]).toMatch(/developer\.hashicorp\.com\/terraform\/install/);
      expect(err.exitCode).toBe(127);
    }
  });

  it('honours TERRAFORM_BINARY_NAME and refuses versions before 1.10', () => {
    const fake = new FakeTerraform({ version: '1.9.8' });
    try {
      expect(() => locateTerraform({ ...process.env, TERRAFORM_BINARY_NAME: fake.path })).toThrow(
        /Terraform 1\.9\.8 at .* is too old/,
      );
      fake.script({ version: '1.10.0' });
      expect(locateTerraform({ ...process.env, TERRAFORM_BINARY_NAME: fake.path })).toEqual({
        path: fake.path,
        version: '1.10.0',
      });
    } finally {
      fake.remove();
    }
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.10.0', '1.10.0')).toBe(0);
    expect(compareVersions('1.11.0-beta1', '1.11.0')).toBe(0);
  });
});

describe('TerraformRunner', () => {
  let fake: FakeTerraform;
  let dir: string;
  beforeEach(() => {
    fake = new FakeTerraform({});
    dir = mkdtempSync(join(tmpdir(), 'automock-runner-'));
  });
  afterEach(() => {
    fake.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const runner = (verbose = false, lines: string[] = []) =>
    new TerraformRunner({
      binary: fake.path,
      verbose,
      env: { ...process.env, FAKE_MARK: 'x' },
      output: { progress: (l) => lines.push(l), stream: (c) => lines.push(`>${c}`) },
    });

  it('reports one progress line per step with elapsed time, or streams with verbose', async () => {
    const lines: string[] = [];
    fake.script({ steps: { init: { stdout: 'Initializing the backend...\n' } } });
    await runner(false, lines).init(dir, 'dev');
    // A loaded machine can take over a second to spawn the fake, which formatMs prints in seconds.
    expect(lines).toEqual([expect.stringMatching(/^ {2}dev: init done in (\d+ ms|\d+\.\d+ s)$/)]);
    const verbose: string[] = [];
    await runner(true, verbose).init(dir, 'dev');
    expect(verbose[0]).toMatch(/^\$ terraform init -input=false -no-color {2}\(in /);
    expect(verbose).toContain('>Initializing the backend...\n');
  });

  it('passes the environment through with automation settings', async () => {
    await runner().init(dir, 'dev');
    expect(fake.calls().at(-1)!.env).toMatchObject({
      FAKE_MARK: 'x',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    });
  });

  it('reconfigures only when the backend block changed since the last init', async () => {
    const stack = (bucket: string) =>
      JSON.stringify({ terraform: { backend: { s3: { bucket } } } });
    writeFileSync(join(dir, 'cdk.tf.json'), stack('a'));
    await runner().init(dir, 'dev');
    await runner().init(dir, 'dev');
    writeFileSync(join(dir, 'cdk.tf.json'), stack('b'));
    await runner().init(dir, 'dev');
    const inits = fake
      .calls()
      .filter((c) => c.argv[0] === 'init')
      .map((c) => c.argv.includes('-reconfigure'));
    expect(inits).toEqual([false, false, true]);
    expect(backendHash(stack('a'))).not.toBe(backendHash(stack('b')));
  });

  it('treats plan exit code 2 as changes and 1 as a failure', async () => {
    fake.script({ steps: { plan: { exitCode: 2 } } });
    expect((await runner().plan(dir, 'dev', 'p.tfplan')).changes).toBe(true);
    fake.script({ steps: { plan: { exitCode: 0 } } });
    expect((await runner().plan(dir, 'dev', 'p.tfplan')).changes).toBe(false);
    fake.script({ steps: { plan: { exitCode: 1, stderr: 'Error: Invalid reference\n' } } });
    await expect(runner().plan(dir, 'dev', 'p.tfplan')).rejects.toThrow(
      'terraform plan failed for dev: Invalid reference',
    );
  });

  it('forwards the first Ctrl-C and kills terraform on the second', async () => {
    fake.script({ steps: { init: { hang: true } } });
    const lines: string[] = [];
    const running = runner(false, lines).init(dir, 'dev');
    const t0 = Date.now();
    while (!fake.started('init') && Date.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGINT');
    process.emit('SIGINT');
    await expect(running).rejects.toMatchObject({
      name: 'TerraformInterruptedError',
      exitCode: 130,
    });
    expect(lines.some((l) => /asking terraform to stop init and release its lock/.test(l))).toBe(
      true,
    );
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('keeps only string-like, non-sensitive outputs', async () => {
    fake.script({
      outputs: {
        url: { value: 'http://x' },
        port: { value: 80 },
        list: { value: [1] },
        token: { value: 's', sensitive: true },
      },
    });
    expect(await runner().outputs(dir, 'dev')).toEqual({ url: 'http://x', port: '80' });
  });
});

describe('describeTerraformFailure', () => {
  const ctx = { label: 'dev', dir: '/w/dev', what: 'plan' };

  it('reads the lock info block', () => {
    const out =
      'Error: Error acquiring the state lock\n\nLock Info:\n  ID:        abc\n  Path:      b/k\n  Operation: OperationTypePlan\n  Who:       dan@ci\n  Version:   1.11.0\n  Created:   2026-01-01 00:00:00 +0000 UTC\n  Info:\n';
    expect(parseLockInfo(out)).toEqual({
      id: 'abc',
      path: 'b/k',
      operation: 'plan',
      who: 'dan@ci',
      version: '1.11.0',
      created: '2026-01-01 00:00:00 +0000 UTC',
    });
    expect(describeTerraformFailure(out, ctx)).toMatchObject({
      kind: 'lock',
      message:
        'The state of dev is locked by dan@ci since 2026-01-01 00:00:00 +0000 UTC (running plan); lock ID abc',
    });
  });

  it('recognises missing credentials and a missing state bucket', () => {
    expect(describeTerraformFailure('Error: No valid credential sources found', ctx).kind).toBe(
      'credentials',
    );
    expect(
      describeTerraformFailure(
        'Error: ExpiredToken: The security token included in the request is expired',
        ctx,
      ).kind,
    ).toBe('credentials');
    const bucket = describeTerraformFailure(
      'Error: Failed to get existing workspaces: S3 bucket "x" does not exist.',
      ctx,
    );
    expect(bucket.kind).toBe('no-bucket');
    expect(bucket.suggestions[0]).toMatch(/automock bootstrap --region/);
  });

  it('falls back to the error lines of the output', () => {
    expect(
      describeTerraformFailure('junk\n╷\n│ Error: Unsupported block type\n│ \n╵\n', ctx),
    ).toMatchObject({
      kind: 'other',
      message: 'terraform plan failed for dev: Unsupported block type',
    });
  });
});
