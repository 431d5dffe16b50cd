import { parseDuration } from '../../util/duration';
import { Completion } from '../detection';
import { EvidenceRef } from '../evidence';
import { RuleKindModule } from '../kind';

export interface DormancySpec {
  afterMs: number;
}

/** When a group was last active. */
export interface DormancyState {
  last: number;
}

/**
 * How long the last activity is remembered: at least a year, and twice the silence
 * (a group silent for longer is seen as new, and raises nothing).
 */
export function memoryOf(afterMs: number): number {
  return Math.max(2 * afterMs, 366 * 86_400_000);
}

/** Activity after at least `afterMs` of silence is a detection; the count is the days of silence. */
export function dormancyStep(state: DormancyState | undefined, hit: { t: number; evidence: EvidenceRef }, afterMs: number): { state: DormancyState; detection?: Completion } {
  if (state === undefined || hit.t - state.last > memoryOf(afterMs)) return { state: { last: hit.t } };
  const silent = hit.t - state.last;
  const next = { last: Math.max(state.last, hit.t) };
  if (silent < afterMs) return { state: next };
  return { state: next, detection: { t: hit.t, count: Math.floor(silent / 86_400_000), evidence: [hit.evidence] } };
}

/** A group acts after at least `after` of silence (a login after a long time). */
export const dormancyKind: RuleKindModule<'dormancy', DormancySpec, DormancyState> = {
  kind: 'dormancy',
  stateful: true,
  state: 'dormancy',
  compile: (def) => ({ afterMs: parseDuration(def.dormancy.after) }),
  valueOf: () => null,
  advance(spec, stored, { events }, ctx) {
    let state = stored;
    for (let i = 0; i < events.length; i++) {
      const r = dormancyStep(state, { t: events[i].time, evidence: events[i] }, spec.afterMs);
      state = r.state;
      ctx.emit(r.detection, events[i]);
    }
    // Silence is only noticed while the last activity is remembered.
    return state === undefined ? undefined : { value: state, until: state.last + memoryOf(spec.afterMs) };
  },
};
