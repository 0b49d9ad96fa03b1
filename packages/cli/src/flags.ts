import { Flags } from '@oclif/core';

/** How plan and apply pick their stacks: oclif refuses none or more than one (exit 2). */
const STACK_SELECTION = ['env', 'stack', 'all'];

/** Flags plan and apply share. */
export const stackFlags = {
  env: Flags.string({
    summary: 'Stacks of this environment (its environment stack and project stacks); repeatable.',
    multiple: true,
    exactlyOne: STACK_SELECTION,
  }),
  stack: Flags.string({
    summary: 'This stack by name (see automock stacks); repeatable.',
    multiple: true,
    exactlyOne: STACK_SELECTION,
  }),
  // No default: a defaulted `false` would count as given and break exactlyOne.
  all: Flags.boolean({ summary: 'Every stack of the app.', exactlyOne: STACK_SELECTION }),
  'changed-since': Flags.string({
    summary:
      'Only stacks whose synthesised JSON differs from this git ref, or from a directory holding a previous synth.',
    helpValue: 'REF|DIR',
  }),
  'summary-md': Flags.string({
    summary:
      'Also write a Markdown table of adds, changes and destroys per stack, and the cost difference, to this file.',
    helpValue: 'FILE',
  }),
  verbose: Flags.boolean({
    summary: 'Stream terraform’s output instead of one progress line per step.',
    default: false,
  }),
};

/** `--env`, required, one environment. */
export const envFlag = Flags.string({
  char: 'e',
  summary: 'Environment (dev, staging, prod...).',
  required: true,
});

/** `--project`, required. */
export const projectFlag = Flags.string({ char: 'p', summary: 'Project name.', required: true });
