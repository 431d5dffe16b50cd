import { StateStore, TransactionResult } from './store';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * The embedded default: one process, one Map. Expiry runs on the clock the caller
 * passes (event time in replay), so replaying old logs behaves like live ones.
 * Transactions cannot interleave (update runs synchronously), so values are handed
 * out without copying.
 */
export class MemoryStateStore implements StateStore {
  /**
   * Values by key, as an entry; claimed keys (value 1) as just their expiry, one number
   * each rather than an entry object, as they are the most numerous keys (one per alert
   * raised, kept for days). One map, so a key is found (or missed) in one lookup.
   */
  private readonly entries = new Map<string, Entry | number>();
  private sweepAt = 10_000;

  async transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>): Promise<R> {
    const current = new Map<string, unknown>();
    for (const key of keys) {
      const e = this.entries.get(key);
      if (e === undefined) continue;
      if (expiry(e) < now) this.entries.delete(key);
      else current.set(key, typeof e === 'number' ? 1 : e.value);
    }
    const { writes, result } = update(current);
    for (const [key, w] of writes) {
      if (w === null) {
        this.entries.delete(key);
        continue;
      }
      // A write replaces a claim of its key.
      const e = this.entries.get(key);
      if (e === undefined || typeof e === 'number') this.entries.set(key, { value: w.value, expiresAt: now + w.ttlMs });
      else {
        e.value = w.value;
        e.expiresAt = now + w.ttlMs;
      }
    }
    if (this.size > this.sweepAt) this.sweep(now);
    return result;
  }

  async claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]> {
    const fresh = keys.map((key) => {
      const e = this.entries.get(key);
      if (e !== undefined && expiry(e) >= now) return false;
      this.entries.set(key, now + ttlMs);
      return true;
    });
    if (this.size > this.sweepAt) this.sweep(now);
    return fresh;
  }

  /** Number of live keys (for tests and the bench's memory figures). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [key, e] of this.entries) if (expiry(e) < now) this.entries.delete(key);
    this.sweepAt = Math.max(10_000, this.size * 2);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

function expiry(e: Entry | number): number {
  return typeof e === 'number' ? e : e.expiresAt;
}
