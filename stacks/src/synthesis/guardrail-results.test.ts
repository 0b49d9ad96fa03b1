import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyViolationError } from '@automock/guardrails';
import { ENVIRONMENTS } from '../environments';
import { synthesizeStacks, SynthesizeStacksOptions } from '../synthesize-stacks';
import { GUARDRAIL_RESULTS } from './guardrail-results';
import { tempDirs } from '../testing/files';

const dir = tempDirs();

interface StoredFile {
  fingerprint: string;
  results: Record<string, Record<string, unknown>>;
}

describe("the guardrails' results in the synthesis cache", () => {
  // dev accepts a finding of two of its stacks, and has a suppression nothing in it needs: a
  // warning made across stacks (AM-SUP-3).
  const definitions = ENVIRONMENTS.map((e) =>
    e.name === 'dev'
      ? {
          ...e,
          suppressions: [
            { id: 'AM-ECS-4', reason: 'Accepted for dev while the images are reworked' },
            { id: 'AM-DDB-1', reason: 'No table of dev needs point-in-time recovery' },
          ],
        }
      : e,
  );
  const run = (
    cacheDir: string | false,
    fingerprint: string,
    extra: SynthesizeStacksOptions = {},
  ) =>
    synthesizeStacks({
      definitions,
      environments: ['dev'],
      workloadsDir: dir('no-workloads'),
      cache: cacheDir === false ? false : { dir: cacheDir, fingerprint },
      outdir: join(dir('out'), 'out'),
      ...extra,
    });
  const stored = (cacheDir: string) =>
    JSON.parse(readFileSync(join(cacheDir, GUARDRAIL_RESULTS), 'utf8')) as StoredFile;

  it('give the report a full check gives, suppressions and cross-stack warnings included', () => {
    const cacheDir = join(dir('results'), 'c');
    const full = run(false, '').policy;
    expect(full.findings.some((f) => f.ruleId === 'AM-SUP-3')).toBe(true);
    expect(full.findings.filter((f) => f.suppressed).map((f) => f.stack)).toEqual([
      'dev',
      'dev-petstore',
    ]);
    const cold = run(cacheDir, 'gr-1');
    expect(cold.policy).toEqual(full);
    const kept = stored(cacheDir);
    expect(kept.fingerprint).toBe('gr-1');
    expect(Object.keys(kept.results)).toHaveLength(cold.stacks.length);
    const warm = run(cacheDir, 'gr-1');
    expect(warm.built).toEqual([]);
    expect(warm.policy).toEqual(full);
  });

  it('are what the report is made of: a forged error stops the synthesis, until the code changes', () => {
    const cacheDir = join(dir('forged'), 'c');
    run(cacheDir, 'gr-2');
    const kept = stored(cacheDir);
    for (const r of Object.values(kept.results))
      r['AM-LOG-1'] = [{ address: 'aws_cloudwatch_log_group.forged', message: 'forged finding' }];
    writeFileSync(join(cacheDir, GUARDRAIL_RESULTS), JSON.stringify(kept));
    const outdir = join(dir('forged-out'), 'out');
    expect(() => run(cacheDir, 'gr-2', { outdir })).toThrow(PolicyViolationError);
    expect(() => run(cacheDir, 'gr-2', { outdir })).toThrow(/forged finding/);
    expect(existsSync(outdir)).toBe(false);
    // The failed runs kept nothing; other code checks every stack afresh.
    expect(stored(cacheDir)).toEqual(kept);
    expect(run(cacheDir, 'gr-3').policy).toEqual(run(false, '').policy);
    expect(stored(cacheDir).fingerprint).toBe('gr-3');
  });

  it('check a stack again when its entry is damaged', () => {
    const cacheDir = join(dir('damaged'), 'c');
    run(cacheDir, 'gr-4');
    const kept = stored(cacheDir);
    const keys = Object.keys(kept.results);
    kept.results[keys[0]!] = { 'AM-LOG-1': 'not a list' };
    kept.results[keys[1]!] = { 'AM-LOG-1': [{ address: 7 }] };
    writeFileSync(join(cacheDir, GUARDRAIL_RESULTS), JSON.stringify(kept));
    expect(run(cacheDir, 'gr-4').policy).toEqual(run(false, '').policy);
    expect(stored(cacheDir).results[keys[0]!]).not.toEqual({ 'AM-LOG-1': 'not a list' });
  });
});
