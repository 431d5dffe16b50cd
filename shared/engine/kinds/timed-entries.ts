import { EvidenceRef } from '../evidence';
import { LATE_DATA_ALLOWANCE_MS } from '../kind';

/**
 * What threshold windows and sequences keep per hit, in time order:
 * `[event time, kind's value, evidence or null, event id]`.
 */
export type TimedEntry = [number, unknown, EvidenceRef | null, string];

/**
 * Whether a hit at `t` with event `id` is new to the entries and recent enough to
 * count: not one they hold already (a redelivered batch), and no further than the
 * late-data allowance behind the window of the newest. Drops, first, what is that far
 * behind.
 */
export function admit(h: TimedEntry[], t: number, id: string, windowMs: number): boolean {
  // Entries are sorted by time: an event newer than the newest cannot be one of them.
  if (h.length > 0 && t <= h[h.length - 1][0] && h.some((e) => e[3] === id)) return false;
  const latest = h.length > 0 && h[h.length - 1][0] > t ? h[h.length - 1][0] : t;
  const horizon = latest - windowMs - LATE_DATA_ALLOWANCE_MS;
  while (h.length > 0 && h[0][0] < horizon) release(h.shift()!);
  return t >= horizon;
}

/** Inserts in time order; returns the entry's index. Hits mostly come in order, so from the end, and without splice (whose result array is garbage). */
export function insertByTime<E extends TimedEntry>(h: E[], entry: E): number {
  let i = h.length;
  h.push(entry);
  while (i > 0 && h[i - 1][0] > entry[0]) {
    h[i] = h[i - 1];
    i--;
  }
  h[i] = entry;
  return i;
}

/**
 * Clears a dropped entry's evidence. State that lives across batches is in V8's old
 * generation by then; its dropped entries stay there as garbage until the next full
 * collection, and every minor collection until then would keep the young event they
 * point to alive and promote it (measured: a third of the brute-force rules' GC).
 */
export function release(entry: TimedEntry): void {
  entry[2] = null;
}
