import Ajv from 'ajv';
import { defineEnvironment, type Environment } from '../environment';
import { IssueCollector, type ValidationIssue } from '../errors';
import {
  type BucketCorsRuleInput,
  type BucketInput,
  type BucketLifecycleRuleInput,
  type BucketTransitionInput,
  bucketsSection,
  publicBucketSuppressions,
  workloadBucketName,
} from './buckets';
import { type EndpointInput, endpointsSection } from './endpoints';
import {
  type RepositoryInput,
  type RepositoryLifecycleInput,
  type RepositoryRegistryInput,
  repositoriesSection,
} from './repositories';
import type { WorkloadSection, WorkloadSectionContext } from './section';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });
const PROD = defineEnvironment({
  name: 'prod',
  accountId: '210987654321',
  region: 'us-east-1',
});

function context(
  key: string,
  env: Environment = DEV,
  over: Partial<WorkloadSectionContext> = {},
): WorkloadSectionContext {
  return {
    env,
    workload: 'shop',
    issues: new IssueCollector(),
    field: `workload[${env.name}/shop].${key}`,
    declared: () => false,
    ...over,
  };
}

const ajv = new Ajv({ allErrors: true, strict: false });
function schemaErrors(section: WorkloadSection, value: unknown): string[] {
  const validate = ajv.compile(section.schema);
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
}

function run<I, R>(
  section: WorkloadSection<I, R>,
  input: I,
  env: Environment = DEV,
  over: Partial<WorkloadSectionContext> = {},
): { resolved: R | undefined; issues: readonly ValidationIssue[] } {
  expect(schemaErrors(section as WorkloadSection, input)).toEqual([]);
  const ctx = context(section.key, env, over);
  const resolved = section.resolve(input, ctx);
  return { resolved, issues: ctx.issues.issues };
}

/** The property names of the schema object at `path` (through `items` and `properties`). */
function nestedKeys(section: WorkloadSection, ...path: string[]): string[] {
  let node = (section.schema as any).items;
  for (const p of path) {
    node = node.properties[p];
    if (node.type === 'array') node = node.items;
  }
  return Object.keys(node.properties).sort();
}

/** Every key an input type has, checked against the schema's properties. */
function schemaKeys(section: WorkloadSection): string[] {
  const items = (section.schema as { items: { properties: Record<string, unknown> } }).items;
  return Object.keys(items.properties).sort();
}

