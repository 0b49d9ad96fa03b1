import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigValidationError,
  defineWorkload,
  TAG_PROJECT,
  WorkloadInput,
  workloadStateKey,
} from '@automock/core';
import { PolicyViolationError } from '@automock/guardrails';
import { App, Testing } from 'cdktf';
import { canonicalStacks } from './app';
import { canonicalStackNames, planApp } from './app-plan';
import { AutomockStack } from './automock-stack';
import { ENVIRONMENTS } from './environments';
import { synthesizeApp } from './synthesize-app';
import { synthesizeStacks } from './synthesize-stacks';
import { TEST_BUILDERS, TEST_SECTIONS } from './testing/workload-fixture';
import { WorkloadResources, WorkloadStack } from './workload-stack';
import { typescriptWorkload } from './workloads';
import { tempDirs } from './testing/files';

const dir = tempDirs();

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const shopInput = {
  name: 'shop',
  environments: ['dev', 'staging'],
  journals: [{ name: 'orders', retentionDays: 14 }],
  readers: [{ journal: 'orders' }],
} as unknown as WorkloadInput;
const SHOP_YAML = `# yaml-language-server: $schema=./workload.schema.json
name: shop
environments: [dev, staging]
journals:
  - name: orders
    retentionDays: 14
readers:
  - journal: orders
`;

function workloadsDir(files: Record<string, string>): string {
  const d = dir('workloads');
  for (const [n, text] of Object.entries(files)) writeFileSync(join(d, n), text);
  return d;
}

const testOptions = { workloadSections: TEST_SECTIONS, workloadBuilders: TEST_BUILDERS };

function synthJson(stack: AutomockStack): Record<string, Record<string, Record<string, unknown>>> {
  return JSON.parse(Testing.synth(stack)) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
}

function issuesOf(fn: () => unknown): { field: string; value: unknown; rule: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('WorkloadStack', () => {
  const shop = defineWorkload(shopInput, dev, { sections: TEST_SECTIONS });

  it('is <env>-<workload> with its own state key, tagged like a project, on the environment network and cluster', () => {
    const stack = new WorkloadStack(Testing.app(), { workload: shop, builders: TEST_BUILDERS });
    expect(stack.info).toMatchObject({
      name: 'dev-shop',
      kind: 'workload',
      environment: 'dev',
      workload: 'shop',
      backendKey: 'workloads/dev/shop/terraform.tfstate',
    });
    expect(workloadStateKey('dev', 'shop')).toBe(stack.info.backendKey);
    const json = synthJson(stack);
    const provider = (json.provider!.aws as unknown as { default_tags: { tags: object }[] }[])[0]!;
    expect(provider.default_tags[0]!.tags).toMatchObject({ [TAG_PROJECT]: 'shop' });
    expect(Object.keys(json.data!.terraform_remote_state!)).toHaveLength(1);
    expect(json.resource!.aws_vpc).toBeUndefined();
    const group = Object.values(json.resource!.aws_cloudwatch_log_group!)[0] as {
      name: string;
      retention_in_days: number;
      tags: Record<string, string>;
    };
    expect(group.retention_in_days).toBe(14);
    expect(group.name).toContain('shop');
    expect(group.tags).toMatchObject({ CostCenter: 'platform-dev', [TAG_PROJECT]: 'shop' });
    // The reader was built after the journal it looks up, though registered first.
    expect(JSON.stringify(json.output)).toContain('aws_cloudwatch_log_group');
    expect(JSON.stringify(json.output)).toContain('outputs.cluster_name');
  });

  it('gets a network and cluster of its own with network: dedicated', () => {
    const w = defineWorkload({ ...shopInput, network: 'dedicated' } as WorkloadInput, dev, {
      sections: TEST_SECTIONS,
    });
    const json = synthJson(
      new WorkloadStack(Testing.app(), { workload: w, builders: TEST_BUILDERS }),
    );
    expect(json.resource!.aws_vpc).toBeDefined();
    expect(Object.values(json.resource!.aws_ecs_cluster!)[0]).toMatchObject({
      name: expect.stringContaining('shop'),
    });
    expect(json.data?.terraform_remote_state).toBeUndefined();
  });

  it('refuses a section without a builder', () => {
    expect(() => new WorkloadStack(Testing.app(), { workload: shop, builders: [] })).toThrow(
      /no builder is registered for section\(s\) journals, readers/,
    );
  });

  it('provides each resource once and looks up only what was provided', () => {
    const r = new WorkloadResources('dev-shop');
    r.provide({ kind: 'queue', name: 'jobs', arn: 'arn:q' });
    expect(r.lookup('queue', 'jobs').arn).toBe('arn:q');
    expect(() => r.provide({ kind: 'queue', name: 'jobs', arn: 'arn:x' })).toThrow(
      /queue "jobs" is provided twice/,
    );
    expect(() => r.lookup('topic', 'jobs')).toThrow(/no topic "jobs" was provided/);
  });
});

describe('workload discovery', () => {
  it('makes a stack of each YAML and TypeScript workload in each environment it names', () => {
    const plan = planApp({
      ...testOptions,
      workloadsDir: workloadsDir({ 'shop.yaml': SHOP_YAML, 'notes.txt': 'not a workload' }),
      workloads: [
        typescriptWorkload({ ...shopInput, name: 'blog', environments: ['prod'] } as WorkloadInput),
      ],
    });
    expect(plan.workloads.map((w) => `${w.workload.env.name}-${w.workload.name}`)).toEqual([
      'dev-shop',
      'staging-shop',
      'prod-blog',
    ]);
    // Declared workloads are CI's: their stacks join the environment's canonical set.
    expect(canonicalStackNames(dev, plan.declaredWorkloadSources)).toEqual([
      'dev',
      'dev-petstore',
      'dev-shop',
    ]);
    const aside = new App({ outdir: dir('aside') });
    canonicalStacks(plan).build(aside, dev, {});
    expect(AutomockStack.all(aside).map((s) => s.node.id)).toEqual([
      'dev',
      'dev-petstore',
      'dev-shop',
    ]);
  });

  it('reports collisions, unknown environments, misnamed files and duplicates at once', () => {
    const issues = issuesOf(() =>
      planApp({
        ...testOptions,
        workloadsDir: workloadsDir({
          'petstore.yaml': SHOP_YAML.replace('name: shop', 'name: petstore'),
          'store.yaml': SHOP_YAML.replace('[dev, staging]', '[dev, qa]'),
        }),
        workloads: [typescriptWorkload(shopInput)],
      }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'workload[*/shop].name',
        rule: expect.stringContaining("must equal the file's name"),
      }),
      expect.objectContaining({
        field: 'workload[*/shop].environments[1]',
        value: 'qa',
        rule: expect.stringMatching(/^must be one of dev, staging, prod/),
      }),
      expect.objectContaining({
        field: 'workload[*/shop].name',
        rule: expect.stringMatching(/^must be unique: .*store\.yaml declares workload "shop" too/),
      }),
    ]);
    // With the names sorted out, the workload's stack name collides with the project's.
    expect(
      issuesOf(() =>
        planApp({
          ...testOptions,
          workloadsDir: workloadsDir({
            'petstore.yaml': SHOP_YAML.replace('name: shop', 'name: petstore'),
          }),
        }),
      ),
    ).toEqual([
      {
        field: 'workload[dev/petstore].name',
        value: 'dev-petstore',
        rule: 'must not make the same stack name as the project stack "dev-petstore" (project[dev/petstore].name); rename one of them',
      },
      expect.objectContaining({ field: 'workload[staging/petstore].name' }),
    ]);
  });
});

