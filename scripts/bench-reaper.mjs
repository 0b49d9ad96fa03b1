#!/usr/bin/env node
// TTL reaper figures (prints, asserts nothing): Lambda bundle size (target < 1.5 MB minified),
// cold-start import time of the bundle in fresh Node processes, and the API calls and time of a
// sweep of one dedicated project against the aws-sdk-client-mock fake used by the tests.
// Run after `pnpm build` (needs packages/ttl-cleanup/dist).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median, root } from './bench-lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const pkg = join(root, 'packages', 'ttl-cleanup');
const lambda = join(pkg, 'dist', 'lambda', 'index.js');
const destroyer = join(pkg, 'dist', 'destroyer-task', 'index.js');
if (!existsSync(lambda)) {
  console.error('bench-reaper: build first (pnpm --filter @automock/ttl-cleanup build)');
  process.exit(1);
}

console.log(`# TTL reaper (${process.version}; median of ${runs} runs)`);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const lambdaBytes = statSync(lambda).size;
console.log(
  `  Lambda bundle: ${kib(lambdaBytes)} minified (${(lambdaBytes / 1e6).toFixed(2)} MB, target < 1.5 MB), ` +
    `${kib(gzipSync(readFileSync(lambda)).length)} gzipped`,
);
console.log(`  Destroyer script bundle: ${kib(statSync(destroyer).size)} minified`);

// Cold start: a fresh process per sample, timing only the require of the bundle.
const imports = [];
const walls = [];
for (let i = 0; i < runs + 1; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      '--no-deprecation',
      '-e',
      `const t=process.hrtime.bigint();require(${JSON.stringify(lambda)});` +
        `process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
    ],
    { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`require(bundle) failed: ${r.stderr}`);
  if (i === 0) continue; // warm the file cache
  imports.push(Number(r.stdout));
  walls.push(wall);
}
console.log(
  `  Cold-start import of the bundle: ${median(imports).toFixed(0)} ms (process wall ${median(walls).toFixed(0)} ms)`,
);

// Sweep of a dedicated project against the tests' fake AWS (@automock/test-support), resolved
// from the package so the fake and the sweep share the same SDK modules.
{
  const req = createRequire(join(pkg, 'package.json'));
  const { dedicatedProject, FAKE_ACCOUNT, fakeAws, mockedServiceClients } = req(
    '@automock/test-support/fake-aws',
  );
  const { EMULATOR_CREDENTIALS, EMULATOR_REGION } = req('@automock/test-support/emulators');
  const { sweepProject } = req('@automock/teardown');
  const { S3Client } = req('@aws-sdk/client-s3');
  const times = [];
  let calls = 0;
  let mutating = 0;
  let resources = 0;
  for (let i = 0; i < runs + 1; i++) {
    const clients = {
      ...mockedServiceClients(),
      s3: new S3Client({ region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS }),
    };
    // 2,500 object versions in the config bucket, two lingering ENIs.
    const fake = fakeAws(clients, dedicatedProject('dev', 'loadtest'), {
      versionsPerBucket: 2500,
      enis: ['eni-1', 'eni-2'],
    });
    const t0 = process.hrtime.bigint();
    const r = await sweepProject(clients, {
      env: 'dev',
      project: 'loadtest',
      // The account the fake STS answers for, and the prefix core names resources with.
      accountId: FAKE_ACCOUNT,
      namePrefix: 'automock',
      clock: { timeLeftMs: () => 600_000, sleep: async () => undefined },
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!r.complete) throw new Error('bench sweep did not complete');
    calls = fake.apiCalls();
    mutating = fake.calls.length;
    resources = r.deletedSoFar.length;
    fake.restore();
    if (i > 0) times.push(ms);
  }
  console.log(
    `  Sweep of a dedicated project (${resources} resources, 2,500 object versions) against mocks: ` +
      `${calls} API calls (${mutating} mutating), ${median(times).toFixed(0)} ms`,
  );
}
