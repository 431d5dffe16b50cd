import { compileFirstValue } from '../../util/field-path';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EVIDENCE_LIMIT, EvidenceRef } from '../evidence';
import { RuleKindModule, stateText } from '../kind';

/**
 * Sliding windows on event time, as plain JSON-able state so that any StateStore can
 * hold them. Each group keeps only what can still complete a detection: the last
 * `count` hits (or `count` most recent distinct values) within the window, so memory
 * per group is bounded by the threshold, not by the traffic.
 */
/**
 * Stored window: `[time, value-or-null, evidence-or-null, event id]`; evidence kept for
 * the first few only. Within a batch the evidence is the event itself; what outlives
 * the batch is detached evidence (see Detector).
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
    for (const entry of state.h) if (entry[2] !== null) entry[2] = entry[0] + spec.windowMs < until ? null : ctx.detach(entry[2]);
    return state.h.length === 0 ? null : { value: state, until: state.h[state.h.length - 1][0] + spec.windowMs };
  },
};

export function emptyWindow(): WindowState {
  return { h: [] };
}

/**
 * Adds one hit (event time `t`, event `id`, distinct-count value `v` or undefined,
 * and the event itself, made into evidence only if a detection that uses it is
 * raised); returns a detection when the window reaches `count` (events, or distinct
 * values when `distinct`), after which the window starts again empty. The same event
 * counted twice (a redelivered batch) is counted once.
 */
export function addHit(state: WindowState, t: number, id: string, v: string | undefined, evidence: EvidenceRef, count: number, windowMs: number, distinct: boolean): Completion | undefined {
  const h = state.h;
  // Entries are sorted by time: an event newer than the newest cannot be one of them.
  if (h.length > 0 && t <= h[h.length - 1][0] && h.some((e) => e[3] === id)) return undefined;
  // Slide first: what is out of the window of the newest hit (this one, when it is the
  // newest) is gone before this hit meets it, exactly as if the state had expired; a
  // hit older than that window has nothing to count with.
  const latest = h.length > 0 && h[h.length - 1][0] > t ? h[h.length - 1][0] : t;
  while (h.length > 0 && h[0][0] < latest - windowMs) release(h.shift()!);
  if (t < latest - windowMs) return undefined;
  if (distinct) {
    const at = h.findIndex((e) => e[1] === v);
    if (at >= 0) {
      const old = h[at];
      const [seen, , ev] = old;
      if (t <= seen) return undefined;
      removeAt(h, at);
      release(old);
      insertSorted(h, [t, v ?? null, ev, id]);
    } else {
      insertSorted(h, [t, v ?? null, null, id]);
    }
  } else {
    insertSorted(h, [t, null, null, id]);
  }
  // Keep at most `count`: the newest.
  const newest = h[h.length - 1][0];
  while (h.length > count) release(h.shift()!);
  attachEvidence(h, id, evidence);

  if (h.length < count) return undefined;
  const kept: EvidenceRef[] = [];
  for (const e of h) {
    if (e[2] !== null) kept.push(e[2]);
    release(e);
  }
  const detection: Completion = { t: newest, count: h.length, evidence: kept };
  state.h = [];
  return detection;
}

/**
 * Clears a dropped entry's evidence. A window that lives across batches is in V8's
 * old generation by then; its dropped entries stay there as garbage until the next
 * full collection, and every minor collection until then would keep the young event
 * they point to alive and promote it (measured: a third of the brute-force rules' GC).
 */
function release(entry: WindowEntry): void {
  entry[2] = null;
}

/** Windows are short (at most `count` entries) and hits mostly come in time order: no splice, whose result array is garbage. */
function insertSorted(h: WindowEntry[], entry: WindowEntry): void {
  let i = h.length;
  h.push(entry);
  while (i > 0 && h[i - 1][0] > entry[0]) {
    h[i] = h[i - 1];
    i--;
  }
  h[i] = entry;
}

function removeAt(h: WindowEntry[], at: number): void {
  for (let i = at; i < h.length - 1; i++) h[i] = h[i + 1];
  h.pop();
}

/** Gives the new hit's entry its evidence while fewer than EVIDENCE_LIMIT entries hold some. */
function attachEvidence(h: WindowEntry[], id: string, evidence: EvidenceRef): void {
  let withEvidence = 0;
  for (let i = 0; i < h.length; i++) if (h[i][2] !== null) withEvidence++;
  if (withEvidence >= EVIDENCE_LIMIT) return;
  for (let i = h.length - 1; i >= 0; i--) {
    const e = h[i];
    if (e[3] === id && e[2] === null) {
      e[2] = evidence;
      return;
    }
  }
}
