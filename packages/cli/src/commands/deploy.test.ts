import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { DERIVED_PORT_RANGE, derivedListenerPort, projectStackObjectKey } from '@automock/core';
import { mockClient } from 'aws-sdk-client-mock';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Harness,
  startHarness,
  TEST_ACCOUNT,
  withTerminal,
  writeExpectations,
} from '../testing/harness';
import { planJson } from '../testing/fake-terraform';
import {
  awsMocks,
  FakeMockServer,
  mockServingAws,
  service,
  startFakeMockServer,
} from '../testing/serving-mock';

const sts = mockClient(STSClient);
const aws = awsMocks();
let mock: FakeMockServer;
let OUTPUTS: Record<string, { value: string; sensitive?: boolean }>;
let URL_RE: string;
beforeAll(async () => {
  // The deployed mock: what the wait reaches through the stack's URL output.
  mock = await startFakeMockServer();
  URL_RE = mock.url.replace(/[.:/]/g, (c) => `\\${c}`);
  OUTPUTS = {
    mockserver_url: { value: mock.url },
    cluster_name: { value: 'test-cluster' },
    service_name: { value: 'test-demo' },
    secret: { value: 'x', sensitive: true },
  };
});
afterAll(() => mock.stop());

describe('automock deploy', () => {
  let h: Harness;
  let expectations: string;
  beforeEach(async () => {
    mockServingAws(aws);
    mock.ready = true;
    mock.expectations = [
      { httpRequest: { method: 'GET', path: '/users' }, httpResponse: { statusCode: 200 } },
    ];
    mock.requests.length = 0;
    h = await startHarness({
      fake: { planJson: planJson({ 'terraform_data.service': ['create'] }), outputs: OUTPUTS },
    });
    expectations = writeExpectations(h.root);
    sts.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: TEST_ACCOUNT, Arn: 'arn:aws:sts::123456789012:assumed-role/dev/alice' });
  });
  afterEach(() => h.stop());

  const deploy = (...extra: string[]) =>
    h.run([
      'deploy',
      '--env',
      'test',
      '--project',
      'demo',
      '--expectations',
      expectations,
      ...extra,
    ]);

  it('registers, stores the synthesised stack, applies the saved plan and marks the project active with its URLs', async () => {
    const { stdout, error } = await deploy('--ttl-hours', '6', '--size', 'medium');
    expect(error).toBeUndefined();
    expect(stdout).toMatch(new RegExp(`MockServer URL: ${URL_RE}`));
    expect(stdout).toMatch(new RegExp(`Dashboard:\\s+${URL_RE}/mockserver/dashboard`));
    expect(stdout).toMatch(/Expires:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(TTL 6 h\)/);
    expect(stdout).toMatch(/Cost:\s+~\$[\d.]+\/hour, ~\$[\d.]+ for this TTL/);

    const d = await h.registry.get('test', 'demo');
    expect(d).toMatchObject({
      status: 'active',
      ttlHours: 6,
      size: 'medium',
      createdBy: 'alice',
      isolation: 'shared',
    });
    expect(d!.outputs).toEqual({
      mockserver_url: mock.url,
      cluster_name: 'test-cluster',
      service_name: 'test-demo',
    });

    const stored = await h.s3Client.send(
      new GetObjectCommand({ Bucket: h.names.bucket, Key: projectStackObjectKey('test', 'demo') }),
    );
    const json = JSON.parse(await stored.Body!.transformToString());
    expect(json.terraform.backend.s3.key).toBe('projects/test/demo/terraform.tfstate');

    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'apply', 'output']);
    const calls = h.tf!.calls().filter((c) => c.argv[0] !== 'version');
    const workdir = join(h.root, '.automock', 'work', 'test-demo');
    for (const c of calls) expect(c.cwd).toBe(workdir);
    expect(calls[0]!.argv).toEqual(['init', '-input=false', '-no-color']);
    expect(calls[1]!.argv).toContain('-out=automock.tfplan');
    expect(calls[2]!.argv.slice(-1)).toEqual(['automock.tfplan']);
    expect(calls[2]!.env).toMatchObject({
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      AWS_REGION: 'us-east-1',
    });
  });

  it('allocates the listener port through the registry, synthesises it, and records the hourly estimate', async () => {
    const port = derivedListenerPort('demo');
    // Another deploy holds the port derived from the name: this one gets the next free one.
    await h.registry.slots.allocate('test', 'other', 'listener-port', {
      first: port,
      min: DERIVED_PORT_RANGE.min,
      max: DERIVED_PORT_RANGE.max,
    });
    const { error } = await deploy();
    expect(error).toBeUndefined();
    const d = await h.registry.get('test', 'demo');
    expect(d?.albSlot).toEqual({ kind: 'listener-port', value: port + 1 });
    expect(d?.hourlyCost).toBeGreaterThan(0);
    expect(await h.registry.slots.holder('test', 'listener-port', port + 1)).toBe('demo');
    const stored = await h.s3Client.send(
      new GetObjectCommand({ Bucket: h.names.bucket, Key: projectStackObjectKey('test', 'demo') }),
    );
    const service = JSON.parse(await stored.Body!.transformToString()).resource.terraform_data
      .service;
    expect(service.input.listener_port).toBe(port + 1);
  });

  it('--listener-port taken by another project is refused naming it (exit 2), nothing registered', async () => {
    await h.registry.slots.allocate('test', 'other', 'listener-port', {
      first: 12345,
      min: 1024,
      max: 65535,
      exact: true,
    });
    const { error } = await deploy('--listener-port', '12345');
    expect(error?.message).toMatch(
      /listenerPort: got 12345, listener-port 12345 in test is held by project other; choose another --listener-port/,
    );
    expect(error?.oclif?.exit).toBe(2);
    expect(await h.registry.get('test', 'demo')).toBeUndefined();
    const ok = await deploy('--listener-port', '12346');
    expect(ok.error).toBeUndefined();
    expect((await h.registry.get('test', 'demo'))?.albSlot).toEqual({
      kind: 'listener-port',
      value: 12346,
    });
  });

  it('returns the result as JSON', async () => {
    const { stdout } = await deploy('--json');
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({
      env: 'test',
      project: 'demo',
      status: 'active',
      ttlHours: 4,
      urls: { mockserver: mock.url },
    });
    expect(r.cost.hourly).toBeGreaterThan(0);
    expect(r.cost.session).toBeCloseTo(r.cost.hourly * 4);
  });

  it('waits for the service, the targets and the mock before saying deployed, one line per step off a terminal', async () => {
    const { stdout, stderr, error } = await deploy();
    expect(error).toBeUndefined();
    expect(stderr).toMatch(
      /^ {2}ok {2}ECS service stable: 1\/1 tasks running, rollout COMPLETED \(\d+ s\)$/m,
    );
    expect(stderr).toMatch(
      /^ {2}ok {2}load balancer targets healthy: automock-test-demo-api 1\/1 healthy \(\d+ s\)$/m,
    );
    expect(stderr).toMatch(
      /^ {2}ok {2}MockServer answering with its expectations: ready, 1 expectation active \(\d+ s\)$/m,
    );
    // No in-place rewriting in a log.
    expect(stderr).not.toMatch(/\r/);
    expect(stdout).toMatch(/Deployed test\/demo: serving its expectations after \d+ s/);
    expect(aws.ecs.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({
      cluster: 'test-cluster',
      services: ['test-demo'],
    });
    expect(mock.requests.filter((r) => !r.authorised)).toEqual([]);
  });

  it('marks the project failed, never active, when the circuit breaker rolls the deployment back', async () => {
    aws.ecs.on(DescribeServicesCommand).resolves({
      services: [
        service({
          runningCount: 0,
          deployments: [
            {
              id: 'ecs-svc/1',
              status: 'PRIMARY',
              rolloutState: 'FAILED',
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            },
          ],
          events: [
            {
              createdAt: new Date('2026-01-01T10:05:00Z'),
              message:
                '(service test-demo) failed to launch a task with (error ECS was unable to assume the role).',
            },
          ],
        }),
      ],
    });
    const { stdout } = await deploy('--json');
    const { error } = JSON.parse(stdout);
    expect(error.message).toMatch(/rolled back by the circuit breaker/);
    // The JSON body and the exit code agree.
    expect(error.exitCode).toBe(1);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const d = await h.registry.get('test', 'demo');
    expect(d!.status).toBe('failed');
    expect(d!.failureReason).toMatch(
      /circuit breaker: tasks failed to start\.\nECS events \(newest first\):\n {2}2026-01-01T10:05:00\.000Z \(service test-demo\) failed to launch a task/,
    );
    // Where to look: the outputs of the applied stack are kept.
    expect(d!.outputs.cluster_name).toBe('test-cluster');
  });

  it('marks the project failed when its tasks stop (a broken file makes MockServer exit)', async () => {
    aws.ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [service({ runningCount: 0 })] })
      .on(ListTasksCommand)
      .resolves({ taskArns: ['arn:aws:ecs:us-east-1:123456789012:task/c/t1'] })
      .on(DescribeTasksCommand)
      .resolves({
        tasks: [
          {
            taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/t1',
            startedBy: service().deployments![0]!.id,
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
            containers: [{ name: 'mockserver', exitCode: 1 }],
          },
        ],
      });
    const { error } = await deploy();
    expect(error?.message).toMatch(
      /1 task of the deployment stopped: t1: Essential container in task exited \[mockserver exit 1\]/,
    );
    expect((await h.registry.get('test', 'demo'))!).toMatchObject({ status: 'failed' });
  });

  it('with --no-wait marks the project active once applied, without asking ECS', async () => {
    const { stdout, error } = await deploy('--no-wait');
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/Deployed test\/demo \(not waited for: --no-wait\)/);
    expect(aws.ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    expect(mock.requests).toEqual([]);
    expect((await h.registry.get('test', 'demo'))!.status).toBe('active');
  });

  it('reports a bad project before a missing terraform (validation comes first)', async () => {
    process.env.TERRAFORM_BINARY_NAME = join(h.root, 'no-terraform-here');
    const { error } = await h.run([
      'deploy',
      '--env',
      'test',
      '--project',
      'Bad_Name',
      '--expectations',
      expectations,
    ]);
    expect(error?.message).toMatch(/name: got "Bad_Name"/);
    expect(error?.oclif?.exit).toBe(2);
  });

  it('refuses a project that is already active and suggests extend-ttl', async () => {
    await deploy();
    h.tf!.script({});
    const { error } = await deploy();
    expect(error?.message).toMatch(/test\/demo is already active/);
    expect(error?.oclif?.exit).toBe(1);
    expect((error as { suggestions?: string[] }).suggestions?.join(' ')).toMatch(
      /automock extend-ttl --env test --project demo/,
    );
    expect(h.tf!.subcommands()).toEqual([]);
  });

  it('rejects invalid expectations naming the file and the JSON path, and registers nothing', async () => {
    const bad = join(h.root, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify([{ httpRequest: { path: '/a' }, httpResponse: { statusCode: '200' } }]),
    );
    const { error } = await h.run([
      'deploy',
      '--env',
      'test',
      '--project',
      'demo',
      '--expectations',
      bad,
    ]);
    expect(error?.message).toMatch(
      /bad\.json: \$\[0\]\.httpResponse\.statusCode: got "200", must be an integer/,
    );
    expect(error?.oclif?.exit).toBe(2);
    expect(await h.registry.get('test', 'demo')).toBeUndefined();
  });

  it('rejects a missing expectations file', async () => {
    const { error } = await h.run([
      'deploy',
      '--env',
      'test',
      '--project',
      'demo',
      '--expectations',
      'nope.json',
    ]);
    expect(error?.message).toMatch(
      /expectations: got "nope\.json", must be a readable file \(ENOENT\)/,
    );
    expect(error?.oclif?.exit).toBe(2);
  });

  it('rejects an unknown environment naming the ones that exist', async () => {
    const { error } = await h.run([
      'deploy',
      '--env',
      'prod',
      '--project',
      'demo',
      '--expectations',
      expectations,
    ]);
    expect(error?.message).toBe('env: got "prod", must be one of test, other');
    expect(error?.oclif?.exit).toBe(2);
  });

  it('says how to install terraform when it is missing, before registering anything', async () => {
    process.env.TERRAFORM_BINARY_NAME = join(h.root, 'no-terraform-here');
    const { error } = await deploy();
    expect(error?.message).toMatch(/Terraform not found/);
    expect((error as { suggestions?: string[] }).suggestions?.join(' ')).toMatch(
      /developer\.hashicorp\.com\/terraform\/install/,
    );
    expect(error?.oclif?.exit).toBe(127);
    expect(await h.registry.get('test', 'demo')).toBeUndefined();
  });

  it('refuses credentials for another account', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/bob' });
    const { error } = await deploy();
    expect(error?.message).toMatch(
      /account 999999999999 .* environment test is in account 123456789012/,
    );
    expect(await h.registry.get('test', 'demo')).toBeUndefined();
  });

  it('says so when there are no credentials', async () => {
    const e = new Error('Could not load credentials from any providers');
    e.name = 'CredentialsProviderError';
    sts.on(GetCallerIdentityCommand).rejects(e);
    const { error } = await deploy();
    expect(error?.message).toMatch(/^No valid AWS credentials/);
    expect(error?.oclif?.exit).toBe(1);
  });

  it('marks the project failed with the reason when the apply fails, never active', async () => {
    h.tf!.script({
      steps: {
        apply: {
          exitCode: 1,
          stderr: '│ Error: creating ECS Service: AccessDeniedException: not allowed\n',
        },
      },
    });
    const { error } = await deploy();
    expect(error?.message).toMatch(
      /terraform apply failed for test-demo: creating ECS Service: AccessDeniedException/,
    );
    const d = await h.registry.get('test', 'demo');
    expect(d).toMatchObject({ status: 'failed' });
    expect(d!.failureReason).toMatch(/AccessDeniedException/);
    // A failed project can be deployed again.
    h.tf!.script({ outputs: OUTPUTS });
    expect((await deploy()).error).toBeUndefined();
    expect((await h.registry.get('test', 'demo'))!.status).toBe('active');
  });

  it('reports who holds the state lock and since when', async () => {
    const lock = [
      '│ Error: Error acquiring the state lock',
      '│ ',
      '│ Error message: operation error DynamoDB: PutItem, ConditionalCheckFailedException',
      '│ Lock Info:',
      '│   ID:        6a1f0c7e-1111-2222-3333-444455556666',
      '│   Path:      automock-tfstate/projects/test/demo/terraform.tfstate',
      '│   Operation: OperationTypeApply',
      '│   Who:       carol@laptop',
      '│   Version:   1.11.0',
      '│   Created:   2026-01-02 10:00:00.000000 +0000 UTC',
      '│   Info:      ',
    ].join('\n');
    h.tf!.script({ steps: { plan: { exitCode: 1, stderr: lock } } });
    const { error } = await deploy();
    expect(error?.message).toBe(
      'The state of test-demo is locked by carol@laptop since 2026-01-02 10:00:00.000000 +0000 UTC (running apply); lock ID 6a1f0c7e-1111-2222-3333-444455556666',
    );
    expect((error as { suggestions?: string[] }).suggestions?.join('\n')).toMatch(
      /force-unlock 6a1f0c7e-1111-2222-3333-444455556666/,
    );
    expect((await h.registry.get('test', 'demo'))!.status).toBe('failed');
  });

  it('forwards Ctrl-C to terraform once, waits for it to stop, and records the failure', async () => {
    h.tf!.script({ outputs: OUTPUTS, steps: { apply: { hang: true } } });
    const running = deploy();
    const started = Date.now();
    while (!h.tf!.started('apply') && Date.now() - started < 20_000)
      await new Promise((r) => setTimeout(r, 50));
    expect(h.tf!.started('apply')).toBe(true);
    process.emit('SIGINT');
    const { error } = await running;
    expect(h.tf!.signals()).toBe('apply SIGINT\n');
    expect(error?.message).toMatch(/Interrupted during terraform apply/);
    expect(error?.oclif?.exit).toBe(130);
    const d = await h.registry.get('test', 'demo');
    expect(d!.status).toBe('failed');
    expect(d!.failureReason).toMatch(/Interrupted/);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('deploys with defaults and without questions when no terminal is attached', async () => {
    const { error } = await deploy();
    expect(error).toBeUndefined();
    expect(await h.registry.get('test', 'demo')).toMatchObject({
      status: 'active',
      ttlHours: 4,
      size: 'small',
    });
  });

  it('on a terminal asks for size, TTL and email, shows the cost and deploys once confirmed', async () => {
    const { stderr, error } = await withTerminal(['2', '6', 'ops@example.com', 'y'], () =>
      deploy(),
    );
    expect(error).toBeUndefined();
    expect(stderr).toMatch(/Instance size: 1\) small {2}2\) medium/);
    expect(stderr).toMatch(/Estimated cost: ~\$[\d.]+\/hour, ~\$[\d.]+ for 6 h/);
    expect(stderr).toMatch(/Proceed with deployment\? \(Y\/n\)/);
    expect(await h.registry.get('test', 'demo')).toMatchObject({
      status: 'active',
      ttlHours: 6,
      size: 'medium',
    });
  });

  it("on a terminal offers the environment's default TTL, 0 (never) included, and asks for no email then", async () => {
    const { stderr, error } = await withTerminal(['', '', 'y'], () =>
      h.run(['deploy', '--env', 'other', '--project', 'demo', '--expectations', expectations]),
    );
    expect(error).toBeUndefined();
    expect(stderr).toMatch(/Auto-teardown after how many hours \(0 = never\) \[0\]: /);
    expect(stderr).not.toMatch(/Notification email/);
    expect(await h.registry.get('other', 'demo')).toMatchObject({ status: 'active', ttlHours: 0 });
  });

  it('on a terminal creates nothing when the deployment is not confirmed', async () => {
    const { error } = await withTerminal(['', '', '', 'n'], () => deploy());
    expect(error?.message).toBe('Deployment cancelled; nothing was created.');
    expect(error?.oclif?.exit).toBe(3);
    expect(await h.registry.get('test', 'demo')).toBeUndefined();
    expect(h.tf!.subcommands()).toEqual([]);
  });
});
