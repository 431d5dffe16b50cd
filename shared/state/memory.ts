import { StateStore, TransactOptions, TransactionResult } from './store';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * The embedded default: one process, two Maps. Expiry runs on the clock the caller
 * passes (event time in replay), so replaying old logs behaves like live ones.
 * Transactions cannot interleave (update runs synchronously), so values are handed
 * out without copying.
 */
export class MemoryStateStore implements StateStore {
  /** Values of transactions (windows, sequences, suppression): few, read by every batch. */
  private readonly entries = new Map<string, Entry>();
  /**
   * Claimed keys (value 1) by expiry: one number each rather than an entry object, as
   * they are the most numerous keys (one per alert raised, kept for days). Kept apart
   * so that the entries stay a small table: most keys a batch reads are absent, and a
   * miss in a large map costs several cache misses.
   */
  private readonly claims = new Map<string, number>();
  /**
   * First characters of the keys ever claimed (the detector claims `a:…`, the
   * dispatcher `d:…`): a key starting otherwise cannot be a claim, and a transaction
   * reading it skips the claims map.
   */
  private readonly claimedFirst = new Set<number>();
  private sweepAt = 10_000;

  async transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>, opts: TransactOptions = {}): Promise<R> {
    const earliest = Math.min(opts.earliest ?? now, now);
    const current = new Map<string, unknown>();
    for (const key of keys) {
      const e = this.entries.get(key);
      if (e !== undefined) {
        if (e.expiresAt < earliest) this.entries.delete(key);
        else current.set(key, e.value);
      } else if (this.mayBeClaimed(key)) {
        const until = this.claims.get(key);
        if (until === undefined) continue;
        if (until < earliest) this.claims.delete(key);
        else current.set(key, 1);
      }
    }
    const { writes, result, claim } = update(current);
    for (const [key, w] of writes) {
      // A write replaces a claim of its key; a deletion removes both.
      if (this.mayBeClaimed(key)) this.claims.delete(key);
      if (w === null) {
        this.entries.delete(key);
        continue;
      }
      const e = this.entries.get(key);
      if (e === undefined) this.entries.set(key, { value: w.value, expiresAt: now + w.ttlMs });
      else {
        e.value = w.value;
        e.expiresAt = now + w.ttlMs;
      }
    }
    // Nothing can interleave: the claims are part of the same step.
    const settled = claim === undefined ? result : claim.settle(this.claimNow(claim.keys, now, claim.ttlMs));
    if (this.size > this.sweepAt) this.sweep(earliest);
    return settled;
  }

  async claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]> {
    const fresh = this.claimNow(keys, now, ttlMs);
    if (this.size > this.sweepAt) this.sweep(now);
    return fresh;
  }

  private claimNow(keys: readonly string[], now: number, ttlMs: number): boolean[] {
    return keys.map((key) => {
      const e = this.entries.get(key);
      if (e !== undefined) {
        if (e.expiresAt >= now) return false;
        this.entries.delete(key);
      }
      const until = this.claims.get(key);
      if (until !== undefined && until >= now) return false;
      this.claimedFirst.add(key.charCodeAt(0));
      this.claims.set(key, now + ttlMs);
      return true;
    });
  }

  /** Number of live keys (for tests and the bench's memory figures). */
  get size(): number {
    return this.entries.size + this.claims.size;
  }

  private mayBeClaimed(key: string): boolean {
    return this.claimedFirst.has(key.charCodeAt(0));
  }

  private sweep(now: number): void {
    for (const [key, e] of this.entries) if (e.expiresAt < now) this.entries.delete(key);
    for (const [key, until] of this.claims) if (until < now) this.claims.delete(key);
    this.sweepAt = Math.max(10_000, this.size * 2);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.claims.clear();
    this.claimedFirst.clear();
  }
}
