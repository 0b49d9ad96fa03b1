import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeploymentRegistry } from '@automock/registry';
import { type BackendEmulators, startBackendEmulators } from '@automock/test-support/emulators';
import {
  type FakeAws,
  dedicatedProject,
  instantClock,
  projectRoles,
  teardownTestBed,
} from '@automock/test-support/fake-aws';
import { createBackendTables } from '@automock/test-support/tables';
import { findOrphans, sweepOrphans } from './orphans';
import type { TeardownClients } from './record';
import { WrongAccountError } from './sweep';

const STATE_BUCKET = 'automock-tfstate-123456789012-us-east-1';
const NOW = new Date('2026-06-02T09:00:00.000Z');

let emulators: BackendEmulators;
let registry: DeploymentRegistry;
let clients: TeardownClients;
let fake: FakeAws;

beforeAll(async () => {
  emulators = await startBackendEmulators([STATE_BUCKET]);
});
afterAll(() => emulators.stop());

async function setup(account?: string) {
  let dynamodb: DynamoDBClient;
  ({ clients, fake, dynamodb } = teardownTestBed({
    ...emulators,
    stateBucket: STATE_BUCKET,
    resources: [
      ...dedicatedProject('dev', 'ghost'), // the registry never heard of it
      ...dedicatedProject('dev', 'old'), // destroyed, yet still there
      ...dedicatedProject('dev', 'live'), // active: not an orphan
      ...dedicatedProject('staging', 'ghost'), // another environment
    ],
    fake: { roles: [...projectRoles('dev', 'ghost'), ...projectRoles('dev', 'live')], account },
  }));
  const { registryTable } = await createBackendTables(dynamodb);
  registry = new DeploymentRegistry({ client: dynamodb, tableName: registryTable });
  for (const project of ['old', 'live']) {
    const d = await registry.register({ env: 'dev', project, createdBy: 'alice', ttlHours: 1 });
    const a = await registry.transition('dev', project, {
      from: ['deploying'],
      to: project === 'old' ? 'failed' : 'active',
      expectedVersion: d.version,
    });
    if (project === 'old')
      await registry.transition('dev', project, {
        from: ['failed'],
        to: 'destroyed',
        expectedVersion: a.version,
        now: new Date('2026-06-01T09:00:00.000Z'),
      });
  }
}
afterEach(() => fake.restore());

const opts = () => ({
  env: 'dev',
  accountId: '123456789012',
  namePrefix: 'automock',
  protectedNames: [STATE_BUCKET],
  clock: instantClock(),
  now: NOW,
});

describe('orphans', () => {
  it('lists the projects the registry does not know or lists as destroyed, with age and hourly cost', async () => {
    await setup();
    const found = await findOrphans(clients, registry, opts());
    expect(found.map((o) => [o.project, o.reason, o.ageHours])).toEqual([
      ['ghost', 'unknown', undefined],
      ['old', 'destroyed', 24],
    ]);
    const ghost = found[0]!;
    // Roles are found too (IAM is not in the Tagging API).
    expect(ghost.resources.filter((r) => r.kind === 'iam-role')).toHaveLength(2);
    expect(ghost.resources).toHaveLength(22);
    // One ALB (0.0225), one NAT gateway (0.045), one public IPv4 (0.005), one secret (0.4/730).
    expect(ghost.hourlyCost).toBeCloseTo(0.0225 + 0.045 + 0.005 + 0.4 / 730, 6);
    expect(ghost.unpriced).toEqual(['ecs-service', 's3-bucket', 'log-group']);
    expect(fake.calls).toEqual([]);
  });

  it('--yes: deletes the orphans only, and leaves one deployed again meanwhile', async () => {
    await setup();
    const found = await findOrphans(clients, registry, opts());
    // 'old' is deployed again between the listing and its turn.
    await registry.register({ env: 'dev', project: 'old', createdBy: 'bob', ttlHours: 1 });
    const swept = await sweepOrphans(clients, registry, found, opts());
    expect(swept.map((s) => [s.project, s.result?.complete, s.skippedBecause])).toEqual([
      ['ghost', true, undefined],
      ['old', undefined, 'it is deploying in the registry now'],
    ]);
    expect(fake.calls.some((c) => c.includes('dev-ghost'))).toBe(true);
    expect(fake.calls.some((c) => c.includes('automock-dev-ghost-mockserver-task'))).toBe(true);
    for (const other of ['dev-old', 'dev-live', 'staging-ghost', 'dev-live-mockserver'])
      expect(fake.calls.filter((c) => c.includes(other))).toEqual([]);
  });

  it("names a leftover workload's database, file system, HTTP API and user pool among what it does not price", async () => {
    await setup();
    fake.restore();
    ({ clients, fake } = teardownTestBed({
      ...emulators,
      stateBucket: STATE_BUCKET,
      resources: [
        'rds:us-east-1:123456789012:db:automock-dev-shop',
        'elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0',
        'apigateway:us-east-1::/apis/a1b2c3d4e5',
        'cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123xyz',
      ].map((rest) => ({
        arn: `arn:aws:${rest}`,
        tags: { 'automock:env': 'dev', 'automock:project': 'shop' },
      })),
    }));
    const found = await findOrphans(clients, registry, opts());
    expect(found.map((o) => [o.project, o.hourlyCost, o.unpriced])).toEqual([
      ['shop', 0, ['rds-instance', 'efs-file-system', 'apigw-api', 'cognito-user-pool']],
    ]);
  });

  it('refuses credentials of another account', async () => {
    await setup('210987654321');
    await expect(findOrphans(clients, registry, opts())).rejects.toBeInstanceOf(WrongAccountError);
    expect(fake.mocks.tagging.calls()).toHaveLength(0);
  });
});
