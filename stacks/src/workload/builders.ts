import { identityBuilder } from './identity';
import type { WorkloadSectionBuilder } from './section-builder';

/**
 * The synthesis half of every registered workload section (core's `WORKLOAD_SECTIONS`), one line
 * each. The workload stack calls them in ascending `order`, so a resource is provided before the
 * sections that look it up.
 */
export const WORKLOAD_BUILDERS: readonly WorkloadSectionBuilder[] = [
  // tablesBuilder, secretsBuilder, queuesBuilder, topicsBuilder (13D1, order 10)
  // bucketsBuilder, repositoriesBuilder, endpointsBuilder (13D2, order 10)
  // servicesBuilder (13V, order 20)
  // scheduledTasksBuilder, eventTasksBuilder (13T, order 30)
  identityBuilder as WorkloadSectionBuilder, // identity (14B, order 10)
];
