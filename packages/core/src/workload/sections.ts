import { bucketsSection, type BucketInput } from './buckets';
import { type DatabaseInput, databaseSection } from './database';
import { endpointsSection, type EndpointInput } from './endpoints';
import { filesSection, type FileSystemInput } from './files';
import { httpApiSection, type HttpApiInput } from './http-api';
import { identitySection, type IdentityInput } from './identity';
import { mailSection, type MailInput } from './mail';
import { outputsSection, type OutputsInput } from './outputs';
import { queuesSection, type QueueInput } from './queues';
import { repositoriesSection, type RepositoryInput } from './repositories';
import { secretsSection, type SecretInput } from './secrets';
import type { WorkloadSection } from './section';
import { servicesSection, type ServicesInput } from './services';
import { tablesSection, type TableInput } from './tables';
import {
  eventTasksSection,
  scheduledTasksSection,
  type EventTaskInput,
  type ScheduledTaskInput,
} from './tasks';
import { topicsSection, type TopicInput } from './topics';

/**
 * Every section a workload file may hold, in the order their keys appear in the published JSON
 * Schema. A new section is one line here (and one in {@link WorkloadSectionInputs}); the
 * definition, the schema and the validator pick it up from this list.
 */
export const WORKLOAD_SECTIONS: readonly WorkloadSection[] = [
  servicesSection as WorkloadSection,
  scheduledTasksSection as WorkloadSection,
  eventTasksSection as WorkloadSection,
  tablesSection as WorkloadSection,
  secretsSection as WorkloadSection,
  queuesSection as WorkloadSection,
  topicsSection as WorkloadSection,
  bucketsSection as WorkloadSection,
  repositoriesSection as WorkloadSection,
  endpointsSection as WorkloadSection,
  outputsSection as WorkloadSection,
  databaseSection as WorkloadSection,
  identitySection as WorkloadSection,
  // issue 14 M
  mailSection as WorkloadSection,
  filesSection as WorkloadSection,
  httpApiSection as WorkloadSection,
];

/**
 * The typed input of each registered section, by key, for `defineWorkload` in TypeScript
 * (`readonly queues?: QueuesInput;`). Every section is optional; a workload declares at least one.
 */
export interface WorkloadSectionInputs {
  /** Containers on Fargate: routed, internal or workers. @default - none */
  readonly services?: ServicesInput;
  /** ECS tasks EventBridge Scheduler runs on a rate or cron. @default - none */
  readonly scheduledTasks?: readonly ScheduledTaskInput[];
  /** ECS tasks an EventBridge rule runs on matching events. @default - none */
  readonly eventTasks?: readonly EventTaskInput[];
  /** DynamoDB tables. @default - none */
  readonly tables?: readonly TableInput[];
  /** Secrets Manager secrets (AWS-generated or supplied at deploy time). @default - none */
  readonly secrets?: readonly SecretInput[];
  /** SQS queues. @default - none */
  readonly queues?: readonly QueueInput[];
  /** SNS topics. @default - none */
  readonly topics?: readonly TopicInput[];
  /** S3 buckets. @default - none */
  readonly buckets?: readonly BucketInput[];
  /** ECR repositories. @default - none */
  readonly repositories?: readonly RepositoryInput[];
  /** VPC endpoints. @default - none */
  readonly endpoints?: readonly EndpointInput[];
  /** Outputs of the workload's stack, by name. @default - none */
  readonly outputs?: OutputsInput;
  /** An RDS PostgreSQL database in the environment's database subnets. @default - none */
  readonly database?: DatabaseInput;
  /** A Cognito user pool: sign-in, groups, app clients, hosted UI domain. @default - none */
  readonly identity?: IdentityInput;
  /** An SES domain identity: DKIM, SPF and DMARC records, verified test addresses. @default - none */
  readonly mail?: MailInput;
  /** EFS file systems the services mount. @default - none */
  readonly files?: readonly FileSystemInput[];
  /**
   * An API Gateway HTTP API in front of the services on the shared ALB: JWT authorizer from the
   * user pool, access log, throttling, custom domain. @default - none
   */
  readonly httpApi?: HttpApiInput;
}
