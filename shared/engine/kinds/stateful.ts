import { EVIDENCE_LIMIT, EvidenceRef } from '../../alerts/alert';
import { Detection } from './threshold';

/**
 * State machines of the sequence, new-value and dormancy rule kinds. Like the
 * threshold windows, each keeps plain JSON-able state per group, bounded in size,
 * and advances on event time.
 */

export interface SequenceSpec {
  windowMs: number;
  steps: Array<{ name: string; count: number }>;
}

/** Where a group is in its sequence. */
export interface SequenceState {
  /** Index of the step being waited for. */
  stage: number;
  /** Time of the first event of step 0. */
  start: number;
  /** Events counted toward the current step. */
  n: number;
  /** Events counted in all steps so far. */
  total: number;
  ev: EvidenceRef[];
  /** Recent event ids, so an event delivered twice is counted once. */
  ids: string[];
  /** The latest time among `ids`: an event after it cannot be one of them (absent in older state). */
  tmax?: number;
}

export function emptySequence(): SequenceState {
  return { stage: 0, start: 0, n: 0, total: 0, ev: [], ids: [] };
}

/**
 * Advances a group's sequence with one event matching the steps in `steps` (a bit
 * mask: bit i set when the event matches step i).
 * Steps are ordered: an event only counts for the step being waited for. When the
 * window since the first step's first event has passed, the group starts again (and
 * this event may begin a new sequence). Completing the last step is a detection.
 */
export function sequenceStep(state: SequenceState, t: number, id: string, steps: number, evidence: EvidenceRef, spec: SequenceSpec): Detection | undefined {
  // Logs mostly arrive in time order, so most events are newer than every id kept
  // and need no search (state written without tmax: always search).
  const tmax = state.tmax ?? (state.ids.length > 0 ? Number.MAX_SAFE_INTEGER : -Infinity);
  if (t <= tmax && state.ids.includes(id)) return undefined;
  state.ids.push(id);
  if (state.ids.length > 20) state.ids.shift();
  state.tmax = Math.max(tmax, t);
  if (state.stage > 0 || state.n > 0) {
    if (t - state.start > spec.windowMs) restart(state);
  }
  if (((steps >>> state.stage) & 1) === 0) return undefined;
  if (state.stage === 0 && state.n === 0) state.start = t;
  state.n++;
  state.total++;
  // Keep the first events, leaving the last place to an event of the last step: the
  // one that completes the sequence is always shown (one more kept before it would only
  // be given up for it, after being copied out of its batch).
  if (((steps >>> (spec.steps.length - 1)) & 1) === 1) {
    if (state.ev.length >= EVIDENCE_LIMIT) state.ev.pop();
    state.ev.push(evidence);
  } else if (state.ev.length < EVIDENCE_LIMIT - 1) {
    state.ev.push(evidence);
  }
  if (state.n < spec.steps[state.stage].count) return undefined;
  state.stage++;
  state.n = 0;
  if (state.stage < spec.steps.length) return undefined;
  const detection: Detection = { t, count: state.total, evidence: state.ev.slice() };
  restart(state);
  return detection;
}

/**
 * Back to waiting for the first step, remembering the ids seen. The evidence array is
 * emptied in place rather than replaced: a state that has lived across batches is in
 * V8's old generation, and a dropped array of it would keep the young events it points
 * to alive through every minor collection until the next full one.
 */
function restart(state: SequenceState): void {
  state.stage = 0;
  state.start = 0;
  state.n = 0;
  state.total = 0;
  state.ev.length = 0;
}

export interface NewValueSpec {
  lookbackMs: number;
  maxValues: number;
  alertOnFirstSeenGroup: boolean;
}

/** Values seen for a group, most recent last: `[value, last seen]`. */
export interface NewValueState {
  v: Array<[string, number]>;
}

/**
 * A value not seen for the group within the lookback is a detection, unless the group
 * has no history at all (its first event ever), which only teaches.
 */
export function newValueStep(state: NewValueState | undefined, hit: { t: number; value: string; evidence: EvidenceRef }, spec: NewValueSpec): { state: NewValueState; detection?: Detection } {
  const s = state ?? { v: [] };
  const firstOfGroup = s.v.length === 0;
  const at = s.v.findIndex((e) => e[0] === hit.value);
  let isNew: boolean;
  if (at >= 0) {
    const last = s.v[at][1];
    isNew = hit.t - last > spec.lookbackMs;
    s.v.splice(at, 1);
    s.v.push([hit.value, Math.max(last, hit.t)]);
  } else {
    isNew = true;
    s.v.push([hit.value, hit.t]);
    if (s.v.length > spec.maxValues) s.v.shift();
  }
  const alert = isNew && (!firstOfGroup || spec.alertOnFirstSeenGroup);
  return { state: s, detection: alert ? { t: hit.t, count: 1, evidence: [hit.evidence] } : undefined };
}

/** When a group was last active. */
export interface DormancyState {
  last: number;
}

/** Activity after at least `afterMs` of silence is a detection; the count is the days of silence. */
export function dormancyStep(state: DormancyState | undefined, hit: { t: number; evidence: EvidenceRef }, afterMs: number): { state: DormancyState; detection?: Detection } {
  if (state === undefined) return { state: { last: hit.t } };
  const silent = hit.t - state.last;
  const next = { last: Math.max(state.last, hit.t) };
  if (silent < afterMs) return { state: next };
  return { state: next, detection: { t: hit.t, count: Math.floor(silent / 86_400_000), evidence: [hit.evidence] } };
}
