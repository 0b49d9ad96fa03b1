import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Minimal DynamoDB marshalling for the registry's plain JSON shapes (strings, numbers, booleans,
 * string lists and maps). Hand-written instead of @aws-sdk/util-dynamodb to keep the reaper's
 * bundle small; sets and binaries are never stored.
 */
export function toAttribute(value: unknown, path = 'value'): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`${path}: got ${value}, must be a finite number`);
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map((v, i) => toAttribute(v, `${path}[${i}]`)) };
  if (typeof value === 'object') {
    const m: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) m[k] = toAttribute(v, `${path}.${k}`);
    }
    return { M: m };
  }
  throw new TypeError(
    `${path}: got ${typeof value}, must be a string, number, boolean, list or map`,
  );
}

/** Inverse of {@link toAttribute}. */
export function fromAttribute(av: AttributeValue): unknown {
  if (av.S !== undefined) return av.S;
  if (av.N !== undefined) return Number(av.N);
  if (av.BOOL !== undefined) return av.BOOL;
  if (av.NULL !== undefined) return null;
  if (av.L !== undefined) return av.L.map(fromAttribute);
  if (av.M !== undefined) return fromItem(av.M);
  if (av.SS !== undefined) return [...av.SS];
  if (av.NS !== undefined) return av.NS.map(Number);
  throw new TypeError(`unsupported DynamoDB attribute ${Object.keys(av).join(',')}`);
}

/** Unmarshals a whole item. */
export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = fromAttribute(v);
  return out;
}

/** Marshals a whole item, skipping `undefined` fields. */
export function toItem(obj: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = toAttribute(v, k);
  return out;
}
