import { defineProject, ValidatedExpectations, validateExpectationsBytes } from '@automock/core';
import { Deployment } from '@automock/registry';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { resolveEnvironment } from '../environment/app-module';
import { ecsClient, elbClient, secretsManagerClient } from '../environment/aws';
import { controlPlaneRequest } from '../environment/control-plane';
import {
  callerIdentity,
  checkAccount,
  EnvironmentContext,
} from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { serviceNames } from './status';
import { urlsFrom } from './urls';
import { expectedFrom, waitForMock, WaitClients, WaitProgress } from './wait-for-mock';

/**
 * Keys in a project's config bucket: the same as s3-config's `CONFIG_KEYS` (the CLI does not load
 * that construct package), which the config loader and the stacks rely on.
 */
export const CONFIG_OBJECT = {
  expectations: 'expectations.json',
  metadata: 'project-metadata.json',
  versionsPrefix: 'versions/',
} as const;

/** Statuses whose mock is running and may be updated. */
const UPDATABLE = ['active', 'expiring'];

/** What `automock update` was asked for: a new file, or a stored version to go back to. */
export type UpdateRequest = {
  readonly env: string;
  readonly project: string;
  /** Who asks, for project-metadata.json. @default the caller's STS name */
  readonly by?: string;
} & ({ readonly expectations: string } | { readonly to: string });

/** How the running mock took the new expectations. */
export type ApplyMethod = 'control-plane' | 'task-replacement';

/** What changed between the served expectations and the new ones, by expectation key. */
export interface ExpectationsDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: number;
}

/** What `automock update` did. */
export interface UpdateResult {
  readonly env: string;
  readonly project: string;
  /** The new entry under `versions/` (its time stamp). */
  readonly version: string;
  /** Content hash of the expectations now served. */
  readonly hash: string;
  readonly count: number;
  readonly diff: ExpectationsDiff;
  readonly method: ApplyMethod;
  /** The version rolled back to, with `--to`. */
  readonly rolledBackTo?: string;
}

/** Options of {@link updateMock}: clients and output for tests and the interactive menu. */
export interface UpdateOptions {
  /** @default clients for the environment's region */
  readonly clients?: WaitClients;
  /** Progress of a task replacement. @default none */
  readonly progress?: WaitProgress;
  /** Progress lines of the update itself. @default none */
  readonly log?: (line: string) => void;
  /** How long a task replacement may take. @default WAIT_DEFAULTS.timeoutMs */
  readonly timeoutMs?: number;
  /** @default the global fetch */
  readonly fetch?: typeof fetch;
  /** @default now */
  readonly now?: Date;
}

/** A stored version of a project's expectations. */
export interface StoredVersion {
  /** The time stamp that names it (`versions/<version>/expectations.json`). */
  readonly version: string;
  readonly key: string;
  readonly bytes: number;
  readonly storedAt: string;
  /** Content hash, from the object's metadata (absent for objects written otherwise). */
  readonly hash?: string;
  /** True for the newest version holding what project-metadata.json says is served. */
  readonly current: boolean;
}

/** The label an expectation goes by in a diff: its id, else its request (or OpenAPI spec). */
export function expectationKey(item: unknown): string {
  const i = (item ?? {}) as Record<string, unknown>;
  if (typeof i.id === 'string') return i.id;
  if (i.specUrlOrPayload !== undefined)
    return `openapi ${typeof i.specUrlOrPayload === 'string' ? i.specUrlOrPayload.slice(0, 60) : '(inline spec)'}`;
  const r = (i.httpRequest ?? {}) as Record<string, unknown>;
  const method = typeof r.method === 'string' ? r.method : '*';
  const path = typeof r.path === 'string' ? r.path : JSON.stringify(r.path ?? '*');
  return `${method} ${path}`;
}

/** JSON with object keys sorted, so two items compare by content, not key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * Added, removed and changed expectations between two documents, by {@link expectationKey}. Items
 * sharing a key (two id-less items for the same request) are compared as a group.
 */
