import { declaredNames, kmsKeyArnSchema } from './data-common';
import type { WorkloadSection, WorkloadSectionContext } from './section';

/** DynamoDB's attribute types usable in keys: string, number, binary. */
export type TableKeyType = 'S' | 'N' | 'B';

/** A key attribute of a table or index. */
export interface TableKeyInput {
  /** Attribute name, 1-255 characters. */
  readonly name: string;
  /** Attribute type. */
  readonly type: TableKeyType;
}

/** What a global secondary index copies from the table. */
export type TableProjectionInput = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

/** A global secondary index. */
export interface TableIndexInput {
  /** Index name, unique in the table: 3-255 of `[a-zA-Z0-9_.-]`. */
  readonly name: string;
  /** The index's partition key. */
  readonly partitionKey: TableKeyInput;
  /** The index's sort key. @default - none */
  readonly sortKey?: TableKeyInput;
  /** Attributes copied into the index. @default 'ALL' */
  readonly projection?: TableProjectionInput;
}

/** How a table is billed. */
export type TableBillingInput =
  'onDemand' | { readonly provisioned: { readonly read: number; readonly write: number } };

/** DynamoDB stream view types. */
export type TableStreamView = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** One DynamoDB table of a workload, as written. */
export interface TableInput {
  /**
   * Name within the workload (3-255 of `[a-zA-Z0-9_.-]`); the table is created as
   * `<prefix>-<env>-<workload>-<name>`.
   */
  readonly name: string;
  /** The table's partition (hash) key. */
  readonly partitionKey: TableKeyInput;
  /** The table's sort (range) key. @default - none */
  readonly sortKey?: TableKeyInput;
  /** Global secondary indexes, at most 20. @default [] */
  readonly globalIndexes?: readonly TableIndexInput[];
  /** On-demand, or provisioned capacity for the table and each index. @default 'onDemand' */
  readonly billing?: TableBillingInput;
  /** Point-in-time recovery (35 days of continuous backups). @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Customer managed KMS key. @default - the AWS managed key `alias/aws/dynamodb` */
  readonly kmsKeyArn?: string;
  /** Attribute holding the expiry time (epoch seconds) of each item. @default - no TTL */
  readonly ttlAttribute?: string;
  /** Refuse DeleteTable. @default false for ephemeral workloads, else the environment's `deletionProtection` or `production` */
  readonly deletionProtection?: boolean;
  /** Change stream of the table. @default - none */
  readonly stream?: TableStreamView;
}

/** A key with its type. */
export interface TableKey {
  readonly name: string;
  readonly type: TableKeyType;
}

/** A resolved global secondary index. */
export interface TableIndex {
  readonly name: string;
  readonly partitionKey: TableKey;
  readonly sortKey?: TableKey;
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** Non-key attributes of an `INCLUDE` projection; empty otherwise. */
  readonly nonKeyAttributes: readonly string[];
}

/** A table with every default filled in. */
export interface Table {
  readonly name: string;
  readonly partitionKey: TableKey;
  readonly sortKey?: TableKey;
  readonly globalIndexes: readonly TableIndex[];
  readonly billing:
    | { readonly mode: 'PAY_PER_REQUEST' }
    | { readonly mode: 'PROVISIONED'; readonly read: number; readonly write: number };
  readonly pointInTimeRecovery: boolean;
  readonly kmsKeyArn?: string;
  readonly ttlAttribute?: string;
  readonly deletionProtection: boolean;
  readonly stream?: TableStreamView;
  /** Every attribute a key of the table or an index uses, once each. */
  readonly attributes: readonly TableKey[];
}

/** DynamoDB's limit on global secondary indexes per table. */
export const MAX_GLOBAL_INDEXES = 20;
/** DynamoDB's limit on non-key attributes projected into all the indexes of a table. */
export const MAX_PROJECTED_ATTRIBUTES = 100;
/** Table and index names: 3-255 characters of `[a-zA-Z0-9_.-]`. */
export const TABLE_NAME_PATTERN = '^[a-zA-Z0-9_.-]{3,255}$';

const keySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, description: 'Attribute name.' },
    type: {
      enum: ['S', 'N', 'B'],
      description: 'Attribute type: S (string), N (number) or B (binary).',
    },
  },
};

const indexSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'partitionKey'],
  properties: {
    name: {
      type: 'string',
      pattern: TABLE_NAME_PATTERN,
      description: 'Index name, unique in the table: 3-255 of [a-zA-Z0-9_.-].',
    },
    partitionKey: { ...keySchema, description: "The index's partition key." },
    sortKey: { ...keySchema, description: "The index's sort key." },
    projection: {
      description: 'Attributes copied into the index: ALL, KEYS_ONLY or { include: [...] }.',
      default: 'ALL',
      oneOf: [
        { enum: ['ALL', 'KEYS_ONLY'] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['include'],
          properties: {
            include: {
              type: 'array',
              minItems: 1,
              uniqueItems: true,
              items: { type: 'string', minLength: 1, maxLength: 255 },
              description: 'Non-key attributes to copy besides the keys.',
            },
          },
        },
      ],
    },
  },
};

const tableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'partitionKey'],
  properties: {
    name: {
      type: 'string',
      pattern: TABLE_NAME_PATTERN,
      description: 'Table name within the workload: 3-255 of [a-zA-Z0-9_.-].',
    },
    partitionKey: { ...keySchema, description: "The table's partition (hash) key." },
    sortKey: { ...keySchema, description: "The table's sort (range) key." },
    globalIndexes: {
      type: 'array',
      maxItems: MAX_GLOBAL_INDEXES,
      items: indexSchema,
      default: [],
      description: `Global secondary indexes, at most ${MAX_GLOBAL_INDEXES}.`,
    },
    billing: {
      description: 'onDemand, or { provisioned: { read, write } } capacity units.',
      default: 'onDemand',
      oneOf: [
        { const: 'onDemand' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['provisioned'],
          properties: {
            provisioned: {
              type: 'object',
              description: 'Provisioned capacity of the table and of each of its indexes.',
              additionalProperties: false,
              required: ['read', 'write'],
              properties: {
                read: { type: 'integer', minimum: 1, description: 'Read capacity units.' },
                write: { type: 'integer', minimum: 1, description: 'Write capacity units.' },
              },
            },
          },
        },
      ],
    },
    pointInTimeRecovery: {
      type: 'boolean',
      default: true,
      description: 'Point-in-time recovery (continuous backups).',
    },
    kmsKeyArn: kmsKeyArnSchema('the table (default: the AWS managed key alias/aws/dynamodb)'),
    ttlAttribute: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Attribute holding each item’s expiry time in epoch seconds.',
    },
    deletionProtection: {
      type: 'boolean',
      description:
        "Refuse DeleteTable (default: false for ephemeral workloads, else the environment's deletionProtection, or true in production).",
    },
    stream: {
      enum: ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'],
      description: 'Turn on the table’s stream with this view type.',
    },
  },
};

