import Ajv from 'ajv';
import { defineEnvironment } from '../environment';
import { IssueCollector } from '../errors';
import type { WorkloadSectionContext } from './section';
import {
  DEFAULT_SERVICE_TLS_POLICY,
  ServiceInput,
  servicesSection,
  XRAY_DAEMON_IMAGE,
} from './services';

const env = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
const envWithDomain = defineEnvironment({
  name: 'prod',
  accountId: '123456789012',
  region: 'us-east-1',
  domain: { name: 'example.com', hostedZoneId: 'Z123456ABCDEFG' },
});
const declared = new Set([
  'secret/api-token',
  'table/pool',
  'queue/jobs',
  'fileSystem/uploads',
  'fileSystemAccessPoint/uploads/app',
]);

function context(e = env): WorkloadSectionContext {
  return {
    env: e,
    workload: 'shop',
    issues: new IssueCollector(),
    field: 'workload[dev/shop].services',
    declared: (kind, name) => declared.has(`${kind}/${name}`),
  };
}

function resolve(services: ServiceInput[], e = env) {
  const ctx = context(e);
  const out = servicesSection.resolve(services, ctx);
  return { out, issues: ctx.issues.issues };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(servicesSection.schema);
function schemaErrors(value: unknown): string[] {
  validate(value);
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Every field set: the schema must accept it, and list no field the type lacks. */
const full: ServiceInput = {
  name: 'api',
  mounts: [{ fileSystem: 'uploads', accessPoint: 'app', path: '/app/uploads', readOnly: true }],
  image: 'public.ecr.aws/nginx/nginx:1.27',
  cpu: 1024,
  memory: 2048,
  port: 8080,
  command: ['serve'],
  environment: { LOG_LEVEL: 'info' },
  secrets: {
    API_TOKEN: { secret: 'api-token', key: 'token' },
    DB: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' },
    FLAG: { ssmParameter: '/shop/flag' },
  },
  desiredCount: 2,
  minCount: 2,
  maxCount: 10,
  capacity: { fargate: { weight: 1, base: 1 }, fargateSpot: { weight: 3 } },
  healthCheck: {
    command: ['CMD-SHELL', 'curl -f http://localhost:8080/healthz'],
    path: '/healthz',
    intervalSeconds: 15,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 4,
    startPeriodSeconds: 30,
  },
  healthCheckGracePeriodSeconds: 120,
  deployment: {
    minimumHealthyPercent: 50,
    maximumPercent: 150,
    circuitBreaker: { enabled: true, rollback: false },
  },
  logs: { retentionDays: 30 },
  iam: [{ sid: 'Bedrock', actions: ['bedrock:InvokeModel'], resources: ['arn:aws:bedrock:x'] }],
  access: [{ table: 'pool', mode: 'write' }],
  routing: { kind: 'shared', hosts: ['api.example.com'], paths: ['/api/*'], priority: 100 },
  scaling: {
    type: 'targetTracking',
    cpuPercent: 70,
    memoryPercent: 80,
    scaleInCooldownSeconds: 300,
    scaleOutCooldownSeconds: 300,
    schedules: [
      { name: 'night', schedule: 'cron(0 20 * * ? *)', timezone: 'Europe/Berlin', min: 2, max: 2 },
    ],
  },
  tracing: { xray: { image: 'public.ecr.aws/xray/aws-xray-daemon:3.6.6', cpu: 64, memory: 256 } },
};

describe('servicesSection schema', () => {
  it('accepts a service with every field, and names every field of the type', () => {
    expect(schemaErrors([full])).toEqual([]);
    const props = (servicesSection.schema as { items: { properties: object } }).items.properties;
    expect(Object.keys(props).sort()).toEqual(Object.keys(full).sort());
  });

  it.each([
    [{ name: 'API', image: 'x' }, '/0/name'],
    [{ name: 'api', image: 'x', cpu: 300 }, '/0/cpu'],
    [{ name: 'api', image: 'x', port: 70000 }, '/0/port'],
    [{ name: 'api', image: 'x', environment: { 'BAD-NAME': 'v' } }, '/0/environment'],
    [
      { name: 'api', image: 'x', secrets: { A: { secret: 's', ssmParameter: 'p' } } },
      '/0/secrets/A',
    ],
    [{ name: 'api', image: 'x', secrets: { A: { secretArn: 'not-an-arn' } } }, '/0/secrets/A'],
    [{ name: 'api', image: 'x', capacity: 'spot' }, '/0/capacity'],
    [{ name: 'api', image: 'x', logs: { retentionDays: 10 } }, '/0/logs/retentionDays'],
    [{ name: 'api', image: 'x', deployment: { maximumPercent: 300 } }, '/0/deployment'],
    [{ name: 'api', image: 'x', iam: [{ actions: ['InvokeModel'], resources: ['a'] }] }, '/0/iam'],
    [{ name: 'api', image: 'x', access: [{ table: 'a', queue: 'b', mode: 'read' }] }, '/0/access'],
    [{ name: 'api', image: 'x', access: [{ table: 'a', mode: 'admin' }] }, '/0/access'],
    [{ name: 'api', image: 'x', routing: { kind: 'public' } }, '/0/routing'],
    [{ name: 'api', image: 'x', routing: { kind: 'dedicated', tlsPolicy: 'TLS13' } }, '/0/routing'],
    [{ name: 'api', image: 'x', scaling: { type: 'steps', cpu: [] } }, '/0/scaling'],
    [{ name: 'api', image: 'x', unknown: 1 }, '/0'],
  ])('rejects %j at %s', (service, path) => {
    const errors = schemaErrors([service]);
    expect(errors.some((e) => e.startsWith(path))).toBe(true);
  });
});

describe('servicesSection.resolve', () => {
  it('fills every default of a minimal worker', () => {
    const { out, issues } = resolve([{ name: 'worker', image: 'img:1' }]);
    expect(issues).toEqual([]);
    expect(out).toEqual([
      {
        name: 'worker',
        image: 'img:1',
        cpu: 256,
        memory: 512,
        environment: {},
        secrets: {},
        desiredCount: 1,
        minCount: 1,
        mounts: [],
        maxCount: 1,
        capacity: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
        healthCheck: {
          path: '/',
          intervalSeconds: 30,
          timeoutSeconds: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
          startPeriodSeconds: 60,
        },
        healthCheckGracePeriodSeconds: 60,
        deployment: {
          minimumHealthyPercent: 100,
          maximumPercent: 200,
          circuitBreaker: { enabled: true, rollback: true },
        },
        logs: { retentionDays: env.logRetentionDays },
        iam: [],
        access: [],
        routing: { kind: 'worker' },
      },
    ]);
  });

  it('resolves every field of a full service', () => {
    const { out, issues } = resolve([full]);
    expect(issues).toEqual([]);
    const s = out![0]!;
    expect(s.secrets).toEqual({
      API_TOKEN: { source: 'workloadSecret', name: 'api-token', key: 'token' },
      DB: {
        source: 'secretsManager',
        arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      },
      FLAG: { source: 'ssm', arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/shop/flag' },
    });
    expect(s.capacity).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
    expect(s.routing).toEqual({
      kind: 'shared',
      hosts: ['api.example.com'],
      paths: ['/api/*'],
      priority: 100,
    });
    expect(s.scaling).toEqual({
      type: 'targetTracking',
      cpuPercent: 70,
      memoryPercent: 80,
      scaleInCooldownSeconds: 300,
      scaleOutCooldownSeconds: 300,
      schedules: [
        {
          name: 'night',
          schedule: 'cron(0 20 * * ? *)',
          timezone: 'Europe/Berlin',
          min: 2,
          max: 2,
        },
      ],
    });
    expect(s.xray).toEqual({
      image: 'public.ecr.aws/xray/aws-xray-daemon:3.6.6',
      cpu: 64,
      memory: 256,
    });
    expect(s.iam).toEqual([
      {
        Sid: 'Bedrock',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel'],
        Resource: ['arn:aws:bedrock:x'],
      },
    ]);
    expect(s.access).toEqual([{ kind: 'table', name: 'pool', mode: 'write' }]);
    expect(s.deployment.circuitBreaker).toEqual({ enabled: true, rollback: false });
    expect(s.logs.retentionDays).toBe(30);
    expect(s.healthCheckGracePeriodSeconds).toBe(120);
  });

  it('derives a shared priority, scales 70% CPU by default, and fills dedicated defaults', () => {
    const { out, issues } = resolve(
      [
        { name: 'a', image: 'i', port: 80, routing: { kind: 'shared', paths: ['/a/*'] } },
        {
          name: 'b',
          image: 'i',
          port: 80,
          maxCount: 4,
          routing: { kind: 'dedicated' },
        },
        { name: 'c', image: 'i', port: 80, routing: { kind: 'internal' } },
        { name: 'd', image: 'i', minCount: 0, maxCount: 3, capacity: 'fargateSpot' },
      ],
      envWithDomain,
    );
    expect(issues).toEqual([]);
    expect(out![0]!.routing).toMatchObject({ kind: 'shared', paths: ['/a/*'], hosts: [] });
    expect((out![0]!.routing as { priority: number }).priority).toBeGreaterThan(0);
    expect(out![1]!.routing).toEqual({
      kind: 'dedicated',
      hostname: 'b-shop.example.com',
      tlsPolicy: DEFAULT_SERVICE_TLS_POLICY,
      deregistrationDelaySeconds: 30,
    });
    expect(out![1]!.scaling).toEqual({
      type: 'targetTracking',
      cpuPercent: 70,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 300,
      schedules: [],
    });
    expect(out![2]!.routing).toEqual({ kind: 'internal' });
    expect(out![3]!).toMatchObject({
      minCount: 0,
      desiredCount: 0,
      maxCount: 3,
      capacity: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
    });
  });

  it('resolves step tables with their defaults', () => {
    const steps = [
      { from: 70, to: 90, change: 50 },
      { from: 90, change: 100 },
    ];
    const { out, issues } = resolve([
      { name: 'w', image: 'i', maxCount: 5, scaling: { type: 'steps', cpu: steps, memory: steps } },
    ]);
    expect(issues).toEqual([]);
    expect(out![0]!.scaling).toEqual({
      type: 'steps',
      cpu: steps,
      memory: steps,
      requestsPerTarget: [],
      scaleInBelowPercent: 40,
      scaleInAfterMinutes: 5,
      scaleInChange: -25,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 300,
      schedules: [],
    });
  });

  const f = 'workload[dev/shop].services[0]';
  it.each<[string, ServiceInput, string, unknown, string]>([
    [
      'a Fargate size',
      { name: 'a', image: 'i', cpu: 256, memory: 4096 },
      'memory',
      4096,
      'Fargate',
    ],
    [
      'a port for routing',
      { name: 'a', image: 'i', routing: { kind: 'internal' } },
      'port',
      undefined,
      'must be given',
    ],
    [
      'min 0 only for workers',
      { name: 'a', image: 'i', port: 80, minCount: 0, routing: { kind: 'internal' } },
      'minCount',
      0,
      'worker',
    ],
    [
      'max >= min',
      { name: 'a', image: 'i', minCount: 3, maxCount: 2, desiredCount: 3 },
      'maxCount',
      2,
      'at least minCount',
    ],
    [
      'desired within bounds',
      { name: 'a', image: 'i', desiredCount: 5, maxCount: 4 },
      'desiredCount',
      5,
      'from minCount',
    ],
    [
      'a declared secret',
      { name: 'a', image: 'i', secrets: { T: { secret: 'nope' } } },
      'secrets.T.secret',
      'nope',
      'must name a secret',
    ],
    [
      'a secret ARN in region',
      {
        name: 'a',
        image: 'i',
        secrets: { T: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' } },
      },
      'secrets.T.secretArn',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
      'region',
    ],
    [
      'no variable both plain and secret',
      { name: 'a', image: 'i', environment: { T: 'x' }, secrets: { T: { ssmParameter: 'p' } } },
      'secrets.T',
      'T',
      'plain',
    ],
    [
      'a capacity weight',
      { name: 'a', image: 'i', capacity: { fargate: { weight: 0 }, fargateSpot: { weight: 0 } } },
      'capacity',
      { fargate: { weight: 0 }, fargateSpot: { weight: 0 } },
      'weight above 0',
    ],
    [
      'an ECS check command',
      { name: 'a', image: 'i', healthCheck: { command: ['sh', 'x'] } },
      'healthCheck.command[0]',
      'sh',
      'CMD',
    ],
    [
      'timeout below interval',
      {
        name: 'a',
        image: 'i',
        port: 80,
        routing: { kind: 'internal' },
        healthCheck: { intervalSeconds: 5, timeoutSeconds: 5 },
      },
      'healthCheck.timeoutSeconds',
      5,
      'less than intervalSeconds',
    ],
    [
      'no check path on workers',
      { name: 'a', image: 'i', healthCheck: { path: '/h' } },
      'healthCheck.path',
      '/h',
      'worker',
    ],
    [
      'no unsuppressed wildcard',
      { name: 'a', image: 'i', iam: [{ actions: ['s3:*'], resources: ['*'] }] },
      'iam[0]',
      ['s3:*', '*'],
      'allowWildcard',
    ],
    [
      'a reason for a wildcard',
      {
        name: 'a',
        image: 'i',
        iam: [{ actions: ['s3:*'], resources: ['*'], allowWildcard: true }],
      },
      'iam[0].reason',
      undefined,
      'why',
    ],
    [
      'a declared access target',
      { name: 'a', image: 'i', access: [{ bucket: 'b', mode: 'read' }] },
      'access[0].bucket',
      'b',
      'must name a bucket',
    ],
    [
      'rules on the shared ALB',
      { name: 'a', image: 'i', port: 80, routing: { kind: 'shared' } },
      'routing',
      { kind: 'shared' },
      'hosts and/or paths',
    ],
    [
      'a certificate without a domain',
      { name: 'a', image: 'i', port: 80, routing: { kind: 'dedicated' } },
      'routing.certificateArn',
      undefined,
      'no domain',
    ],
    [
      'room to scale',
      { name: 'a', image: 'i', scaling: { type: 'targetTracking', cpuPercent: 50 } },
      'scaling',
      'targetTracking',
      'maxCount above minCount',
    ],
    [
      'something to track',
      { name: 'a', image: 'i', maxCount: 2, scaling: { type: 'targetTracking' } },
      'scaling',
      { type: 'targetTracking' },
      'at least one',
    ],
    [
      'request scaling needs a load balancer',
      {
        name: 'a',
        image: 'i',
        maxCount: 2,
        scaling: { type: 'targetTracking', requestsPerTarget: 100 },
      },
      'scaling.requestsPerTarget',
      100,
      'routing',
    ],
    [
      'contiguous steps',
      {
        name: 'a',
        image: 'i',
        maxCount: 2,
        scaling: {
          type: 'steps',
          cpu: [
            { from: 1, to: 2, change: 1 },
            { from: 3, change: 1 },
          ],
          memory: [{ from: 1, change: 1 }],
        },
      },
      'scaling.cpu[0].to',
      2,
      'next band',
    ],
  ])('requires %s', (_, service, field, value, rule) => {
    const { out, issues } = resolve([service]);
    expect(out).toBeUndefined();
    expect(issues).toContainEqual(
      expect.objectContaining({
        field: `${f}.${field}`,
        value,
        rule: expect.stringContaining(rule),
      }),
    );
  });

  it('requires unique statement ids and a task definition that fits', () => {
    const st = { sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] };
    const { issues } = resolve([
      { name: 'a', image: 'i', iam: [st, st] },
      { name: 'b', image: 'i', environment: { BIG: 'x'.repeat(70000) } },
    ]);
    expect(issues).toEqual([
      {
        field: 'workload[dev/shop].services[0].iam[1].sid',
        value: 'A',
        rule: 'must be unique in the service',
      },
      {
        field: 'workload[dev/shop].services[1].environment',
        value: expect.stringMatching(/^\d+ bytes of environment variables and secrets$/),
        rule: expect.stringContaining('must take at most'),
      },
    ]);
  });

  it('keeps shared services of one workload in distinct priority blocks', () => {
    const { out, issues } = resolve([
      {
        name: 'a',
        image: 'i',
        port: 80,
        routing: { kind: 'shared', paths: ['/a'], priority: 100 },
      },
      {
        name: 'b',
        image: 'i',
        port: 80,
        routing: { kind: 'shared', paths: ['/b'], priority: 105 },
      },
    ]);
    expect(out).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'workload[dev/shop].services[1].routing.priority',
        value: 105,
      }),
    ]);
  });

  it('declares each service by name, reading what it can', () => {
    expect(servicesSection.declares!([{ name: 'a' }, 3, { image: 'x' }], 'f')).toEqual([
      { kind: 'service', name: 'a', field: 'f[0].name' },
    ]);
    expect(servicesSection.declares!('nope', 'f')).toEqual([]);
  });
});

