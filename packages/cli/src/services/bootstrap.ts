import { parsePlanJson, StackPlanSummary } from '@automock/plan-summary';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '../environment/app-module';
import { s3Client } from '../environment/aws';
import { CliError, EXIT } from '../errors';
import { planChanges } from '../terraform/stack-plans';
import { synthesize, SynthesizedStack } from '../terraform/synth';
import { TerraformRunner } from '../terraform/terraform';
import { prepareWorkdir } from '../terraform/workdir';

/** What bootstrap did for one bootstrap stack. */
export interface BootstrapResult {
  readonly stack: string;
  readonly stateBucket: string;
  readonly backendKey: string;
  /** True when this run created the resources and moved their state into the bucket. */
  readonly migrated: boolean;
  /** The plan this run applied (no changes on a second run). */
  readonly plan: StackPlanSummary;
}

async function stateExists(stack: SynthesizedStack): Promise<boolean> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { HeadObjectCommand } =
    require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const s3 = s3Client(stack.region);
  try {
    await s3.send(new HeadObjectCommand({ Bucket: stack.stateBucket, Key: stack.backendKey }));
    return true;
  } catch (e) {
    const name = (e as Error).name;
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchBucket' || status === 404)
      return false;
    throw e;
  } finally {
    s3.destroy();
  }
}

async function planAndApply(
  runner: TerraformRunner,
  dir: string,
  name: string,
): Promise<StackPlanSummary> {
  await runner.plan(dir, name, 'automock.tfplan');
  const plan = parsePlanJson(await runner.showPlan(dir, name, 'automock.tfplan'), { stack: name });
  if (planChanges(plan)) await runner.apply(dir, name, 'automock.tfplan');
  return plan;
}

/**
 * Creates the state bucket, lock table and registry of every account in `region`. The first run
 * applies the bootstrap stack with local state, then `init -migrate-state -force-copy` moves that
 * state into the bucket it just created. Later runs find the state in the bucket and only plan
 * and apply (nothing, when nothing changed).
 */
export async function bootstrap(
  root: string,
  region: string,
  runner: TerraformRunner,
): Promise<BootstrapResult[]> {
  const envs = loadEnvironments().filter((e) => e.region === region);
  if (envs.length === 0) {
    const regions = [...new Set(loadEnvironments().map((e) => e.region))];
    throw new CliError(
      `region: got ${JSON.stringify(region)}, no environment is in it (regions in use: ${regions.join(', ')})`,
      [],
      EXIT.usage,
    );
  }
  const outDir = join(root, '.automock', 'synth', `bootstrap-${region}`);
  const synth = synthesize({ root, outDir, environments: envs.map((e) => e.name) });
  const stacks = synth.stacks.filter((s) => s.kind === 'bootstrap' && s.region === region);
  const results: BootstrapResult[] = [];
  for (const stack of stacks) {
    if (await stateExists(stack)) {
      const dir = prepareWorkdir(root, outDir, stack);
      await runner.init(dir, stack.name);
      const plan = await planAndApply(runner, dir, stack.name);
      results.push({
        stack: stack.name,
        stateBucket: stack.stateBucket,
        backendKey: stack.backendKey,
        migrated: false,
        plan,
      });
      continue;
    }
    // First run: the bucket the backend needs does not exist yet, so start with local state.
    const local = prepareWorkdir(root, outDir, stack, { localState: true });
    await runner.init(local, stack.name);
    const plan = await planAndApply(runner, local, stack.name);
    const dir = prepareWorkdir(root, outDir, stack);
    await runner.init(dir, stack.name, { migrateState: true });
    // The state is in the bucket now; keep terraform's local copy as a dated backup, out of the way.
    for (const f of ['terraform.tfstate', 'terraform.tfstate.backup']) {
      if (existsSync(join(dir, f)))
        renameSync(join(dir, f), join(dir, `${f}.migrated-${Date.now()}`));
    }
    results.push({
      stack: stack.name,
      stateBucket: stack.stateBucket,
      backendKey: stack.backendKey,
      migrated: true,
      plan,
    });
  }
  return results;
}
