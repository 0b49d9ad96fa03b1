#!/usr/bin/env node
// CLI start-up: median wall time (and peak RSS) of `automock --help` (target: under 300 ms on a
// 2-core machine) and `automock list --env dev --json` against a registry in dynalite on
// 127.0.0.1 holding 20 deployments. Bounded: BENCH_RUNS runs each (default 5), one warm-up; the
// emulator stops at the end. Prints figures, asserts nothing. Run after `pnpm build`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { measure, printRows, root } from './bench-lib.mjs';

const require = createRequire(import.meta.url);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = join(root, 'packages', 'cli', 'bin', 'run.js');

let core, registryPkg, ddb, stacksEnvs;
try {
  core = require(join(root, 'packages/core/dist/index.js'));
  registryPkg = require(join(root, 'packages/registry/dist/index.js'));
  ddb = require(
    require.resolve('@aws-sdk/client-dynamodb', { paths: [join(root, 'packages/registry')] }),
  );
  stacksEnvs = require(join(root, 'stacks/dist/environments.js'));
} catch (e) {
  console.error(`bench-cli: build first (pnpm build): ${e.message}`);
  process.exit(1);
}

const dev = stacksEnvs.ENVIRONMENTS.find((e) => e.name === 'dev');
const names = core.stateBackendNames(dev.prefix, dev.accountId, dev.region);
// dynalite runs in a child process: measure() blocks this one (spawnSync) while the CLI queries it.
const server = spawn(
  process.execPath,
  [
    '-e',
    `require(${JSON.stringify(join(root, 'packages/state-backend/dist/testing/emulators.js'))})
      .startDynalite().then((d) => console.log(d.endpoint));
     process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`,
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
const client = new ddb.DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: dev.region,
  credentials: creds,
});
try {
  const S = core.REGISTRY_SCHEMA;
  await client.send(
    new ddb.CreateTableCommand({
      TableName: names.registryTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: S.partitionKey, AttributeType: 'S' },
        { AttributeName: S.envAttribute, AttributeType: 'S' },
        { AttributeName: S.expiresAtAttribute, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: S.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: S.envIndex,
          KeySchema: [
            { AttributeName: S.envAttribute, KeyType: 'HASH' },
            { AttributeName: S.expiresAtAttribute, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  const registry = new registryPkg.DeploymentRegistry({ client, tableName: names.registryTable });
  for (let i = 0; i < 20; i++) {
    await registry.register({
      env: 'dev',
      project: `mock-${i}`,
      createdBy: 'bench',
      ttlHours: 1 + i,
      size: 'small',
    });
  }

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
    `# CLI start-up (median of ${runs} runs, 1 warm-up; ${process.version}, ${process.platform})`,
  );
  const rows = [
    measure('node -e "" (floor)', process.execPath, ['-e', ''], { runs }),
    measure('automock --help', process.execPath, [cli, '--help'], { runs }),
    measure(
      'automock list --env dev --json (20 items, dynalite)',
      process.execPath,
      [cli, 'list', '--env', 'dev', '--json'],
      { runs, env },
    ),
  ];
  printRows(rows);
  const help = rows[1].medianMs;
  console.log(
    `  --help target < 300 ms: ${help < 300 ? 'met' : 'NOT met'} (${help.toFixed(0)} ms)`,
  );
} finally {
  client.destroy();
  dynamo.stop();
}
