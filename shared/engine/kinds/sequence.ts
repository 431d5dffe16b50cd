import { Predicate } from '../../rules/condition';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EVIDENCE_LIMIT, EvidenceRef } from '../evidence';
import { RuleKindModule } from '../kind';

/**
 * Ordered steps joined on the group key within a window of event time (a failed-auth
 * burst, then a successful login from the same address). Plain JSON-able state per
 * group, bounded in size.
 */
export interface SequenceSpec {
  windowMs: number;
  steps: Array<{ name: string; count: number; matches?: Predicate }>;
}

export const sequenceKind: RuleKindModule<'sequence', SequenceSpec, SequenceState> = {
  kind: 'sequence',
  stateful: true,
  state: 'sequence',
  compile: (def, rule) => ({
    windowMs: parseDuration(def.sequence.window),
    steps: def.sequence.steps.map((step, i) => ({ name: step.name, count: step.count ?? 1, matches: rule.predicate(`/sequence/steps/${i}/condition`) })),
  }),
  valueOf(spec, fields) {
    // A bit mask: bit i set when the event matches step i.
    let steps = 0;
    for (let i = 0; i < spec.steps.length; i++) if (spec.steps[i].matches!(fields)) steps |= 1 << i;
    return steps === 0 ? undefined : steps;
  },
  advance(spec, stored, { events, values }, ctx) {
    const state = stored ?? emptySequence();
    let completed = false;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const d = sequenceStep(state, e.time, e.id, values[i] as number, e, spec);
      if (d) completed = true;
      ctx.emit(d, e);
    }
    // A group that had no state and none of whose events started the sequence (a
    // login with no failures before it, most logins) has nothing worth keeping.
    if (stored === undefined && !completed && state.stage === 0 && state.n === 0) return undefined;
    // A sequence completes within windowMs of its start: evidence of one that can only
    // complete inside the suppression period would never be shown.
    if (state.start + spec.windowMs < ctx.suppressedUntil()) state.ev.length = 0;
    for (let i = 0; i < state.ev.length; i++) state.ev[i] = ctx.detach(state.ev[i]);
    // Past the window of its start (or of the latest id it remembers) it is as good as absent.
    return { value: state, until: Math.max(state.start, state.tmax ?? state.start) + spec.windowMs };
  },
};

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
export function sequenceStep(state: SequenceState, t: number, id: string, steps: number, evidence: EvidenceRef, spec: SequenceSpec): Completion | undefined {
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
  const detection: Completion = { t, count: state.total, evidence: state.ev.slice() };
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

