import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { captureOutput, runCommand } from '@oclif/test';
import { Harness, PKG_ROOT, startHarness } from '../testing/harness';
import { availableEntries, MENU_ENTRIES, MenuContext, Prompter, runMenu } from './menu';

/** Answers in order; `choose` takes a label, `ask` a text ('' takes the question's fallback). */
function scripted(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (q: string) => {
    asked.push(q);
    return answers.length > 0 ? answers.shift()! : '';
  };
  return {
    asked,
    ask: async (q, fallback = '') => next(q) || fallback,
    choose: async (q, choices, fallback) => {
      const a = next(q) || fallback;
      if (!choices.includes(a)) throw new Error(`"${a}" is not one of ${choices.join(', ')}`);
      return a;
    },
  };
}

function output() {
  const lines: string[] = [];
  return { lines, log: (m: string) => lines.push(m), logToStderr: (m: string) => lines.push(m) };
}

describe('the interactive menu', () => {
  let config: Config;
  beforeAll(async () => {
    config = await Config.load(PKG_ROOT);
  });

  it("is the seed's list, and shows only entries whose command is installed", () => {
    expect(MENU_ENTRIES.map((e) => e.command)).toEqual([
      'deploy',
      'update',
      'status',
      'extend-ttl',
      'destroy',
      'local',
    ]);
    const here = availableEntries(config).map((e) => e.command);
    for (const e of MENU_ENTRIES)
      expect([e.command, here.includes(e.command)]).toEqual([
        e.command,
        config.findCommand(e.command) !== undefined,
      ]);
    expect(here).toEqual(
      expect.arrayContaining(['deploy', 'status', 'extend-ttl', 'destroy', 'local']),
    );
    type Finder = Pick<Config, 'findCommand'>;
    const without = {
      findCommand: (id: string) => (id === 'update' ? undefined : {}),
    } as unknown as Finder;
    expect(availableEntries(without).map((e) => e.command)).not.toContain('update');
    const withUpdate = { findCommand: () => ({}) } as unknown as Finder;
    expect(availableEntries(withUpdate).map((e) => e.label)).toContain('Update expectations');
  });

  it("collects each command's flags, offering earlier answers as defaults", async () => {
    const ctx: MenuContext = { expectations: 'mocks.json' };
    const entry = (c: string) => MENU_ENTRIES.find((e) => e.command === c)!;
    const p = scripted(['dev', 'user-api', '']);
    expect(await entry('update').collect(p, ctx)).toEqual([
      '--env',
      'dev',
      '--project',
      'user-api',
      '--expectations',
      'mocks.json',
    ]);
    expect(await entry('extend-ttl').collect(scripted(['', '', '8']), ctx)).toEqual([
      '--env',
      'dev',
      '--project',
      'user-api',
      '--hours',
      '8',
    ]);
    expect(await entry('status').collect(scripted(['', '']), {})).toEqual([]);
    expect(await entry('status').collect(scripted(['', '']), ctx)).toEqual([
      '--env',
      'dev',
      '--project',
      'user-api',
    ]);
    expect(await entry('destroy').collect(scripted([]), ctx)).toEqual([
      '--env',
      'dev',
      '--project',
      'user-api',
    ]);
  });

  it('runs the chosen command itself: Run locally starts the fake docker with the file', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'automock-menu-'));
    const record = join(bin, 'docker.args');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
    chmodSync(join(bin, 'docker'), 0o755);
    const file = join(bin, 'mocks.json');
    writeFileSync(file, JSON.stringify({ httpRequest: { path: '/a' }, httpResponse: {} }), {
      mode: 0o644,
    });
    const path = process.env.PATH;
    process.env.PATH = bin;
    const out = output();
    try {
      const p = scripted(['Run locally', file, 'Quit']);
      await captureOutput(() => runMenu(config, {}, out, p));
      expect(readFileSync(record, 'utf8')).toContain(`${file}:/config/expectations.json:ro`);
      expect(out.lines).toContain(`> automock local --expectations ${file}`);
      expect(p.asked).toEqual(['What next?', 'Expectations file', 'What next?']);
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  describe('against the registry', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness({ fake: false });
    });
    afterEach(() => h.stop());

    it("shows a command's own error and comes back; status runs with the answers", async () => {
      const out = output();
      const p = scripted(['Extend time to live', 'test', 'ghost', '4', 'Status', '', '', 'Quit']);
      const { stdout } = await captureOutput(() => runMenu(config, {}, out, p));
      expect(out.lines).toContain('> automock extend-ttl --env test --project ghost --hours 4');
      expect(out.lines.find((l) => l.startsWith('Extend time to live failed: '))).toMatch(/ghost/);
      // The menu remembered the environment and project for the next entry.
      expect(out.lines).toContain('> automock status --env test --project ghost');
      expect(stdout).toBe('');
      expect(out.lines.filter((l) => /^Status failed: /.test(l))).toEqual([
        expect.stringMatching(/ghost/),
      ]);
    });

    it('gives up an entry whose question gets no answer, and quits at the end of input', async () => {
      const out = output();
      await runMenu(config, {}, out, scripted(['Destroy']));
      expect(out.lines).toContain('Environment: no answer');
      expect(out.lines.some((l) => l.startsWith('> automock destroy'))).toBe(false);
    });
  });

  it('prints the help off a terminal (`automock menu`, and `automock` with no arguments)', async () => {
    const { stdout } = await runCommand(['menu'], { root: PKG_ROOT });
    expect(stdout).toMatch(/^USAGE/m);
    expect(stdout).toMatch(/^ {2}init +Scaffold an expectations file/m);
    const bare = spawnSync(process.execPath, [join(PKG_ROOT, 'bin/run.js')], {
      input: '',
      encoding: 'utf8',
      env: { ...process.env, CI: '' },
    });
    expect(bare.status).toBe(0);
    expect(bare.stdout).toMatch(/^USAGE/m);
    expect(bare.stdout).not.toMatch(/What next\?/);
  });

  // util-linux `script` gives the CLI a pseudo-terminal (Linux runners have it).
  const withPty = existsSync('/usr/bin/script') ? it : it.skip;
  withPty('opens the menu for `automock` with no arguments on a terminal', () => {
    const r = spawnSync(
      '/usr/bin/script',
      ['-qec', `${process.execPath} bin/run.js`, '/dev/null'],
      {
        cwd: PKG_ROOT,
        input: 'Quit\n',
        encoding: 'utf8',
        env: { ...process.env, CI: '' },
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /What next\? 1\) Deploy {2}2\) Update expectations {2}3\) Status {2}4\) Extend time to live {2}5\) Destroy {2}6\) Run locally {2}7\) Quit \[Quit\]:/,
    );
    expect(r.stdout).not.toMatch(/^USAGE/m);
  });

  withPty('follows `automock init` on a terminal, with the new file as the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'automock-init-menu-'));
    try {
      const r = spawnSync(
        '/usr/bin/script',
        ['-qec', `${process.execPath} ${join(PKG_ROOT, 'bin/run.js')} init -o m.json`, '/dev/null'],
        {
          cwd: dir,
          input: 'Run locally\n\nQuit\n',
          encoding: 'utf8',
          env: { ...process.env, CI: '', PATH: dir },
          timeout: 30_000,
        },
      );
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Wrote m\.json \(template basic, 3 expectations\)/);
      expect(r.stdout).toMatch(/Expectations file \[m\.json\]:/);
      // No docker on PATH: `local` prints the command for the file init wrote.
      expect(r.stdout).toMatch(/docker run --rm .*\/m\.json:\/config\/expectations\.json:ro/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
