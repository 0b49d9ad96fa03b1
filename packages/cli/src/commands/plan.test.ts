import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJson } from '../testing/fake-terraform';
import { Harness, startHarness, withTerminal } from '../testing/harness';

const MIXED = planJson({
  'terraform_data.network': ['delete', 'create'],
  'terraform_data.extra': ['delete'],
  'terraform_data.cluster': ['no-op'],
  'terraform_data.new': ['create'],
});

describe('automock plan and apply (recording fake terraform)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: { planJson: MIXED } });
  });
  afterEach(() => h.stop());

  it('plans the environment stack: init, plan -out, show -json, and writes the Markdown summary', async () => {
    const md = join(h.root, 'plan.md');
    const { stdout, error } = await h.run(['plan', '--env', 'test', '--summary-md', md]);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/^test: 1 to add, 0 to change, 1 to replace, 1 to destroy$/m);
    expect(stdout).toMatch(/^ {2}DESTROY terraform_data\.extra$/m);
    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'show']);
    const [init, plan, show] = h.tf!.calls().filter((c) => c.argv[0] !== 'version');
    expect(init!.cwd).toBe(join(h.root, '.automock', 'work', 'test'));
    expect(plan!.argv).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-out=automock.tfplan',
    ]);
    expect(show!.argv).toEqual(['show', '-json', '-no-color', 'automock.tfplan']);
    const table = readFileSync(md, 'utf8');
    expect(table).toMatch(/\| `test` \| 1 \| 0 \| ⚠️ \*\*1\*\* \| ⚠️ \*\*1\*\* \| 1 \|/);
    expect(table).toMatch(/`test`: destroy `terraform_data\.extra`/);
  });

  it('returns per-stack summaries as JSON', async () => {
    const { stdout } = await h.run(['plan', '--stack', 'test', '--stack', 'other', '--json']);
    const r = JSON.parse(stdout) as { stack: string; add: number; destroy: number }[];
    expect(r.map((s) => s.stack)).toEqual(['test', 'other']);
    expect(r[0]).toMatchObject({ add: 1, destroy: 1, replace: 1 });
  });

  it('re-initialises with -reconfigure only when the backend block changed', async () => {
    await h.run(['plan', '--stack', 'test']);
    h.tf!.script({ planJson: MIXED });
    await h.run(['plan', '--stack', 'test']);
    expect(h.tf!.calls().find((c) => c.argv[0] === 'init')!.argv).not.toContain('-reconfigure');
    h.tf!.script({ planJson: MIXED });
    process.env.AUTOMOCK_TEST_DYNAMODB_ENDPOINT = 'http://127.0.0.1:1';
    await h.run(['plan', '--stack', 'test']);
    expect(h.tf!.calls().find((c) => c.argv[0] === 'init')!.argv).toContain('-reconfigure');
  });

  it('requires a selection and rejects unknown stacks', async () => {
    const none = (await h.run(['plan'])).error;
    // Declared on the flags (exactlyOne), so oclif words it; flag-relations.test.ts has the rest.
    expect(none?.message).toMatch(
      /Exactly one of the following must be provided: --all, --env, --stack/,
    );
    expect(none?.oclif?.exit).toBe(2);
    const { error } = await h.run(['plan', '--stack', 'nope']);
    expect(error?.message).toMatch(
      /^stack: got "nope", must be one of bootstrap-us-east-1, test, other$/,
    );
    expect(error?.oclif?.exit).toBe(2);
  });

  it('records a failed plan in the summary, still plans the other stacks, and exits non-zero', async () => {
    h.tf!.script({
      planJson: MIXED,
      steps: { plan: { exitCode: 1, stderr: 'Error: Unsupported argument\n' } },
    });
    const md = join(h.root, 'plan.md');
    const { error } = await h.run(['plan', '--all', '--summary-md', md]);
    expect(error?.message).toMatch(/^Plan failed for bootstrap-us-east-1, test, other:/);
    expect(error?.message).toMatch(/terraform plan failed for test: Unsupported argument/);
    expect(readFileSync(md, 'utf8')).toMatch(/❌ \*\*plan failed\*\*/);
  });

  it('maps missing credentials to what to do', async () => {
    h.tf!.script({
      steps: { init: { exitCode: 1, stderr: 'Error: No valid credential sources found\n' } },
    });
    const { error } = await h.run(['plan', '--stack', 'test']);
    expect(error?.message).toMatch(/No valid AWS credentials for test \(terraform init\)/);
  });

  it('refuses to apply a destroying plan without a terminal unless --auto-approve', async () => {
    const { error } = await h.run(['apply', '--env', 'test']);
    expect(error?.message).toMatch(
      /destroys or replaces 2 resources; refusing to apply without a terminal/,
    );
    expect(error?.oclif?.exit).toBe(3);
    expect(h.tf!.subcommands()).not.toContain('apply');

    h.tf!.script({ planJson: MIXED });
    const ok = await h.run(['apply', '--env', 'test', '--auto-approve']);
    expect(ok.error).toBeUndefined();
    const apply = h.tf!.calls().find((c) => c.argv[0] === 'apply')!;
    expect(apply.argv).toEqual([
      'apply',
      '-input=false',
      '-no-color',
      '-auto-approve',
      'automock.tfplan',
    ]);
    expect(ok.stdout).toMatch(/Applied test\./);
  });

  it('asks on a terminal before applying a destroying plan', async () => {
    const no = await withTerminal(['n'], () => h.run(['apply', '--env', 'test']));
    expect(no.error?.message).toBe('Nothing applied.');
    expect(h.tf!.subcommands()).not.toContain('apply');
    h.tf!.script({ planJson: MIXED });
    const yes = await withTerminal(['y'], () => h.run(['apply', '--env', 'test']));
    expect(yes.error).toBeUndefined();
    expect(h.tf!.subcommands()).toContain('apply');
  });

  it('applies a plan without destroys without asking, and skips stacks without changes', async () => {
    h.tf!.script({ planJson: planJson({ 'terraform_data.new': ['create'] }) });
    const { error } = await h.run(['apply', '--stack', 'test']);
    expect(error).toBeUndefined();
    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'show', 'apply']);
    h.tf!.script({ planJson: planJson({ 'terraform_data.new': ['no-op'] }) });
    const again = await h.run(['apply', '--stack', 'test']);
    expect(again.stdout).toMatch(/Nothing to apply: no changes\./);
    expect(h.tf!.subcommands()).toEqual(['init', 'plan', 'show']);
  });

  it('adds the cost section of the pull-request comment to --summary-md when a plan changes what is priced', async () => {
    // A NAT gateway created in us-east-1: the hourly price of one gateway appears as the difference.
    h.tf!.script({
      planJson: {
        format_version: '1.2',
        resource_changes: [
          {
            address: 'aws_nat_gateway.nat',
            mode: 'managed',
            type: 'aws_nat_gateway',
            name: 'nat',
            provider_name: 'registry.terraform.io/hashicorp/aws',
            change: { actions: ['create'], before: null, after: { connectivity_type: 'public' } },
          },
        ],
        configuration: {
          provider_config: {
            aws: { name: 'aws', expressions: { region: { constant_value: 'us-east-1' } } },
          },
          root_module: { resources: [] },
        },
      },
    });
    const md = join(h.root, 'plan.md');
    const { error } = await h.run(['plan', '--env', 'test', '--summary-md', md]);
    expect(error).toBeUndefined();
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/^#### Cost$/m);
    expect(text).toMatch(/\| `test` \| us-east-1 \|.*\+\$0\.0[0-9]+/);
  });

  it('plans only the stacks that changed since a previous synth directory', async () => {
    const { stdout } = await h.run(['synth', '--out', join(h.root, 'base')]);
    expect(stdout).toMatch(/Synthesised 3 stacks/);
    process.env.AUTOMOCK_TEST_VARIANT = '2';
    h.tf!.script({ planJson: MIXED });
    const r = await h.run(['plan', '--all', '--changed-since', join(h.root, 'base'), '--json']);
    expect(JSON.parse(r.stdout).map((s: { stack: string }) => s.stack)).toEqual(['test', 'other']);

    const stacks = await h.run(['stacks', '--changed-since', join(h.root, 'base'), '--json']);
    expect(JSON.parse(stacks.stdout).map((s: { name: string }) => s.name)).toEqual([
      'test',
      'other',
    ]);
    const none = await h.run([
      'stacks',
      '--changed-since',
      join(h.root, '.automock', 'synth', 'changed-since'),
      '--json',
    ]);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it('rejects a --changed-since that is neither a ref nor a synth directory', async () => {
    const { error } = await h.run(['stacks', '--changed-since', 'no-such-ref-xyz']);
    expect(error?.message).toMatch(/--changed-since: got "no-such-ref-xyz", must be a git commit/);
    expect(error?.oclif?.exit).toBe(2);
    expect(existsSync(join(h.root, 'base'))).toBe(false);
  });
});
