import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { COMMENT_MARKER, renderComment } from './comment';
import { gatherPlanResults } from './gather';
import { FetchLike, upsertComment } from './github';

const USAGE = `Usage: automock-plan-comment --dir DIR [options]

Gathers <stack>.json / <stack>.txt / <stack>.status from DIR, renders one summary and
creates or updates the pull request comment marked ${COMMENT_MARKER}.

  --dir DIR            folder with the plan jobs' files (searched recursively)
  --expect LIST        stacks that were planned (JSON array or comma list); missing ones fail
  --repo OWNER/NAME    default: $GITHUB_REPOSITORY
  --pr N               default: pull_request.number of $GITHUB_EVENT_PATH
  --artifact-url URL   link to the full plans; default: the workflow run page
  --title TEXT         heading; default: "### Terraform plan"
  --summary-file FILE  also append the body here; default: $GITHUB_STEP_SUMMARY
  --output FILE        also write the body here
  --no-comment         do not call the GitHub API
  --max-length N       default: 65535
Environment: GITHUB_TOKEN (required unless --no-comment), GITHUB_API_URL.
Exit status: 0 all plans succeeded, 1 a plan failed (named on stderr) or the API call failed,
2 bad usage.`;

/** Streams the CLI writes to; replaceable in tests. */
export interface CliIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly fetch?: FetchLike;
}

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

function parseExpect(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const v = value.trim();
  if (v.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new UsageError(`--expect: got ${v.slice(0, 80)}, not valid JSON`);
    }
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
      throw new UsageError(`--expect: got ${v.slice(0, 80)}, must be a JSON array of stack names`);
    }
    return parsed;
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

class UsageError extends Error {}

async function eventPayload(env: NodeJS.ProcessEnv): Promise<Record<string, unknown> | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(await fs.readFile(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Runs the command; resolves to the exit status. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = defaultIo,
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        dir: { type: 'string' },
        expect: { type: 'string' },
        repo: { type: 'string' },
        pr: { type: 'string' },
        'artifact-url': { type: 'string' },
        title: { type: 'string' },
        'summary-file': { type: 'string' },
        output: { type: 'string' },
        'no-comment': { type: 'boolean', default: false },
        'max-length': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }

  try {
    if (!values.dir)
      throw new UsageError('--dir: missing, the folder with the plan results is required');
    const expected = parseExpect(values.expect);
    const maxLength = values['max-length'] === undefined ? undefined : Number(values['max-length']);
    if (maxLength !== undefined && !Number.isInteger(maxLength)) {
      throw new UsageError(`--max-length: got ${values['max-length']}, must be an integer`);
    }
    const event = await eventPayload(env);
    const pr = event?.pull_request as { number?: number; head?: { sha?: string } } | undefined;
    const repo = values.repo ?? env.GITHUB_REPOSITORY;
    const runUrl =
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined;
    const sha = pr?.head?.sha ?? env.GITHUB_SHA;

    const { summaries, plans } = await gatherPlanResults(values.dir, expected);
    const footer = [
      sha ? `Commit \`${sha.slice(0, 12)}\`` : '',
      runUrl ? `[workflow run](${runUrl})` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const body = renderComment({
      summaries,
      plans,
      artifactUrl: values['artifact-url'] ?? runUrl,
      maxLength,
      title: values.title,
      footer: footer === '' ? undefined : `<sub>${footer}</sub>`,
    });

    if (values.output) await fs.writeFile(values.output, body);
    const summaryFile = values['summary-file'] ?? env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await fs.appendFile(summaryFile, `${body}\n`);

    let status = 0;
    if (!values['no-comment']) {
      const issueNumber = values.pr !== undefined ? Number(values.pr) : pr?.number;
      if (issueNumber === undefined || !Number.isInteger(issueNumber)) {
        throw new UsageError(
          `--pr: got ${values.pr ?? 'nothing (and no pull_request in GITHUB_EVENT_PATH)'}, must be a pull request number`,
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
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`automock-plan-comment: ${(e as Error).message}\n`);
    return 1;
  }
}
