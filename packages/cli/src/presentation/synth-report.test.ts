import type { PolicyReport } from '@automock/guardrails';
import type { SynthResult } from '../terraform/synth';
import { synthReport } from './synth-report';

const policy: PolicyReport = {
  stacks: ['dev'],
  rulesChecked: 3,
  passed: 3,
  warnings: 0,
  errors: 0,
  suppressed: 0,
  findings: [],
};

function result(workerFailures: SynthResult['workerFailures']): SynthResult {
  return {
    outDir: '/repo/cdktf.out',
    stacks: [
      { name: 'dev', kind: 'environment', resources: 42, file: 'stacks/dev/cdk.tf.json' } as never,
    ],
    durationMs: 812,
    policy,
    workerFailures,
  };
}

const failure = (stack: string) => ({
  stack,
  error: `the worker thread could not load /x/stack-worker.js: Error: gone\n    at Object.<anonymous> (/x/stack-worker.js:1:7)`,
});

describe('synthReport', () => {
  it('says nothing of worker threads when none failed', () => {
    const text = synthReport(result([]), '/repo');
    expect(text).not.toMatch(/worker/i);
    expect(text).toMatch(/^dev\s+environment\s+42 resources$/m);
    expect(text.endsWith('Synthesised 1 stacks in 812 ms to cdktf.out')).toBe(true);
  });

  it("warns of stacks a worker failed, each with its error's first line, before the summary", () => {
    const lines = synthReport(result([failure('dev')]), '/repo').split('\n');
    const at = lines.indexOf(
      'Warning: worker threads failed 1 stack, built again in this process (the output is the same, only slower):',
    );
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  dev: the worker thread could not load /x/stack-worker.js: Error: gone',
      '  `automock synth --json` shows each error in full; AUTOMOCK_SYNTH_WORKERS=0 builds every stack in one thread.',
    ]);
    expect(lines.at(-1)).toBe('Synthesised 1 stacks in 812 ms to cdktf.out');
  });

  it('names five failed stacks and counts the rest', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const text = synthReport(result(names.map(failure)), '/repo');
    expect(text).toContain('worker threads failed 7 stacks,');
    for (const n of names.slice(0, 5)) expect(text).toContain(`\n  ${n}: the worker thread`);
    expect(text).not.toContain('\n  f: ');
    expect(text).toContain('\n  and 2 more\n');
    expect(text).not.toContain('at Object.<anonymous>');
  });
});
