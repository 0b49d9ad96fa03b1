import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Source address of the test provider in configurations: `source = FAKE_PROVIDER_SOURCE`. */
export const FAKE_PROVIDER_SOURCE = 'registry.terraform.io/automock-test/fake';

/** An object of the provider's one resource type, `fake_object`, as it exists "in the cloud". */
export interface FakeObject {
  value: string | null;
}

// cty's msgpack encoding marks unknown values with an extension type: 0 (unrefined) or 12
// (refined); any extension is unknown to a reader (docs/plugin-protocol/object-wire-format.md).
const UNKNOWN = Symbol('unknown');
const codec = new ExtensionCodec();
for (const type of [0, 12])
  codec.register({
    type,
    encode: (v: unknown) => (type === 0 && v === UNKNOWN ? new Uint8Array([0]) : null),
    decode: () => UNKNOWN,
  });

type State = { id: string | typeof UNKNOWN | null; value: string | null } | null;
const pack = (v: State) => ({ msgpack: Buffer.from(encode(v, { extensionCodec: codec })) });
const unpack = (d: DynamicValue | null | undefined): State => {
  if (!d) return null;
  if (d.msgpack && d.msgpack.length > 0)
    return decode(d.msgpack, { extensionCodec: codec }) as State;
  if (d.json && d.json.length > 0) return JSON.parse(d.json.toString()) as State;
  return null;
};

/** The fields of the requests this provider reads (names as in the .proto, keepCase). */
interface ProviderRequest {
  readonly raw_state?: { readonly json?: Buffer };
  readonly current_state?: DynamicValue;
  readonly prior_state?: DynamicValue;
  readonly proposed_new_state?: DynamicValue;
  readonly planned_state?: DynamicValue;
  readonly private?: Buffer;
  readonly prior_private?: Buffer;
}
interface DynamicValue {
  readonly msgpack?: Buffer;
  readonly json?: Buffer;
}

type Unary = (call: { request: ProviderRequest }, callback: grpc.sendUnaryData<unknown>) => void;
const handler =
  (fn: (req: ProviderRequest) => unknown): Unary =>
  (call, callback) => {
    try {
      callback(null, fn(call.request));
    } catch (e) {
      callback({ code: grpc.status.INTERNAL, details: (e as Error).message });
    }
  };

/**
 * A Terraform provider for tests, served over the plugin protocol 6 (gRPC) from the test process
 * and attached to Terraform with `TF_REATTACH_PROVIDERS` (no binary, no download). Its one
 * resource type, `fake_object` (`value` optional, `id` computed), lives in {@link objects}: a test
 * changes or deletes an object there to make drift that only a refresh can see.
 */
export class FakeProvider {
  /** The "real" objects by id, as a cloud API would hold them. */
  readonly objects = new Map<string, FakeObject>();
  private server?: grpc.Server;
  private dir?: string;
  private socket = '';

  /** Starts serving on a unix socket in a temporary directory. */
  async start(): Promise<void> {
    const def = protoLoader.loadSync(
      [
        path.join(__dirname, 'proto', 'tfplugin6-subset.proto'),
        path.join(__dirname, 'proto', 'health.proto'),
      ],
      { keepCase: true, longs: Number, enums: String, defaults: true },
    );
    type Services = Record<string, { service: grpc.ServiceDefinition }>;
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      tfplugin6: Services;
      grpc: { health: { v1: Services } };
    };
    this.server = new grpc.Server();
    const schema = {
      version: 0,
      block: {
        version: 0,
        attributes: [
          { name: 'id', type: Buffer.from('"string"'), computed: true },
          { name: 'value', type: Buffer.from('"string"'), optional: true },
        ],
      },
    };
    this.server.addService(pkg.tfplugin6.Provider!.service, {
      GetProviderSchema: handler(() => ({
        provider: { version: 0, block: { version: 0, attributes: [] } },
        resource_schemas: { fake_object: schema },
        data_source_schemas: {},
        diagnostics: [],
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
      })),
      ValidateProviderConfig: handler(() => ({ diagnostics: [] })),
      ValidateResourceConfig: handler(() => ({ diagnostics: [] })),
      ConfigureProvider: handler(() => ({ diagnostics: [] })),
      StopProvider: handler(() => ({ Error: '' })),
      UpgradeResourceState: handler((req) => {
        const raw = JSON.parse(req.raw_state?.json?.toString() || 'null') as Record<
          string,
          unknown
        > | null;
        return {
          upgraded_state: pack(
            raw && { id: (raw.id as string) ?? null, value: (raw.value as string) ?? null },
          ),
          diagnostics: [],
        };
      }),
      ReadResource: handler((req) => {
        const current = unpack(req.current_state);
        const id = current?.id;
        const found = typeof id === 'string' ? this.objects.get(id) : undefined;
        return {
          new_state: pack(found ? { id: id as string, value: found.value } : null),
          private: req.private,
          diagnostics: [],
        };
      }),
      PlanResourceChange: handler((req) => {
        const prior = unpack(req.prior_state);
        const proposed = unpack(req.proposed_new_state);
        return {
          planned_state: pack(proposed && { id: prior?.id ?? UNKNOWN, value: proposed.value }),
          planned_private: req.prior_private,
          diagnostics: [],
        };
      }),
      ApplyResourceChange: handler((req) => {
        const prior = unpack(req.prior_state);
        const planned = unpack(req.planned_state);
        if (!planned) {
          if (typeof prior?.id === 'string') this.objects.delete(prior.id);
          return { new_state: pack(null), diagnostics: [] };
        }
        // Named after the value it was created with, so ids (and recorded plans) do not depend
        // on the order terraform creates objects in.
        let id = typeof prior?.id === 'string' ? prior.id : `obj-${planned.value ?? 'null'}`;
        for (let n = 2; prior?.id !== id && this.objects.has(id); n++)
          id = `obj-${planned.value ?? 'null'}-${n}`;
        this.objects.set(id, { value: planned.value });
        return {
          new_state: pack({ id, value: planned.value }),
          private: Buffer.alloc(0),
          diagnostics: [],
        };
      }),
    });
    this.server.addService(pkg.grpc.health.v1.Health!.service, {
      Check: handler(() => ({ status: 'SERVING' })),
    });
    this.dir = mkdtempSync(path.join(tmpdir(), 'fake-provider-'));
    this.socket = path.join(this.dir, 'provider.sock');
    await new Promise<void>((resolve, reject) =>
      this.server!.bindAsync(
        `unix:${this.socket}`,
        grpc.ServerCredentials.createInsecure(),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  /** The value of `TF_REATTACH_PROVIDERS` that makes Terraform use this provider. */
  reattach(): string {
    return JSON.stringify({
      [FAKE_PROVIDER_SOURCE]: {
        Protocol: 'grpc',
        ProtocolVersion: 6,
        Pid: process.pid,
        Test: true,
        Addr: { Network: 'unix', String: this.socket },
      },
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.tryShutdown(() => resolve()) : resolve(),
    );
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
