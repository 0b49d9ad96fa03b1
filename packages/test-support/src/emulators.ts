/**
 * Local AWS emulators for tests: s3rver (S3) and dynalite (DynamoDB), each on 127.0.0.1 with a
 * port the OS picks, so parallel jest workers never collide.
 *
 * ```ts
 * import { startLocalDynamo, startLocalS3 } from '@automock/test-support/emulators';
 * ```
 *
 * s3rver and dynalite are loaded lazily inside the start functions, so importing this module
 * needs neither until a server is started.
 *
 * Known emulator gaps (checked against s3rver 3.7.1 and dynalite 4.0.0):
 * - s3rver ignores `If-None-Match` on PUT (S3's conditional writes, which Terraform's
 *   S3-native lock `use_lockfile` relies on). {@link startS3rver} adds just that, `If-None-Match: *`
 *   answered with 412 PreconditionFailed when the key exists, unless `conditionalWrites` is false.
 *   `If-Match` on PUT is still not supported.
 * - s3rver has no versioning, encryption or bucket-policy APIs; dynalite has no TTL or PITR.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
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
  /**
   * Honour `If-None-Match: *` on PUT Object as S3 does (412 when the key exists), atomically per
   * key, so Terraform's `use_lockfile` lock is exclusive against this emulator.
   * @default true
   */
  readonly conditionalWrites?: boolean;
}

/** Options for {@link startDynalite}. */
export interface StartDynaliteOptions {
  /** Milliseconds a new table stays CREATING (and tables stay DELETING/UPDATING). @default 0 */
  readonly tableStateMs?: number;
  /** Print dynalite's request log. @default false */
  readonly verbose?: boolean;
}

interface KoaContext {
  readonly method: string;
  readonly path: string;
  readonly querystring: string;
  readonly headers: Record<string, string | string[] | undefined>;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: import('node:http').Server;
  /** Koa's middleware stack; s3rver's router is the last entry. */
  readonly middleware: Middleware[];
  readonly store: { existsObject(bucket: string, key: string): Promise<boolean> };
}
type S3ErrorCtor = new (code: string, message: string, detail: Record<string, string>) => Error;

/**
 * S3's conditional create (`If-None-Match: *` on PUT Object), which s3rver lacks. Check and write
 * run under a per-key queue, so of two racing creators exactly one wins, as on S3.
 */
function conditionalPutMiddleware(server: S3rverInstance, S3Error: S3ErrorCtor): Middleware {
  const queues = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    // Only a plain PUT Object: parts, ACLs and tags carry sub-resource queries, copies a header.
    // SDKs add `x-id=PutObject` to plain puts.
    const query = [...new URLSearchParams(ctx.querystring).keys()];
    if (
      ctx.method !== 'PUT' ||
      ctx.headers['if-none-match'] !== '*' ||
      !match ||
      query.some((k) => k !== 'x-id') ||
      ctx.headers['x-amz-copy-source'] !== undefined
    ) {
      return next();
    }
    const bucket = decodeURIComponent(match[1]!);
    const key = decodeURIComponent(match[2]!);
    const id = `${bucket}/${key}`;
    const previous = queues.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    queues.set(id, tail);
    await previous;
    try {
      if (await server.store.existsObject(bucket, key)) {
        throw new S3Error(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          { Condition: 'If-None-Match' },
        );
      }
      await next();
    } finally {
      release();
      if (queues.get(id) === tail) queues.delete(id);
    }
  };
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
  if (options.conditionalWrites ?? true) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const S3Error = require('s3rver/lib/models/error') as S3ErrorCtor;
    // Before the router (the last middleware), after s3rver's logging and body handling.
    server.middleware.splice(
      server.middleware.length - 1,
      0,
      conditionalPutMiddleware(server, S3Error),
    );
  }
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
 * credentials, a region, and no shared config or instance metadata lookups. The caller's
 * `AWS_SESSION_TOKEN`, `AWS_PROFILE` and `AWS_ENDPOINT_URL` are dropped unless given in `extra`
 * (pass `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_DYNAMODB` there to route SDK clients).
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

/** A running emulator that also hands out SDK clients for itself. */
export interface EmulatorWithClients<C> extends EmulatorHandle {
  /** A new client for this emulator; {@link EmulatorHandle.stop} destroys it. */
  client(): C;
}

/** dynalite with DynamoDB clients. */
export type LocalDynamo = EmulatorWithClients<DynamoDBClient>;

/** s3rver with (path-style) S3 clients. */
export type LocalS3 = EmulatorWithClients<S3Client>;

function withClients<C extends { destroy(): void }>(
  server: EmulatorHandle,
  make: () => C,
): EmulatorWithClients<C> {
  const clients: C[] = [];
  return {
    endpoint: server.endpoint,
    port: server.port,
    client() {
      const c = make();
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients.splice(0)) c.destroy();
      await server.stop();
    },
  };
}

/** {@link startDynalite}, with clients for it. */
export async function startLocalDynamo(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  const server = await startDynalite(options);
  return withClients(
    server,
    () =>
      new DynamoDBClient({
        endpoint: server.endpoint,
        region: EMULATOR_REGION,
        credentials: { ...EMULATOR_CREDENTIALS },
      }),
  );
}

/** {@link startS3rver} holding `buckets`, with clients for it. */
export async function startLocalS3(
  buckets: readonly string[],
  options: Omit<StartS3rverOptions, 'buckets'> = {},
): Promise<LocalS3> {
  const server = await startS3rver({ ...options, buckets });
  return withClients(
    server,
    () =>
      new S3Client({
        endpoint: server.endpoint,
        region: EMULATOR_REGION,
        credentials: { ...EMULATOR_CREDENTIALS },
        forcePathStyle: true,
      }),
  );
}

/** dynalite and s3rver side by side: a state backend's DynamoDB and S3. */
export interface BackendEmulators {
  readonly dynamo: LocalDynamo;
  readonly s3: LocalS3;
  /** Stops both (and destroys their clients). */
  stop(): Promise<void>;
}

/** Starts dynalite and s3rver (holding `buckets`) together. */
export async function startBackendEmulators(buckets: readonly string[]): Promise<BackendEmulators> {
  const [dynamo, s3] = await Promise.all([startLocalDynamo(), startLocalS3(buckets)]);
  return {
    dynamo,
    s3,
    async stop() {
      await Promise.all([dynamo.stop(), s3.stop()]);
    },
  };
}
