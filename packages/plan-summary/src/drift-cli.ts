import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CliIo, runUrlOf } from './cli';
import {
  CommandSpec,
  integerOption,
  requiredOption,
  runCommand,
  stringOption,
  UsageError,
} from './command-line';
import {
  driftIssueTitle,
  driftMarker,
  hasDrift,
  renderDriftReport,
  StackDriftSummary,
} from './drift';
import { gatherDriftResults } from './gather';
import { syncIssue } from './github';

export const DRIFT_REPORT_COMMAND: CommandSpec = {
  name: 'automock-drift-report',
  summary: `Gathers the refresh-only plans of the drift jobs (<stack>.json / .txt / .status under DIR),
reports what changed outside Terraform per environment in the job summary, and keeps one issue
per environment (marked <!-- automock-drift:<env> -->): opened or updated while there is drift,
closed when it is gone.`,
  options: {
    dir: {
      type: 'string',
      valueName: 'DIR',
      description: "folder with the drift jobs' files (searched recursively)",
    },
    stacks: {
      type: 'string',
      valueName: 'FILE',
      description:
        'stacks that were checked: stacks.json of automock-stack-matrix ([{stack, environment}])',
    },
    repo: { type: 'string', valueName: 'OWNER/NAME', description: 'default: $GITHUB_REPOSITORY' },
    'artifact-url': {
      type: 'string',
      valueName: 'URL',
      description: 'link to the full plans; default: the workflow run page',
    },
    'summary-file': {
      type: 'string',
      valueName: 'FILE',
      description: 'append the reports here; default: $GITHUB_STEP_SUMMARY',
    },
    'output-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'also write each environment report to DIR/<env>.md',
    },
    'no-issues': { type: 'boolean', description: 'do not call the GitHub API' },
    'max-length': { type: 'string', valueName: 'N', description: 'default: 65535' },
  },
  notes: `Environment: GITHUB_TOKEN with issues: write (required unless --no-issues), GITHUB_API_URL.
Exit status: 0 every stack was checked (drift or not: drift is reported, not a failure), 1 a check
failed (named on stderr) or the API call failed, 2 bad usage.`,
};

/**
 * GitHub: "each step is restricted to a maximum size of 1MiB" of job summary. Environments whose
 * report would pass it get one line there (their issue and the artifact hold the rest).
 */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/** What the drift jobs were given: `[{ stack, environment }]`. */