describe('tracing.xray', () => {
  const f = 'workload[dev/shop].services[0]';
  const api = { name: 'api', image: 'i', port: 8080 } as const;

  it('true gives AWS official daemon image with 32 CPU units and 256 MiB of the task', () => {
    const { out, issues } = resolve([{ ...api, tracing: { xray: true } }]);
    expect(issues).toEqual([]);
    expect(out![0]!.xray).toEqual({ image: XRAY_DAEMON_IMAGE, cpu: 32, memory: 256 });
    expect(XRAY_DAEMON_IMAGE).toMatch(/^public\.ecr\.aws\/xray\/aws-xray-daemon:\d+\.\d+\.\d+$/);
  });

  it('false or left out adds no sidecar', () => {
    const { out } = resolve([
      { ...api, tracing: { xray: false } },
      { name: 'w', image: 'i' },
    ]);
    expect(out!.map((s) => s.xray)).toEqual([undefined, undefined]);
  });

  it.each<[string, ServiceInput, string, unknown, string]>([
    [
      'at most half the CPU',
      { ...api, cpu: 256, memory: 512, tracing: { xray: { cpu: 256 } } },
      'tracing.xray.cpu',
      256,
      "must be at most half of the task's cpu (128)",
    ],
    [
      'at most half the memory',
      { ...api, cpu: 256, memory: 512, tracing: { xray: { memory: 384 } } },
      'tracing.xray.memory',
      384,
      "half of the task's memory (256 MiB)",
    ],
    [
      'not the daemon port',
      { ...api, port: 2000, tracing: { xray: true } },
      'port',
      2000,
      'the X-Ray daemon listens on it',
    ],
    [
      'no address of its own',
      { ...api, environment: { AWS_XRAY_DAEMON_ADDRESS: 'x:1' }, tracing: { xray: true } },
      'environment.AWS_XRAY_DAEMON_ADDRESS',
      'x:1',
      'tracing.xray sets it',
    ],
  ])('requires %s', (_, service, field, value, rule) => {
    const { out, issues } = resolve([service]);
    expect(out).toBeUndefined();
    expect(issues).toEqual([
      { field: `${f}.${field}`, value, rule: expect.stringContaining(rule) },
    ]);
  });

  it.each([
    [{ xray: 'yes' }, '/0/tracing/xray'],
    [{ xray: { cpu: 0 } }, '/0/tracing/xray'],
    [{ xray: { region: 'x' } }, '/0/tracing/xray'],
    [{ adot: true }, '/0/tracing'],
  ])('schema rejects tracing %j', (tracing, path) => {
    const errors = schemaErrors([{ ...api, tracing }]);
    expect(errors.some((e) => e.startsWith(path))).toBe(true);
  });
});

