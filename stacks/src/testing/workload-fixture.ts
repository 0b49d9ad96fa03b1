// A test-only workload section and its builder: the registries hold none until wave 2, and the
// workload layer is tested on its own.
import { resourceName, WorkloadSection } from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { TerraformOutput } from 'cdktf';
import type { WorkloadSectionBuilder } from '../workload/section-builder';

interface JournalsInput {
  readonly name: string;
  /** Days; 0 leaves retention unset (a guardrail error). */
  readonly retentionDays?: number;
}
type JournalsResolved = { readonly name: string; readonly retentionDays: number }[];

/** `journals: [{ name, retentionDays? }]`: a log group each. */
export const journalsSection: WorkloadSection<JournalsInput[], JournalsResolved> = {
  key: 'journals',
  schema: {
    type: 'array',
    description: 'Log groups.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', description: 'Journal name.' },
        retentionDays: { type: 'integer', minimum: 0, description: 'Days kept.', default: 7 },
      },
    },
  },
  declares: (input, field) =>
    Array.isArray(input)
      ? input.map((j: { name?: unknown }, i) => ({
          kind: 'journal',
          name: String(j?.name),
          field: `${field}[${i}].name`,
        }))
      : [],
  resolve: (input) => input.map((j) => ({ name: j.name, retentionDays: j.retentionDays ?? 7 })),
};

/** `readers: [{ journal }]`: an output of the journal's ARN, looked up from its builder. */
export const readersSection: WorkloadSection<{ journal: string }[], string[]> = {
  key: 'readers',
  schema: {
    type: 'array',
    description: 'Outputs of journal ARNs.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['journal'],
      properties: { journal: { type: 'string', description: 'A journal of the workload.' } },
    },
  },
  resolve: (input, ctx) => {
    const before = ctx.issues.issues.length;
    input.forEach((r, i) => {
      if (!ctx.declared('journal', r.journal))
        ctx.issues.add(`${ctx.field}[${i}].journal`, r.journal, 'must name a journal');
    });
    return ctx.issues.issues.length === before ? input.map((r) => r.journal) : undefined;
  },
};

export const journalsBuilder: WorkloadSectionBuilder<JournalsResolved> = {
  key: 'journals',
  order: 10,
  build: (journals, ctx) => {
    for (const j of journals) {
      const group = new CloudwatchLogGroup(ctx.scope, `journal-${j.name}`, {
        name: resourceName('logGroup', { ...ctx.nameParts, kind: j.name }),
        ...(j.retentionDays > 0 ? { retentionInDays: j.retentionDays } : {}),
      });
      ctx.provide({ kind: 'journal', name: j.name, arn: group.arn });
    }
  },
};

export const readersBuilder: WorkloadSectionBuilder<string[]> = {
  key: 'readers',
  // Registered first but built after the journals it looks up.
  order: 20,
  build: (journals, ctx) => {
    for (const j of journals)
      new TerraformOutput(ctx.scope, `reader-${j}`, {
        value: ctx.lookup('journal', j).arn,
        description: `${j} (${ctx.cluster.name})`,
      });
  },
};

export const TEST_SECTIONS = [journalsSection, readersSection];
export const TEST_BUILDERS = [readersBuilder, journalsBuilder];
