import {
  ConfigValidationError,
  defineWorkload,
  WORKLOAD_SECTIONS,
  WorkloadInput,
} from '@automock/core';
import { Testing } from 'cdktf';
import { ENVIRONMENTS } from '../environments';
import { checkPolicy } from '../policy';
import { WORKLOAD_BUILDERS } from '../workload/builders';
import { WorkloadStack } from '../workload-stack';

/**
 * A workload with one of every registered section, on the environment's network. The database
 * needs the environment's database subnets, which the default app's dev does not turn on.
 */
const dev = { ...ENVIRONMENTS.find((e) => e.name === 'dev')!, databaseSubnets: true };
const image = 'public.ecr.aws/docker/library/node:20-alpine';
const input: WorkloadInput = {
  name: 'smoke',
  environments: ['dev'],
  suppressions: [{ id: 'AM-ECS-5', reason: 'smoke test images run as their own user' }],
  tables: [{ name: 'items', partitionKey: { name: 'PK', type: 'S' } }],
  secrets: [{ name: 'token' }],
  queues: [{ name: 'jobs', deadLetter: { maxReceiveCount: 3 } }],
  topics: [{ name: 'events', subscriptions: [{ sqs: 'jobs' }] }],
  buckets: [{ name: 'files' }],
  repositories: [{ name: 'app' }],
  endpoints: [{ service: 'dynamodb' }, { service: 'logs' }],
  database: { clients: ['web'] },
  identity: { groups: [{ name: 'admin' }], clients: [{ name: 'spa' }] },
  mail: { domain: 'mail.example.com', testAddresses: ['admin@example.com'] },
  files: [{ name: 'uploads' }],
  services: [
    {
      name: 'web',
      image,
      port: 8080,
      environment: { TABLE: '${table:items:tableName}', REGION: '${aws:region}' },
      secrets: { TOKEN: { secret: 'token' } },
      access: [{ table: 'items', mode: 'write' }],
      routing: { kind: 'shared', paths: ['/smoke', '/smoke/*'] },
      mounts: [{ fileSystem: 'uploads', path: '/app/uploads' }],
    },
    { name: 'api', image, port: 3000, routing: { kind: 'internal' } },
    { name: 'worker', image, minCount: 0, maxCount: 1, routing: { kind: 'worker' } },
  ],
  scheduledTasks: [{ name: 'nightly', service: 'worker', schedule: 'cron(0 3 * * ? *)' }],
  eventTasks: [{ name: 'on-event', image, eventPattern: { source: ['com.example'] } }],
  httpApi: { authorizer: { userPool: 'users' } },
  outputs: {
    table: '${table:items:tableName}',
    subnets: { value: '${network:privateSubnetIds}', description: 'Private subnets' },
  },
};

describe('a workload with one of every section', () => {
  const w = defineWorkload(input, dev);
  const app = Testing.app();
  const stack = new WorkloadStack(app, { workload: w });
  const json = JSON.parse(Testing.synth(stack)) as Record<string, Record<string, object>>;

  test('every section is registered with a builder, and the file declares them all', () => {
    expect(WORKLOAD_SECTIONS.map((s) => s.key).sort()).toEqual(
      // A section may have more than one builder (the database admits the services after them).
      [...new Set(WORKLOAD_BUILDERS.map((b) => b.key))].sort(),
    );
    expect(Object.keys(w.sections).sort()).toEqual(WORKLOAD_SECTIONS.map((s) => s.key).sort());
  });

  test('synthesises each section’s resources, with the context the workload stack gives', () => {
    for (const type of [
      'aws_dynamodb_table',
      'aws_secretsmanager_secret',
      'aws_sqs_queue',
      'aws_sns_topic',
      'aws_s3_bucket',
      'aws_ecr_repository',
      'aws_vpc_endpoint',
      'aws_ecs_service',
      'aws_service_discovery_service',
      'aws_lb_listener_rule',
      'aws_scheduler_schedule',
      'aws_cloudwatch_event_rule',
      'aws_db_instance',
      'aws_cognito_user_pool',
      'aws_sesv2_email_identity',
      'aws_efs_file_system',
      'aws_apigatewayv2_api',
    ])
      expect([type, Object.keys(json.resource![type] ?? {}).length > 0]).toEqual([type, true]);
    const text = JSON.stringify(json);
    // the environment's gateway endpoint is reused; the interface endpoint is the workload's own
    expect(Object.values(json.resource!.aws_vpc_endpoint!)).toHaveLength(1);
    expect(text).toContain('outputs.service_discovery_namespace_id');
    expect(text).toContain('outputs.http_listener_arn');
    // topics are encrypted with the environment's notification key: no key of the workload's own
    expect(text).toContain('outputs.notification_key_arn');
    expect(json.resource!.aws_kms_key).toBeUndefined();
    expect(Object.keys(json.output!).sort()).toEqual(['subnets', 'table']);
  });

  test('passes the guardrails with 0 errors', () => {
    const report = checkPolicy(app);
    expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
  });

  test('references to nothing, unknown attributes and misplaced lists are refused, naming the field', () => {
    const bad = {
      ...input,
      services: [
        {
          ...input.services![0]!,
          environment: {
            A: '${table:nope:tableName}',
            B: '${queue:jobs:colour}',
            C: '${network:publicSubnetIds}',
            D: '${service:api:serviceName}',
          },
        },
        ...input.services!.slice(1),
      ],
      outputs: { x: 'ids ${network:privateSubnetIds}', y: '${aws:galaxy}' },
    } as WorkloadInput;
    let issues: { field: string; value: unknown; rule: string }[] = [];
    try {
      defineWorkload(bad, dev);
    } catch (e) {
      if (!(e instanceof ConfigValidationError)) throw e;
      issues = [...e.issues];
    }
    const at = (f: string) => issues.find((i) => i.field.endsWith(f));
    expect(at('services[0].environment.A')?.rule).toMatch(/must name a table of this workload/);
    expect(at('services[0].environment.B')?.rule).toMatch(/attribute of a queue: arn, url/);
    expect(at('services[0].environment.C')?.rule).toMatch(/list of strings/);
    expect(at('services[0].environment.D')?.rule).toMatch(/must name a kind of table/);
    expect(at('outputs.x')?.rule).toMatch(/whole value/);
    expect(at('outputs.y')?.value).toBe('${aws:galaxy}');
  });
});
