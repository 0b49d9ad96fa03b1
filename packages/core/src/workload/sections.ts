import { identitySection, type IdentityInput } from './identity';
import type { WorkloadSection } from './section';

/**
 * Every section a workload file may hold, in the order their keys appear in the published JSON
 * Schema. A new section is one line here (and one in {@link WorkloadSectionInputs}); the
 * definition, the schema and the validator pick it up from this list.
 */
export const WORKLOAD_SECTIONS: readonly WorkloadSection[] = [
  // services (13V)
  // scheduledTasks (13T)
  // eventTasks (13T)
  // tables (13D1)
  // secrets (13D1)
  // queues (13D1)
  // topics (13D1)
  // buckets (13D2)
  // repositories (13D2)
  // endpoints (13D2)
  identitySection as WorkloadSection, // identity (14B)
];

/**
 * The typed input of each registered section, by key, for `defineWorkload` in TypeScript
 * (`readonly queues?: QueuesInput;`). Every section is optional; a workload declares at least one.
 */
export interface WorkloadSectionInputs {
  // readonly services?: ServicesInput; (13V)
  // readonly scheduledTasks?: ScheduledTasksInput; (13T)
  // readonly eventTasks?: EventTasksInput; (13T)
  // readonly tables?: TablesInput; (13D1)
  // readonly secrets?: SecretsInput; (13D1)
  // readonly queues?: QueuesInput; (13D1)
  // readonly topics?: TopicsInput; (13D1)
  // readonly buckets?: BucketsInput; (13D2)
  // readonly repositories?: RepositoriesInput; (13D2)
  // readonly endpoints?: EndpointsInput; (13D2)
  readonly identity?: IdentityInput; // (14B)
}
