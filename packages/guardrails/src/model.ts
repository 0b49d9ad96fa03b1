/** A Terraform JSON block: attribute names to values, as `cdk.tf.json` holds them. */
export type TfBlock = Record<string, unknown>;

/** The parts of a synthesised stack (`stack.toTerraform()` / `cdk.tf.json`) the rules read. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, TfBlock>>;
  readonly data?: Record<string, Record<string, TfBlock>>;
  readonly provider?: Record<string, TfBlock | TfBlock[]>;
  readonly terraform?: TfBlock;
  readonly [key: string]: unknown;
}

/** Terraform resources in a stack: every name under every type of `resource` (data sources not). */
export function resourceCount(json: TerraformJson): number {
  let n = 0;
  for (const byName of Object.values(json.resource ?? {})) n += Object.keys(byName).length;
  return n;
}

/** One resource or data source of a stack. */
export interface TfElement {
  readonly kind: 'resource' | 'data';
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Name inside the type (cdktf's friendly unique id). */
  readonly name: string;
  /** Terraform address: `aws_s3_bucket.config` or `data.aws_iam_policy_document.tls`. */
  readonly address: string;
  readonly body: TfBlock;
  /** Construct path from cdktf's metadata, when present. */
  readonly path?: string;
}

/** A parsed `${type.name.attr}` reference. */
export interface TfRef {
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  readonly attr?: string;
}

// `${aws_s3_bucket.b.id}`, `${data.aws_iam_policy_document.d.json}`, `${aws_lb.a[0].arn}`
const REF_SOURCE = String.raw`(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.([A-Za-z0-9_]+))?`;
const EXACT_REF = new RegExp(String.raw`^\$\{${REF_SOURCE}\}$`);
const ANY_REF = new RegExp(String.raw`\$\{${REF_SOURCE}`, 'g');

/** `v` as a list: blocks render as one object or as a list depending on their schema. */
export function asList<T = TfBlock>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]) as T[];
}

/** Parses a string that is exactly one reference expression. */
export function parseRef(v: unknown): TfRef | undefined {
  if (typeof v !== 'string') return undefined;
  const m = EXACT_REF.exec(v);
  if (!m) return undefined;
  return { kind: m[1] ? 'data' : 'resource', type: m[2]!, name: m[3]!, attr: m[4] };
}

/** Every reference inside a string (e.g. a JSON document with embedded expressions). */
export function refsIn(v: unknown): TfRef[] {
  if (typeof v !== 'string') return [];
  return [...v.matchAll(ANY_REF)].map((m) => ({
    kind: m[1] ? ('data' as const) : ('resource' as const),
    type: m[2]!,
    name: m[3]!,
    attr: m[4],
  }));
}

/** Attributes by which a resource may be referred to by a literal value instead of an expression. */
const LITERAL_KEYS = ['bucket', 'name', 'arn'];

/**
 * An index over one synthesised stack. Resources point at each other with Terraform expressions
 * (`${aws_s3_bucket.x.id}`), so a bucket's public access block, encryption and policy are found by
 * matching their `bucket` reference back to the bucket's address.
 */
export class StackModel {
  private readonly elements: TfElement[] = [];
  private readonly byAddress = new Map<string, TfElement>();

  constructor(
    /** Stack name (the directory under `cdktf.out/stacks`). */
    readonly name: string,
    readonly json: TerraformJson,
  ) {
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(json[kind] ?? {})) {
        for (const [name, body] of Object.entries(byName ?? {})) {
          const address = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const meta = (body?.['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
          const el: TfElement = { kind, type, name, address, body: body ?? {}, path: meta?.path };
          this.elements.push(el);
          this.byAddress.set(address, el);
        }
      }
    }
  }

  /** Resources of any of the given types. */
  resources(...types: string[]): TfElement[] {
    return this.elements.filter((e) => e.kind === 'resource' && types.includes(e.type));
  }

  /** Every resource. */
  allResources(): TfElement[] {
    return this.elements.filter((e) => e.kind === 'resource');
  }

  /** Data sources of a type. */
  dataSources(type: string): TfElement[] {
    return this.elements.filter((e) => e.kind === 'data' && e.type === type);
  }

  /** The element a reference points at, if it is in this stack. */
  resolve(ref: TfRef | undefined): TfElement | undefined {
    if (!ref) return undefined;
    return this.byAddress.get(
      ref.kind === 'data' ? `data.${ref.type}.${ref.name}` : `${ref.type}.${ref.name}`,
    );
  }

  /** Whether `value` (an expression or a literal name/ARN) designates `target`. */
  refersTo(value: unknown, target: TfElement): boolean {
    const ref = parseRef(value);
    if (ref) return this.resolve(ref) === target;
    if (typeof value !== 'string' || value.length === 0) return false;
    return LITERAL_KEYS.some((k) => target.body[k] === value);
  }

  /** Resources of `type` whose attribute `attr` designates `target`. */
  attachedTo(type: string | string[], attr: string, target: TfElement): TfElement[] {
    const types = Array.isArray(type) ? type : [type];
    return this.resources(...types).filter((e) =>
      asList<unknown>(e.body[attr]).some((v) => this.refersTo(v, target)),
    );
  }

  /** The provider configuration a resource uses (its `provider` alias or the default one). */
  providerFor(el: TfElement): TfBlock | undefined {
    const alias = typeof el.body.provider === 'string' ? el.body.provider : undefined;
    const [pType, pAlias] = alias
      ? (alias.replace(/^\$\{|\}$/g, '').split('.') as [string, string | undefined])
      : [el.type.split('_')[0]!, undefined];
    const configs = asList(this.json.provider?.[pType]);
    return configs.find((c) => (pAlias ? c.alias === pAlias : c.alias === undefined));
  }

  /** Bucket and lock table named by this stack's S3 backend. */
  backendNames(): { bucket?: string; lockTable?: string } {
    const s3 = (this.json.terraform?.backend as { s3?: TfBlock } | undefined)?.s3;
    return {
      bucket: typeof s3?.bucket === 'string' ? s3.bucket : undefined,
      lockTable: typeof s3?.dynamodb_table === 'string' ? s3.dynamodb_table : undefined,
    };
  }
}