export function diffExpectations(
  before: readonly unknown[],
  after: readonly unknown[],
): ExpectationsDiff {
  const group = (items: readonly unknown[]) => {
    const m = new Map<string, string[]>();
    for (const i of items) {
      const k = expectationKey(i);
      m.set(k, [...(m.get(k) ?? []), canonical(i)]);
    }
    return m;
  };
  const b = group(before);
  const a = group(after);
  const added = [...a.keys()].filter((k) => !b.has(k));
  const removed = [...b.keys()].filter((k) => !a.has(k));
  const both = [...a.keys()].filter((k) => b.has(k));
  const changed = both.filter((k) => a.get(k)!.join('\n') !== b.get(k)!.join('\n'));
  return { added, removed, changed, unchanged: both.length - changed.length };
}

/** A version name: the UTC time to the second, as Terraform's plantimestamp() writes it. */
export function versionName(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

const VERSION_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey' || (e as Error).name === 'NotFound') return undefined;
    throw e;
  }
}

function bucketOf(ctx: EnvironmentContext, d: Deployment): string {
  return ctx.configBucket(d.project, d.outputs);
}

/**
 * The stored versions of a project's expectations, newest first, the current one marked.
 *
 * @throws CliError (exit 2) for an unknown project.
 */
export async function listVersions(env: string, project: string): Promise<StoredVersion[]> {
  const ctx = EnvironmentContext.open(env);
  const d = await ctx.requireDeployment(project);
  return versionsOf(ctx.s3Client, bucketOf(ctx, d));
}

async function versionsOf(s3: S3Client, bucket: string): Promise<StoredVersion[]> {
  const found: { key: string; bytes: number; at: Date }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: CONFIG_OBJECT.versionsPrefix,
        ContinuationToken: token,
      }),
    );
    for (const o of page.Contents ?? [])
      if (o.Key?.endsWith(`/${CONFIG_OBJECT.expectations}`))
        found.push({ key: o.Key, bytes: o.Size ?? 0, at: o.LastModified ?? new Date(0) });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const meta = await readObject(s3, bucket, CONFIG_OBJECT.metadata);
  const served = meta ? (JSON.parse(meta.toString('utf8')) as { version?: string }).version : '';
  const versions = await Promise.all(
    found.map(async (f) => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: f.key }));
      return {
        version: f.key.slice(
          CONFIG_OBJECT.versionsPrefix.length,
          -`/${CONFIG_OBJECT.expectations}`.length,
        ),
        key: f.key,
        bytes: f.bytes,
        storedAt: f.at.toISOString(),
        hash: head.Metadata?.['content-hash'],
      };
    }),
  );
  versions.sort((x, y) => (x.version < y.version ? 1 : x.version > y.version ? -1 : 0));
  const currentIndex = versions.findIndex((v) => v.hash !== undefined && v.hash === served);
  return versions.map((v, i) => ({ ...v, current: i === currentIndex }));
}

/**
 * Validates the new expectations (core's rules, the same as deploy's) before anything else, stores
 * them as a new entry under `versions/`, makes them the `expectations.json` new tasks load,
 * refreshes `project-metadata.json`, and has the running mock serve them without a redeploy:
 *
 * - one task: through MockServer's control plane with the project's token (the ALB forwards
 *   `/mockserver/*` only with it): `PUT /mockserver/expectation` (an item with an `id` replaces
 *   the expectation of that id), `PUT /mockserver/openapi` for OpenAPI items, then
 *   `PUT /mockserver/clear?type=EXPECTATIONS` with `{"id"}` for every expectation that was active
 *   before and is not part of the new set; then checks they are active.
 * - more than one task: the load balancer would send each control-plane call to one task only,
 *   so ECS replaces the tasks (`UpdateService` with `forceNewDeployment`, a rolling replacement of
 *   the same task definition: no Terraform) and each new task loads the new file; then waits for
 *   the mock as deploy does.
 *
 * MockServer's file watching (`MOCKSERVER_WATCH_INITIALIZATION_JSON`) is not used: the file the
 * task reads is a copy the config loader made at start-up on a task-local volume, which nothing
 * refreshes from S3.
 */
