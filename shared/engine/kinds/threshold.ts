import { compileFirstValue } from '../../util/field-path';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EvidenceRef } from '../evidence';
import { RuleKindModule, stateText } from '../kind';
import { admit, insertByTime, release } from './timed-entries';

/**
 * Sliding windows on event time, as plain JSON-able state so that any StateStore can
 * hold them. Each group keeps only what can still complete a detection: the last
 * `count` hits (or `count` most recent distinct values) within the window, so memory
 * per group is bounded by the threshold, not by the traffic.
 */
/**
 * Stored window: `[time, value-or-null, evidence-or-null, event id]`; evidence (the
 * event, see EvidenceRef) kept for the first few only.
 */
export type WindowEntry = [number, string | null, EvidenceRef | null, string];
export interface WindowState {
  h: WindowEntry[];
}

export interface ThresholdSpec {
  count: number;
  windowMs: number;
  /** The distinct-count field's (first) value of an event. */
  distinct?: (fields: Record<string, unknown>) => unknown;
}

/**
 * At least `count` matching events (or distinct values of a field) per group within a
 * sliding window of event time.
 */
export const thresholdKind: RuleKindModule<'threshold', ThresholdSpec, WindowState> = {
  kind: 'threshold',
  stateful: true,
  state: 'window',
  compile: (def) => ({
    count: def.threshold.count,
    windowMs: parseDuration(def.threshold.window),
    distinct: def.threshold.distinct === undefined ? undefined : compileFirstValue(def.threshold.distinct),
  }),
  valueOf(spec, fields) {
    if (spec.distinct === undefined) return null;
    const value = spec.distinct(fields);
    return value === undefined || value === null ? undefined : stateText(value);
  },
  advance(spec, stored, { events, values }, ctx) {
    const state = stored ?? emptyWindow();
    const distinct = spec.distinct !== undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      ctx.emit(addHit(state, e.time, e.id, (values[i] ?? undefined) as string | undefined, e, spec.count, spec.windowMs, distinct), e);
    }
    // An entry's window completes within windowMs of it: if that is still inside the
    // suppression period, the detection will be held back and its evidence never shown.
    const until = ctx.suppressedUntil();
    for (const entry of state.h) if (entry[2] !== null && entry[0] + spec.windowMs < until) entry[2] = null;
    return state.h.length === 0 ? null : { value: state, until: state.h[state.h.length - 1][0] + spec.windowMs };
  },
};

export function emptyWindow(): WindowState {
  return { h: [] };
}

/**
 * Adds one hit (event time `t`, event `id`, distinct-count value `v` or undefined,
 * and the event itself, made into evidence only if a detection that uses it is
 * raised); returns a detection when `count` hits (events, or distinct values when
 * `distinct`) fall within `windowMs`, after which the window starts again from the
 * hits newer than the detection's. The same event counted twice (a redelivered batch)
 * is counted once.
 *
 * Hits mostly come in time order, and then only the newest `count` matter. A hit may
 * also arrive late (another SLS shard's batch, a retried range): the window remembers
 * hits up to the late-data allowance behind its window, so a late hit still completes
 * the burst it belongs to, at that burst's time.
 */
export function addHit(state: WindowState, t: number, id: string, v: string | undefined, evidence: EvidenceRef, count: number, windowMs: number, distinct: boolean): Completion | undefined {
  const h = state.h;
  if (!admit(h, t, id, windowMs)) return undefined;
  let at: number;
  if (distinct) {
    const same = h.findIndex((e) => e[1] === v);
    if (same >= 0) {
      const old = h[same];
      const [seen, , ev] = old;
      if (t <= seen) return undefined;
      removeAt(h, same);
      release(old);
      // A value seen again within the window keeps its first evidence.
      at = insertByTime(h, [t, v ?? null, seen >= t - windowMs ? ev : null, id]);
    } else {
      at = insertByTime(h, [t, v ?? null, null, id]);
    }
  } else {
    at = insertByTime(h, [t, null, null, id]);
  }
  attachEvidence(h, at, evidence, t - windowMs);

  // The earliest run of `count` consecutive hits within the window that holds this one
  // (before it came, no run did).
  let end = -1;
  for (let last = Math.max(count - 1, at); last < h.length && last < at + count; last++) {
    if (h[last][0] - h[last - count + 1][0] <= windowMs) {
      end = last;
      break;
    }
  }
  if (end < 0) {
    // In the window, fewer than `count`; behind it, as many again for a late hit to join.
    while (h.length > 2 * count) release(h.shift()!);
    return undefined;
  }
  // The run's first hit the window kept evidence of, and the hit that completed it (the one at hand, in time order).
  const kept: EvidenceRef[] = [];
  for (let i = end - count + 1; i < end && kept.length === 0; i++) if (h[i][2] !== null) kept.push(h[i][2]!);
  const completing = h[end][2] ?? (end === at ? evidence : null);
  if (completing !== null) kept.push(completing);
  const detection: Completion = { t: h[end][0], count, evidence: kept };
  // The window starts again after the detection, as it would have in time order.
  for (let i = 0; i <= end; i++) release(h[i]);
  state.h = end === h.length - 1 ? [] : h.slice(end + 1);
  return detection;
}

function removeAt(h: WindowEntry[], at: number): void {
  for (let i = at; i < h.length - 1; i++) h[i] = h[i + 1];
  h.pop();
}

/**
 * Gives the new hit's entry (at `at`) its evidence when no entry of its window (from
 * `since`) holds any: the window keeps its first hit's; the completing hit's is the
 * one at hand when the detection is made, in time order (so no newest hit needs
 * keeping batch after batch).
 */
function attachEvidence(h: WindowEntry[], at: number, evidence: EvidenceRef, since: number): void {
  if (h[at][2] !== null) return;
  for (let i = 0; i < h.length; i++) if (h[i][2] !== null && h[i][0] >= since) return;
  h[at][2] = evidence;
}
