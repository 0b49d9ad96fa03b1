import type { Environment, WorkloadResourceRef, WorkloadRefKind } from '@automock/core';
import type { Construct } from 'constructs';

/**
 * The synthesis half of a workload section (core's `WorkloadSection` is the validation half):
 * it turns the section's resolved value into constructs inside the workload stack.
 * The workload stack calls builders in ascending {@link WorkloadSectionBuilder.order}, so a
 * resource is provided before anything that looks it up.
 */
export interface WorkloadSectionBuilder<Resolved = unknown> {
  /** The core section's key, e.g. `queues`. */
  readonly key: string;
  /** Data and messaging 10, services 20, scheduled and event tasks 30. */
  readonly order: number;
  build(resolved: Resolved, ctx: WorkloadBuildContext): void;
}

/** Name parts for core's `resourceName`: the workload takes the project's place. */
export interface WorkloadNameParts {
  readonly prefix: string;
  readonly env: string;
  readonly project: string;
}

/** Network the workload runs on: the environment's, or its own when it asks for a dedicated one. */
export interface WorkloadNetwork {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  /** Whether tasks run in public subnets with public IPs (environment's `taskPlacement`). */
  readonly publicTasks: boolean;
  /**
   * Route tables of the private subnets, for gateway endpoints (environment output
   * `private_route_table_ids`). @default - unknown: a workload on this network cannot add gateway endpoints
   */
  readonly privateRouteTableIds?: string[];
  /**
   * Services the network already routes through gateway endpoints (the environment's network has
   * `s3` and `dynamodb`): AWS refuses a second one on the same route tables. @default []
   */
  readonly gatewayEndpointServices?: readonly string[];
  /**
   * The database tier's subnets (environment output `database_subnet_ids`), when the environment
   * has `databaseSubnets`. @default - none: the network has no database tier
   */
  readonly databaseSubnetIds?: string[];
  /**
   * The database tier's RDS DB subnet group (environment output `database_subnet_group_name`).
   * @default - none: the network has no database tier
   */
  readonly databaseSubnetGroupName?: string;
}

/** The environment's shared ALB as a workload sees it. */
export interface WorkloadSharedAlb {
  readonly arn: string;
  /** Its security group: the only source a shared-routed service admits. */
  readonly securityGroupId: string;
  /** The listener workload rules go on: HTTPS when the environment has a domain, else HTTP. */
  readonly listenerArn: string;
  /**
   * That listener's protocol (port 443 for HTTPS, 80 for HTTP), for what reaches it from inside
   * the VPC (the HTTP API's VPC link). @default 'HTTP'
   */
  readonly listenerProtocol?: 'HTTP' | 'HTTPS';
}

/** Everything a section builder may use. */
export interface WorkloadBuildContext {
  /** The workload stack; builders create their constructs under it. */
  readonly scope: Construct;
  readonly env: Environment;
  /** The workload's name. */
  readonly workload: string;
  readonly nameParts: WorkloadNameParts;
  readonly network: WorkloadNetwork;
  /** The environment's ECS cluster (or the workload's own when on a dedicated network). */
  readonly cluster: { readonly name: string; readonly arn: string };
  /**
   * Whether the workload is deployed with a TTL (a preview): nothing of it is deletion-protected.
   * @default false
   */
  readonly ephemeral?: boolean;
  /** ARN of the permissions boundary every IAM role the workload creates must carry. */
  readonly permissionsBoundary: string;
  /**
   * The environment's shared ALB, for services routed through it (references from the
   * environment's outputs). @default - none: a service with shared routing cannot be built
   */
  readonly sharedAlb?: WorkloadSharedAlb;
  /**
   * The environment's Cloud Map private DNS namespace, for internal services.
   * @default - none: a service with internal routing cannot be built
   */
  readonly serviceDiscoveryNamespace?: { readonly id: string; readonly name: string };
  /**
   * ARN of the environment's notification key (its stack output), which encrypts the workload's
   * topics that name no key of their own.
   * @default - the topics builder creates one customer managed key for the workload's topics
   */
  readonly notificationKeyArn?: string;
  /**
   * Every section of the workload, resolved (core's `Workload.sections`), for a builder whose
   * resources depend on another section's settings (a service the HTTP API fronts admits only
   * the VPC on the shared ALB). @default {} (none)
   */
  readonly sections?: Readonly<Record<string, unknown>>;
  /** Publishes a resource for other sections (one per kind and name). */
  provide(ref: WorkloadResourceRef): void;
  /** A resource another section provided; throws if absent (validation makes that impossible). */
  lookup(kind: WorkloadRefKind, name: string): WorkloadResourceRef;
}
