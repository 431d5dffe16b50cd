/**
 * Shared state for stateful rules, suppression, deduplication and incidents.
 *
 * The one primitive is an atomic read-modify-write over a set of keys, called once
 * per batch of events: one transaction per batch, whatever its size, and concurrent
 * evaluators of the same keys serialize on it.
 * A Redis implementation does WATCH + MGET, runs `update`, then MULTI/SET PX/EXEC, and
 * runs `update` again on the fresh values when another writer got there first: so
 * `update` must depend on nothing but its input.
 */
export interface StateWrite {
  value: unknown;
  /** How long the value stays relevant after `now`, in milliseconds. */
  ttlMs: number;
}

export interface TransactionResult<R> {
  /** New values per key; `null` deletes. Keys not mentioned are left as they are. */
  writes: Map<string, StateWrite | null>;
  result: R;
}

export interface StateStore {
  /**
   * @param keys every key `update` may read or write
   * @param now  the clock of the batch (event time, in replay), for expiry
   * @param update receives the current value of each present key (its own copy: it
   *   may change them in place and write them back)
   */
  transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>): Promise<R>;
  /**
   * Sets each key that does not exist yet (for `ttlMs` after `now`), atomically per
   * key, in one round trip; tells for each key whether this call set it. Used for
   * deduplication: the first claimant of an alert id is the one that raises it.
   */
  claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]>;
  close(): Promise<void>;
}
