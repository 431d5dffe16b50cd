import { randomBytes } from 'node:crypto';
import { DAY_MS, STATE_KEYS, stateKey } from '../state/keys';
import { StateStore } from '../state/store';

/**
 * Silences: a person holds back a rule's alerts (for one key, or all of them) for a
 * while, with who and why: `secmon silence add RULE [KEY] --for 2h --reason TEXT`.
 * They live in the StateStore under one key, so a silence set from the CLI against
 * Redis holds in Function Compute too. A silence covers detections whose event time
 * falls between its start and its end; what it holds back is counted into the next
 * alert of that rule and key, as suppression does.
 */
export interface Silence {
  id: string;
  rule: string;
  /** One alert key (`web-01|deploy`); absent: every key of the rule. */
  key?: string;
  from: number;
  until: number;
  by: string;
  reason: string;
  /** When it was set (wall clock): a silence of a past window (for a replay of old logs) is kept a day from then. */
  created: number;
}

const KEY = () => stateKey('silences');
/** Kept a while after its end, for `list` to show what just ended. */
const KEPT_AFTER_MS = DAY_MS;

export class Silences {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  async add(s: Omit<Silence, 'id' | 'from' | 'created'> & { from?: number }): Promise<Silence> {
    const silence: Silence = { id: `SIL-${randomBytes(4).toString('hex').toUpperCase()}`, ...s, from: s.from ?? this.now(), created: this.now() };
    await this.change((all) => [...all, silence]);
    return silence;
  }

  async remove(id: string): Promise<boolean> {
    let found = false;
    await this.change((all) => all.filter((s) => (s.id === id ? ((found = true), false) : true)));
    return found;
  }

  /** Every silence not ended more than a day ago, soonest end first. */
  async list(): Promise<Silence[]> {
    const now = this.now();
    const all = ((await this.store.read(KEY(), now)) as Silence[] | undefined) ?? [];
    return all.filter((s) => kept(s, now)).sort((a, b) => a.until - b.until);
  }

  private async change(edit: (all: Silence[]) => Silence[]): Promise<void> {
    const now = this.now();
    await this.store.transact([KEY()], now, (cur) => {
      const left = edit(((cur.get(KEY()) as Silence[] | undefined) ?? []).filter((s) => kept(s, now)));
      const last = Math.max(now, ...left.map((s) => Math.max(s.until, s.created)));
      // Held-back counts are reported by the next alert for a week, like suppression's.
      return { writes: new Map([[KEY(), left.length === 0 ? null : { value: left, ttlMs: last - now + KEPT_AFTER_MS + STATE_KEYS.suppression.heldCountTtlMs }]]), result: undefined };
    });
  }
}

/** Kept while it runs, and a day after it ended or was set, whichever is later. */
function kept(s: Silence, now: number): boolean {
  return Math.max(s.until, s.created ?? 0) + KEPT_AFTER_MS > now;
}

/** Whether a silence holds back a detection of `rule` and `key` at event time `t`. */
export function silenced(silences: readonly Silence[], rule: string, key: string, t: number): boolean {
  for (const s of silences) if (s.rule === rule && (s.key === undefined || s.key === key) && t >= s.from && t < s.until) return true;
  return false;
}
