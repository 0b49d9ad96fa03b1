import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DeadlineReachedError } from './retry';
import { WrongAccountError, classify, emptyBucket, sweepProject, SWEEP_ORDER } from './sweep';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  FAKE_ACCOUNT,
  projectRoles,
  type FakeAws,
  type FakeResource,
  dedicatedProject,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';

const ENV = 'dev';
/** The environment's account and name prefix, as the fake's STS and roles have them. */
const SCOPE = { accountId: FAKE_ACCOUNT, namePrefix: 'automock' };
const PROJECT = 'loadtest';

let fake: FakeAws;
let clients: ReturnType<typeof mockedServiceClients> & { s3: S3Client };

function setup(
  resources = dedicatedProject(ENV, PROJECT),
  opts: Parameters<typeof fakeAws>[2] = {},
) {
  clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(clients, resources, opts);
}
afterEach(() => fake?.restore());

/** Command names in the order a dependency-correct teardown issues them. */
const COMMAND_ORDER = [
  'UpdateService',
  'DeleteService',
  'DeregisterTaskDefinition',
  'DeleteRule',
  'DeleteListener',
  'DeleteTargetGroup',
  'DeleteLoadBalancer',
  'DeleteNatGateway',
  'ReleaseAddress',
  'DeleteNetworkInterface',
  'DeleteSubnet',
  'DeleteRouteTable',
  'DetachInternetGateway',
  'DeleteInternetGateway',
  'RevokeSecurityGroupIngress',
  'DeleteSecurityGroup',
  'DeleteVpc',
  'DeleteObjects',
  'DeleteBucket',
  'DeleteLogGroup',
  'DeleteAlarms',
  'DeregisterScalableTarget',
  'DeleteSecret',
];

