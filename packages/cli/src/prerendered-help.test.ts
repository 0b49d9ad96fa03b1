import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PKG_ROOT = resolve(__dirname, '..');
const bin = join(PKG_ROOT, 'bin', 'run.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const help = require('../bin/prerendered-help.js') as {
  helpRecordPath: string;
  helpRecordKey: (manifest?: string) => string;
  printPrerenderedHelp: (
    argv: string[],
    env: NodeJS.ProcessEnv,
    stdout: { isTTY?: boolean; write: (s: string) => unknown },
    files?: { record?: string; manifest?: string },
  ) => boolean;
};

const cleanEnv = () => {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.OCLIF_COLUMNS;
  delete env.AUTOMOCK_PRERENDERED_HELP;
  return env;
};
const sink = (isTTY?: boolean) => {
  const out = { isTTY, text: '', write: (s: string) => (out.text += s) };
  return out;
};

describe('automock --help from the build-time record', () => {
  it('prints exactly what oclif prints', () => {
    const run = (extra: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [bin, '--help'], {
        encoding: 'utf8',
        env: { ...cleanEnv(), ...extra },
      });
    const recorded = run({});
    const oclif = run({ AUTOMOCK_PRERENDERED_HELP: '0' });
    expect(oclif.status).toBe(0);
    expect(recorded.status).toBe(0);
    expect(oclif.stdout).toMatch(/^COMMANDS$/m);
    expect(recorded.stdout).toBe(oclif.stdout);
    expect(recorded.stderr).toBe(oclif.stderr);
  });

  it('answers only `--help` alone, off a terminal, with no colour or width override', () => {
    const env = cleanEnv();
    const out = sink(undefined);
    expect(help.printPrerenderedHelp(['--help'], env, out)).toBe(true);
    expect(out.text).toMatch(/^USAGE$/m);
    for (const argv of [[], ['-h'], ['help'], ['--help', 'synth'], ['synth', '--help']])
      expect(help.printPrerenderedHelp(argv, env, sink())).toBe(false);
    expect(help.printPrerenderedHelp(['--help'], env, sink(true))).toBe(false);
    for (const extra of [
      { FORCE_COLOR: '1' },
      { OCLIF_COLUMNS: '120' },
      { AUTOMOCK_PRERENDERED_HELP: '0' },
    ])
      expect(help.printPrerenderedHelp(['--help'], { ...env, ...extra }, sink())).toBe(false);
  });

  it('falls back to oclif when the manifest content changed since the record, or there is no record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'automock-help-'));
    try {
      const manifest = join(dir, 'oclif.manifest.json');
      const record = join(dir, 'root-help.json');
      copyFileSync(join(PKG_ROOT, 'oclif.manifest.json'), manifest);
      utimesSync(manifest, new Date(1_000_000), new Date(1_000_000));
      writeFileSync(
        record,
        JSON.stringify({ key: help.helpRecordKey(manifest), stdout: 'recorded\n' }),
      );
      const out = sink();
      expect(help.printPrerenderedHelp(['--help'], cleanEnv(), out, { record, manifest })).toBe(
        true,
      );
      expect(out.text).toBe('recorded\n');

      // New timestamps alone (turbo's cache replays outputs so) keep the record valid.
      utimesSync(manifest, new Date(2_000_000), new Date(2_000_000));
      expect(help.printPrerenderedHelp(['--help'], cleanEnv(), sink(), { record, manifest })).toBe(
        true,
      );
      appendFileSync(manifest, ' ');
      expect(help.printPrerenderedHelp(['--help'], cleanEnv(), sink(), { record, manifest })).toBe(
        false,
      );
      expect(
        help.printPrerenderedHelp(['--help'], cleanEnv(), sink(), {
          record: join(dir, 'missing.json'),
          manifest,
        }),
      ).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
