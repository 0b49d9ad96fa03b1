/**
 * The real terraform binary against s3rver and dynalite, on the test app's provider-less stacks
 * (`terraform_data` only): bootstrap's local-state apply and migration into the bucket, and plan
 * summaries from real `terraform show -json` output. Skipped, with the reason printed, when no
 * terraform >= 1.10 is installed.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { bootstrapStateKey } from '@automock/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateTerraform } from '../terraform/terraform';
import { Harness, startHarness } from '../testing/harness';

let skipReason: string | undefined;
try {
  locateTerraform({ ...process.env, TERRAFORM_BINARY_NAME: process.env.TERRAFORM_BINARY_NAME });
} catch (e) {
  skipReason = (e as Error).message;
}
if (skipReason) console.warn(`Skipping real-terraform CLI tests: ${skipReason}`);
const describeReal = skipReason ? describe.skip : describe;

describeReal('with real terraform (provider-less stacks, s3rver + dynalite)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: false });
  });
  afterEach(() => h.stop());

  const stateObject = async (key: string) =>
    JSON.parse(
      await (
        await h.s3Client.send(new GetObjectCommand({ Bucket: h.names.bucket, Key: key }))
      ).Body!.transformToString(),
    ) as {
      resources: { type: string; name: string }[];
    };

  it('bootstrap applies with local state, migrates it into the bucket, and changes nothing the second time', async () => {
    const first = await h.run(['bootstrap', '--region', 'us-east-1']);
    expect(first.error).toBeUndefined();
    expect(first.stdout).toBe(
      `bootstrap-us-east-1: created; state moved to s3://${h.names.bucket}/bootstrap/us-east-1/terraform.tfstate\n`,
    );
    const state = await stateObject(bootstrapStateKey('us-east-1'));
    expect(state.resources.map((r) => `${r.type}.${r.name}`)).toEqual(['terraform_data.state']);
    const dir = join(h.root, '.automock', 'work', 'bootstrap-us-east-1');
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('terraform.tfstate.migrated-'))).toBe(true);

    const second = await h.run(['bootstrap', '--region', 'us-east-1', '--json']);
    expect(second.error).toBeUndefined();
    const [r] = JSON.parse(second.stdout);
    expect(r).toMatchObject({
      stack: 'bootstrap-us-east-1',
      migrated: false,
      plan: { add: 0, change: 0, destroy: 0, noOp: 1 },
    });
  }, 180_000);

  it('bootstrap rejects a region without environments', async () => {
    const { error } = await h.run(['bootstrap', '--region', 'eu-west-3']);
    expect(error?.message).toBe(
      'region: got "eu-west-3", no environment is in it (regions in use: us-east-1)',
    );
    expect(error?.oclif?.exit).toBe(2);
  });

  it('plans from real show -json, applies the saved plan, and guards a destroying apply', async () => {
    const md = join(h.root, 'plan.md');
    const planned = await h.run(['plan', '--stack', 'test', '--summary-md', md, '--json']);
    expect(planned.error).toBeUndefined();
    expect(JSON.parse(planned.stdout)).toEqual([
      expect.objectContaining({
        stack: 'test',
        status: 'ok',
        add: 3,
        change: 0,
        destroy: 0,
        replace: 0,
      }),
    ]);
    expect(readFileSync(md, 'utf8')).toMatch(/^\| `test` \| 3 \| 0 \| 0 \| 0 \| 0 \| changes/m);

    expect((await h.run(['apply', '--stack', 'test'])).error).toBeUndefined();
    expect((await stateObject('envs/test/terraform.tfstate')).resources).toHaveLength(3);

    process.env.AUTOMOCK_TEST_VARIANT = '2';
    const guarded = await h.run(['apply', '--stack', 'test', '--summary-md', md]);
    expect(guarded.stdout).toMatch(/^test: 0 to add, 1 to change, 0 to replace, 1 to destroy$/m);
    expect(guarded.stdout).toMatch(/DESTROY terraform_data\.extra/);
    expect(guarded.error?.oclif?.exit).toBe(3);
    expect(readFileSync(md, 'utf8')).toMatch(/`test`: destroy `terraform_data\.extra`/);
    expect((await stateObject('envs/test/terraform.tfstate')).resources).toHaveLength(3);

    const applied = await h.run(['apply', '--stack', 'test', '--auto-approve']);
    expect(applied.error).toBeUndefined();
    expect(
      (await stateObject('envs/test/terraform.tfstate')).resources.map((r) => r.name).sort(),
    ).toEqual(['cluster', 'network']);
    const again = await h.run(['plan', '--stack', 'test']);
    expect(again.stdout).toMatch(/^test: no changes$/m);
  }, 240_000);

  it('names who holds the state lock and since when, from terraform’s own lock error', async () => {
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    const path = `${h.names.bucket}/envs/test/terraform.tfstate`;
    const info = {
      ID: '0b5c1f8e-aaaa-bbbb-cccc-123456789abc',
      Operation: 'OperationTypeApply',
      Info: '',
      Who: 'carol@laptop',
      Version: '1.11.0',
      Created: '2026-01-02T10:00:00.123456Z',
      Path: path,
    };
    await h.dynamoClient.send(
      new PutItemCommand({
        TableName: h.names.lockTable,
        Item: { LockID: { S: path }, Info: { S: JSON.stringify(info) } },
      }),
    );
    const { error } = await h.run(['plan', '--stack', 'test']);
    expect(error?.message).toMatch(/terraform plan failed|Plan failed for test/);
    expect((error as { suggestions?: string[] }).suggestions?.join('\n')).toMatch(
      /force-unlock 0b5c1f8e-aaaa-bbbb-cccc-123456789abc/,
    );
    expect(error?.message).toMatch(
      /The state of test is locked by carol@laptop since 2026-01-02 10:00:00\.123456 \+0000 UTC \(running apply\); lock ID 0b5c1f8e-aaaa-bbbb-cccc-123456789abc/,
    );
  }, 120_000);
});
