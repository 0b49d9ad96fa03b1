import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { stackMatrix } from './stack-matrix';

const USAGE = `Usage: automock-stack-matrix [--input FILE] [--env NAME] [--format github|lines|json]

Reads \`automock stacks --json\` output (stdin by default) and prints the plan/apply job matrix.
  github: appends matrix=<json>, stacks=<json>, count=N to $GITHUB_OUTPUT (and prints them)
  lines:  one stack name per line, in apply order
  json:   the matrix as JSON`;

/** Runs the command; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: { stdout: (s: string) => void; stderr: (s: string) => void; stdin: () => Promise<string> },
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        input: { type: 'string' },
        env: { type: 'string' },
        format: { type: 'string', default: 'json' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!['github', 'lines', 'json'].includes(values.format!)) {
    io.stderr(`--format: got ${JSON.stringify(values.format)}, must be github, lines or json\n`);
    return 2;
  }
  try {
    const text = values.input ? await fs.readFile(values.input, 'utf8') : await io.stdin();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `input: got ${JSON.stringify(text.slice(0, 80))}, must be JSON from \`automock stacks --json\``,
      );
    }
    const m = stackMatrix(parsed, { environment: values.env });
    for (const s of m.skipped)
      io.stderr(`::notice title=stack not planned::${s.stack}: ${s.reason}\n`);
    if (values.format === 'lines') {
      io.stdout(m.include.map((e) => `${e.stack}\n`).join(''));
    } else if (values.format === 'json') {
      io.stdout(`${JSON.stringify({ include: m.include })}\n`);
    } else {
      const lines = [
        `matrix=${JSON.stringify({ include: m.include })}`,
        `stacks=${JSON.stringify(m.include.map((e) => e.stack))}`,
        `count=${m.include.length}`,
      ];
      if (env.GITHUB_OUTPUT) await fs.appendFile(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  } catch (e) {
    io.stderr(`automock-stack-matrix: ${(e as Error).message}\n`);
    return 1;
  }
}
