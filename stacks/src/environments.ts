import { defineEnvironment, Environment } from '@automock/core';

/**
 * The environments this repository deploys: dev and staging share a non-production account,
 * prod has an account (and region) of its own. Add one by appending a `defineEnvironment({...})`:
 * it is validated when the app starts, and an invalid one stops synthesis before anything is
 * written. Account ids here are examples; replace them with yours.
 */
export const ENVIRONMENTS: readonly Environment[] = [
  // Cheap and disposable: tasks (and the destroyer task) in public subnets with public IPs, the
  // reaper Lambda outside the VPC, S3/DynamoDB through gateway endpoints: nothing uses a NAT.
  defineEnvironment({
    name: 'dev',
    accountId: '111111111111',
    region: 'us-east-1',
    azCount: 2,
    vpcCidr: '10.10.0.0/16',
    nat: 'none',
    taskPlacement: 'public',
    defaultSize: 'small',
    defaultTtlHours: 4,
    logRetentionDays: 7,
    // Seed 004's myapp (workloads/myapp.yaml) keeps its PostgreSQL here: no route to the internet.
    databaseSubnets: true,
    tags: { CostCenter: 'platform-dev' },
  }),
  // Production-like topology at a fraction of the cost: private tasks behind one NAT.
  defineEnvironment({
    name: 'staging',
    accountId: '111111111111',
    region: 'us-east-1',
    azCount: 2,
    vpcCidr: '10.20.0.0/16',
    nat: 'single',
    taskPlacement: 'private',
    defaultSize: 'medium',
    defaultTtlHours: 8,
    logRetentionDays: 30,
    flowLogs: true,
    tags: { CostCenter: 'platform-staging' },
  }),
  // Highly available: three AZs, a NAT per AZ, HTTPS on a real domain, nothing deletable by accident.
  defineEnvironment({
    name: 'prod',
    accountId: '222222222222',
    region: 'us-west-2',
    azCount: 3,
    vpcCidr: '10.30.0.0/16',
    nat: 'per-az',
    taskPlacement: 'private',
    defaultSize: 'large',
    defaultTtlHours: 0,
    logRetentionDays: 90,
    domain: { name: 'mocks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    notificationEmail: 'platform-oncall@example.com',
    deletionProtection: true,
    flowLogs: true,
    tags: { CostCenter: 'platform-prod' },
    // Set images to repository:tag@sha256:<digest> for each image (README: "Pinning images"),
    // then delete this suppression: production then refuses any unpinned image.
    suppressions: [
      {
        id: 'AM-ECS-4',
        reason:
          'example configuration: no image digest is built in (none could be read from a registry where this was written); pin them in images before the first apply',
      },
    ],
  }),
];
