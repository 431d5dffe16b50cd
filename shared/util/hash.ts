/**
 * Stable identifiers derived from their parts: event ids of log lines, alert ids,
 * batch ids. Not a security boundary, but on the hot path (one per log line), so a
 * fast non-cryptographic 64-bit hash: two independent 32-bit multiply-xor lanes, each
 * finished with the MurmurHash3 avalanche step. 64 bits keep collisions negligible at
 * the volumes of one account (about one in 10^8 at a billion ids).
 */
export function stableId(...parts: Array<string | number>): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let p = 0; p < parts.length; p++) {
    const s = typeof parts[p] === 'string' ? (parts[p] as string) : String(parts[p]);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0xff, 0x01000193);
    b = Math.imul(b ^ 0xff, 0x5bd1e995) ^ (b >>> 15);
  }
  return hex8(avalanche(a ^ Math.imul(b, 0x9e3779b1))) + hex8(avalanche(b ^ a));
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
