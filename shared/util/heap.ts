import { setFlagsFromString } from 'node:v8';

/** Old generation growth between full collections, in percent of the live size. */
export const HEAP_GROWING_PERCENT = 200;

/**
 * Let V8's old generation grow to at most three times its live size between full
 * collections. secmon's live heap is small (rules, windows, dedup keys: tens of MB)
 * while it allocates fast, and V8's own factor (up to four times, chosen from its GC
 * speed) let garbage pile up: a million-event replay peaked at 170 MB resident, 150 to
 * 165 MB with this setting. Twice the live size (100) kept the peak near 145 MB but
 * cost the pipeline about a tenth more CPU time in full collections (see the README's
 * performance section). Unlike --max-old-space-size it is no limit: a larger live heap
 * still fits. A value given on the node command line wins (Node.js does not accept
 * this V8 flag in NODE_OPTIONS).
 */
export function limitHeapGrowth(): void {
  const given = process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