describe('buckets section', () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const every: Required<BucketInput> = {
      name: 'a',
      versioning: true,
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      lifecycle: [],
      cors: [],
      forceDestroy: false,
      public: { reason: 'a long enough reason' },
    };
    expect(schemaKeys(bucketsSection)).toEqual(Object.keys(every).sort());
    const rule: Required<BucketLifecycleRuleInput> = {
      id: 'r',
      prefix: '',
      expireAfterDays: 1,
      noncurrentExpireAfterDays: 1,
      abortIncompleteMultipartAfterDays: 1,
      transitions: [],
    };
    const transition: Required<BucketTransitionInput> = { storageClass: 'GLACIER', afterDays: 1 };
    const cors: Required<BucketCorsRuleInput> = {
      allowedMethods: ['GET'],
      allowedOrigins: ['*'],
      allowedHeaders: [],
      exposeHeaders: [],
      maxAgeSeconds: 1,
    };
    expect(nestedKeys(bucketsSection, 'lifecycle')).toEqual(Object.keys(rule).sort());
    expect(nestedKeys(bucketsSection, 'lifecycle', 'transitions')).toEqual(
      Object.keys(transition).sort(),
    );
    expect(nestedKeys(bucketsSection, 'cors')).toEqual(Object.keys(cors).sort());
    expect(nestedKeys(bucketsSection, 'public')).toEqual(['reason']);
    const props = (bucketsSection.schema as any).items.properties;
    for (const k of Object.keys(props))
      expect([k, typeof props[k].description]).toEqual([k, 'string']);
    expect(schemaErrors(bucketsSection, [every])).toEqual([]);
  });

  test('defaults: private, unversioned, kept on destroy, named within 63 lowercase characters', () => {
    const { resolved, issues } = run(bucketsSection, [{ name: 'assets' }]);
    expect(issues).toEqual([]);
    expect(resolved).toEqual([
      {
        name: 'assets',
        bucketName: 'automock-dev-shop-assets-123456789012',
        versioning: false,
        lifecycle: [],
        cors: [],
        forceDestroy: false,
      },
    ]);
  });

  test('ephemeral workloads force-destroy by default; an explicit value wins', () => {
    const eph = run(bucketsSection, [{ name: 'a' }, { name: 'b', forceDestroy: false }], DEV, {
      ephemeral: true,
    });
    expect(eph.resolved!.map((b) => b.forceDestroy)).toEqual([true, false]);
  });

  test('long names are shortened with a hash, still a valid bucket name', () => {
    const name = workloadBucketName(
      { env: DEV, workload: 'a-very-long-workload-name-for-testing' },
      'uploads-from-customers-xyz',
    );
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
  });

  test('the schema refuses unknown keys, bad names, unknown methods and storage classes', () => {
    expect(schemaErrors(bucketsSection, [{ name: 'Assets' }])).toEqual([
      expect.stringMatching(/^\/0\/name must match pattern/),
    ]);
    expect(schemaErrors(bucketsSection, [{ name: 'a', acl: 'public-read' }])).toEqual([
      '/0 must NOT have additional properties',
    ]);
    expect(
      schemaErrors(bucketsSection, [
        { name: 'a', cors: [{ allowedMethods: ['PATCH'], allowedOrigins: ['*'] }] },
      ]),
    ).toEqual([expect.stringMatching(/^\/0\/cors\/0\/allowedMethods\/0 must be equal to one of/)]);
    expect(
      schemaErrors(bucketsSection, [
        { name: 'a', lifecycle: [{ transitions: [{ storageClass: 'COLD', afterDays: 40 }] }] },
      ]),
    ).toEqual([expect.stringMatching(/storageClass must be equal to one of/)]);
    expect(schemaErrors(bucketsSection, [{ name: 'a', public: { reason: 'short' } }])).toEqual([
      '/0/public/reason must NOT have fewer than 10 characters',
    ]);
  });

  test('lifecycle: S3 minimum days, class order, expiry after the last move, an action', () => {
    const { resolved, issues } = run(bucketsSection, [
      {
        name: 'logs',
        lifecycle: [
          { id: 'x', transitions: [{ storageClass: 'STANDARD_IA', afterDays: 10 }] },
          {
            id: 'x',
            transitions: [
              { storageClass: 'STANDARD_IA', afterDays: 30 },
              { storageClass: 'GLACIER_IR', afterDays: 45 },
            ],
          },
          {
            transitions: [
              { storageClass: 'GLACIER', afterDays: 10 },
              { storageClass: 'GLACIER_IR', afterDays: 20 },
            ],
            expireAfterDays: 20,
          },
          { prefix: 'tmp/' },
          { noncurrentExpireAfterDays: 7 },
        ],
      },
    ]);
    expect(resolved).toBeUndefined();
    const f = 'workload[dev/shop].buckets[0].lifecycle';
    expect(issues).toEqual([
      {
        field: `${f}[0].transitions[0].afterDays`,
        value: 10,
        rule: 'S3 moves objects to STANDARD_IA only after at least 30 days',
      },
      { field: `${f}[1].id`, value: 'x', rule: "must be unique among the bucket's rules" },
      {
        field: `${f}[1].transitions[1].afterDays`,
        value: 45,
        rule: 'must be at least 30 day(s) after the move to STANDARD_IA (day 30)',
      },
      {
        field: `${f}[2].transitions[1].storageClass`,
        value: 'GLACIER_IR',
        rule: expect.stringMatching(/^must come after GLACIER in S3's order/),
      },
      {
        field: `${f}[2].expireAfterDays`,
        value: 20,
        rule: "must be greater than the last transition's afterDays (20)",
      },
      {
        field: `${f}[3]`,
        value: { prefix: 'tmp/' },
        rule: expect.stringMatching(/at least one action/),
      },
      {
        field: `${f}[4].noncurrentExpireAfterDays`,
        value: 7,
        rule: 'applies only to versioned buckets: set versioning: true or remove it',
      },
    ]);
  });

  test('a valid lifecycle and CORS resolve with their defaults', () => {
    const { resolved, issues } = run(bucketsSection, [
      {
        name: 'media',
        versioning: true,
        lifecycle: [
          {
            transitions: [
              { storageClass: 'STANDARD_IA', afterDays: 30 },
              { storageClass: 'GLACIER_IR', afterDays: 60 },
            ],
            expireAfterDays: 365,
            noncurrentExpireAfterDays: 30,
            abortIncompleteMultipartAfterDays: 1,
          },
        ],
        cors: [{ allowedMethods: ['GET', 'HEAD'], allowedOrigins: ['https://*.example.com'] }],
      },
    ]);
    expect(issues).toEqual([]);
    expect(resolved![0]!.lifecycle[0]).toEqual({
      id: 'rule-0',
      prefix: '',
      expireAfterDays: 365,
      noncurrentExpireAfterDays: 30,
      abortIncompleteMultipartAfterDays: 1,
      transitions: [
        { storageClass: 'STANDARD_IA', afterDays: 30 },
        { storageClass: 'GLACIER_IR', afterDays: 60 },
      ],
    });
    expect(resolved![0]!.cors).toEqual([
      {
        allowedMethods: ['GET', 'HEAD'],
        allowedOrigins: ['https://*.example.com'],
        allowedHeaders: [],
        exposeHeaders: [],
      },
    ]);
  });

  test('CORS origins and headers: an origin (no path), at most one *', () => {
    const { issues } = run(bucketsSection, [
      {
        name: 'a',
        cors: [
          {
            allowedMethods: ['GET'],
            allowedOrigins: [
              'https://app.example.com/path',
              'https://*.*.example.com',
              'example.com',
            ],
            allowedHeaders: ['x-*-*'],
          },
        ],
      },
    ]);
    const f = 'workload[dev/shop].buckets[0].cors[0]';
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      [`${f}.allowedOrigins[0]`, 'https://app.example.com/path'],
      [`${f}.allowedOrigins[1]`, 'https://*.*.example.com'],
      [`${f}.allowedOrigins[2]`, 'example.com'],
      [`${f}.allowedHeaders[0]`, 'x-*-*'],
    ]);
  });

  test('duplicate names, bad KMS keys; declares each name', () => {
    const input = [{ name: 'a' }, { name: 'a', kmsKeyArn: 'key-1' }];
    const { issues } = run(bucketsSection, input);
    expect(issues.map((i) => i.field)).toEqual([
      'workload[dev/shop].buckets[1].name',
      'workload[dev/shop].buckets[1].kmsKeyArn',
    ]);
    expect(bucketsSection.declares!(input, 'f')).toEqual([
      { kind: 'bucket', name: 'a', field: 'f[0].name' },
      { kind: 'bucket', name: 'a', field: 'f[1].name' },
    ]);
    expect(bucketsSection.declares!('nonsense', 'f')).toEqual([]);
  });

  test('a public bucket carries its reason into the suppressions it needs', () => {
    const { resolved } = run(bucketsSection, [
      { name: 'site', public: { reason: 'static website assets for the docs' } },
      { name: 'private' },
    ]);
    expect(publicBucketSuppressions(resolved!)).toEqual([
      { id: 'AM-S3-1', reason: 'bucket site is public: static website assets for the docs' },
      { id: 'AM-S3-5', reason: 'bucket site is public: static website assets for the docs' },
    ]);
  });
});

