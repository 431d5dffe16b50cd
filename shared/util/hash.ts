import { createHash } from 'node:crypto';

/** Short, stable identifier derived from its parts (not a security boundary). */
export function stableId(...parts: Array<string | number>): string {
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(String(p));
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, 24);
}
