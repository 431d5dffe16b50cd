/**
 * Shared state for stateful rules, suppression, deduplication and incidents.
 *
 * The one primitive is an atomic read-modify-write over a set of keys in one
 * partition (see partitionOf); a batch of events makes one per partition it touches,
 * whatever its size, and concurrent evaluators of the same keys serialize on it.
 * The Redis implementation reads the keys, runs `update`, and commits with a script
 * that first checks that nothing it read has changed; when another writer got there
 * first, it runs `update` again on the fresh values: so `update` must depend on
 * nothing but its input.
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
  /**
   * Keys to claim (set if absent, for `ttlMs`) in the same atomic step as the writes,
   * so that a crash can never keep one without the other. The transaction's result is
   * then `settle(fresh)`, `fresh[i]` telling whether this transaction set `keys[i]`.
   */
  claim?: { keys: string[]; ttlMs: number; settle(fresh: boolean[]): R };
}

export interface TransactOptions {
  /**
   * The earliest event time the update will evaluate (default `now`): a value is read as
   * expired only if it expired before it, so an entry that the batch's earliest events
   * still need is never dropped because a later event of the same batch came after its
   * expiry. Results then do not depend on where batch boundaries fall.
   */
  earliest?: number;
}

/** One atomic read-modify-write: the keys it reads or writes, and the update. */
export interface Transaction<R> {
  keys: readonly string[];
  update: (current: Map<string, unknown>) => TransactionResult<R>;
}

export interface StateStore {
  /**
   * @param keys every key `update` may read or write
   * @param now  the clock of the batch (event time, in replay), for expiry
   * @param update receives the current value of each present key (its own copy: it
   *   may change them in place and write them back)
   */
  transact<R>(keys: readonly string[], now: number, update: (current: Map<string, unknown>) => TransactionResult<R>, opts?: TransactOptions): Promise<R>;
  /**
   * Independent transactions (of different partitions), each atomic on its own, run
   * together: Redis reads them all in one round trip and commits them all in another,
   * and runs again only those another writer got to first.
   */
  transactAll<R>(transactions: ReadonlyArray<Transaction<R>>, now: number, opts?: TransactOptions): Promise<R[]>;
  /**
   * The partition of a hash tag (see taggedKey): one transaction's keys must all be in
   * one partition. A Redis hash slot (a Redis Cluster, or a Tair cluster behind its
   * proxy, runs a transaction only on keys of one slot); the memory store has one.
   */
  partitionOf(tag: string): number;
  /** A hash tag in `partition`, for keys a partition's transaction keeps of its own (a batch's marker). */
  partitionTag(partition: number): string;
  /**
   * Sets each key that does not exist yet (for `ttlMs` after `now`), atomically per
   * key, in one round trip; tells for each key whether this call set it. Used for
   * deduplication: the first claimant of an alert id is the one that raises it.
   */
  claim(keys: readonly string[], now: number, ttlMs: number): Promise<boolean[]>;
  /** One key's value as it is now (wall clock), in one round trip, outside any transaction. */
  read(key: string, now: number): Promise<unknown>;
  close(): Promise<void>;
}
