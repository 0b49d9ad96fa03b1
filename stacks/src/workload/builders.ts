import { databaseBuilder, databaseClientsBuilder } from './database';
import { outputsBuilder } from './outputs';
import { queuesBuilder } from './queues';
import { secretsBuilder } from './secrets';
import { identityBuilder } from './identity';
import { mailBuilder } from './mail';
import type { WorkloadSectionBuilder } from './section-builder';
import { servicesBuilder } from './services';
import { bucketsBuilder, endpointsBuilder, repositoriesBuilder } from './storage';
import { tablesBuilder } from './tables';
import { eventTasksBuilder, scheduledTasksBuilder } from './tasks';
import { filesBuilder } from './files';
import { httpApiBuilder } from './http-api';
import { topicsBuilder } from './topics';

/**
 * The synthesis half of every registered workload section (core's `WORKLOAD_SECTIONS`), one line
 * each. The workload stack calls them in ascending `order`, so a resource is provided before the
 * sections that look it up.
 */
export const WORKLOAD_BUILDERS: readonly WorkloadSectionBuilder[] = [
  tablesBuilder as WorkloadSectionBuilder,
  secretsBuilder as WorkloadSectionBuilder,
  queuesBuilder as WorkloadSectionBuilder,
  topicsBuilder as WorkloadSectionBuilder,
  bucketsBuilder as WorkloadSectionBuilder,
  repositoriesBuilder as WorkloadSectionBuilder,
  endpointsBuilder as WorkloadSectionBuilder,
  servicesBuilder as WorkloadSectionBuilder,
  scheduledTasksBuilder as WorkloadSectionBuilder,
  eventTasksBuilder as WorkloadSectionBuilder,
  outputsBuilder as WorkloadSectionBuilder,
  databaseBuilder as WorkloadSectionBuilder,
  // Order 25: after the services, whose security groups the database admits.
  databaseClientsBuilder as WorkloadSectionBuilder,
  identityBuilder as WorkloadSectionBuilder,
  // issue 14 M
  mailBuilder as WorkloadSectionBuilder,
  filesBuilder as WorkloadSectionBuilder,
  // Order 40: after the services and the user pool it routes to and trusts.
  httpApiBuilder as WorkloadSectionBuilder,
];
