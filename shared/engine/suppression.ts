import { STATE_KEYS } from '../state/keys';
import { StateWrite } from '../state/store';

interface SuppressionState {
  until: number;
  suppressed: number;
}

/**
 * At most one detection per rule and key per period; what was held back is counted
 * into the next one. Works on one transaction's copy of the state: each key is read
 * once, changed in place as detections are decided, and written back at the end.
 */
export class Suppression {
  private readonly byKey = new Map<string, SuppressionState | null>();

  constructor(private readonly current: Map<string, unknown>) {}

  /** Whether a detection at `t` is raised (the count it reports as held back) or held back (undefined). */
  decide(sk: string, t: number, period: number): number | undefined {
    let s = this.byKey.get(sk);
    if (s === undefined) {
      s = (this.current.get(sk) as SuppressionState | undefined) ?? null;
      this.byKey.set(sk, s);
    }
    // Held back within the period after the last detection raised, and, for one that
    // comes late (evaluated after a later one, from another shard), within the period
    // before it: in time order it would have been raised and the later one held back,
    // one detection either way.
    if (s !== null && t < s.until && t > s.until - 2 * period) {
      s.suppressed++;
      return undefined;
    }
    // Late, and more than a period before the last one raised: raised on its own; the
    // state stays with the later one.
    if (s !== null && t <= s.until - 2 * period) return 0;
    // The count of held-back detections is reported by the next one, for a while.
    const held = s !== null && t - s.until <= STATE_KEYS.suppression.heldCountTtlMs ? s.suppressed : 0;
    if (s === null) this.byKey.set(sk, { until: t + period, suppressed: 0 });
    else {
      s.until = t + period;
      s.suppressed = 0;
    }
    return held;
  }

  /** Holds back a detection at `t` for another reason (a silence): counted into the next one raised. */
  holdBack(sk: string, t: number): void {
    const s = this.load(sk);
    if (s === null) this.byKey.set(sk, { until: t, suppressed: 1 });
    else s.suppressed++;
  }

  /** For a rule without a suppression period: the count held back (by silences) that this detection reports, reset. */
  takeHeld(sk: string, t: number): number {
    const s = this.load(sk);
    if (s === null || s.suppressed === 0) return 0;
    const held = t - s.until <= STATE_KEYS.suppression.heldCountTtlMs ? s.suppressed : 0;
    s.suppressed = 0;
    s.until = t;
    return held;
  }

  private load(sk: string): SuppressionState | null {
    let s = this.byKey.get(sk);
    if (s === undefined) {
      s = (this.current.get(sk) as SuppressionState | undefined) ?? null;
      this.byKey.set(sk, s);
    }
    return s;
  }

  /** Until when detections of a key are held back (read only: an unchanged state is not written back). */
  until(sk: string): number {
    const s = this.byKey.has(sk) ? this.byKey.get(sk) : (this.current.get(sk) as SuppressionState | undefined);
    return s?.until ?? -Infinity;
  }

  /** The changed states, as writes of the transaction (`ttl` of state that matters until an event time). */
  write(writes: Map<string, StateWrite | null>, ttl: (until: number) => number): void {
    for (const [sk, s] of this.byKey) {
      // Held-back detections are reported by the next one, so their count outlives the period.
      if (s !== null) writes.set(sk, { value: s, ttlMs: ttl(s.until + (s.suppressed > 0 ? STATE_KEYS.suppression.heldCountTtlMs : 0)) });
    }
  }
}
