import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Secret } from './Secret';

// The AWS provider cannot be downloaded here, so Terraform cannot plan; it still parses the
// configuration first and refuses an unknown top-level block, so this proves the `ephemeral` block
// cdktf has no binding for is written in a form Terraform 1.11 reads.
const terraform = ['/usr/local/bin/terraform', '/usr/bin/terraform'].find((c) => fs.existsSync(c));
if (!terraform) console.warn('Secret.terraform.test: no terraform binary found; skipping');
const describeTf = terraform ? describe : describe.skip;

function validate(config: unknown): { summary: string }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-tf-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    let out: string;
    try {
      out = execFileSync(terraform!, ['validate', '-json', '-no-color'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    return JSON.parse(out).diagnostics;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describeTf('Secret with real Terraform', () => {
  it('writes an ephemeral block Terraform parses: only the provider is missing', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new Secret(stack, 'Token', {
      secretName: 't',
      generate: {
        length: 32,
        excludeCharacters: '',
        excludePunctuation: true,
        excludeUppercase: false,
        excludeLowercase: false,
        excludeNumbers: false,
        includeSpace: false,
        requireEachIncludedType: true,
      },
    });
    const config = JSON.parse(Testing.synth(stack));
    expect(validate(config).map((d) => d.summary)).toEqual(['Missing required provider']);
    // The same check fails on a block Terraform does not know, so it is not vacuous.
    const bad = { ...config, ephemerall: config.ephemeral };
    delete bad.ephemeral;
    expect(validate(bad).map((d) => d.summary)).toContain('Extraneous JSON object property');
  });
});