describe('sweepProject', () => {
  it('deletes a dedicated project in dependency order, each resource once', async () => {
    setup(undefined, { enis: ['eni-lingering'] });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(r.failures).toEqual([]);
    const commands = fake.calls.map((c) => c.split(' ')[0]!);
    // Security groups interleave revoke/delete per group; compare first occurrences.
    const firsts = [...new Set(commands)];
    expect(firsts).toEqual(COMMAND_ORDER);
    expect(fake.calls).toContain('DeleteNetworkInterface eni-lingering');
    expect(fake.calls).toContain('DeleteService automock-dev/loadtest');
    expect(fake.calls.indexOf('DeleteVpc vpc-dev-loadtest')).toBeGreaterThan(
      fake.calls.indexOf('DeleteSecurityGroup sg-dev-loadtest-svc'),
    );
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
    // 19 tagged + 1 ENI
    expect(r.deletedSoFar).toHaveLength(21);
  });

  it('retries DependencyViolation with backoff, then succeeds', async () => {
    setup();
    fake.failNext('DeleteSubnet', 'subnet-dev-loadtest-a', 'DependencyViolation', 2);
    const clock = instantClock();
    const r = await sweepProject(clients, { ...SCOPE, env: ENV, project: PROJECT, clock });
    expect(r.complete).toBe(true);
    expect(fake.calls.filter((c) => c.startsWith('DeleteSubnet subnet-dev-loadtest-a'))).toEqual([
      'DeleteSubnet subnet-dev-loadtest-a -> DependencyViolation',
      'DeleteSubnet subnet-dev-loadtest-a -> DependencyViolation',
      'DeleteSubnet subnet-dev-loadtest-a',
    ]);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('counts NotFound as deleted', async () => {
    setup();
    fake.failNext(
      'DeleteLoadBalancer',
      dedicatedProject(ENV, PROJECT)[3]!.arn,
      'LoadBalancerNotFound',
      1,
    );
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(r.deleted).toContain(dedicatedProject(ENV, PROJECT)[3]!.arn);
  });

  it("a security group's rule already revoked (InvalidPermission.NotFound) does not count the group as deleted", async () => {
    setup();
    fake.failNext(
      'RevokeSecurityGroupIngress',
      'sg-dev-loadtest-svc',
      'InvalidPermission.NotFound',
      1,
    );
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(fake.calls.filter((c) => c.includes('sg-dev-loadtest-svc'))).toEqual([
      'RevokeSecurityGroupIngress sg-dev-loadtest-svc -> InvalidPermission.NotFound',
      'DeleteSecurityGroup sg-dev-loadtest-svc',
    ]);
  });

  it('records a hard failure, carries on with the rest, and is not complete', async () => {
    setup();
    fake.failNext('DeleteLogGroup', '/automock/dev/loadtest', 'AccessDeniedException', 1);
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(false);
    expect(r.failures).toEqual([
      {
        arn: expect.stringContaining('log-group'),
        error: expect.stringMatching(/^AccessDeniedException/),
      },
    ]);
    expect(fake.calls).toContain('DeleteAlarms dev-loadtest-cpu-high');
  });

  it('leaves alone anything without both tags, of another project, env-level or protected', async () => {
    const others: FakeResource[] = [
      {
        arn: 'arn:aws:ec2:us-east-1:1:subnet/subnet-other',
        tags: { 'automock:env': ENV, 'automock:project': 'other' },
      },
      {
        arn: 'arn:aws:ec2:us-east-1:1:subnet/subnet-env',
        tags: { 'automock:env': ENV, 'automock:project': '_environment' },
      },
      { arn: 'arn:aws:ec2:us-east-1:1:subnet/subnet-envonly', tags: { 'automock:env': ENV } },
      {
        arn: 'arn:aws:ec2:us-east-1:1:subnet/subnet-staging',
        tags: { 'automock:env': 'staging', 'automock:project': PROJECT },
      },
      {
        arn: 'arn:aws:s3:::automock-tfstate-123-us-east-1',
        tags: { 'automock:env': ENV, 'automock:project': PROJECT },
      },
      {
        arn: 'arn:aws:ssm:us-east-1:1:parameter/unsupported',
        tags: { 'automock:env': ENV, 'automock:project': PROJECT },
      },
    ];
    // Even if the Tagging API's filter were wrong and returned everything.
    setup(others, { ignoreTagFilters: true });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
      protectedNames: ['automock-tfstate-123-us-east-1'],
    });
    expect(fake.calls).toEqual([]);
    expect(r.planned).toEqual([]);
    expect(r.skipped.map((s) => [s.arn.split(/[/:]/).pop(), s.reason.split(' ')[0]])).toEqual([
      ['subnet-other', 'tags'],
      ['subnet-env', 'tags'],
      ['subnet-envonly', 'tags'],
      ['subnet-staging', 'tags'],
      ['automock-tfstate-123-us-east-1', 'protected'],
      ['unsupported', 'resource'],
    ]);
  });

  it('refuses to sweep an environment-level selection or a wildcard', async () => {
    setup([]);
    await expect(
      sweepProject(clients, { ...SCOPE, env: ENV, project: '_environment', clock: instantClock() }),
    ).rejects.toThrow(/must name one project/);
    await expect(
      sweepProject(clients, { ...SCOPE, env: ENV, project: '', clock: instantClock() }),
    ).rejects.toThrow(/must name one project/);
    await expect(
      sweepProject(clients, { ...SCOPE, env: '*', project: 'x', clock: instantClock() }),
    ).rejects.toThrow(/no wildcards/);
  });

  it('dry run lists what it would delete, in order, and deletes nothing', async () => {
    setup();
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      dryRun: true,
      clock: instantClock(),
    });
    expect(fake.calls).toEqual([]);
    expect(r.planned).toHaveLength(20);
    const idx = r.planned.map((p) => SWEEP_ORDER.indexOf(p.kind));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(r.planned[0]).toMatchObject({ kind: 'ecs-service' });
    expect(r.planned.at(-1)).toMatchObject({ kind: 'secret' });
  });

  it('stops before its deadline and a resumed run deletes nothing twice', async () => {
    setup();
    // A budget of calls stands in for the Lambda's remaining time.
    let budget = 12;
    const clock = {
      timeLeftMs: () => (budget-- > 0 ? 60_000 : 0),
      sleep: async () => undefined,
    };
    const first = await sweepProject(clients, { ...SCOPE, env: ENV, project: PROJECT, clock });
    expect(first.stoppedForDeadline).toBe(true);
    expect(first.complete).toBe(false);
    expect(first.deleted.length).toBeGreaterThan(3);
    expect(first.deleted.length).toBeLessThan(20);
    const callsAfterFirst = fake.calls.length;

    const second = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
      alreadyDeleted: first.deletedSoFar,
    });
    expect(second.complete).toBe(true);
    expect(second.deletedSoFar).toHaveLength(20);
    expect(new Set([...first.deleted, ...second.deleted]).size).toBe(
      first.deleted.length + second.deleted.length,
    );
    // No mutating call repeated across the two runs.
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
    expect(fake.calls.length).toBeGreaterThan(callsAfterFirst);
  });
});

