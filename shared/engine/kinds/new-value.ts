import { compileFirstValue } from '../../util/field-path';
import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EvidenceRef } from '../evidence';
import { RuleKindModule, stateText } from '../kind';

export interface NewValueSpec {
  value?: (fields: Record<string, unknown>) => unknown;
  lookbackMs: number;
  maxValues: number;
  alertOnFirstSeenGroup: boolean;
}

/** The first time a value is seen for a group within a lookback (a sign-in from an address the user never used). */
export const newValueKind: RuleKindModule<'newValue', NewValueSpec, NewValueState> = {
  kind: 'newValue',
  stateful: true,
  state: 'newValue',
  compile: (def) => ({
    value: compileFirstValue(def.newValue.field),
    lookbackMs: parseDuration(def.newValue.lookback),
    maxValues: def.newValue.maxValues ?? 500,
    alertOnFirstSeenGroup: def.newValue.alertOnFirstSeenGroup === true,
  }),
  valueOf(spec, fields) {
    const value = spec.value!(fields);
    return value === undefined || value === null || value === '' ? undefined : stateText(value);
  },
  advance(spec, stored, { events, values }, ctx) {
    let state = stored;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const r = newValueStep(state, { t: e.time, value: values[i] as string, evidence: e }, spec);
      state = r.state;
      ctx.emit(r.detection, e);
    }
    // Remembered for twice the lookback: a group back after a long absence has history, so its values count as new.
    return state === undefined ? undefined : { value: state, until: latestOf(state) + memoryOf(spec) };
  },
};

/** Values seen for a group, most recent last: `[value, last seen]`. */
export interface NewValueState {
  v: Array<[string, number]>;
  /** The latest time any value was seen (absent in older state: the last value's). */
  t?: number;
}

/** How long a group's history is remembered: twice the lookback. */
function memoryOf(spec: NewValueSpec): number {
  return spec.lookbackMs * 2;
}

function latestOf(s: NewValueState): number {
  return s.t ?? s.v[s.v.length - 1]?.[1] ?? -Infinity;
}

/**
 * A value not seen for the group within the lookback is a detection, unless the group
 * has no history at all (its first event ever), which only teaches.
 */
export function newValueStep(state: NewValueState | undefined, hit: { t: number; value: string; evidence: EvidenceRef }, spec: NewValueSpec): { state: NewValueState; detection?: Completion } {
  // History older than the kind's memory is forgotten, whether or not a store still holds it.
  const s = state !== undefined && hit.t - latestOf(state) <= memoryOf(spec) ? state : { v: [] };
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
  s.t = Math.max(s.t ?? -Infinity, hit.t);
  const alert = isNew && (!firstOfGroup || spec.alertOnFirstSeenGroup);
  return { state: s, detection: alert ? { t: hit.t, count: 1, evidence: [hit.evidence] } : undefined };
}

