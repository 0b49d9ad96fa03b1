import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigValidationError,
  parseWorkloadYaml,
  resolveWorkloadPreview,
  TAG_PROJECT,
} from '@automock/core';
import { Testing } from 'cdktf';
import { planApp } from './app-plan';
import { ENVIRONMENTS } from './environments';
import { WorkloadStack } from './workload-stack';
import {
  previewWorkloadSource,
  typescriptWorkload,
  workloadFiles,
  yamlWorkload,
} from './workloads';

const staging = ENVIRONMENTS.find((e) => e.name === 'staging')!;
const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;

// Declared for production, where tables are protected and secrets kept 30 days.
const LEDGER = `name: ledger
environments: [prod]
tables:
  - name: entries
    partitionKey: { name: pk, type: S }
secrets:
  - name: api-token
buckets:
  - name: exports
queues:
  - name: jobs
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'preview-'));
  writeFileSync(join(dir, 'ledger.yaml'), LEDGER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;
const only = (json: Json, type: string) => Object.values(json.resource![type]!)[0]!;

describe('workload previews', () => {
  it('synthesise as an ephemeral workload stack of their own: name, state key, tags, nothing protected', () => {
    const [source] = workloadFiles(dir);
    const preview = resolveWorkloadPreview({ workload: 'ledger', name: 'pr-9', ttlHours: 6 }, prod);
    const plan = planApp({
      environments: ['prod'],
      workloadsDir: dir,
      workloads: [previewWorkloadSource(source!, preview)],
    });
    // The declared workload and its preview, side by side.
    expect(plan.workloads.map((w) => [w.workload.name, w.workload.ephemeral])).toEqual([
      ['ledger', false],
      ['ledger-pr-9', true],
    ]);
    const w = plan.workloads[1]!.workload;
    expect(w.ttlHours).toBe(6);
    const stack = new WorkloadStack(Testing.app(), { workload: w });
    expect(stack.info).toMatchObject({
      name: 'prod-ledger-pr-9',
      workload: 'ledger-pr-9',
      backendKey: 'workloads/prod/ledger-pr-9/terraform.tfstate',
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    const provider = (json.provider!.aws as unknown as { default_tags: { tags: object }[] }[])[0]!;
    expect(provider.default_tags[0]!.tags).toMatchObject({ [TAG_PROJECT]: 'ledger-pr-9' });
    expect(only(json, 'aws_dynamodb_table')).toMatchObject({
      name: expect.stringContaining('ledger-pr-9'),
      deletion_protection_enabled: false,
    });
    expect(only(json, 'aws_secretsmanager_secret')).toMatchObject({
      recovery_window_in_days: 0,
    });
    expect(only(json, 'aws_s3_bucket')).toMatchObject({ force_destroy: true });

    // The declared production workload keeps its protections.
    const declared = new WorkloadStack(Testing.app(), { workload: plan.workloads[0]!.workload });
    const djson = JSON.parse(Testing.synth(declared)) as Json;
    expect(only(djson, 'aws_dynamodb_table')).toMatchObject({ deletion_protection_enabled: true });
    expect(only(djson, 'aws_secretsmanager_secret')).toMatchObject({
      recovery_window_in_days: 30,
    });
    expect(only(djson, 'aws_s3_bucket')).toMatchObject({ force_destroy: false });
  });

  it('previews a production workload in another environment, and a TypeScript one alike', () => {
    const source = yamlWorkload(LEDGER, join(dir, 'ledger.yaml'));
    const p = resolveWorkloadPreview({ workload: 'ledger' }, staging);
    const yaml = previewWorkloadSource(source, p).define(staging, plan().workloadSections);
    expect(yaml).toMatchObject({
      name: 'ledger-preview',
      environments: ['staging'],
      ephemeral: true,
      ttlHours: staging.defaultTtlHours,
    });
    const ts = typescriptWorkload(parseWorkloadYaml(LEDGER, 'ledger.yaml').input as never);
    expect(previewWorkloadSource(ts, p).define(staging, plan().workloadSections)).toEqual(yaml);
  });

  it('is refused when its name is another declared workload’s, with both origins named', () => {
    const clash = LEDGER.replace('name: ledger', 'name: ledger-preview');
    writeFileSync(join(dir, 'ledger-preview.yaml'), clash);
    try {
      const source = workloadFiles(dir).find((s) => s.name === 'ledger');
      const p = resolveWorkloadPreview({ workload: 'ledger' }, prod);
      let err: unknown;
      try {
        planApp({
          environments: ['prod'],
          workloadsDir: dir,
          workloads: [previewWorkloadSource(source!, p)],
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect((err as Error).message).toMatch(
        /workload\[\*\/ledger-preview\]\.name: got "ledger-preview", must be unique: .*ledger-preview\.yaml declares workload "ledger-preview" too \(.*\/ledger\.yaml \(preview ledger-preview in prod\)\)/,
      );
    } finally {
      rmSync(join(dir, 'ledger-preview.yaml'));
    }
  });

  it('reports a problem of the declaration under the preview, with the line of the file', () => {
    const bad = yamlWorkload(LEDGER.replace('type: S', 'type: Q'), join(dir, 'ledger.yaml'));
    const p = resolveWorkloadPreview({ workload: 'ledger', name: 'x' }, prod);
    expect(() => previewWorkloadSource(bad, p).define(prod, plan().workloadSections)).toThrow(
      /workload\[prod\/ledger-x\]\.tables\[0\]\.partitionKey\.type: got "Q", must be one of .*ledger\.yaml:5\)/,
    );
  });
});

function plan() {
  return planApp({ environments: ['prod'], workloadsDir: join(dir, 'none') });
}