describe('repositories section', () => {
  test('its schema names exactly the input type keys', () => {
    const every: Required<RepositoryInput> = {
      name: 'api',
      scanOnPush: true,
      tagMutability: 'IMMUTABLE',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      lifecycle: { keepLast: 10, untaggedExpireAfterDays: 7 },
      environments: ['dev'],
      registry: {},
      forceDelete: false,
    };
    expect(schemaKeys(repositoriesSection)).toEqual(Object.keys(every).sort());
    const lifecycle: Required<RepositoryLifecycleInput> = {
      keepLast: 1,
      untaggedExpireAfterDays: 1,
    };
    const registry: Required<RepositoryRegistryInput> = { accountId: '1', region: 'r' };
    expect(nestedKeys(repositoriesSection, 'lifecycle')).toEqual(Object.keys(lifecycle).sort());
    expect(nestedKeys(repositoriesSection, 'registry')).toEqual(Object.keys(registry).sort());
    expect(schemaErrors(repositoriesSection, [every])).toEqual([]);
  });

  test('defaults: scanned on push, immutable tags, AES256, created here, kept', () => {
    const { resolved, issues } = run(repositoriesSection, [{ name: 'backend' }]);
    expect(issues).toEqual([]);
    expect(resolved).toEqual([
      {
        name: 'backend',
        repositoryName: 'automock-dev-shop-backend',
        create: true,
        accountId: '123456789012',
        region: 'eu-west-1',
        scanOnPush: true,
        tagMutability: 'IMMUTABLE',
        forceDelete: false,
      },
    ]);
  });

  test('created in dev only: prod refers to the dev repository, in the registry it names', () => {
    const input: RepositoryInput[] = [
      {
        name: 'backend',
        environments: ['dev'],
        registry: { accountId: '123456789012', region: 'eu-west-1' },
      },
    ];
    const prod = run(repositoriesSection, input, PROD);
    expect(prod.issues).toEqual([]);
    expect(prod.resolved![0]).toMatchObject({
      create: false,
      repositoryName: 'automock-dev-shop-backend',
      accountId: '123456789012',
      region: 'eu-west-1',
    });
    // The creating environment names no other registry.
    const dev = run(repositoriesSection, input, DEV);
    expect(dev.issues).toEqual([
      {
        field: 'workload[dev/shop].repositories[0].registry',
        value: { accountId: '123456789012', region: 'eu-west-1' },
        rule: expect.stringMatching(/applies only where the repository is referenced/),
      },
    ]);
  });

  test("a referenced repository defaults to this environment's registry", () => {
    const { resolved } = run(repositoriesSection, [{ name: 'b', environments: ['dev'] }], PROD);
    expect(resolved![0]).toMatchObject({ accountId: '210987654321', region: 'us-east-1' });
  });

  test('bad environment names, registries and keys are reported as field/value/rule', () => {
    const { issues, resolved } = run(
      repositoriesSection,
      [
        {
          name: 'b',
          environments: ['Dev_1'],
          registry: { accountId: '123', region: 'mars-1' },
          kmsKeyArn: 'nope',
        },
      ],
      PROD,
    );
    expect(resolved).toBeUndefined();
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      ['workload[prod/shop].repositories[0].kmsKeyArn', 'nope'],
      ['workload[prod/shop].repositories[0].environments[0]', 'Dev_1'],
      ['workload[prod/shop].repositories[0].registry.accountId', '123'],
      ['workload[prod/shop].repositories[0].registry.region', 'mars-1'],
    ]);
  });

  test('lifecycle renders ECR lifecycle JSON with the tagStatus any rule last', () => {
    const { resolved } = run(repositoriesSection, [
      { name: 'b', lifecycle: { keepLast: 20, untaggedExpireAfterDays: 3 } },
    ]);
    expect(JSON.parse(resolved![0]!.lifecyclePolicy!)).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire untagged images 3 days after push',
          selection: {
            tagStatus: 'untagged',
            countType: 'sinceImagePushed',
            countUnit: 'days',
            countNumber: 3,
          },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'Keep the newest 20 images',
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 20 },
          action: { type: 'expire' },
        },
      ],
    });
    expect(schemaErrors(repositoriesSection, [{ name: 'b', lifecycle: { keepLast: 0 } }])).toEqual([
      '/0/lifecycle/keepLast must be >= 1',
    ]);
  });

  test('ephemeral workloads force-delete; duplicates are refused', () => {
    const { resolved } = run(repositoriesSection, [{ name: 'a' }], DEV, { ephemeral: true });
    expect(resolved![0]!.forceDelete).toBe(true);
    const dup = run(repositoriesSection, [{ name: 'a' }, { name: 'a' }]);
    expect(dup.issues.map((i) => i.field)).toEqual(['workload[dev/shop].repositories[1].name']);
  });
});