export async function updateMock(
  req: UpdateRequest,
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => undefined);
  const env = resolveEnvironment(req.env);
  let next: ValidatedExpectations | undefined;
  if ('expectations' in req) {
    // Validated before anything is read from AWS: the same rules (and size limits) as deploy.
    next = defineProject(
      { name: req.project, expectations: req.expectations, ephemeral: true },
      env,
    ).expectations;
  } else if (!VERSION_RE.test(req.to)) {
    throw new CliError(
      `to: got ${JSON.stringify(req.to)}, must be a version name like 2026-01-01T10:00:00Z (see automock versions)`,
      [`automock versions --env ${req.env} --project ${req.project}`],
      EXIT.usage,
    );
  }
  const ctx = new EnvironmentContext(env);
  const who = await callerIdentity(env.region);
  checkAccount(env, who);
  const d = await ctx.requireDeployment(req.project);
  const base = `--env ${env.name} --project ${req.project}`;
  if (!UPDATABLE.includes(d.status))
    throw new CliError(
      `${env.name}/${req.project} is ${d.status}: only a running mock (active, expiring) can be updated`,
      [`automock status ${base}`, `automock deploy ${base} --expectations <file>`],
    );
  const s3 = ctx.s3Client;
  const bucket = bucketOf(ctx, d);
  if (!next) {
    const to = (req as { to: string }).to;
    const key = `${CONFIG_OBJECT.versionsPrefix}${to}/${CONFIG_OBJECT.expectations}`;
    const stored = await readObject(s3, bucket, key);
    if (!stored)
      throw new CliError(
        `to: got ${JSON.stringify(to)}, no such version of ${env.name}/${req.project} (s3://${bucket}/${key})`,
        [`automock versions ${base}`],
        EXIT.usage,
      );
    next = validateExpectationsBytes(stored, `s3://${bucket}/${key}`);
  }
  const currentBytes = await readObject(s3, bucket, CONFIG_OBJECT.expectations);
  const current = currentBytes ? (JSON.parse(currentBytes.toString('utf8')) as unknown) : [];
  const diff = diffExpectations(Array.isArray(current) ? current : [current], next.items);

  // Stored first: a task that starts from now on loads the new file, whatever happens next.
  const version = versionName(now);
  const put = (key: string, body: string) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        Metadata: { 'content-hash': next!.hash },
      }),
    );
  await put(`${CONFIG_OBJECT.versionsPrefix}${version}/${CONFIG_OBJECT.expectations}`, next.json);
  await put(CONFIG_OBJECT.expectations, next.json);
  const metaBytes = await readObject(s3, bucket, CONFIG_OBJECT.metadata);
  const meta = metaBytes ? (JSON.parse(metaBytes.toString('utf8')) as Record<string, unknown>) : {};
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: CONFIG_OBJECT.metadata,
      ContentType: 'application/json',
      Body: `${JSON.stringify(
        {
          ...meta,
          version: next.hash,
          expectationsCount: next.count,
          updatedAt: now.toISOString(),
          updatedBy: req.by ?? who.name,
        },
        null,
        2,
      )}\n`,
    }),
  );
  log(`stored version ${version} (${next.count} expectation${next.count === 1 ? '' : 's'})`);

  const own = opts.clients
    ? undefined
    : {
        ecs: ecsClient(env.region),
        elb: elbClient(env.region),
        secrets: secretsManagerClient(env.region),
      };
  const clients = opts.clients ?? own!;
  try {
    const url = urlsFrom(d.outputs).mockserver;
    if (!url)
      throw new CliError(`${env.name}/${req.project} has no MockServer URL among its outputs`, [
        `automock status ${base}`,
      ]);
    const { cluster, service } = serviceNames(ctx, d);
    const svc = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))
    ).services?.[0];
    const tasks = Math.max(svc?.desiredCount ?? 0, svc?.runningCount ?? 0);
    const target = { env, project: req.project, baseUrl: url };
    let method: ApplyMethod;
    if (tasks <= 1) {
      method = 'control-plane';
      await replaceThroughControlPlane(clients, target, next, opts.fetch ?? fetch);
      log('served by the running task (control plane)');
    } else {
      method = 'task-replacement';
      log(`${tasks} tasks: ECS replaces them, each loads the new file`);
      await clients.ecs.send(
        new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }),
      );
      await waitForMock({
        env,
        project: req.project,
        cluster,
        service,
        baseUrl: url,
        expected: expectedFrom(next.items),
        clients,
        timeoutMs: opts.timeoutMs,
        progress: opts.progress,
        fetch: opts.fetch,
      });
    }
    return {
      env: env.name,
      project: req.project,
      version,
      hash: next.hash,
      count: next.count,
      diff,
      method,
      rolledBackTo: 'to' in req ? req.to : undefined,
    };
  } finally {
    own?.ecs.destroy();
    own?.elb.destroy();
    own?.secrets.destroy();
  }
}

