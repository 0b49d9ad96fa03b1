import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeploymentRegistry } from '@automock/registry';
import { type LocalDynamo, createRegistryTable, startLocalDynamo } from './testing/harness';

const run = promisify(execFile);
const BUNDLE = join(__dirname, '..', 'dist', 'lambda', 'index.js');

type Handler = (
  e: unknown,
  c: { getRemainingTimeInMillis(): number },
) => Promise<{ env: string; outcomes: readonly unknown[] }>;

describe('Lambda handler wiring', () => {
  let dynamo: LocalDynamo;
  const saved = { ...process.env };

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createRegistryTable(dynamo.client(), 'registry-wiring');
    const registry = new DeploymentRegistry({
      client: dynamo.client(),
      tableName: 'registry-wiring',
    });
    // Not due for anything: the run reads the registry and touches no other service.
    await registry.register({ env: 'dev', project: 'later', createdBy: 'alice', ttlHours: 8 });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Real clients take their endpoint from the environment, as the handler builds them.
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AUTOMOCK_ENV: 'dev',
      REGISTRY_TABLE: 'registry-wiring',
      STATE_BUCKET: 'state',
      LOCK_TABLE: 'locks',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await dynamo.stop();
  });

  it('the source handler builds real clients that honour AWS_ENDPOINT_URL_*', async () => {
    const { handler } = (await import('./lambda')) as { handler: Handler };
    const report = await handler({}, { getRemainingTimeInMillis: () => 60_000 });
    expect(report).toEqual({ env: 'dev', outcomes: [], stoppedForDeadline: false });
  });

  const itBundle = existsSync(BUNDLE) ? it : it.skip;
  itBundle(
    'the bundled handler (cdktf stubbed out) runs the same in a plain Node process',
    async () => {
      // A child process: the SDK's lazy dynamic imports do not run inside jest's VM.
      const script =
        `require(${JSON.stringify(BUNDLE)}).handler({}, { getRemainingTimeInMillis: () => 60000 })` +
        `.then((r) => process.stdout.write('REPORT' + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
      const { stdout } = await run(process.execPath, ['-e', script], {
        env: process.env,
        timeout: 60_000,
      });
      expect(JSON.parse(stdout.slice(stdout.indexOf('REPORT') + 6))).toEqual({
        env: 'dev',
        outcomes: [],
        stoppedForDeadline: false,
      });
    },
  );

  it('fails the invocation (for the failure destination) when the registry cannot be read', async () => {
    process.env.REGISTRY_TABLE = 'no-such-table';
    const { handler } = (await import('./lambda')) as { handler: Handler };
    await expect(handler({}, { getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(
      /Requested resource not found/,
    );
    process.env.REGISTRY_TABLE = 'registry-wiring';
  });
});
