import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Harness, PKG_ROOT, startHarness } from '../testing/harness';

/**
 * Flag relations are declared on the flags (flags.ts and the commands' statics) and checked by
 * oclif before a command runs: a violated one is bad input, exit 2, with or without --json.
 */
describe('flag relations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fake: {} });
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.exitCode = undefined;
  });

  const violations: { argv: string[]; message: RegExp; json: boolean }[] = [
    {
      argv: ['plan', '--env', 'test', '--stack', 'test'],
      message: /--env cannot also be provided when using --stack/,
      json: true,
    },
    {
      argv: ['plan', '--all', '--stack', 'test'],
      message: /--all cannot also be provided when using --stack/,
      json: true,
    },
    {
      argv: ['plan'],
      message: /Exactly one of the following must be provided: --all, --env, --stack/,
      json: true,
    },
    {
      argv: ['apply', '--all', '--env', 'test', '--auto-approve'],
      message: /--all cannot also be provided when using --env/,
      json: false,
    },
    {
      argv: ['apply', '--auto-approve'],
      message: /Exactly one of the following must be provided: --all, --env, --stack/,
      json: false,
    },
    {
      argv: ['destroy', '--env', 'test', '--project', 'x', '--sweep', '--verbose', '--yes'],
      message: /--sweep=true cannot also be provided when using --verbose/,
      json: false,
    },
    {
      argv: ['status', '--project', 'x'],
      message: /All of the following must be provided when using --project: --env/,
      json: true,
    },
    {
      argv: ['cost', '--project', 'x'],
      message: /All of the following must be provided when using --project: --env/,
      json: true,
    },
  ];

  it.each(violations)('refuses $argv with exit 2', async ({ argv, message }) => {
    const before = h.tf!.calls().length;
    const { error } = await h.run(argv);
    expect(error?.message).toMatch(message);
    expect(error?.oclif?.exit).toBe(2);
    // Refused before any work: terraform never ran.
    expect(h.tf!.calls()).toHaveLength(before);
  });

  it.each(violations.filter((v) => v.json))(
    'refuses $argv --json with exit 2 and a short JSON error',
    async ({ argv, message }) => {
      const { stdout } = await h.run([...argv, '--json']);
      const { error } = JSON.parse(stdout);
      expect(error.message).toMatch(message);
      expect(error.exitCode).toBe(2);
      // Not the parser's state (oclif's whole configuration) that oclif attaches.
      expect(error.parse).toBeUndefined();
      expect(process.exitCode).toBe(2);
    },
  );

  it('plans the one selection given: --stack no longer wins over --env silently', async () => {
    const { error } = await h.run(['plan', '--stack', 'test']);
    expect(error).toBeUndefined();
    expect(h.tf!.calls().some((c) => c.argv[0] === 'plan')).toBe(true);
  });

  it('exits 2 from the real binary under --json', () => {
    const repoRoot = resolve(PKG_ROOT, '../..');
    const res = spawnSync(
      process.execPath,
      [join(PKG_ROOT, 'bin', 'run.js'), 'plan', '--env', 'dev', '--all', '--json'],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, AUTOMOCK_APP_MODULE: '' } },
    );
    expect(res.status).toBe(2);
    const { error } = JSON.parse(res.stdout);
    expect(error.message).toMatch(/--all cannot also be provided when using --env/);
    expect(error.exitCode).toBe(2);
  });
});
