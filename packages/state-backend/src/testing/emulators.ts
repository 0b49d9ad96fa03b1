/**
 * Local AWS emulators for tests: s3rver (S3) and dynalite (DynamoDB), each on 127.0.0.1 with a
 * port the OS picks, so parallel jest workers never collide.
 *
 * Not exported from the package index (a construct package must not pull test servers into
 * synthesis). Other packages' tests import it by path:
 *
 * ```ts
 * import { startDynalite, startS3rver } from '@automock/state-backend/dist/testing/emulators';
 * ```
 *
 * s3rver and dynalite are loaded lazily inside the start functions, so importing this module
 * costs nothing and needs neither until a server is started. They are devDependencies of
 * `@automock/state-backend`, which pnpm links into this package in the workspace; a consumer only
 * needs `"@automock/state-backend": "workspace:*"`.
 *
 * Known emulator gaps (checked against s3rver 3.7.1 and dynalite 4.0.0):
 * - s3rver ignores `If-None-Match` on PUT (conditional writes), so Terraform's S3-native state
 *   lock (`use_lockfile`) is not exclusive against it: test locking through DynamoDB instead.
 * - s3rver has no versioning, encryption or bucket-policy APIs; dynalite has no TTL or PITR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234`; pass as an SDK `endpoint` or a backend endpoint. */
  readonly endpoint: string;
  /** Port the server listens on. */
  readonly port: number;
  /** Stops the server and removes anything it wrote. Safe to call more than once. */
  stop(): Promise<void>;
}

/** A running s3rver. */
export interface S3rverHandle extends EmulatorHandle {
  /** Temporary directory holding the buckets; removed by {@link EmulatorHandle.stop}. */
  readonly directory: string;
}

/**
 * Credentials both emulators accept. s3rver checks signatures against this fixed key pair;
 * dynalite accepts any. Not frozen: SDK v3 clients tag the credentials object they are given.
 */
export const EMULATOR_CREDENTIALS: { accessKeyId: string; secretAccessKey: string } = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

/** Region to give clients that talk to the emulators (they accept any). */
export const EMULATOR_REGION = 'us-east-1';

/** Options for {@link startS3rver}. */
export interface StartS3rverOptions {
  /** Buckets that exist as soon as the server starts. @default [] */
  readonly buckets?: readonly string[];
  /** Print s3rver's request log. @default false */
  readonly verbose?: boolean;
}

/** Options for {@link startDynalite}. */
export interface StartDynaliteOptions {
  /** Milliseconds a new table stays CREATING (and tables stay DELETING/UPDATING). @default 0 */
  readonly tableStateMs?: number;
  /** Print dynalite's request log. @default false */
  readonly verbose?: boolean;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: import('node:http').Server;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;
type DynaliteFactory = (opts: Record<string, unknown>) => import('node:http').Server;

/** Starts s3rver on 127.0.0.1 with a fresh temporary data directory. */
export async function startS3rver(options: StartS3rverOptions = {}): Promise<S3rverHandle> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverCtor;
  const directory = await mkdtemp(join(tmpdir(), 'automock-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: !options.verbose,
    directory,
    // Path-style only: virtual-host style would need DNS names for every bucket.
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    stop() {
      stopped ??= (async () => {
        try {
          server.httpServer?.closeAllConnections?.();
          await server.close();
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      })();
      return stopped;
    },
  };
}

/** Starts an in-memory dynalite on 127.0.0.1. */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<EmulatorHandle> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as DynaliteFactory;
  const ms = options.tableStateMs ?? 0;
  const server = dynalite({
    createTableMs: ms,
    deleteTableMs: ms,
    updateTableMs: ms,
    verbose: options.verbose ?? false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from SDK clients would hold close() open until they time out.
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      });
      return stopped;
    },
  };
}

/**
 * Environment for a child process (Terraform, the CLI) that must reach the emulators: fake
 * credentials, a region, and no shared config or instance metadata lookups.
 */
export function emulatorEnv(
  extra: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
  // A developer's own session or profile would otherwise win over the fake key pair.
  for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL']) {
    if (!(k in extra)) delete env[k];
  }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}