export function parseCheckedStacks(text: string, file: string): Map<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--stacks: ${file} is not JSON`);
  }
  const byEnv = new Map<string, string[]>();
  if (!Array.isArray(parsed)) {
    throw new UsageError(
      `--stacks: got ${JSON.stringify(parsed)?.slice(0, 80)}, must be a JSON array of { stack, environment }`,
    );
  }
  parsed.forEach((e: unknown, i) => {
    const s = e as { stack?: unknown; environment?: unknown };
    if (typeof s?.stack !== 'string' || typeof s.environment !== 'string') {
      throw new UsageError(
        `--stacks: [${i}]: got ${JSON.stringify(e)?.slice(0, 80)}, must be { stack, environment } (strings)`,
      );
    }
    const list = byEnv.get(s.environment);
    if (list) list.push(s.stack);
    else byEnv.set(s.environment, [s.stack]);
  });
  return byEnv;
}

/** Runs the command; resolves to the exit status. */
export async function driftReportMain(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  return runCommand(DRIFT_REPORT_COMMAND, argv, io, async (values) => {
    const dir = requiredOption(values, 'dir', 'the folder with the drift results');
    const stacksFile = requiredOption(values, 'stacks', 'the list of checked stacks');
    let text: string;
    try {
      text = await fs.readFile(stacksFile, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--stacks: cannot read ${stacksFile} (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    const byEnv = parseCheckedStacks(text, stacksFile);
    const maxLength = integerOption(values, 'max-length', { min: 200 });
    const issues = !values['no-issues'];
    const repo = stringOption(values, 'repo') ?? env.GITHUB_REPOSITORY;
    if (issues && !repo) throw new UsageError('--repo: missing and GITHUB_REPOSITORY is not set');
    const runUrl = runUrlOf(env);
    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const footer = [
      `Checked ${when}`,
      env.GITHUB_SHA ? `at \`${env.GITHUB_SHA.slice(0, 12)}\`` : '',
      runUrl ? `· [workflow run](${runUrl})` : '',
    ]
      .filter(Boolean)
      .join(' ');

    const all = [...byEnv.values()].flat();
    const checked = new Set(all);
    const { summaries, plans } = await gatherDriftResults(dir, all);
    const byStack = new Map(summaries.map((s) => [s.stack, s]));
    for (const s of summaries)
      if (!checked.has(s.stack))
        io.stderr(`::warning title=unexpected drift result::${s.stack} was not in ${stacksFile}\n`);

    let status = 0;
    const outputDir = stringOption(values, 'output-dir');
    if (outputDir) await fs.mkdir(outputDir, { recursive: true });
    const summaryFile = stringOption(values, 'summary-file') ?? env.GITHUB_STEP_SUMMARY;
    // Room kept for the one-line entries of the environments after a report that did not fit.
    let summaryRoom = STEP_SUMMARY_MAX_BYTES - 200 * byEnv.size;
    for (const environment of [...byEnv.keys()].sort()) {
      const mine: StackDriftSummary[] = byEnv
        .get(environment)!
        .map((s) => byStack.get(s)!)
        .sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0));
      const body = renderDriftReport({
        environment,
        summaries: mine,
        plans,
        artifactUrl: stringOption(values, 'artifact-url') ?? runUrl,
        maxLength,
        footer: `<sub>${footer}</sub>`,
      });
      if (outputDir) await fs.writeFile(path.join(outputDir, `${environment}.md`), body);
      const drifted = mine.filter(hasDrift);
      const failed = mine.filter((s) => s.status === 'failed');
      const resources = drifted.reduce((a, s) => a + s.changed.length + s.deleted.length, 0);
      if (summaryFile) {
        const bytes = Buffer.byteLength(body) + 1;
        if (bytes <= summaryRoom) {
          await fs.appendFile(summaryFile, `${body}\n`);
          summaryRoom -= bytes;
        } else {
          await fs.appendFile(
            summaryFile,
            `### Drift in \`${environment}\`\n\n${resources} resource(s) in ${drifted.length} stack(s) changed outside Terraform, ${failed.length} stack(s) not checked: the full report is in the issue and the artifact (the job summary is full).\n\n`,
          );
        }
      }
      let where = '';
      if (issues) {
        // Failed checks keep an open issue open (its drift is unknown) but never open one.
        const res = await syncIssue({
          token: env.GITHUB_TOKEN ?? '',
          apiUrl: env.GITHUB_API_URL,
          repo: repo!,
          marker: driftMarker(environment),
          open: drifted.length > 0,
          title: driftIssueTitle(environment, mine),
          body,
          fetch: io.fetch,
          keepOpen: failed.length > 0,
        });
        if (res.number !== undefined) where = ` (issue #${res.number} ${res.action})`;
      }
      if (drifted.length > 0) {
        io.stderr(
          `::warning title=drift in ${environment}::${resources} resource(s) in ${drifted.map((s) => s.stack).join(', ')} changed outside Terraform${where}\n`,
        );
      }
      for (const s of failed) {
        io.stderr(`::error title=drift check failed::stack ${s.stack}: ${s.error ?? 'failed'}\n`);
        status = 1;
      }
      io.stdout(
        `${environment}: ${mine.length} stack(s) checked, ${drifted.length} drifted (${resources} resource(s)), ${failed.length} failed${where}\n`,
      );
    }
    return status;
  });
}
