import Ajv from 'ajv';
import { defineEnvironment } from '../environment';
import { IssueCollector } from '../errors';
import type { WorkloadRefKind, WorkloadSectionContext } from './section';
import {
  EVENT_TASK_SCHEMA,
  eventPatternJson,
  eventTasksSection,
  EventTaskInput,
  isIanaTimeZone,
  SCHEDULED_TASK_SCHEMA,
  scheduledTasksSection,
  ScheduledTaskInput,
} from './tasks';

const env = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });

function context(
  field: string,
  declared: Partial<Record<WorkloadRefKind, string[]>> = {},
): WorkloadSectionContext {
  return {
    env,
    workload: 'shop',
    issues: new IssueCollector(),
    field,
    declared: (kind, name) => (declared[kind] ?? []).includes(name),
  };
}

const schemaErrors = (schema: object, value: unknown) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  validate(value);
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe('scheduledTasksSection', () => {
  const field = 'workload[dev/shop].scheduledTasks';

  it('resolves the seed-004 daily-cleanup task with every default', () => {
    const ctx = context(field);
    const input: ScheduledTaskInput[] = [
      {
        name: 'daily-cleanup',
        image: 'node:22-alpine',
        schedule: 'rate(1 day)',
        command: ['node', 'cleanup.js'],
      },
    ];
    expect(schemaErrors(scheduledTasksSection.schema, input)).toEqual([]);
    expect(scheduledTasksSection.resolve(input, ctx)).toEqual([
      {
        name: 'daily-cleanup',
        container: { kind: 'image', image: 'node:22-alpine' },
        cpu: 256,
        memory: 512,
        command: ['node', 'cleanup.js'],
        environment: {},
        secrets: {},
        capacity: 'fargate',
        logRetentionDays: env.logRetentionDays,
        schedule: 'rate(1 day)',
        timezone: 'UTC',
        enabled: true,
        retry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 },
      },
    ]);
    expect(ctx.issues.ok).toBe(true);
  });

  it('resolves a disabled task on a service with a time zone, window and retry policy', () => {
    const ctx = context(field, { service: ['broker'] });
    const out = scheduledTasksSection.resolve(
      [
        {
          name: 'sync',
          service: 'broker',
          schedule: 'cron(0/10 * * * ? *)',
          timezone: 'Europe/Paris',
          enabled: false,
          flexibleWindowMinutes: 5,
          retry: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 600 },
          capacity: 'fargateSpot',
          cpu: 1024,
          memory: 2048,
          environment: { JOB: 'sync' },
        },
      ],
      ctx,
    );
    expect(ctx.issues.issues).toEqual([]);
    expect(out![0]).toMatchObject({
      container: { kind: 'service', service: 'broker' },
      enabled: false,
      timezone: 'Europe/Paris',
      flexibleWindowMinutes: 5,
      retry: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 600 },
      capacity: 'fargateSpot',
      cpu: 1024,
      memory: 2048,
    });
  });

  it('resolves the three secret forms to a workload secret or an ARN', () => {
    const ctx = context(field, { secret: ['db'] });
    const out = scheduledTasksSection.resolve(
      [
        {
          name: 'report',
          image: 'x:1',
          schedule: 'rate(1 hour)',
          secrets: {
            DB: { secret: 'db' },
            API: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-AbCdEf' },
            URL: { ssmParameter: '/shop/url' },
            KEY: { ssmParameter: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop/key' },
          },
        },
      ],
      ctx,
    );
    expect(out![0]!.secrets).toEqual({
      DB: { kind: 'workloadSecret', name: 'db' },
      API: { kind: 'arn', arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-AbCdEf' },
      URL: { kind: 'arn', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop/url' },
      KEY: { kind: 'arn', arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/shop/key' },
    });
  });

  it.each<[string, Partial<ScheduledTaskInput>, string, RegExp]>([
    [
      'a schedule Scheduler refuses',
      { schedule: 'cron(0 10 * * * *)' },
      '[0].schedule',
      /one of them must be \?/,
    ],
    ['a rate with the wrong unit', { schedule: 'rate(1 days)' }, '[0].schedule', /singular/],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, '[0].timezone', /IANA time zone/],
    ['an offset for a time zone', { timezone: '+01:00' }, '[0].timezone', /IANA time zone/],
    ['both image and service', { service: 'broker' }, '[0]', /exactly one of image and service/],
    ['neither image nor service', { image: undefined }, '[0]', /exactly one of image and service/],
    [
      'a service that does not exist',
      { image: undefined, service: 'nope' },
      '[0].service',
      /a service of this workload/,
    ],
    [
      'secrets on a service task',
      { image: undefined, service: 'broker', secrets: { A: { secret: 'db' } } },
      '[0].secrets',
      /must be empty/,
    ],
    [
      'a secret that does not exist',
      { secrets: { A: { secret: 'nope' } } },
      '[0].secrets.A.secret',
      /a secret of this workload/,
    ],
    [
      'a bad SSM ARN',
      { secrets: { A: { ssmParameter: 'arn:aws:ssm:x' } } },
      '[0].secrets.A.ssmParameter',
      /SSM parameter ARN/,
    ],
    [
      'a memory Fargate refuses',
      { cpu: 256, memory: 4096 },
      '[0].memory',
      /Fargate memory size for cpu 256/,
    ],
    [
      'a secret that repeats a variable',
      { environment: { A: '1' }, secrets: { A: { secret: 'db' } } },
      '[0].secrets',
      /repeat a name of environment/,
    ],
  ])('reports %s as field/value/rule', (_, patch, at, rule) => {
    const ctx = context(field, { service: ['broker'], secret: ['db'] });
    const input = {
      name: 'job',
      image: 'x:1',
      schedule: 'rate(5 minutes)',
      ...patch,
    } as ScheduledTaskInput;
    expect(scheduledTasksSection.resolve([input], ctx)).toBeUndefined();
    expect(ctx.issues.issues).toContainEqual(
      expect.objectContaining({ field: `${field}${at}`, rule: expect.stringMatching(rule) }),
    );
  });

  it('reports duplicate names', () => {
    const ctx = context(field);
    const t = { name: 'job', image: 'x:1', schedule: 'rate(5 minutes)' };
    expect(scheduledTasksSection.resolve([t, t], ctx)).toBeUndefined();
    expect(ctx.issues.issues).toEqual([
      { field: `${field}[1].name`, value: 'job', rule: 'must be unique in the section' },
    ]);
  });

  it.each([
    [
      { name: 'Bad_Name', image: 'x', schedule: 'rate(1 day)' },
      '/name must match pattern "^[a-z][a-z0-9-]{0,31}$"',
    ],
    [{ name: 'job', image: 'x' }, " must have required property 'schedule'"],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', extra: 1 },
      ' must NOT have additional properties',
    ],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', flexibleWindowMinutes: 1441 },
      '/flexibleWindowMinutes must be <= 1440',
    ],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', retry: { maximumRetryAttempts: 186 } },
      '/retry/maximumRetryAttempts must be <= 185',
    ],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', retry: { maximumEventAgeSeconds: 59 } },
      '/retry/maximumEventAgeSeconds must be >= 60',
    ],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', capacity: 'ec2' },
      '/capacity must be equal to one of the allowed values',
    ],
    [
      { name: 'job', image: 'x', schedule: 'rate(1 day)', logRetentionDays: 2 },
      '/logRetentionDays must be equal to one of the allowed values',
    ],
  ])('the schema refuses %j', (item, error) => {
    expect(schemaErrors(SCHEDULED_TASK_SCHEMA, item)).toContain(error);
  });

  it('declares each task by name, even from a value that failed the schema', () => {
    expect(scheduledTasksSection.declares!([{ name: 'a' }, 5, { name: 7 }], field)).toEqual([
      { kind: 'scheduledTask', name: 'a', field: `${field}[0].name` },
    ]);
    expect(scheduledTasksSection.declares!('nope', field)).toEqual([]);
  });

  it('documents every property of the input type in the schema, with a description', () => {
    const keys: (keyof ScheduledTaskInput)[] = [
      'name',
      'image',
      'service',
      'cpu',
      'memory',
      'command',
      'environment',
      'secrets',
      'capacity',
      'logRetentionDays',
      'schedule',
      'timezone',
      'enabled',
      'flexibleWindowMinutes',
      'retry',
    ];
    expect(Object.keys(SCHEDULED_TASK_SCHEMA.properties).sort()).toEqual([...keys].sort());
    for (const p of Object.values(SCHEDULED_TASK_SCHEMA.properties))
      expect(typeof (p as { description?: unknown }).description).toBe('string');
  });
});

