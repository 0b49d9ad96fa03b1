/** IPv4 CIDR arithmetic for subnet planning and validation. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0..32. */
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((base & mask) >>> 0 !== base) return undefined;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + size(inner) <= outer.base + size(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/**
 * The `index`-th subnet of `parent` with `newBits` more prefix bits, like Terraform's
 * `cidrsubnet()`.
 */
export function cidrSubnet(parent: string, newBits: number, index: number): string {
  const p = parseCidr(parent);
  if (!p) throw new Error(`cidrSubnet: ${JSON.stringify(parent)} is not an IPv4 CIDR`);
  const prefix = p.prefix + newBits;
  if (prefix > 32) throw new Error(`cidrSubnet: /${p.prefix} + ${newBits} bits exceeds /32`);
  if (index < 0 || index >= 2 ** newBits)
    throw new Error(`cidrSubnet: index ${index} does not fit in ${newBits} bits`);
  return formatCidr({ base: (p.base + index * 2 ** (32 - prefix)) >>> 0, prefix });
}
