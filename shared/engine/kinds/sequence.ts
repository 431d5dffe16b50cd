import { Predicate } from '../../rules/condition';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EvidenceRef, keptEvidence } from '../evidence';
import { RuleKindModule } from '../kind';
import { admit, insertByTime, release } from './timed-entries';

/**
 * Ordered steps joined on the group key within a sliding window of event time (a
 * failed-auth burst, then a successful login from the same address): an event of the
 * last step completes the sequence when, in the window that ends with it, the earlier
 * steps' events came before it in step order. Plain JSON-able state per group,
 * bounded in size.
 */
export interface SequenceSpec {
  windowMs: number;
  steps: Array<{ name: string; count: number; matches?: Predicate }>;
  /** Events a detection counts: the steps' counts added up. */
  events: number;
}

export const sequenceKind: RuleKindModule<'sequence', SequenceSpec, SequenceState> = {
  kind: 'sequence',
  stateful: true,
  state: 'sequence',
  compile: (def, rule) => {
    const steps = def.sequence.steps.map((step, i) => ({ name: step.name, count: step.count ?? 1, matches: rule.predicate(`/sequence/steps/${i}/condition`) }));
    return { windowMs: parseDuration(def.sequence.window), steps, events: steps.reduce((n, s) => n + s.count, 0) };
  },
  valueOf(spec, fields) {
    // A bit mask: bit i set when the event matches step i.
    let steps = 0;
    for (let i = 0; i < spec.steps.length; i++) if (spec.steps[i].matches!(fields)) steps |= 1 << i;
    return steps === 0 ? undefined : steps;
  },
  advance(spec, stored, { events, values }, ctx) {
    // State of the earlier, step-counting shape (no `h`) is read as empty.
    const state = stored !== undefined && Array.isArray(stored.h) ? stored : emptySequence();
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      ctx.emit(sequenceStep(state, e.time, e.id, values[i] as number, e, spec), e);
    }
    if (state.h.length === 0) return stored === undefined ? undefined : null;
    // An event completes a sequence within windowMs of it: evidence of one that can
    // only complete inside the suppression period would never be shown.
    // In time order, only the newest `events` entries can be in the next detection;
    // older ones are kept for a late event to join, without evidence (kept, every
    // failure of a long burst would be).
    const until = ctx.suppressedUntil();
    const shown = state.h.length - spec.events;
    // Kept past the batch, evidence is kept as its line (see LineEvidence).
    for (let i = 0; i < state.h.length; i++) {
      const entry = state.h[i];
      const ev = entry[2];
      if (ev !== null) entry[2] = i < shown || entry[0] + spec.windowMs < until ? null : keptEvidence(ev);
    }
    return { value: state, until: state.h[state.h.length - 1][0] + spec.windowMs };
  },
};

/** A step event as state keeps it: `[time, steps mask, evidence or null, event id]`. */
export type SequenceEntry = [number, number, EvidenceRef | null, string];

export interface SequenceState {
  /** The group's recent step events, in time order. */
  h: SequenceEntry[];
  /** Time of the latest detection: events up to it are spent. */
  done?: number;
}

export function emptySequence(): SequenceState {
  return { h: [] };
}

/**
 * Adds one event matching the steps in `steps` (a bit mask: bit i set when the event
 * matches step i); returns a detection when an event of the last step has, within the
 * window ending with it, the earlier steps' events before it in order. The events of a
 * detection and everything before it are spent. The same event twice (a redelivered
 * batch) is counted once.
 *
 * Events mostly arrive in time order; one may also arrive late (another SLS shard's
 * batch): the group remembers its step events up to the late-data allowance behind
 * the window, so a late failure still completes the sequence of the success that came
 * before it, at the success's time, as in time order.
 */
export function sequenceStep(state: SequenceState, t: number, id: string, steps: number, evidence: EvidenceRef, spec: SequenceSpec): Completion | undefined {
  const h = state.h;
  if (state.done !== undefined && t <= state.done) return undefined;
  if (!admit(h, t, id, spec.windowMs)) return undefined;
  const at = insertByTime(h, [t, steps, evidence, id]);

  // The new event may complete the sequence itself or, if it came late, one of the
  // last-step events after it: the earliest one that now completes is the detection.
  const last = 1 << (spec.steps.length - 1);
  for (let j = at; j < h.length; j++) {
    if ((h[j][1] & last) === 0) continue;
    const chain = chainEndingAt(h, j, spec);
    if (chain === undefined) continue;
    const detection = completion(h, chain, j);
    state.done = h[j][0];
    for (let i = 0; i <= j; i++) release(h[i]);
    state.h = j === h.length - 1 ? [] : h.slice(j + 1);
    return detection;
  }
  // What no window can still complete is as many again as a sequence needs.
  while (h.length > 2 * spec.events) release(h.shift()!);
  return undefined;
}

/**
 * The indices of the events that complete the sequence with the event at `end` (of
 * the last step), latest first, or undefined. Going back from it, each step takes the
 * latest events that match it before the next step's: the latest choice fits the
 * window whenever any does.
 */
function chainEndingAt(h: SequenceEntry[], end: number, spec: SequenceSpec): number[] | undefined {
  const from = h[end][0] - spec.windowMs;
  const chain = [end];
  let i = end - 1;
  for (let step = spec.steps.length - 1; step >= 0; step--) {
    let need = spec.steps[step].count - (step === spec.steps.length - 1 ? 1 : 0);
    const bit = 1 << step;
    for (; need > 0 && i >= 0 && h[i][0] >= from; i--) {
      if ((h[i][1] & bit) !== 0) {
        chain.push(i);
        need--;
      }
    }
    if (need > 0) return undefined;
  }
  return chain;
}

/**
 * The detection of a chain: its events' count, and evidence for a reader: the first
 * event, the last one before the completing event, and the completing event.
 */
function completion(h: SequenceEntry[], chain: number[], end: number): Completion {
  const evidence: EvidenceRef[] = [];
  // `chain` is latest first: chain[0] completes, chain[1] is the last earlier step, the last is the first.
  for (const k of chain.length > 2 ? [chain.length - 1, 1, 0] : chain.length === 2 ? [1, 0] : [0]) {
    const ref = h[chain[k]][2];
    if (ref !== null) evidence.push(ref);
  }
  return { t: h[end][0], count: chain.length, evidence };
}
