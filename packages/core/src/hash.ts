/**
 * FNV-1a 32-bit, base36. Synchronous and dependency-free, so naming stays cheap at synthesis;
 * collisions only matter between truncated names, where 6 base36 chars (~2 billion) suffice.
 */
export function shortHash(input: string, length = 6): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A second round over the reversed input widens the space past 32 bits for longer hashes.
  let h2 = 0x811c9dc5;
  for (let i = input.length - 1; i >= 0; i--) {
    h2 ^= input.charCodeAt(i);
    h2 = Math.imul(h2, 0x01000193) >>> 0;
  }
  return (h.toString(36).padStart(7, '0') + h2.toString(36).padStart(7, '0')).slice(0, length);
}