function resolveTable(t: TableInput, field: string, ctx: WorkloadSectionContext): Table {
  const attributes = new Map<string, { type: TableKeyType; field: string }>();
  const use = (key: TableKeyInput | undefined, at: string) => {
    if (!key) return;
    const seen = attributes.get(key.name);
    if (seen && seen.type !== key.type) {
      ctx.issues.add(
        `${at}.type`,
        key.type,
        `must be ${seen.type}: attribute ${JSON.stringify(key.name)} is declared as ${seen.type} at ${seen.field}, and an attribute has one type`,
      );
    } else if (!seen) attributes.set(key.name, { type: key.type, field: at });
  };
  use(t.partitionKey, `${field}.partitionKey`);
  if (t.sortKey && t.sortKey.name === t.partitionKey.name) {
    ctx.issues.add(
      `${field}.sortKey.name`,
      t.sortKey.name,
      'must differ from the partition key’s name',
    );
  }
  use(t.sortKey, `${field}.sortKey`);

  const indexNames = new Map<string, number>();
  let projected = 0;
  const globalIndexes = (t.globalIndexes ?? []).map((g, i): TableIndex => {
    const at = `${field}.globalIndexes[${i}]`;
    const first = indexNames.get(g.name);
    if (first !== undefined) {
      ctx.issues.add(
        `${at}.name`,
        g.name,
        `must be unique in the table (also at ${field}.globalIndexes[${first}].name)`,
      );
    } else indexNames.set(g.name, i);
    if (g.sortKey && g.sortKey.name === g.partitionKey.name) {
      ctx.issues.add(
        `${at}.sortKey.name`,
        g.sortKey.name,
        'must differ from the partition key’s name',
      );
    }
    use(g.partitionKey, `${at}.partitionKey`);
    use(g.sortKey, `${at}.sortKey`);
    const p = g.projection ?? 'ALL';
    if (typeof p === 'string') return { ...keysOf(g), projection: p, nonKeyAttributes: [] };
    const keys = [t.partitionKey.name, t.sortKey?.name, g.partitionKey.name, g.sortKey?.name];
    p.include.forEach((a, j) => {
      if (keys.includes(a)) {
        ctx.issues.add(
          `${at}.projection.include[${j}]`,
          a,
          'must be a non-key attribute (key attributes are always projected)',
        );
      }
    });
    projected += p.include.length;
    return { ...keysOf(g), projection: 'INCLUDE', nonKeyAttributes: [...p.include] };
  });
  if (projected > MAX_PROJECTED_ATTRIBUTES) {
    ctx.issues.add(
      `${field}.globalIndexes`,
      projected,
      `must project at most ${MAX_PROJECTED_ATTRIBUTES} non-key attributes over all indexes (DynamoDB's limit)`,
    );
  }
  if (t.ttlAttribute !== undefined && attributes.has(t.ttlAttribute)) {
    ctx.issues.add(
      `${field}.ttlAttribute`,
      t.ttlAttribute,
      'must not be a key attribute (TTL reads a number attribute of each item, keys cannot be removed)',
    );
  }

  const billing: Table['billing'] =
    t.billing === undefined || t.billing === 'onDemand'
      ? { mode: 'PAY_PER_REQUEST' }
      : { mode: 'PROVISIONED', ...t.billing.provisioned };
  return {
    name: t.name,
    partitionKey: { ...t.partitionKey },
    ...(t.sortKey ? { sortKey: { ...t.sortKey } } : {}),
    globalIndexes,
    billing,
    pointInTimeRecovery: t.pointInTimeRecovery ?? true,
    ...(t.kmsKeyArn ? { kmsKeyArn: t.kmsKeyArn } : {}),
    ...(t.ttlAttribute ? { ttlAttribute: t.ttlAttribute } : {}),
    // A preview's table goes with it: protection would make its teardown fail.
    deletionProtection:
      t.deletionProtection ??
      (!ctx.ephemeral && (ctx.env.deletionProtection || ctx.env.production)),
    ...(t.stream ? { stream: t.stream } : {}),
    attributes: [...attributes].map(([name, a]) => ({ name, type: a.type })),
  };
}

function keysOf(g: TableIndexInput): Pick<TableIndex, 'name' | 'partitionKey' | 'sortKey'> {
  return {
    name: g.name,
    partitionKey: { ...g.partitionKey },
    ...(g.sortKey ? { sortKey: { ...g.sortKey } } : {}),
  };
}

/** The `tables` section: DynamoDB tables of a workload. */
export const tablesSection: WorkloadSection<readonly TableInput[], readonly Table[]> = {
  key: 'tables',
  schema: {
    type: 'array',
    description: 'DynamoDB tables of the workload.',
    default: [],
    items: tableSchema,
  },
  declares: (input, field) => declaredNames('table', input, field),
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const tables = input.map((t, i) => resolveTable(t, `${ctx.field}[${i}]`, ctx));
    return ctx.issues.issues.length === before ? tables : undefined;
  },
};
