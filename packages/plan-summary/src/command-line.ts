import { parseArgs } from 'node:util';

/** One option of a {@link CommandSpec}. */
export interface OptionSpec {
  /** `string` takes a value (`--dir DIR`), `boolean` is a switch (`--no-comment`). */
  readonly type: 'string' | 'boolean';
  /** One line for the usage text. */
  readonly description: string;
  /**
   * Placeholder shown in the usage text.
   * @default 'VALUE'
   */
  readonly valueName?: string;
  /**
   * Single-letter alias (`-h`).
   * @default - none
   */
  readonly short?: string;
}

/** What a command-line tool accepts; the usage text is generated from it. */
export interface CommandSpec {
  /** Name of the bin (`automock-plan-comment`), used in the usage text and error messages. */
  readonly name: string;
  /** First line after the usage line: what the tool does. */
  readonly summary: string;
  /** Options by name (without the leading `--`). `--help` is added to every command. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * Extra paragraphs after the options (environment variables, exit status).
   * @default - none
   */
  readonly notes?: string;
}

/** Parsed option values: strings for `string` options, booleans for switches (false when absent). */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** Streams a command writes to, and what it reads; replaceable in tests. */
export interface CommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /**
   * Reads all of standard input.
   * @default - process.stdin
   */
  readonly stdin?: () => Promise<string>;
}

/** A problem with how the command was called: exit status 2 with the usage text. */
export class UsageError extends Error {}

/** The usage text of a command (what `--help` prints). */
export function usage(spec: CommandSpec): string {
  const entries = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, o.description] as const;
  });
  entries.push(['-h, --help', 'show this text']);
  const width = Math.max(...entries.map(([f]) => f.length)) + 2;
  const lines = [
    `Usage: ${spec.name} [options]`,
    '',
    spec.summary,
    '',
    ...entries.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
  ];
  if (spec.notes) lines.push('', spec.notes);
  return lines.join('\n');
}

/**
 * Parses `argv` against `spec` (strict: an unknown option, a missing value or a positional
 * argument is a {@link UsageError}). Returns `undefined` when `--help` was given.
 */
export function parseCommandLine(
  spec: CommandSpec,
  argv: readonly string[],
): OptionValues | undefined {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options))
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return undefined;
  for (const [name, o] of Object.entries(spec.options))
    if (o.type === 'boolean') values[name] = values[name] === true;
  return values;
}

/** The value of a string option, or `undefined`. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** The value of a string option that must be given. */
export function requiredOption(values: OptionValues, name: string, what: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name}: missing, ${what} is required`);
  return v;
}

/** An integer option within `[min, max]`, or `undefined` when absent. */
export function integerOption(
  values: OptionValues,
  name: string,
  range: { readonly min: number; readonly max?: number },
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < range.min || n > max) {
    throw new UsageError(
      `--${name}: got ${JSON.stringify(raw)}, must be an integer from ${range.min}${range.max === undefined ? ' up' : ` to ${range.max}`}`,
    );
  }
  return n;
}

/** One of a fixed set of values, or `fallback` when the option is absent. */
export function choiceOption<T extends string>(
  values: OptionValues,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(
      `--${name}: got ${JSON.stringify(raw)}, must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`,
    );
  }
  return raw as T;
}

/**
 * Runs a command the same way for every bin of the repository: `--help` prints the usage (exit
 * 0); a {@link UsageError} prints the message and the usage (exit 2); any other error prints
 * `<name>: <message>` (exit 1); otherwise `body`'s status.
 */
export async function runCommand(
  spec: CommandSpec,
  argv: readonly string[],
  io: CommandIo,
  body: (values: OptionValues) => Promise<number>,
): Promise<number> {
  try {
    const values = parseCommandLine(spec, argv);
    if (values === undefined) {
      io.stdout(`${usage(spec)}\n`);
      return 0;
    }
    return await body(values);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n\n${usage(spec)}\n`);
      return 2;
    }
    io.stderr(`${spec.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Reads all of `process.stdin` (what bins use when a test gives no `stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What every `bin/*.js` launcher runs: the command's `main` with the process's arguments,
 * environment and streams, setting the exit code from its result.
 */
export function runBin(
  main: (argv: readonly string[], env: NodeJS.ProcessEnv, io: CommandIo) => Promise<number>,
): void {
  main(process.argv.slice(2), process.env, {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    stdin: readStdin,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
