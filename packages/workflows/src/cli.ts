import {
  choiceOption,
  CommandIo,
  CommandSpec,
  integerOption,
  readStdin,
  runCommand,
  stringOption,
  UsageError,
} from '@automock/plan-summary';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  batchStacks,
  GITHUB_JOB_OUTPUTS_MAX_BYTES,
  GITHUB_MATRIX_MAX_JOBS,
  StackBatch,
  stackWeight,
} from './batches';
import { StackMatrixEntry, stackMatrix } from './stack-matrix';

export const STACK_MATRIX_COMMAND: CommandSpec = {
  name: 'automock-stack-matrix',
  summary: `Reads \`automock stacks [--changed-since REF] --json\` (stdin by default) and prints the job
matrix of the plan, apply and drift workflows: stacks in batches, at most --max-jobs jobs.`,
  options: {
    input: { type: 'string', valueName: 'FILE', description: 'the stack list; default: stdin' },
    env: { type: 'string', valueName: 'NAME', description: 'only stacks of this environment' },
    kind: {
      type: 'string',
      valueName: 'KIND',
      description: 'only stacks of this kind: environment or project',
    },
    format: {
      type: 'string',
      valueName: 'FORMAT',
      description: 'github, batches, lines or json (default json)',
    },
    'max-jobs': {
      type: 'string',
      valueName: 'N',
      description: `most jobs in the matrix, 1-${GITHUB_MATRIX_MAX_JOBS} (default ${GITHUB_MATRIX_MAX_JOBS})`,
    },
    'stacks-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'synthesised stacks (cdktf.out/stacks): batches are balanced by their resources',
    },
    'out-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'write batches.json and stacks.json here (what the jobs read)',
    },
  },
  notes: `Formats:
  github:  appends matrix=<json> (one entry per batch: batch, name, environment, env_key, region,
           stacks, resources), count=<stacks> and jobs=<batches> to $GITHUB_OUTPUT (and prints them)
  batches: the batches with their stacks, as JSON
  lines:   one stack name per line, in apply order
  json:    the stacks as a matrix of one job each, {"include": [...]}
Exit status: 0 done, 1 bad input, 2 bad usage.`,
};

/** Reads each stack's `cdk.tf.json` under `dir` and returns what it refreshes, by stack name. */
export async function stackWeights(
  dir: string,
  stacks: readonly string[],
): Promise<Map<string, number>> {
  const weights = new Map<string, number>();
  for (const stack of stacks) {
    const file = path.join(dir, stack, 'cdk.tf.json');
    if (!existsSync(file)) {
      throw new Error(
        `--stacks-dir: ${file} is missing (run \`automock synth\` first, or leave out --stacks-dir)`,
      );
    }
    weights.set(stack, stackWeight(JSON.parse(await fs.readFile(file, 'utf8'))));
  }
  return weights;
}

/** The `strategy.matrix` value of the batches: what each job needs to know before it starts. */
export function batchMatrix(batches: readonly StackBatch[]): {
  include: Record<string, string | number>[];
} {
  return {
    include: batches.map((b) => ({
      batch: b.id,
      name: b.name,
      environment: b.environment,
      env_key: b.env_key,
      region: b.region,
      stacks: b.stacks.length,
      resources: b.resources,
    })),
  };
}

/** Runs the command; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  return runCommand(STACK_MATRIX_COMMAND, argv, io, async (values) => {
    const format = choiceOption(values, 'format', ['github', 'batches', 'lines', 'json'], 'json');
    const kind = stringOption(values, 'kind');
    if (kind !== undefined && kind !== 'environment' && kind !== 'project') {
      throw new UsageError(`--kind: got ${JSON.stringify(kind)}, must be environment or project`);
    }
    const maxJobs = integerOption(values, 'max-jobs', { min: 1, max: GITHUB_MATRIX_MAX_JOBS });
    const input = stringOption(values, 'input');
    const text = input ? await fs.readFile(input, 'utf8') : await (io.stdin ?? readStdin)();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(
        `input: got ${JSON.stringify(text.slice(0, 80))}, must be JSON from \`automock stacks --json\``,
      );
    }
    const m = stackMatrix(parsed, { environment: stringOption(values, 'env') });
    for (const s of m.skipped)
      io.stderr(`::notice title=stack not planned::${s.stack}: ${s.reason}\n`);
    const entries: StackMatrixEntry[] = m.include.filter(
      (e) => kind === undefined || e.kind === kind,
    );
    if (format === 'lines') {
      io.stdout(entries.map((e) => `${e.stack}\n`).join(''));
      return 0;
    }
    if (format === 'json') {
      io.stdout(`${JSON.stringify({ include: entries })}\n`);
      return 0;
    }
    const stacksDir = stringOption(values, 'stacks-dir');
    const weights = stacksDir
      ? await stackWeights(
          stacksDir,
          entries.map((e) => e.stack),
        )
      : undefined;
    const batches = batchStacks(entries, { maxJobs, weights });
    const outDir = stringOption(values, 'out-dir');
    if (outDir) {
      await fs.mkdir(outDir, { recursive: true });
      await fs.writeFile(path.join(outDir, 'batches.json'), `${JSON.stringify({ batches })}\n`);
      const batchOf = new Map(batches.flatMap((b) => b.stacks.map((s) => [s, b.id] as const)));
      await fs.writeFile(
        path.join(outDir, 'stacks.json'),
        `${JSON.stringify(
          entries.map((e) => ({
            stack: e.stack,
            kind: e.kind,
            environment: e.environment,
            batch: batchOf.get(e.stack),
          })),
        )}\n`,
      );
    }
    if (format === 'batches') {
      io.stdout(`${JSON.stringify({ batches })}\n`);
      return 0;
    }
    const lines = [
      `matrix=${JSON.stringify(batchMatrix(batches))}`,
      `count=${entries.length}`,
      `jobs=${batches.length}`,
    ];
    const bytes = lines.join('').length * 2;
    if (bytes > GITHUB_JOB_OUTPUTS_MAX_BYTES) {
      throw new Error(
        `matrix: ${bytes} bytes of job outputs, over GitHub's ${GITHUB_JOB_OUTPUTS_MAX_BYTES} per job`,
      );
    }
    if (env.GITHUB_OUTPUT) await fs.appendFile(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  });
}
