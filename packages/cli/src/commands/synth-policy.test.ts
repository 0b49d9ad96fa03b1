import { runCommand } from '@oclif/test';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineEnvironment } from '@automock/core';
import { PolicyViolationError } from '@automock/guardrails';
import { synthesize } from '../terraform/synth';

const pkgRoot = resolve(__dirname, '../..');
const repoRoot = resolve(pkgRoot, '../..');

const env = (suppressions: { id: string; reason: string }[]) =>
  defineEnvironment({
    name: 'a',
    accountId: '123456789012',
    region: 'eu-west-1',
    taskPlacement: 'public',
    suppressions,
  });

describe('automock synth runs the guardrails', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'automock-policy-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints the short policy report', async () => {
    const { stdout, error } = await runCommand(
      ['synth', '--out', join(tmp, 'out'), '--env', 'dev'],
      {
        root: pkgRoot,
      },
    );
    expect(error).toBeUndefined();
    expect(stdout).toMatch(
      /^Policy: \d+ rules checked on \d+ stacks?, \d+ passed, \d+ warnings?, \d+ suppressed, 0 errors$/m,
    );
  });

  it('includes the report in --json', async () => {
    const { stdout } = await runCommand(
      ['synth', '--out', join(tmp, 'out'), '--env', 'dev', '--json'],
      {
        root: pkgRoot,
      },
    );
    const { policy } = JSON.parse(stdout);
    expect(policy.rulesChecked).toBeGreaterThan(20);
    expect(policy.errors).toBe(0);
    expect(policy.stacks).toContain('dev');
    expect(Array.isArray(policy.findings)).toBe(true);
  });

  it('a policy error stops synthesis and leaves the previous output untouched', () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'previous.txt'), 'kept');
    // core accepts the id's shape; the guardrails know no such rule (AM-SUP-2, an error)
    const definitions = [env([{ id: 'AM-NOPE-1', reason: 'an explained but unknown rule' }])];
    let error: unknown;
    try {
      synthesize({
        root: repoRoot,
        outDir: out,
        definitions,
        declaredProjects: false,
        declaredWorkloads: false,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as Error).message).toMatch(/AM-SUP-2 .*"AM-NOPE-1", which is not a rule/);
    expect(readdirSync(out)).toEqual(['previous.txt']);
    expect(readdirSync(tmp)).toEqual(['out']);
  });

  it('a warning is reported without stopping synthesis', () => {
    const out = join(tmp, 'out');
    const definitions = [
      env([{ id: 'AM-ELB-4', reason: 'no load balancer to protect in this test' }]),
    ];
    const result = synthesize({
      root: repoRoot,
      outDir: out,
      definitions,
      declaredProjects: false,
      declaredWorkloads: false,
    });
    expect(result.policy.errors).toBe(0);
    expect(result.policy.findings.map((f) => [f.ruleId, f.severity])).toContainEqual([
      'AM-SUP-3',
      'warning',
    ]);
    expect(readdirSync(join(out, 'stacks'))).toContain('a');
  });
});