describe('scaling.schedules', () => {
  const f = 'workload[dev/shop].services[0]';
  const base = {
    name: 'api',
    image: 'i',
    port: 8080,
    minCount: 1,
    maxCount: 10,
    routing: { kind: 'shared', paths: ['/api/*'] },
  } as const;
  const night = { name: 'night', schedule: 'cron(0 20 ? * MON-FRI *)', min: 1, max: 1 };
  const withSchedules = (schedules: unknown[]): ServiceInput =>
    ({
      ...base,
      scaling: { type: 'targetTracking', cpuPercent: 70, schedules },
    }) as ServiceInput;

  it('resolves a floor at night and the range in the morning, UTC unless told', () => {
    const morning = {
      name: 'morning',
      schedule: 'cron(0 7 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      min: 2,
      max: 10,
    };
    const { out, issues } = resolve([withSchedules([night, morning])]);
    expect(issues).toEqual([]);
    expect(out![0]!.scaling!.schedules).toEqual([{ ...night, timezone: 'UTC' }, morning]);
  });

  it('goes with step scaling too', () => {
    const steps = [{ from: 70, change: 50 }];
    const { out, issues } = resolve([
      { ...base, scaling: { type: 'steps', cpu: steps, memory: steps, schedules: [night] } },
    ]);
    expect(issues).toEqual([]);
    expect(out![0]!.scaling!.schedules).toHaveLength(1);
  });

  it.each<[string, unknown, string, unknown, string]>([
    [
      'a known expression',
      { ...night, schedule: 'cron(0 20 * * *)' },
      'schedule',
      'cron(0 20 * * *)',
      'takes 6 fields',
    ],
    ['a rate unit', { ...night, schedule: 'rate(2 weeks)' }, 'schedule', 'rate(2 weeks)', 'unit'],
    [
      'a real date',
      { ...night, schedule: 'at(2026-02-30T00:00:00)' },
      'schedule',
      'at(2026-02-30T00:00:00)',
      '',
    ],
    ['an IANA zone', { ...night, timezone: 'CET+1' }, 'timezone', 'CET+1', 'IANA'],
    ['an IANA zone, not an offset', { ...night, timezone: '+01:00' }, 'timezone', '+01:00', 'IANA'],
    ['min <= max', { ...night, min: 3, max: 2 }, 'min', 3, 'at most max (2)'],
    ['max within the service', { ...night, max: 11 }, 'max', 11, 'maxCount (10)'],
  ])('requires %s', (_, schedule, field, value, rule) => {
    const { out, issues } = resolve([withSchedules([schedule])]);
    expect(out).toBeUndefined();
    expect(issues).toEqual([
      {
        field: `${f}.scaling.schedules[0].${field}`,
        value,
        rule: expect.stringContaining(rule),
      },
    ]);
  });

  it('requires min within the service and unique names', () => {
    const { issues } = resolve([
      withSchedules([
        { ...night, min: 0 },
        { ...night, min: 1 },
      ]),
    ]);
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      [`${f}.scaling.schedules[0].min`, 0],
      [`${f}.scaling.schedules[1].name`, 'night'],
    ]);
  });

  it.each([
    [[{ ...night, name: 'Night' }], '/0/scaling'],
    [[{ ...night, min: undefined }], '/0/scaling'],
    [[], '/0/scaling'],
  ])('schema rejects schedules %j', (schedules, path) => {
    const errors = schemaErrors([withSchedules(schedules)]);
    expect(errors.some((e) => e.startsWith(path))).toBe(true);
  });
});
