import type { ProjectStatus } from '../services/status';
import { table } from './format';

/**
 * What `automock list` prints without `--json`. The oclif command and the bin's fast path
 * (`src/list-fast-path.ts`) both print this, so a change to the columns reaches both.
 */
export function listText(env: string, items: readonly ProjectStatus[]): string {
  if (items.length === 0) return `No projects in ${env}.`;
  return table(
    items.map((d) => [
      d.project,
      d.kind === 'workload' ? `workload ${d.workload ?? '?'}` : 'mock',
      d.status,
      d.timeLeft,
      d.size ?? '-',
      d.urls.mockserver ?? '-',
    ]),
    ['project', 'kind', 'status', 'time left', 'size', 'url'],
  );
}
