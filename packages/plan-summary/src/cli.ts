import { promises as fs } from 'node:fs';
import {
  CommandIo,
  CommandSpec,
  integerOption,
  OptionValues,
  requiredOption,
  runCommand,
  stringOption,
  UsageError,
} from './command-line';
import { COMMENT_MARKER, renderComment } from './comment';
import { gatherPlanResults } from './gather';
import { FetchLike, upsertComment } from './github';

export const PLAN_COMMENT_COMMAND: CommandSpec = {
  name: 'automock-plan-comment',
  summary: `Gathers <stack>.json / <stack>.txt / <stack>.status from DIR, renders one summary and
creates or updates the pull request comment marked ${COMMENT_MARKER}.`,
  options: {
    dir: {
      type: 'string',
      valueName: 'DIR',
      description: "folder with the plan jobs' files (searched recursively)",
    },
    expect: {
      type: 'string',
      valueName: 'LIST',
      description: 'stacks that were planned (JSON array or comma list); missing ones fail',
    },
    'expect-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'the same as a JSON file (names, or objects with a "stack" field)',
    },
    repo: { type: 'string', valueName: 'OWNER/NAME', description: 'default: $GITHUB_REPOSITORY' },
    pr: {
      type: 'string',
      valueName: 'N',
      description: 'default: pull_request.number of $GITHUB_EVENT_PATH',
    },
    'artifact-url': {
      type: 'string',
      valueName: 'URL',
      description: 'link to the full plans; default: the workflow run page',
    },
    title: {
      type: 'string',
      valueName: 'TEXT',
      description: 'heading; default: "### Terraform plan"',
    },
    'summary-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'also append the body here; default: $GITHUB_STEP_SUMMARY',
    },
    output: { type: 'string', valueName: 'FILE', description: 'also write the body here' },
    'no-comment': { type: 'boolean', description: 'do not call the GitHub API' },
    'max-length': { type: 'string', valueName: 'N', description: 'default: 65535' },
  },
  notes: `Environment: GITHUB_TOKEN (required unless --no-comment), GITHUB_API_URL.
Exit status: 0 all plans succeeded, 1 a plan failed (named on stderr) or the API call failed,
2 bad usage.`,
};

/** Streams the CLI writes to; replaceable in tests. */
export interface CliIo extends CommandIo {
  readonly fetch?: FetchLike;
}

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

/** Stack names from `--expect` (a JSON array or a comma list). */
export function parseStackList(value: string | undefined, option = '--expect'): string[] {
  if (value === undefined || value.trim() === '') return [];
  const v = value.trim();
  if (!v.startsWith('[')) {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new UsageError(`${option}: got ${v.slice(0, 80)}, not valid JSON`);
  }
  const names = Array.isArray(parsed)
    ? parsed.map((s: unknown) =>
        typeof s === 'string'
          ? s
          : typeof s === 'object' &&
              s !== null &&
              typeof (s as { stack?: unknown }).stack === 'string'
            ? (s as { stack: string }).stack
            : undefined,
      )
    : undefined;
  if (!names || names.some((n) => n === undefined)) {
    throw new UsageError(
      `${option}: got ${v.slice(0, 80)}, must be a JSON array of stack names (or of objects with a "stack" field)`,
    );
  }
  return names as string[];
}

/** The expected stacks of `--expect` and `--expect-file`, together. */
export async function expectedStacks(values: OptionValues): Promise<string[]> {
  const file = stringOption(values, 'expect-file');
  const fromFile = file
    ? parseStackList(await readOrUsage(file, '--expect-file'), '--expect-file')
    : [];
  return [...new Set([...parseStackList(stringOption(values, 'expect')), ...fromFile])];
}

async function readOrUsage(file: string, option: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
  }
}

/** The event payload of the run (`GITHUB_EVENT_PATH`), if readable. */
export async function eventPayload(
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown> | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(await fs.readFile(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The workflow run's page, when the run's variables are set. */
export function runUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  return env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
}

/** Runs the command; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = defaultIo,
): Promise<number> {
  return runCommand(PLAN_COMMENT_COMMAND, argv, io, async (values) => {
    const dir = requiredOption(values, 'dir', 'the folder with the plan results');
    const expected = await expectedStacks(values);
    const maxLength = integerOption(values, 'max-length', { min: 200 });
    const event = await eventPayload(env);
    const pr = event?.pull_request as { number?: number; head?: { sha?: string } } | undefined;
    const repo = stringOption(values, 'repo') ?? env.GITHUB_REPOSITORY;
    const runUrl = runUrlOf(env);
    const sha = pr?.head?.sha ?? env.GITHUB_SHA;

    const { summaries, plans } = await gatherPlanResults(dir, expected);
    const footer = [
      sha ? `Commit \`${sha.slice(0, 12)}\`` : '',
      runUrl ? `[workflow run](${runUrl})` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const body = renderComment({
      summaries,
      plans,
      artifactUrl: stringOption(values, 'artifact-url') ?? runUrl,
      maxLength,
      title: stringOption(values, 'title'),
      footer: footer === '' ? undefined : `<sub>${footer}</sub>`,
    });

    const output = stringOption(values, 'output');
    if (output) await fs.writeFile(output, body);
    const summaryFile = stringOption(values, 'summary-file') ?? env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await fs.appendFile(summaryFile, `${body}\n`);

    let status = 0;
    if (!values['no-comment']) {
      const prOption = stringOption(values, 'pr');
      const issueNumber = prOption !== undefined ? Number(prOption) : pr?.number;
      if (issueNumber === undefined || !Number.isInteger(issueNumber)) {
        throw new UsageError(
          `--pr: got ${prOption ?? 'nothing (and no pull_request in GITHUB_EVENT_PATH)'}, must be a pull request number`,
        );
      }
      if (!repo) throw new UsageError('--repo: missing and GITHUB_REPOSITORY is not set');
      const res = await upsertComment({
        token: env.GITHUB_TOKEN ?? '',
        apiUrl: env.GITHUB_API_URL,
        repo,
        issueNumber,
        body,
        fetch: io.fetch,
      });
      io.stdout(`Plan comment ${res.action}: ${res.url}\n`);
    }

    for (const s of summaries.filter((x) => x.status === 'failed')) {
      // `::error` makes Actions show the failing stack on the check itself.
      io.stderr(
        `::error title=terraform plan failed::stack ${s.stack}: ${s.error ?? 'plan failed'}\n`,
      );
      status = 1;
    }
    io.stdout(
      `${summaries.length} stack(s) summarised, ${summaries.filter((s) => s.status === 'failed').length} failed\n`,
    );
    return status;
  });
}