describe('project IAM roles (not in the Tagging API)', () => {
  const bystanders = [
    // Another project, another environment, the environment's own, an untagged one.
    ...projectRoles(ENV, 'other'),
    ...projectRoles('staging', PROJECT),
    {
      name: 'automock-dev-reaper',
      tags: { 'automock:env': ENV, 'automock:project': '_environment' },
    },
    { name: `automock-dev-${PROJECT}-hand-made`, tags: {}, inline: ['x'] },
    // The right tags under another name scheme: not selected by name.
    {
      name: `someone-elses-${PROJECT}`,
      tags: { 'automock:env': ENV, 'automock:project': PROJECT },
    },
  ];

  it('deletes the project roles after emptying them, and nothing else', async () => {
    setup(dedicatedProject(ENV, PROJECT), {
      roles: [...projectRoles(ENV, PROJECT), ...bystanders],
    });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    const iamCalls = fake.calls.filter((c) => /Role/.test(c));
    expect(iamCalls).toEqual([
      `DeleteRolePolicy automock-dev-${PROJECT}-mockserver-execution/execution`,
      `DetachRolePolicy automock-dev-${PROJECT}-mockserver-execution/arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
      `DeleteRole automock-dev-${PROJECT}-mockserver-execution`,
      `DeleteRolePolicy automock-dev-${PROJECT}-mockserver-task/task`,
      `DeleteRole automock-dev-${PROJECT}-mockserver-task`,
    ]);
    // After the services that assume them.
    expect(
      fake.calls.indexOf(`DeleteRole automock-dev-${PROJECT}-mockserver-task`),
    ).toBeGreaterThan(fake.calls.indexOf(`DeleteService automock-dev/${PROJECT}`));
    expect(r.deletedSoFar).toContain(
      `arn:aws:iam::${FAKE_ACCOUNT}:role/automock-dev-${PROJECT}-mockserver-task`,
    );
  });

  it('a role already gone counts as deleted; a resumed run does not touch it again', async () => {
    setup([], { roles: projectRoles(ENV, PROJECT) });
    const first = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(first.deletedSoFar).toHaveLength(2);
    const before = fake.calls.length;
    const second = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
      alreadyDeleted: first.deletedSoFar,
    });
    expect(second.complete).toBe(true);
    expect(fake.calls.length).toBe(before);
  });

  it('an inline policy deleted meanwhile (NoSuchEntity) does not count its role as deleted', async () => {
    setup([], { roles: projectRoles(ENV, PROJECT) });
    const role = `automock-dev-${PROJECT}-mockserver-task`;
    fake.failNext('DeleteRolePolicy', `${role}/task`, 'NoSuchEntity', 1);
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(fake.calls.filter((c) => c.includes(role))).toEqual([
      `DeleteRolePolicy ${role}/task -> NoSuchEntity`,
      `DeleteRole ${role}`,
    ]);
  });

  it('dry run lists the roles and changes nothing', async () => {
    setup([], { roles: [...projectRoles(ENV, PROJECT), ...bystanders] });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      dryRun: true,
      clock: instantClock(),
    });
    expect(r.planned.map((i) => `${i.kind} ${i.id}`)).toEqual([
      `iam-role automock-dev-${PROJECT}-mockserver-execution`,
      `iam-role automock-dev-${PROJECT}-mockserver-task`,
    ]);
    expect(fake.calls).toEqual([]);
  });
});

describe('safety', () => {
  it('refuses credentials of another account before anything, and deletes nothing', async () => {
    setup(dedicatedProject(ENV, PROJECT), {
      account: '210987654321',
      roles: projectRoles(ENV, PROJECT),
    });
    await expect(
      sweepProject(clients, { ...SCOPE, env: ENV, project: PROJECT, clock: instantClock() }),
    ).rejects.toThrow(
      /AWS credentials are for account 210987654321 .* but the environment is in account 123456789012; nothing was swept/,
    );
    await expect(
      sweepProject(clients, { ...SCOPE, env: ENV, project: PROJECT, clock: instantClock() }),
    ).rejects.toBeInstanceOf(WrongAccountError);
    expect(fake.calls).toEqual([]);
    expect(fake.mocks.tagging.calls()).toHaveLength(0);
  });

  it('de-duplicates what the Tagging API returns twice', async () => {
    setup(dedicatedProject(ENV, PROJECT), { duplicateMappings: true });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(r.planned).toHaveLength(20);
    expect(new Set(fake.calls).size).toBe(fake.calls.length);
  });

  it('says when it found nothing at all', async () => {
    setup(dedicatedProject(ENV, 'other'));
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r).toMatchObject({ foundNothing: true, complete: true, planned: [] });
  });
});

describe('emptyBucket', () => {
  it('stops between rounds at its deadline; the next run carries on', async () => {
    setup([], { versionsPerBucket: 2500 });
    let rounds = 2;
    const clock = { ...instantClock(), timeLeftMs: () => (rounds-- > 0 ? 1000 : 0) };
    await expect(emptyBucket(clients.s3, 'cfg', clock)).rejects.toBeInstanceOf(
      DeadlineReachedError,
    );
    expect(fake.calls).toEqual(['DeleteObjects cfg:1000', 'DeleteObjects cfg:1000']);
    expect(await emptyBucket(clients.s3, 'cfg', instantClock())).toBe(500);
  });

  it("a sweep emptying a large bucket honours the sweep's deadline and resumes", async () => {
    setup(
      [
        {
          arn: 'arn:aws:s3:::automock-dev-loadtest-config',
          tags: { 'automock:env': ENV, 'automock:project': PROJECT },
        },
      ],
      { versionsPerBucket: 5000 },
    );
    let left = 3;
    const first = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: { ...instantClock(), timeLeftMs: () => (left-- > 0 ? 1000 : 0) },
    });
    expect(first).toMatchObject({ complete: false, stoppedForDeadline: true });
    expect(fake.calls.filter((c) => c.startsWith('DeleteObjects'))).toHaveLength(2);
    const second = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
      alreadyDeleted: first.deletedSoFar,
    });
    expect(second.complete).toBe(true);
    expect(fake.calls.at(-1)).toBe('DeleteBucket automock-dev-loadtest-config');
  });

  it('empties a bucket of 2,500 versions and delete markers in batches of at most 1000', async () => {
    // s3rver has no versioning API, so this bucket is a stateful aws-sdk-client-mock fake.
    setup([], { versionsPerBucket: 2500 });
    const removed = await emptyBucket(clients.s3, 'cfg');
    expect(removed).toBe(2500);
    expect(fake.calls).toEqual([
      'DeleteObjects cfg:1000',
      'DeleteObjects cfg:1000',
      'DeleteObjects cfg:500',
    ]);
  });

  it('stops with BucketNotEmpty instead of looping when deletes do not take', async () => {
    setup([]);
    const m = fake.mocks.s3!;
    m.on(ListObjectVersionsCommand).resolves({
      Versions: [{ Key: 'locked.json', VersionId: 'v1' }],
    });
    m.on(DeleteObjectsCommand).resolves({ Deleted: [{ Key: 'locked.json', VersionId: 'v1' }] });
    await expect(emptyBucket(clients.s3, 'cfg')).rejects.toMatchObject({ name: 'BucketNotEmpty' });
    expect(m.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
  });

  it('the sweep deletes the emptied bucket', async () => {
    setup(
      [
        {
          arn: 'arn:aws:s3:::automock-dev-loadtest-config',
          tags: { 'automock:env': ENV, 'automock:project': PROJECT },
        },
      ],
      {
        versionsPerBucket: 2500,
      },
    );
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: PROJECT,
      clock: instantClock(),
    });
    expect(r.complete).toBe(true);
    expect(fake.calls.at(-1)).toBe('DeleteBucket automock-dev-loadtest-config');
  });
});

describe('classify', () => {
  it.each([
    ['arn:aws:logs:us-east-1:1:log-group:/automock/dev/x:*', 'log-group', '/automock/dev/x'],
    ['arn:aws:ecs:us-east-1:1:task-definition/x:3', 'ecs-task-definition', 'x:3'],
    ['arn:aws:cloudwatch:us-east-1:1:alarm:x-cpu', 'alarm', 'x-cpu'],
    ['arn:aws:s3:::b', 's3-bucket', 'b'],
    [
      'arn:aws:secretsmanager:us-east-1:1:secret:automock/dev/x/control-plane-token-AbCdEf',
      'secret',
      'arn:aws:secretsmanager:us-east-1:1:secret:automock/dev/x/control-plane-token-AbCdEf',
    ],
  ])('%s is a %s', (arn, kind, id) => {
    expect(classify(arn)).toEqual({ arn, kind, id });
  });

  it('does not handle other types', () => {
    expect(classify('arn:aws:ssm:us-east-1:1:parameter/automock-deployments')).toBeUndefined();
    expect(classify('not-an-arn')).toBeUndefined();
  });
});

// ---- workload data II (issue 13 D2): buckets, ECR repositories, VPC endpoints
describe('workload buckets, repositories and endpoints', () => {
  const R = 'us-east-1';
  const A = FAKE_ACCOUNT;
  const tags = { 'automock:env': ENV, 'automock:project': 'shop' };
  const workload = (): FakeResource[] => [
    { arn: `arn:aws:ecr:${R}:${A}:repository/automock-dev-shop-backend`, tags },
    { arn: `arn:aws:ec2:${R}:${A}:security-group/sg-dev-shop-endpoints`, tags },
    { arn: 'arn:aws:s3:::automock-dev-shop-assets-123456789012', tags },
    { arn: `arn:aws:ec2:${R}:${A}:vpc-endpoint/vpce-dev-shop-ecr-api`, tags },
    // Same names, one tag short: never touched.
    {
      arn: `arn:aws:ecr:${R}:${A}:repository/automock-dev-shop-worker`,
      tags: { 'automock:env': ENV },
    },
    {
      arn: `arn:aws:ec2:${R}:${A}:vpc-endpoint/vpce-other`,
      tags: { 'automock:project': 'shop' },
    },
    { arn: 'arn:aws:s3:::automock-dev-other-assets', tags: { ...tags, 'automock:env': 'prod' } },
  ];

  it('deletes endpoints before their group, empties then deletes buckets, force-deletes repositories', async () => {
    setup(workload(), { ignoreTagFilters: true });
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: 'shop',
      clock: instantClock(),
    });
    expect(r.failures).toEqual([]);
    expect(r.complete).toBe(true);
    const deletes = fake.calls.filter((c) => /^Delete/.test(c));
    expect(deletes).toEqual([
      'DeleteVpcEndpoints vpce-dev-shop-ecr-api',
      'DeleteSecurityGroup sg-dev-shop-endpoints',
      expect.stringMatching(/^DeleteObjects automock-dev-shop-assets-123456789012:\d+$/),
      'DeleteBucket automock-dev-shop-assets-123456789012',
      'DeleteRepository automock-dev-shop-backend',
    ]);
    expect(r.skipped.map((s) => s.arn).sort()).toEqual([
      'arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/vpce-other',
      'arn:aws:ecr:us-east-1:123456789012:repository/automock-dev-shop-worker',
      'arn:aws:s3:::automock-dev-other-assets',
    ]);
  });

  it('a repository already gone counts as deleted', async () => {
    setup(workload().slice(0, 1));
    fake.failNext(
      'DeleteRepository',
      'automock-dev-shop-backend',
      'RepositoryNotFoundException',
      1,
    );
    const r = await sweepProject(clients, {
      ...SCOPE,
      env: ENV,
      project: 'shop',
      clock: instantClock(),
    });
    expect(r.deleted).toEqual([`arn:aws:ecr:${R}:${A}:repository/automock-dev-shop-backend`]);
    expect(r.complete).toBe(true);
  });

  it('classifies repositories, and nothing else of ECR', () => {
    const arn = `arn:aws:ecr:${R}:${A}:repository/automock-dev-shop-backend`;
    expect(classify(arn)).toEqual({ arn, kind: 'ecr-repository', id: 'automock-dev-shop-backend' });
    expect(classify(`arn:aws:ecr:${R}:${A}:pull-through-cache-rule/x`)).toBeUndefined();
    expect(SWEEP_ORDER.indexOf('vpc-endpoint')).toBeLessThan(SWEEP_ORDER.indexOf('security-group'));
  });
});
