import { setFlagsFromString } from 'node:v8';

/**
 * Let V8's old generation grow to at most twice its live size between full
 * collections (V8's default allows four times). secmon's live heap is small (rules,
 * windows, dedup keys: tens of MB) while it allocates fast, so by default garbage
 * piles up to several times the live data: a million-event replay peaked above
 * 200 MB resident for 25 MB of live data. Full collections of a small heap take a few
 * milliseconds, so this costs no measurable time (see the README's performance
 * section). Unlike --max-old-space-size it is no limit: a larger live heap still
 * fits. A value given in NODE_OPTIONS or on the command line wins.
 */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  if (!given) setFlagsFromString('--heap-growing-percent=100');
}
