import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigValidationError } from '@automock/core';
import { synthOutput } from '../synth-fast-path';
import { PKG_ROOT } from '../testing/harness';
import { synthesize, synthesizeOnce } from './synth';

const root = resolve(PKG_ROOT, '../..');

/** What `fn` throws (the test fails when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/**
 * The `synth` fast path hands a failure on the configuration to the oclif command, which reports
 * it: the command rethrows that error instead of synthesising the same options a second time.
 */
describe('synthesizeOnce: a failed synthesis is not run again to report it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'automock-synth-once-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the next synthesize with the same options the same error, once', () => {
    const out = join(dir, 'out');
    const first = thrown(() => synthOutput({ env: ['nowhere'], out, json: false }));
    expect(first).toBeInstanceOf(ConfigValidationError);
    expect((first as Error).message).toMatch(/env: got "nowhere", must be one of/);
    // What the command passes for the same flags.
    const again = { root, outDir: out, environments: ['nowhere'] };
    expect(thrown(() => synthesize(again))).toBe(first);
    // Used once: the next call synthesises (and fails) afresh.
    const fresh = thrown(() => synthesize(again));
    expect(fresh).not.toBe(first);
    expect((fresh as Error).message).toBe((first as Error).message);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is not used for other options, and is dropped by them', () => {
    const out = join(dir, 'out');
    const first = thrown(() => synthesizeOnce({ root, outDir: out, environments: ['nowhere'] }));
    const other = thrown(() => synthesize({ root, outDir: out, environments: ['elsewhere'] }));
    expect(other).not.toBe(first);
    expect((other as Error).message).toMatch(/env: got "elsewhere"/);
    expect(thrown(() => synthesize({ root, outDir: out, environments: ['nowhere'] }))).not.toBe(
      first,
    );
  });

  it('keeps no failure that is not about the configuration (a file where the output goes)', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const options = { root, outDir: join(blocker, 'out'), environments: ['dev'] };
    const first = thrown(() => synthesizeOnce(options));
    expect(first).not.toBeInstanceOf(ConfigValidationError);
    expect((first as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(thrown(() => synthesize(options))).not.toBe(first);
  });
});
