import type { Config } from '@oclif/core';
import * as prompt from '../presentation/prompt';
import { shellWord } from '../presentation/shell';

/** The questions the menu asks (tests pass scripted answers). */
export interface Prompter {
  ask(question: string, fallback?: string): Promise<string>;
  choose(question: string, choices: readonly string[], fallback: string): Promise<string>;
}

/** The terminal's prompts (presentation/prompt). */
export const TERMINAL_PROMPTER: Prompter = { ask: prompt.ask, choose: prompt.choose };

/** Answers the menu remembers between entries, offered as the next default. */
export interface MenuContext {
  env?: string;
  project?: string;
  expectations?: string;
}

/** One menu entry: the command it runs and how it collects that command's flags. */
export interface MenuEntry {
  readonly label: string;
  /** oclif command id; the entry is shown only when the command is installed. */
  readonly command: string;
  /** Asks for the flags and returns the command's argv. */
  readonly collect: (p: Prompter, ctx: MenuContext) => Promise<string[]>;
}

/** Where the menu writes (a command's `log`/`logToStderr`). */
export interface MenuOutput {
  log(message: string): void;
  logToStderr(message: string): void;
}

/** Ends an entry whose question got no answer (end of input, or three empty answers). */
class NoAnswer extends Error {}

async function required(p: Prompter, question: string, fallback?: string): Promise<string> {
  for (let i = 0; i < 3; i++) {
    const a = await p.ask(question, fallback);
    if (a) return a;
  }
  throw new NoAnswer(`${question}: no answer`);
}

async function envAndProject(p: Prompter, ctx: MenuContext): Promise<string[]> {
  ctx.env = await required(p, 'Environment', ctx.env);
  ctx.project = await required(p, 'Project', ctx.project);
  return ['--env', ctx.env, '--project', ctx.project];
}

async function expectations(p: Prompter, ctx: MenuContext): Promise<string[]> {
  ctx.expectations = await required(p, 'Expectations file', ctx.expectations);
  return ['--expectations', ctx.expectations];
}

/**
 * The seed's menu, as a table: each entry asks for its command's flags and the command itself
 * runs (its own validation, prompts and confirmations), so no command's logic lives here.
 * Values are passed on unchecked: a bad one gets the command's own error.
 */
export const MENU_ENTRIES: readonly MenuEntry[] = [
  {
    label: 'Deploy',
    command: 'deploy',
    collect: async (p, ctx) => [...(await envAndProject(p, ctx)), ...(await expectations(p, ctx))],
  },
  {
    label: 'Update expectations',
    command: 'update',
    collect: async (p, ctx) => [...(await envAndProject(p, ctx)), ...(await expectations(p, ctx))],
  },
  {
    label: 'Status',
    command: 'status',
    collect: async (p, ctx) => {
      const env = await p.ask('Environment (empty: all)', ctx.env);
      if (!env) return [];
      ctx.env = env;
      const project = await p.ask('Project (empty: all)', ctx.project);
      if (!project) return ['--env', env];
      ctx.project = project;
      return ['--env', env, '--project', project];
    },
  },
  {
    label: 'Extend time to live',
    command: 'extend-ttl',
    collect: async (p, ctx) => [
      ...(await envAndProject(p, ctx)),
      '--hours',
      await required(p, 'Hours to add (0 removes the expiry)', '4'),
    ],
  },
  {
    label: 'Destroy',
    command: 'destroy',
    collect: (p, ctx) => envAndProject(p, ctx),
  },
  {
    label: 'Run locally',
    command: 'local',
    collect: (p, ctx) => expectations(p, ctx),
  },
];

const QUIT = 'Quit';

/** The entries whose command this installation has. */
export function availableEntries(
  config: Pick<Config, 'findCommand'>,
  entries: readonly MenuEntry[] = MENU_ENTRIES,
): MenuEntry[] {
  return entries.filter((e) => config.findCommand(e.command) !== undefined);
}

/**
 * Shows the menu until Quit (or end of input): each choice collects its flags and runs the
 * command through oclif, whose errors are shown before the menu comes back.
 */
export async function runMenu(
  config: Pick<Config, 'findCommand' | 'runCommand'>,
  ctx: MenuContext,
  out: MenuOutput,
  p: Prompter = TERMINAL_PROMPTER,
  entries: readonly MenuEntry[] = MENU_ENTRIES,
): Promise<void> {
  const shown = availableEntries(config, entries);
  const labels = [...shown.map((e) => e.label), QUIT];
  for (;;) {
    out.logToStderr('');
    const choice = await p.choose('What next?', labels, QUIT);
    const entry = shown.find((e) => e.label === choice);
    if (!entry) return;
    let argv: string[];
    try {
      argv = await entry.collect(p, ctx);
    } catch (e) {
      if (!(e instanceof NoAnswer)) throw e;
      out.logToStderr(e.message);
      continue;
    }
    out.logToStderr(`> automock ${[entry.command, ...argv].map(shellWord).join(' ')}`);
    try {
      await config.runCommand(entry.command, argv);
    } catch (e) {
      const err = e as Error & { oclif?: { exit?: number } };
      // `this.exit(0)` inside a command is not a failure.
      if (err.oclif?.exit === 0) continue;
      out.logToStderr(`${entry.label} failed: ${err.message}`);
    }
  }
}

/** Runs the menu when both ends are a terminal; otherwise does nothing. */
export async function runMenuIfInteractive(
  config: Pick<Config, 'findCommand' | 'runCommand'>,
  ctx: MenuContext,
  out: MenuOutput,
): Promise<boolean> {
  if (!prompt.interactive()) return false;
  await runMenu(config, ctx, out);
  return true;
}
