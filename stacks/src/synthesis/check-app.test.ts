import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { defineEnvironment, standardTags } from '@automock/core';
import { App, TerraformStack } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicyViolationError } from '@automock/guardrails';
import { synthWithPolicy } from './check-app';

const DEV = defineEnvironment({ name: 'dev', accountId: '111111111111', region: 'us-east-1' });

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

function app(outdir: string, retention: number | undefined) {
  const a = new App({ outdir });
  for (const name of ['first', 'second']) {
    const stack = new TerraformStack(a, name);
    new AwsProvider(stack, 'aws', {
      region: 'us-east-1',
      defaultTags: [{ tags: standardTags('dev') }],
    });
    // only the second stack breaks a rule: the first must not be written either
    new CloudwatchLogGroup(stack, 'g', {
      name,
      retentionInDays: name === 'second' ? retention : 7,
    });
  }
  return a;
}

describe('synthWithPolicy', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardrails-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('an error throws PolicyViolationError and writes no stack file and no manifest', () => {
    const a = app(outdir, undefined);
    let error: unknown;
    try {
      synthWithPolicy(a, { environmentFor: () => DEV });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    expect((error as PolicyViolationError).report.errors).toBe(1);
    expect((error as Error).message).toMatch(
      /AM-LOG-1 second aws_cloudwatch_log_group\.g \(second\/g\)/,
    );
    expect(filesUnder(outdir)).toEqual([]);
  });

  test('a clean app is synthesised and the report returned', () => {
    const a = app(outdir, 30);
    const report = synthWithPolicy(a, { environmentFor: () => DEV });
    expect(report.errors).toBe(0);
    const files = filesUnder(outdir)
      .map((f) => path.relative(outdir, f))
      .sort();
    expect(files).toEqual([
      'manifest.json',
      'stacks/first/cdk.tf.json',
      'stacks/second/cdk.tf.json',
    ]);
    const written = JSON.parse(
      fs.readFileSync(path.join(outdir, 'stacks/second/cdk.tf.json'), 'utf8'),
    );
    expect(written.resource.aws_cloudwatch_log_group.g.retention_in_days).toBe(30);
  });
});
