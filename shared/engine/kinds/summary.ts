import { compileFirstValue } from '../../util/field-path';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EvidenceRef, asEvidence } from '../evidence';
import { LATE_DATA_ALLOWANCE_MS, RuleKindModule, stateText } from '../kind';

/**
 * Audit summaries: a group's events (a host and user's SSH logins, their sudo
 * commands) are counted in periods of event time aligned to the clock (an hour from
 * :00, a day from 00:00 UTC) and raised once per period, with the count, the first
 * and last events, and the distinct values of a field (source addresses, commands).
 *
 * A period is raised when the event time of its stream (the watermark: the latest
 * event of the same family of sources, see kind.ts) has passed its end by the
 * late-data allowance, and by a replay on the memory store at the end of its input.
 * An event whose period was due before it arrived (the watermark had passed it) is
 * late and counted nowhere: so what a period counts depends on the events and their
 * order, never on batching.
 */
export interface SummarySpec {
  periodMs: number;
  /** The distinct-value field's (first) value of an event. */
  distinct?: (fields: Record<string, unknown>) => unknown;
  maxValues: number;
}

/** One period of a group: start, count, distinct values (and whether there were more), first and last events. */
export interface SummaryWindow {
  s: number;
  n: number;
  v: string[];
  more?: true;
  /** First and last events: time and evidence. */
  ft: number;
  f: EvidenceRef | null;
  lt: number;
  l: EvidenceRef | null;
}

export interface SummaryState {
  w: SummaryWindow[];
}

/** How long a group's open periods are kept for a watermark that stalls (a quiet stream): far beyond any period. */
const KEEP_OPEN_MS = 7 * 86_400_000;

const dueOf = (w: SummaryWindow, spec: SummarySpec) => w.s + spec.periodMs + LATE_DATA_ALLOWANCE_MS;

export const summaryKind: RuleKindModule<'summary', SummarySpec, SummaryState> = {
  kind: 'summary',
  stateful: true,
  state: 'summary',
  compile: (def) => ({
    periodMs: parseDuration(def.summary.period),
    distinct: def.summary.distinct === undefined ? undefined : compileFirstValue(def.summary.distinct),
    maxValues: def.summary.maxValues ?? 20,
  }),
  valueOf(spec, fields) {
    if (spec.distinct === undefined) return null;
    const v = spec.distinct(fields);
    return v === undefined || v === null || v === '' ? null : stateText(v);
  },
  dueAt: (spec, state) => (state.w.length === 0 ? undefined : dueOf(state.w[0], spec)),
  advance(spec, stored, { events, values, marks }, ctx) {
    const state: SummaryState = stored !== undefined && Array.isArray(stored.w) ? stored : { w: [] };
    const before = ctx.watermark();
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const s = e.time - (((e.time % spec.periodMs) + spec.periodMs) % spec.periodMs);
      // Late: its period was due before the event arrived (raised already, or about to be).
      if (s + spec.periodMs + LATE_DATA_ALLOWANCE_MS <= Math.max(before, marks?.[i] ?? -Infinity)) continue;
      let w = state.w.find((x) => x.s === s);
      if (w === undefined) {
        w = { s, n: 0, v: [], ft: e.time, f: null, lt: e.time, l: null };
        state.w.push(w);
        state.w.sort((a, b) => a.s - b.s);
      }
      w.n++;
      if (w.f === null || e.time < w.ft) {
        w.ft = e.time;
        w.f = e;
      }
      if (w.l === null || e.time >= w.lt) {
        w.lt = e.time;
        w.l = e;
      }
      const v = values[i];
      if (typeof v === 'string' && !w.v.includes(v)) {
        if (w.v.length < spec.maxValues) w.v.push(v);
        else w.more = true;
      }
    }
    // Periods due by the watermark after this batch are raised, oldest first.
    const after = ctx.watermarkAfter();
    while (state.w.length > 0 && dueOf(state.w[0], spec) <= after) {
      const w = state.w.shift()!;
      const evidence = [w.f, w.l].filter((x): x is EvidenceRef => x !== null);
      if (evidence.length === 2 && asEvidence(evidence[0]).id === asEvidence(evidence[1]).id) evidence.pop();
      const completion: Completion = { t: w.lt, count: w.n, evidence, summary: { from: w.s, to: w.s + spec.periodMs, values: w.v, more: w.more === true } };
      ctx.emit(completion);
    }
    if (state.w.length === 0) return stored === undefined ? undefined : null;
    return { value: state, until: dueOf(state.w[state.w.length - 1], spec) + KEEP_OPEN_MS };
  },
};