describe('endpoints section', () => {
  test('its schema names exactly the input type keys', () => {
    const every: Required<EndpointInput> = {
      service: 's3',
      type: 'Gateway',
      policy: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
    };
    expect(schemaKeys(endpointsSection)).toEqual(Object.keys(every).sort());
    expect(schemaErrors(endpointsSection, [every])).toEqual([]);
  });

  test('s3 and dynamodb default to gateway endpoints, every other service to interface', () => {
    const { resolved, issues } = run(endpointsSection, [
      { service: 'dynamodb' },
      { service: 'ecr.api' },
      { service: 's3', type: 'Interface' },
    ]);
    expect(issues).toEqual([]);
    expect(resolved).toEqual([
      { service: 'dynamodb', type: 'Gateway', serviceName: 'com.amazonaws.eu-west-1.dynamodb' },
      { service: 'ecr.api', type: 'Interface', serviceName: 'com.amazonaws.eu-west-1.ecr.api' },
      { service: 's3', type: 'Interface', serviceName: 'com.amazonaws.eu-west-1.s3' },
    ]);
  });

  test('a gateway endpoint for another service, a duplicate and a policy without principal fail', () => {
    const { issues, resolved } = run(endpointsSection, [
      { service: 'sqs', type: 'Gateway' },
      { service: 'logs' },
      { service: 'logs', policy: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] },
    ]);
    expect(resolved).toBeUndefined();
    expect(issues).toEqual([
      {
        field: 'workload[dev/shop].endpoints[0].type',
        value: 'Gateway',
        rule: 'AWS offers gateway endpoints only for s3 and dynamodb; use Interface for sqs',
      },
      {
        field: 'workload[dev/shop].endpoints[2].service',
        value: 'logs',
        rule: 'duplicates workload[dev/shop].endpoints[1]: one Interface endpoint per service',
      },
      {
        field: 'workload[dev/shop].endpoints[2].policy[0].Principal',
        value: undefined,
        rule: expect.stringMatching(/is required in an endpoint policy/),
      },
    ]);
  });

  test('a policy is rendered as a policy document; bad service names fail the schema', () => {
    const { resolved } = run(endpointsSection, [
      {
        service: 'dynamodb',
        policy: [{ Effect: 'Allow', Principal: '*', Action: 'dynamodb:*', Resource: '*' }],
      },
    ]);
    expect(JSON.parse(resolved![0]!.policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'dynamodb:*', Resource: '*' }],
    });
    expect(run(endpointsSection, [{ service: 'com.amazonaws.x.s3' }]).issues).toEqual([
      {
        field: 'workload[dev/shop].endpoints[0].service',
        value: 'com.amazonaws.x.s3',
        rule: expect.stringMatching(/^must be the service alone/),
      },
    ]);
    expect(schemaErrors(endpointsSection, [{ service: 'S3 bucket' }])).toEqual([
      expect.stringMatching(/^\/0\/service must match pattern/),
    ]);
  });
});
