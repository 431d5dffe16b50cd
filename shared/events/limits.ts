import { InputError, Origin } from './event';

/**
 * How deep a record may nest. Real records nest a few levels (ActionTrail's
 * requestParameters among the deepest); a record nested thousands deep is made to
 * overflow the stack of whatever walks it (evidence, JSON.stringify for the state
 * store), so it is refused here, as one bad record.
 */
export const MAX_NESTING_DEPTH = 100;

/** Throws an InputError naming the limit when `value` nests deeper than MAX_NESTING_DEPTH. Iterative: it cannot overflow itself. */
export function checkNesting(value: unknown, origin: Origin | undefined): void {
  if (value === null || typeof value !== 'object') return;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth > MAX_NESTING_DEPTH) throw new InputError(origin, `record nested deeper than ${MAX_NESTING_DEPTH} levels: refused`);
    const children = Array.isArray(node) ? node : Object.values(node);
    for (let i = 0; i < children.length; i++) {
      const c = children[i];
      if (c !== null && typeof c === 'object') {
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
}
