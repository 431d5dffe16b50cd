import { InputError, Origin } from './event';

/**
 * How deep a record may nest. Real records nest a few levels (ActionTrail's
 * requestParameters among the deepest); a record nested thousands deep is made to
 * overflow the stack of whatever walks it (evidence, JSON.stringify for the state
 * store), so it is refused here, as one bad record.
 */
export const MAX_NESTING_DEPTH = 100;

/** Throws an InputError naming the limit when `value` nests deeper than MAX_NESTING_DEPTH. */
export function checkNesting(value: unknown, origin: Origin | undefined): void {
  if (nestsDeeper(value, 1)) throw new InputError(origin, `record nested deeper than ${MAX_NESTING_DEPTH} levels: refused`);
}

/**
 * Whether nothing parsed from this JSON text can nest deeper than MAX_NESTING_DEPTH,
 * so that its records need no walk: each level opens with a `{` or `[` of its own, and
 * the text has no more than that many, counted inside strings too (a JSON string that
 * holds JSON, parsed later, nests inside the record). A `\u` escape could hide a
 * bracket, so text with one is not vouched for.
 */
export function textNestsWithin(text: string): boolean {
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 2)) if (text.charCodeAt(i + 1) === 117 /* u */) return false;
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > MAX_NESTING_DEPTH) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > MAX_NESTING_DEPTH) return false;
  return true;
}

/**
 * Recursive, but never deeper than MAX_NESTING_DEPTH + 1 frames: it stops there,
 * so it cannot overflow the stack however deep the record is. Walks without allocating.
 */
function nestsDeeper(node: unknown, depth: number): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (depth > MAX_NESTING_DEPTH) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) if (nestsDeeper(node[i], depth + 1)) return true;
    return false;
  }
  for (const k in node) if (nestsDeeper((node as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}
