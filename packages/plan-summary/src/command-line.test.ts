import {
  choiceOption,
  CommandSpec,
  integerOption,
  parseCommandLine,
  requiredOption,
  runCommand,
  UsageError,
  usage,
} from './command-line';

const SPEC: CommandSpec = {
  name: 'automock-example',
  summary: 'Does one thing.',
  options: {
    dir: { type: 'string', valueName: 'DIR', description: 'where' },
    count: { type: 'string', valueName: 'N', description: 'how many' },
    mode: { type: 'string', description: 'fast or slow' },
    dry: { type: 'boolean', description: 'change nothing' },
  },
  notes: 'Exit status: 0 done, 1 failed, 2 bad usage.',
};

async function run(argv: string[], body = async () => 0) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(
    SPEC,
    argv,
    { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) },
    body,
  );
  return { code, out: out.join(''), err: err.join('') };
}

describe('the argument parser every bin uses', () => {
  test('usage is generated from the spec, options aligned, --help added', () => {
    expect(usage(SPEC)).toBe(
      [
        'Usage: automock-example [options]',
        '',
        'Does one thing.',
        '',
        '  --dir DIR     where',
        '  --count N     how many',
        '  --mode VALUE  fast or slow',
        '  --dry         change nothing',
        '  -h, --help    show this text',
        '',
        'Exit status: 0 done, 1 failed, 2 bad usage.',
      ].join('\n'),
    );
  });

  test('values: strings as given, switches true or false', () => {
    expect(parseCommandLine(SPEC, ['--dir', 'x', '--dry'])).toEqual({
      dir: 'x',
      dry: true,
    });
    expect(parseCommandLine(SPEC, [])).toEqual({ dry: false });
    expect(parseCommandLine(SPEC, ['-h'])).toBeUndefined();
  });

  test('unknown options, positionals and missing values are usage errors (exit 2, with the usage)', async () => {
    for (const argv of [['--nope'], ['stray'], ['--dir']]) {
      const r = await run(argv);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.err).toContain('Usage: automock-example');
    }
    expect(() => parseCommandLine(SPEC, ['--nope'])).toThrow(UsageError);
  });

  test('typed values name the option, the value and the rule', () => {
    const v = parseCommandLine(SPEC, ['--count', '3x', '--mode', 'warp'])!;
    expect(() => integerOption(v, 'count', { min: 1, max: 9 })).toThrow(
      '--count: got "3x", must be an integer from 1 to 9',
    );
    expect(integerOption(parseCommandLine(SPEC, ['--count', '4'])!, 'count', { min: 1 })).toBe(4);
    expect(integerOption(v, 'absent', { min: 1 })).toBeUndefined();
    expect(() => choiceOption(v, 'mode', ['fast', 'slow'], 'fast')).toThrow(
      '--mode: got "warp", must be fast or slow',
    );
    expect(choiceOption(parseCommandLine(SPEC, [])!, 'mode', ['fast', 'slow'], 'slow')).toBe(
      'slow',
    );
    expect(() => requiredOption(v, 'dir', 'the folder')).toThrow(
      '--dir: missing, the folder is required',
    );
  });

  test('--help exits 0; a usage error in the body exits 2; any other error exits 1 named after the bin', async () => {
    expect((await run(['--help'])).code).toBe(0);
    const usageErr = await run([], async () => {
      throw new UsageError('--dir: missing');
    });
    expect(usageErr).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--dir: missing\n\nUsage:/),
    });
    const failed = await run([], async () => {
      throw new Error('disk on fire');
    });
    expect(failed).toEqual({ code: 1, out: '', err: 'automock-example: disk on fire\n' });
    expect((await run([], async () => 3)).code).toBe(3);
  });
});