type Target = Parameters<typeof controlPlaneRequest>[1];

async function call(
  clients: WaitClients,
  target: Target,
  doFetch: typeof fetch,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const r = await controlPlaneRequest(clients.secrets, target, { path, method: 'PUT', body });
  const res = await doFetch(r.url, { ...r.init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status >= 300)
    throw new CliError(
      `MockServer refused PUT ${path.split('?')[0]}: ${res.status} ${text.slice(0, 500)}`,
      [
        'The new version is stored: tasks started from now on serve it',
        `Try again: automock update --env ${target.env.name} --project ${target.project} --to <version>`,
      ],
    );
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function activeIds(clients: WaitClients, target: Target, doFetch: typeof fetch) {
  const list = await call(
    clients,
    target,
    doFetch,
    '/mockserver/retrieve?type=active_expectations&format=json',
  );
  return new Set(
    (Array.isArray(list) ? (list as { id?: unknown }[]) : [])
      .map((e) => e.id)
      .filter((id): id is string => typeof id === 'string'),
  );
}

/**
 * Replaces the expectations of a one-task mock without a moment with none: new ones first
 * (same-id items replace theirs), then every expectation active before that is neither in the
 * file nor created just now is cleared by id.
 */
async function replaceThroughControlPlane(
  clients: WaitClients,
  target: Target,
  next: ValidatedExpectations,
  doFetch: typeof fetch,
): Promise<void> {
  const before = await activeIds(clients, target, doFetch);
  const items = next.items as Record<string, unknown>[];
  const plain = items.filter((i) => !('specUrlOrPayload' in i));
  if (plain.length) await call(clients, target, doFetch, '/mockserver/expectation', plain);
  for (const spec of items.filter((i) => 'specUrlOrPayload' in i))
    await call(clients, target, doFetch, '/mockserver/openapi', spec);
  const after = await activeIds(clients, target, doFetch);
  const keep = new Set([...expectedFrom(items).ids, ...[...after].filter((id) => !before.has(id))]);
  for (const id of before)
    if (!keep.has(id))
      await call(clients, target, doFetch, '/mockserver/clear?type=EXPECTATIONS', { id });
  const final = await activeIds(clients, target, doFetch);
  const missing = expectedFrom(items).ids.filter((id) => !final.has(id));
  if (missing.length)
    throw new CliError(
      `${target.env.name}/${target.project}: after the update MockServer does not list ${missing.join(', ')}`,
      [`automock logs --env ${target.env.name} --project ${target.project}`],
    );
}
