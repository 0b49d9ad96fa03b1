import { Environment, stateBackendNames } from '@automock/core';
import { loadAppModule, loadEnvironments } from './app-module';
import { GithubCiSettings, githubApiFromEnv, githubCiChecks } from './github-ci';
import { dynamoClient, s3Client } from './aws';
import { callerIdentity } from './environment-context';
import { locateTerraform, MIN_TERRAFORM_VERSION, TerraformError } from './terraform';

/** One check of `automock doctor`. */
export interface Check {
  readonly check: string;
  readonly ok: boolean;
  /** What was found. */
  readonly detail: string;
  /** What to do when it failed. */
  readonly fix?: string;
  /** Not checked (e.g. no GitHub token); does not fail the run. @default false */
  readonly skipped?: boolean;
}

const MIN_NODE_MAJOR = 20;

function nodeCheck(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= MIN_NODE_MAJOR
    ? { check: 'node', ok: true, detail: `v${process.versions.node}` }
    : {
        check: 'node',
        ok: false,
        detail: `v${process.versions.node}`,
        fix: `Install Node.js ${MIN_NODE_MAJOR} or later (nvm install ${MIN_NODE_MAJOR})`,
      };
}

function terraformCheck(): Check {
  try {
    const t = locateTerraform();
    return { check: 'terraform', ok: true, detail: `${t.version} at ${t.path}` };
  } catch (e) {
    const err = e as TerraformError;
    return {
      check: 'terraform',
      ok: false,
      detail: err.message,
      fix: err.suggestions?.[0] ?? `Install Terraform ${MIN_TERRAFORM_VERSION} or later`,
    };
  }
}

async function probe(
  check: string,
  detail: string,
  fix: string,
  fn: () => Promise<unknown>,
): Promise<Check> {
  try {
    await fn();
    return { check, ok: true, detail };
  } catch (e) {
    return {
      check,
      ok: false,
      detail: `${detail}: ${(e as Error).name}: ${(e as Error).message}`.slice(0, 300),
      fix,
    };
  }
}

/** Credentials, account and state backend of one account and region (the environments in it). */
async function backendChecks(envs: readonly Environment[]): Promise<Check[]> {
  const first = envs[0]!;
  const label = `${envs.map((e) => e.name).join(',')} (${first.region})`;
  const checks: Check[] = [];
  let account: string | undefined;
  try {
    const who = await callerIdentity(first.region);
    account = who.account;
    checks.push(
      who.account === first.accountId
        ? {
            check: `aws credentials ${label}`,
            ok: true,
            detail: `${who.arn} in account ${who.account}`,
          }
        : {
            check: `aws credentials ${label}`,
            ok: false,
            detail: `${who.arn} is in account ${who.account}, the environment is in ${first.accountId}`,
            fix: `Use a profile for account ${first.accountId}: export AWS_PROFILE=<profile>`,
          },
    );
  } catch (e) {
    checks.push({
      check: `aws credentials ${label}`,
      ok: false,
      detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300),
      fix: 'Sign in (aws sso login --profile <profile>) and export AWS_PROFILE, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    });
  }
  if (account !== first.accountId) return checks;
  const names = stateBackendNames(first.prefix, first.accountId, first.region);
  const fix = `Create it: automock bootstrap --region ${first.region}`;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { HeadBucketCommand } =
    require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { DescribeTableCommand } =
    require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const s3 = s3Client(first.region);
  const ddb = dynamoClient(first.region);
  try {
    checks.push(
      await probe(`state bucket ${label}`, names.bucket, fix, () =>
        s3.send(new HeadBucketCommand({ Bucket: names.bucket })),
      ),
    );
    checks.push(
      await probe(`lock table ${label}`, names.lockTable, fix, () =>
        ddb.send(new DescribeTableCommand({ TableName: names.lockTable })),
      ),
    );
    checks.push(
      await probe(`registry ${label}`, names.registryTable, fix, () =>
        ddb.send(new DescribeTableCommand({ TableName: names.registryTable })),
      ),
    );
  } finally {
    s3.destroy();
    ddb.destroy();
  }
  return checks;
}

/** Runs every check: Node, terraform, then credentials and backend per account and region. */
export async function runDoctor(envNames?: readonly string[]): Promise<Check[]> {
  const all = loadEnvironments();
  const envs = envNames && envNames.length ? all.filter((e) => envNames.includes(e.name)) : all;
  const checks = [nodeCheck(), terraformCheck()];
  const groups = new Map<string, Environment[]>();
  for (const e of envs) {
    const k = `${e.accountId}|${e.region}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  for (const g of groups.values()) checks.push(...(await backendChecks(g)));
  const github = githubSettings();
  if (github) {
    checks.push(
      ...(await githubCiChecks(
        github,
        githubApiFromEnv(),
        envs.map((e) => e.name),
      )),
    );
  }
  return checks;
}

/** The repository the CI roles trust (stacks' `GITHUB_CI`), if the app declares one. */
function githubSettings(): GithubCiSettings | undefined {
  if (process.env.AUTOMOCK_APP_MODULE)
    return (loadAppModule() as unknown as { GITHUB_CI?: GithubCiSettings }).GITHUB_CI;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@automock/stacks/github') as { GITHUB_CI: GithubCiSettings }).GITHUB_CI;
}
