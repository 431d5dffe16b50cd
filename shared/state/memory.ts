import { StateStore, TransactOptions, Transaction, TransactionResult } from './store';
import { ExpiryWheel } from './expiry-wheel';
import { LATE_DATA_ALLOWANCE_MS } from './keys';

interface Entry {
  value: unknown;
  expiresAt: number;
  /** Written by a transaction on event time (detection) rather than the wall clock (delivery, incidents). */
  eventTime: boolean;
}

/**
 * The embedded default: one process, a few Maps. Expiry runs on the clock the caller
 * passes: event time for detection (transactions given `earliest`), so replaying old
 * logs behaves like live ones, and the wall clock for delivery and incidents. Each
 * entry remembers which clock wrote it, and the sweep judges it by that clock only:
 * a delivery call days of wall time after the replayed events never drops their windows.
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
  /** Claims made on event time (the detector's alert ids, inside its transactions). */
  private readonly eventClaims = new Map<string, number>();
  /** The latest time each clock has reached, for the sweep. */
  private eventClock = -Infinity;
  private wallClock = -Infinity;
  /**
   * First characters of the keys ever claimed (the detector claims `a:…`, the
   * dispatcher `d:…`): a key starting otherwise cannot be a claim, and a transaction
   * reading it skips the claims map.
   */
  private readonly claimedFirst = new Set<number>();
  private sweepAt = 10_000;
  /**
   * Entries written on event time, by when they expire: each is dropped once a batch
   * starts a late-data allowance past its expiry, rather than at the next sweep. A
   * window's state and the events it keeps as evidence then die young, where kept
   * until a sweep (tens of thousands of events later) V8 would first copy them into
   * its old generation. No later batch can need them: one that starts before their
   * expiry would have an event more than the allowance late. The batch's own start is
   * the clock, not the latest time seen: files replayed out of order (last week's after
   * today's) keep their state.
   */
  private readonly eventExpiry = new ExpiryWheel();

  async transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>, opts: TransactOptions = {}): Promise<R> {
    return this.transactNow(keys, now, update, opts);
  }

  async transactAll<R>(transactions: ReadonlyArray<Transaction<R>>, now: number, opts: TransactOptions = {}): Promise<R[]> {
    const results: R[] = [];
    for (const t of transactions) results.push(this.transactNow(t.keys, now, t.update, opts));
    return results;
  }

  /**
   * A transaction, synchronously: the async methods are thin wrappers, so that this,
   * the part run for every batch, is compiled as a plain function.
   */
  private transactNow<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>, opts: TransactOptions): R {
    const eventTime = opts.earliest !== undefined;
    const earliest = Math.min(opts.earliest ?? now, now);
    if (eventTime) this.eventClock = Math.max(this.eventClock, earliest);
    else this.wallClock = Math.max(this.wallClock, now);
    const current = new Map<string, unknown>();
    for (const key of keys) this.readInto(current, key, earliest);
    const { writes, result, claim } = update(current);
    for (const [key, w] of writes) {
      // A write replaces a claim of its key; a deletion removes both.
      if (this.mayBeClaimed(key)) this.unclaim(key);
      if (w === null) {
        this.entries.delete(key);
        continue;
      }
      const e = this.entries.get(key);
      const expiresAt = now + w.ttlMs;
      if (e === undefined) this.entries.set(key, { value: w.value, expiresAt, eventTime });
      else {
        e.value = w.value;
        e.expiresAt = expiresAt;
        e.eventTime = eventTime;
      }
      if (eventTime) this.eventExpiry.add(key, expiresAt);
    }
    if (eventTime) {
      const before = earliest - LATE_DATA_ALLOWANCE_MS;
      this.eventExpiry.expire(before, (key) => this.dropIfExpired(key, before));
    }
    // Nothing can interleave: the claims are part of the same step.
    const settled = claim === undefined ? result : claim.settle(this.claimNow(claim.keys, now, claim.ttlMs, eventTime));
    if (this.size > this.sweepAt) this.sweep();
    return settled;
  }

  /** One process: every key in one partition, any transaction may span them all. */
  partitionOf(): number {
    return 0;
  }

  partitionTag(): string {
    return 'p';
  }

  /** Puts a key's live value (or 1 for a claim) into `current`; drops it when it expired before `earliest`. */
  private readInto(current: Map<string, unknown>, key: string, earliest: number): void {
    const e = this.entries.get(key);
    if (e !== undefined) {
      if (e.expiresAt < earliest) this.entries.delete(key);
      else current.set(key, e.value);
    } else if (this.mayBeClaimed(key)) {
      const until = this.claimedUntil(key);
      if (until === undefined) return;
      if (until < earliest) this.unclaim(key);
      else current.set(key, 1);
    }
  }

  async read(key: string, now: number): Promise<unknown> {
    const e = this.entries.get(key);
    return e !== undefined && e.expiresAt >= now ? e.value : undefined;
  }

  /** Claims on the caller's clock, outside a detection transaction: the wall clock (delivery). */
  async claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]> {
    this.wallClock = Math.max(this.wallClock, now);
    const fresh = this.claimNow(keys, now, ttlMs, false);
    if (this.size > this.sweepAt) this.sweep();
    return fresh;
  }

  private claimNow(keys: readonly string[], now: number, ttlMs: number, eventTime: boolean): boolean[] {
    const into = eventTime ? this.eventClaims : this.claims;
    return keys.map((key) => {
      const e = this.entries.get(key);
      if (e !== undefined) {
        if (e.expiresAt >= now) return false;
        this.entries.delete(key);
      }
      const until = this.claimedUntil(key);
      if (until !== undefined && until >= now) return false;
      this.claimedFirst.add(key.charCodeAt(0));
      into.set(key, now + ttlMs);
      return true;
    });
  }

  private claimedUntil(key: string): number | undefined {
    return this.claims.get(key) ?? this.eventClaims.get(key);
  }

  private unclaim(key: string): void {
    this.claims.delete(key);
    this.eventClaims.delete(key);
  }

  /** Drops an event-time entry the wheel found due, unless it was written again since. */
  private dropIfExpired(key: string, before: number): void {
    const e = this.entries.get(key);
    if (e !== undefined && e.eventTime && e.expiresAt < before) this.entries.delete(key);
  }

  /** Number of live keys (for tests and the bench's memory figures). */
  get size(): number {
    return this.entries.size + this.claims.size + this.eventClaims.size;
  }

  private mayBeClaimed(key: string): boolean {
    return this.claimedFirst.has(key.charCodeAt(0));
  }

  /** Drops what has expired, each entry by the clock that wrote it. */
  private sweep(): void {
    for (const [key, e] of this.entries) if (e.expiresAt < (e.eventTime ? this.eventClock : this.wallClock)) this.entries.delete(key);
    for (const [key, until] of this.claims) if (until < this.wallClock) this.claims.delete(key);
    for (const [key, until] of this.eventClaims) if (until < this.eventClock) this.eventClaims.delete(key);
    this.sweepAt = Math.max(10_000, this.size * 2);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.claims.clear();
    this.eventClaims.clear();
    this.claimedFirst.clear();
  }
}