describe('eventTasksSection', () => {
  const field = 'workload[dev/shop].eventTasks';
  const orderProcessor: EventTaskInput = {
    name: 'order-processor',
    image: 'shop/orders:1.4.2',
    eventPattern: { source: ['com.myapp.orders'], detailType: ['Order Created'] },
  };

  it('resolves the seed-004 order-processor with its defaults', () => {
    const ctx = context(field);
    expect(schemaErrors(eventTasksSection.schema, [orderProcessor])).toEqual([]);
    const out = eventTasksSection.resolve([orderProcessor], ctx)!;
    expect(out[0]).toEqual({
      name: 'order-processor',
      container: { kind: 'image', image: 'shop/orders:1.4.2' },
      cpu: 256,
      memory: 512,
      environment: {},
      secrets: {},
      capacity: 'fargate',
      logRetentionDays: env.logRetentionDays,
      eventPattern: { source: ['com.myapp.orders'], detailType: ['Order Created'] },
      eventBus: 'default',
      ruleName: 'order-processor',
      retry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 },
      deadLetterRetentionDays: 14,
    });
    expect(eventPatternJson(out[0]!.eventPattern)).toBe(
      '{"source":["com.myapp.orders"],"detail-type":["Order Created"]}',
    );
  });

  it('accepts a detail pattern of arrays and filter objects', () => {
    const ctx = context(field);
    const t = {
      ...orderProcessor,
      eventPattern: {
        source: ['a'],
        detail: { state: ['paid'], total: [{ numeric: ['>', 100] }], customer: { tier: ['gold'] } },
      },
    };
    expect(eventTasksSection.resolve([t], ctx)).toBeDefined();
    expect(ctx.issues.issues).toEqual([]);
  });

  it.each<[unknown, string, RegExp]>([
    [{ state: 'paid' }, '.state', /must be an object whose leaves are non-empty arrays/],
    [{ state: [] }, '.state', /non-empty array/],
    [{}, '', /must not be empty/],
    [{ a: [[1]] }, '.a[0]', /string, number, boolean, null or a filter object/],
  ])('refuses the detail pattern %j', (detail, at, rule) => {
    const ctx = context(field);
    const t = {
      ...orderProcessor,
      eventPattern: { source: ['a'], detail: detail as Record<string, unknown> },
    };
    expect(eventTasksSection.resolve([t], ctx)).toBeUndefined();
    expect(ctx.issues.issues).toContainEqual(
      expect.objectContaining({
        field: `${field}[0].eventPattern.detail${at}`,
        rule: expect.stringMatching(rule),
      }),
    );
  });

  it.each([
    [{ source: [] }, '/eventPattern/source must NOT have fewer than 1 items'],
    [{ source: [''] }, '/eventPattern/source/0 must NOT have fewer than 1 characters'],
    [
      { source: ['a'], detailType: [] },
      '/eventPattern/detailType must NOT have fewer than 1 items',
    ],
    [{ source: 'a' }, '/eventPattern/source must be array'],
    [{ detailType: ['x'] }, "/eventPattern must have required property 'source'"],
  ])('the schema refuses the pattern %j', (eventPattern, error) => {
    expect(schemaErrors(EVENT_TASK_SCHEMA, { ...orderProcessor, eventPattern })).toContain(error);
  });

  it("names the rule as told (seed 004's order-events), else after the task", () => {
    const ctx = context(field);
    const named = { ...orderProcessor, ruleName: 'order-events' };
    expect(schemaErrors(EVENT_TASK_SCHEMA, named)).toEqual([]);
    const out = eventTasksSection.resolve(
      [named, { ...orderProcessor, name: 'order-archiver' }],
      ctx,
    )!;
    expect(out.map((t) => [t.name, t.ruleName])).toEqual([
      ['order-processor', 'order-events'],
      ['order-archiver', 'order-archiver'],
    ]);
  });

  it.each(['Order-Events', 'order_events', '9-events', '', 'x'.repeat(33)])(
    'the schema refuses the rule name %j',
    (ruleName) => {
      expect(schemaErrors(EVENT_TASK_SCHEMA, { ...orderProcessor, ruleName })).toContain(
        '/ruleName must match pattern "^[a-z][a-z0-9-]{0,31}$"',
      );
    },
  );

  it("refuses a rule name another task's rule has, naming both", () => {
    const ctx = context(field);
    const archiver = { ...orderProcessor, name: 'order-archiver' };
    expect(
      eventTasksSection.resolve([{ ...orderProcessor, ruleName: 'order-archiver' }, archiver], ctx),
    ).toBeUndefined();
    expect(ctx.issues.issues).toEqual([
      expect.objectContaining({
        field: `${field}[0].ruleName`,
        value: 'order-archiver',
        rule: expect.stringContaining(`${field}[1]'s rule is also named order-archiver`),
      }),
    ]);
    const twice = context(field);
    eventTasksSection.resolve(
      [
        { ...orderProcessor, ruleName: 'orders' },
        { ...archiver, ruleName: 'orders' },
      ],
      twice,
    );
    expect(twice.issues.issues.map((i) => i.field)).toEqual([
      `${field}[0].ruleName`,
      `${field}[1].ruleName`,
    ]);
  });

  it('the schema bounds the dead-letter retention to what SQS keeps', () => {
    expect(
      schemaErrors(EVENT_TASK_SCHEMA, { ...orderProcessor, deadLetterRetentionDays: 15 }),
    ).toContain('/deadLetterRetentionDays must be <= 14');
  });

  it('documents every property of the input type in the schema', () => {
    const keys: (keyof EventTaskInput)[] = [
      'name',
      'image',
      'service',
      'cpu',
      'memory',
      'command',
      'environment',
      'secrets',
      'capacity',
      'logRetentionDays',
      'eventPattern',
      'eventBus',
      'ruleName',
      'retry',
      'deadLetterRetentionDays',
    ];
    expect(Object.keys(EVENT_TASK_SCHEMA.properties).sort()).toEqual([...keys].sort());
  });
});

describe('isIanaTimeZone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])(
    'accepts %s',
    (tz) => expect(isIanaTimeZone(tz)).toBe(true),
  );
  it.each(['Mars/Olympus', '+01:00', 'CET1', '', 'Europe/'])('refuses %s', (tz) =>
    expect(isIanaTimeZone(tz)).toBe(false),
  );
});
