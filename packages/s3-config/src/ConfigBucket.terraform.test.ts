import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { ConfigBucket } from './ConfigBucket';

// The AWS provider cannot be downloaded here, but terraform_data is built in: run the version
// stamp exactly as synthesised through real plans and applies (local state).
function findTerraform(): string | undefined {
  const candidates = [
    process.env.TERRAFORM_BINARY_NAME,
    '/usr/local/bin/terraform',
    '/usr/bin/terraform',
  ];
  return candidates.find((c) => c && fs.existsSync(c));
}
const terraform = findTerraform();
if (!terraform) console.warn('ConfigBucket.terraform.test: no terraform binary found; skipping');
const describeTf = terraform ? describe : describe.skip;

function stampResource(expectations: string): Record<string, unknown> {
  const app = Testing.app();
  const stack = new TerraformStack(app, 's');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new ConfigBucket(stack, 'Config', {
    prefix: 'automock',
    env: 'dev',
    project: 'p',
    accountId: '123456789012',
    expectations,
    metadata: { ttlHours: 0, sizeName: 'small' },
  });
  const json = JSON.parse(Testing.synth(stack));
  const [name, body] = Object.entries<any>(json.resource.terraform_data)[0]!;
  return {
    resource: { terraform_data: { [name]: body } },
    output: { at: { value: `\${terraform_data.${name}.output.at}` } },
  };
}

describeTf('version stamp under real terraform', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-stamp-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) =>
    execFileSync(terraform!, args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
    });
  const applyWith = (expectations: string): string => {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(stampResource(expectations)));
    run('apply', '-auto-approve', '-input=false', '-no-color');
    return run('output', '-raw', 'at');
  };

  it('keeps the timestamp while content is unchanged and renews it when it changes', async () => {
    run('init', '-input=false', '-no-color');
    const first = applyWith('[]');
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    await new Promise((r) => setTimeout(r, 1100));
    expect(applyWith('[]')).toBe(first);
    const plan = run('plan', '-detailed-exitcode', '-input=false', '-no-color');
    expect(plan).toMatch(/No changes/);
    await new Promise((r) => setTimeout(r, 1100));
    const second = applyWith('[{"httpResponse":{"statusCode":204}}]');
    expect(second).not.toBe(first);
    expect(second > first).toBe(true);
  });
});
