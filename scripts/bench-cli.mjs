#!/usr/bin/env node
// CLI start-up: median wall time, CPU time and peak RSS of `automock --help` (target: at most 2x
// `node -e 0`, alternated with it) and `automock list --env dev --json` against a registry in
// dynalite on 127.0.0.1 holding 20 deployments (target: at most 3x), answered by the bin's fast
// path (bin/fast-list.js; the warm-up round writes its code cache on Node 20), and the same
// through oclif (AUTOMOCK_FAST_LIST=0) for comparison. Bounded: BENCH_RUNS rounds
// (default 5) after one warm-up round; the emulator stops at the end. Prints figures, asserts nothing. Run after `pnpm build`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { alternate, printRows, root } from './bench-lib.mjs';

const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = join(root, 'packages', 'cli', 'bin', 'run.js');

let core, stacksEnvs, childModules;
try {
  core = require('@automock/core');
  stacksEnvs = require('@automock/stacks/environments');
  childModules = {
    emulators: require.resolve('@automock/test-support/emulators'),
    tables: require.resolve('@automock/test-support/tables'),
    registry: require.resolve('@automock/registry'),
  };
} catch (e) {
  console.error(`bench-cli: build first (pnpm build): ${e.message}`);
  process.exit(1);
}

const dev = stacksEnvs.ENVIRONMENTS.find((e) => e.name === 'dev');
const names = core.stateBackendNames(dev.prefix, dev.accountId, dev.region);
// dynalite and the registry it holds live in a child process: measure() blocks this one
// (spawnSync) while the CLI queries it. The table comes from the tests' own helper.
const server = spawn(
  process.execPath,
  [
    '-e',
    `const { startLocalDynamo } = require(${JSON.stringify(childModules.emulators)});
     const { createRegistryTable } = require(${JSON.stringify(childModules.tables)});
     const { DeploymentRegistry } = require(${JSON.stringify(childModules.registry)});
     (async () => {
       const d = await startLocalDynamo();
       await createRegistryTable(d.client(), ${JSON.stringify(names.registryTable)});
       const registry = new DeploymentRegistry({ client: d.client(), tableName: ${JSON.stringify(names.registryTable)} });
       for (let i = 0; i < 20; i++)
         await registry.register({ env: 'dev', project: 'mock-' + i, createdBy: 'bench', ttlHours: 1 + i, size: 'small' });
       console.log(d.endpoint);
       process.stdin.on('end', () => d.stop().then(() => process.exit(0)));
       process.stdin.resume();
     })().catch((e) => { console.error(e); process.exit(1); });`,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const dynamo = {
  endpoint: await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(d.toString().trim()));
    server.once('exit', (code) => reject(new Error(`dynalite exited (${code})`)));
  }),
  stop: () => server.stdin.end(),
};
const creds = { accessKeyId: 'bench', secretAccessKey: 'bench' };
try {
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_REGION: dev.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  console.log(
    `# CLI start-up (median of ${runs} runs, 1 warm-up round, commands alternated; ${process.version}, ${process.platform})`,
  );
  const floor = 'node -e 0 (floor)';
  const help = 'automock --help';
  const list = 'automock list --env dev --json (20 items, dynalite)';
  const listOclif = 'automock list --env dev --json via oclif';
  const { rows, ratio, cpuRatio } = alternate(
    [
      { label: floor, cmd: process.execPath, args: ['-e', '0'] },
      { label: help, cmd: process.execPath, args: [cli, '--help'] },
      { label: list, cmd: process.execPath, args: [cli, 'list', '--env', 'dev', '--json'], env },
      {
        label: listOclif,
        cmd: process.execPath,
        args: [cli, 'list', '--env', 'dev', '--json'],
        env: { ...env, AUTOMOCK_FAST_LIST: '0' },
      },
    ],
    { runs },
  );
  printRows(rows);
  for (const [label, target] of [
    [help, 2],
    [list, 3],
  ]) {
    const r = ratio(label, floor);
    console.log(
      `  ${label.split(' (')[0]} / node -e 0 (target <= ${target}x): ${r.toFixed(2)}x ${r <= target ? 'met' : 'NOT met'} (cpu ${cpuRatio(label, floor).toFixed(2)}x)`,
    );
  }
} finally {
  dynamo.stop();
}