describe('workload synthesis', () => {
  const stackFile = (out: string, name: string) =>
    readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8');

  it('synthesises a YAML workload and its TypeScript twin to byte-identical stacks', () => {
    const fromYaml = join(dir('yaml'), 'out');
    const fromTs = join(dir('ts'), 'out');
    synthesizeStacks({
      ...testOptions,
      environments: ['dev'],
      outdir: fromYaml,
      cache: false,
      workloadsDir: workloadsDir({ 'shop.yaml': SHOP_YAML }),
    });
    synthesizeStacks({
      ...testOptions,
      environments: ['dev'],
      outdir: fromTs,
      cache: false,
      workloadsDir: dir('none'),
      workloads: [typescriptWorkload(shopInput)],
    });
    expect(stackFile(fromYaml, 'dev-shop')).toEqual(stackFile(fromTs, 'dev-shop'));
    expect(JSON.parse(stackFile(fromYaml, 'dev-shop')).terraform.backend.s3.key).toBe(
      'workloads/dev/shop/terraform.tfstate',
    );
  });

  it('rebuilds only the stacks of the workload whose file changed', () => {
    const cache = { dir: dir('cache'), fingerprint: 'test' };
    const wdir = workloadsDir({
      'shop.yaml': SHOP_YAML,
      'blog.yaml': SHOP_YAML.replace('name: shop', 'name: blog'),
    });
    const run = () =>
      synthesizeStacks({
        ...testOptions,
        environments: ['dev'],
        outdir: join(dir('out'), 'out'),
        cache,
        workloadsDir: wdir,
      });
    const first = run();
    expect(first.built).toEqual(expect.arrayContaining(['dev-shop', 'dev-blog']));
    expect(first.stacks.map((s) => s.kind).slice(-2)).toEqual(['workload', 'workload']);
    writeFileSync(join(wdir, 'shop.yaml'), SHOP_YAML.replace('14', '30'));
    const second = run();
    // The bootstrap stack's inputs (the CI inventories) did not change either.
    expect(second.built).toEqual(['dev-shop']);
    expect(second.cached).toEqual(expect.arrayContaining(['dev', 'dev-petstore', 'dev-blog']));
  });

  it('holds workload stacks to the guardrails, and nothing is written when they fail', () => {
    const outParent = dir('guarded');
    mkdirSync(join(outParent, 'out'));
    writeFileSync(join(outParent, 'out', 'previous.txt'), 'kept');
    let error: unknown;
    try {
      synthesizeStacks({
        ...testOptions,
        environments: ['dev'],
        outdir: join(outParent, 'out'),
        cache: false,
        workloadsDir: workloadsDir({ 'shop.yaml': SHOP_YAML.replace('14', '0') }),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as Error).message).toMatch(/AM-LOG-1 dev-shop aws_cloudwatch_log_group/);
    expect(readFileSync(join(outParent, 'out', 'previous.txt'), 'utf8')).toBe('kept');
  });

  it("applies the workload's suppressions, streamed and as a whole app alike", () => {
    const suppressed = `${SHOP_YAML.replace('14', '0')}suppressions:
  - id: AM-LOG-1
    reason: a test journal whose logs are kept on purpose
`;
    const options = {
      ...testOptions,
      environments: ['dev'],
      workloadsDir: workloadsDir({ 'shop.yaml': suppressed }),
    };
    const streamed = synthesizeStacks({ ...options, outdir: join(dir('s'), 'out'), cache: false });
    const whole = synthesizeApp({ ...options, outdir: join(dir('w'), 'out') });
    for (const report of [streamed.policy, whole.policy]) {
      expect(report.errors).toBe(0);
      expect(JSON.stringify(report)).toContain('AM-LOG-1');
    }
  });
});
