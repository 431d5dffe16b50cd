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
  private readonly entries = new Map<string, Entry>();
  private sweepAt = 10_000;

  async transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>): Promise<R> {
    const current = new Map<string, unknown>();
    for (const key of keys) {
      const e = this.entries.get(key);
      if (e === undefined) continue;
      if (e.expiresAt < now) this.entries.delete(key);
      else current.set(key, e.value);
    }
    const { writes, result } = update(current);
    for (const [key, w] of writes) {
      if (w === null) this.entries.delete(key);
      else this.entries.set(key, { value: w.value, expiresAt: now + w.ttlMs });
    }
    if (this.entries.size > this.sweepAt) this.sweep(now);
    return result;
  }

  async claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]> {
    return keys.map((key) => {
      const e = this.entries.get(key);
      if (e !== undefined && e.expiresAt >= now) return false;
      this.entries.set(key, { value: 1, expiresAt: now + ttlMs });
      return true;
    });
  }

  /** Number of live keys (for tests and the bench's memory figures). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [key, e] of this.entries) if (e.expiresAt < now) this.entries.delete(key);
    this.sweepAt = Math.max(10_000, this.entries.size * 2);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
