import * as crypto from 'node:crypto';

/**
 * Identifiers that decide deduplication across instances (alert ids, incident ids,
 * batch ids, the rules' fingerprint): SHA-256 of the parts, each length-prefixed so
 * that ("ab", "c") and ("a", "bc") differ, truncated to 64 bits (16 hex digits). Parts
 * such as user names are attacker-controlled; a standard hash keeps a crafted
 * collision (which would silently drop an alert as "already raised") out of reach.
 */
export function digestId(...parts: Array<string | number>): string {
  let text = '';
  for (const p of parts) {
    const s = typeof p === 'string' ? p : String(p);
    text += `${s.length}:${s}`;
  }
  return sha256Hex(text).slice(0, 16);
}

/** One-shot hashing (Node.js 20.12 and later) costs less than half of a Hash object's; older runtimes get the object. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex = oneShot !== undefined ? (text: string) => oneShot('sha256', text, 'hex') : (text: string) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Stable identifiers of events (log lines, records without an id of their own). On
 * the hot path (one per log line), so a fast non-cryptographic 64-bit hash: two independent 32-bit multiply-xor lanes, each
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
  return hex16(avalanche(a ^ Math.imul(b, 0x9e3779b1)), avalanche(b ^ a));
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const fromCodes = String.fromCharCode;

/**
 * Sixteen hex digits of two unsigned 32-bit numbers, made in one piece: a string
 * concatenated from parts is a rope in V8, and ids are compared again and again (in
 * threshold windows and sequences), which costs a rope several times a flat string.
 */
function hex16(a: number, b: number): string {
  const h = HEX_CODES;
  return fromCodes(
    h[a >>> 28], h[(a >>> 24) & 15], h[(a >>> 20) & 15], h[(a >>> 16) & 15], h[(a >>> 12) & 15], h[(a >>> 8) & 15], h[(a >>> 4) & 15], h[a & 15],
    h[b >>> 28], h[(b >>> 24) & 15], h[(b >>> 20) & 15], h[(b >>> 16) & 15], h[(b >>> 12) & 15], h[(b >>> 8) & 15], h[(b >>> 4) & 15], h[b & 15],
  );
}

/** The hash of the last file path asked about: lines of one file come one after another. */
class PathHashes {
  private path = '';
  private hash = 0;

  of(path: string): number {
    if (path !== this.path) {
      this.path = path;
      this.hash = fnv32(path, 0x811c9dc5);
    }
    return this.hash;
  }
}

const pathHashes = new PathHashes();

/**
 * Id of a line of a file: its position (file and line number) and its content, so a
 * rotated file whose line 10 now holds another line gives another id. Cheaper than
 * stableId on the hot path: the file's hash is remembered, and of the content the
 * length and the first 40 characters (the timestamp, and host and program after a
 * short one) are hashed.
 */
export function lineId(path: string, line: number, content: string): string {
  const pathHash = pathHashes.of(path);
  return hex16(avalanche(Math.imul(pathHash ^ line, 0x9e3779b1) ^ (line >>> 16)), avalanche(fnv32(content, 0x01000193 ^ content.length, 40)));
}

function fnv32(s: string, seed: number, max = s.length): number {
  let h = seed;
  const n = Math.min(s.length, max);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
