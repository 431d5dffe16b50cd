import { createHash } from 'node:crypto';
import type { Cluster as ClusterClient, Redis as RedisClient, RedisOptions } from 'ioredis';
import { redact } from '../util/redact';
import { loadVendor } from '../util/vendor';
import { StateStore, Transaction, TransactionResult } from './store';
import { RedisAddress, parseRedisAddress } from './redis-address';

type RedisVendor = typeof import('./redis-client');

export interface RedisStoreOptions {
  /** `redis://`, `rediss://` (one endpoint: a single Redis, or a Tair cluster's proxy) or `redis-cluster://host:port,…` (Redis Cluster, Tair direct connection). */
  url: string;
  /** Kept out of the URL so that s.yaml can hold the address and the secret stays in the environment. */
  password?: string;
  keyPrefix?: string;
  /** Attempts of one transaction under contention before giving up loudly. */
  maxAttempts?: number;
  /**
   * How long a transaction waits out a failover (a connection lost, CLUSTERDOWN, a slot
   * moving) before it fails: 30 s on a cluster, where a master's replica takes over in
   * seconds; 0 on one endpoint, whose invocation fails at once and is retried.
   */
  failoverWaitMs?: number;
}

/** Thrown when the state store cannot be reached or cannot commit: the invocation must fail so the trigger retries. */
export class StateStoreError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StateStoreError';
  }
}

/**
 * The commit of one transaction, atomic on the server: it checks that every key read
 * still holds what was read (by SHA-1; '' for a key that was absent), then writes,
 * deletes and claims. -1 when a key changed (the transaction runs again on fresh
 * values); otherwise, per claimed key, 1 when this commit set it. All of its keys
 * share a hash slot, as Redis Cluster and Tair's proxy require of a script. It reads
 * no key it is not given, so a commit sent to a new master after a failover is as
 * safe as on the old one.
 *
 * KEYS: the n keys read, the w keys written, the c keys claimed.
 * ARGV: n, w, c, the claims' TTL (ms), n SHA-1s, then per written key its value and
 * TTL (an empty TTL deletes it).
 */
const COMMIT = `
local n, w, c = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, n do
  local v = redis.call('GET', KEYS[i])
  if (v and redis.sha1hex(v) or '') ~= ARGV[4 + i] then return -1 end
end
local a = 4 + n
for i = 1, w do
  local ttl = ARGV[a + 2 * i]
  if ttl == '' then redis.call('DEL', KEYS[n + i]) else redis.call('SET', KEYS[n + i], ARGV[a + 2 * i - 1], 'PX', ttl) end
end
local fresh = {}
for i = 1, c do
  fresh[i] = redis.call('SET', KEYS[n + w + i], '1', 'PX', ARGV[4], 'NX') and 1 or 0
end
return fresh
`;

/** How long connecting may take, all retries included. */
const CONNECT_DEADLINE_MS = 15_000;

type Client = (RedisClient | ClusterClient) & { secmonCommit(...args: Array<string | number>): Promise<number | number[]> };

/**
 * ApsaraDB for Redis / Tair, one endpoint or a cluster, as the shared state of
 * concurrent Function Compute instances. A transaction is optimistic: read its keys,
 * run `update`, commit with a script that checks nothing read has changed; when
 * another instance changed one, `update` runs again on the new values. Transactions
 * of different partitions (hash slots) are read together and committed together: a
 * batch costs two round trips whatever its number of events and slots (one per node
 * of a cluster, in parallel). Two instances evaluating the same burst cannot both
 * raise its alert.
 *
 * Values are JSON; every key has a TTL, so nothing grows without bound.
 */
export class RedisStateStore implements StateStore {
  /** Round trips waited for so far (a read or commit of several transactions at once is one), for the benchmark and tests. */
  roundTrips = 0;
  /** Commands sent so far. */
  commands = 0;
  /** Transactions run again because another writer changed a key they read. */
  conflicts = 0;
  private readonly prefix: string;
  private readonly maxAttempts: number;
  private readonly failoverWaitMs: number;
  private readonly slotTags: SlotTags;

  private constructor(
    private readonly client: Client,
    private readonly vendor: RedisVendor,
    readonly address: RedisAddress,
    opts: RedisStoreOptions,
  ) {
    this.prefix = opts.keyPrefix ?? 'secmon:';
    this.maxAttempts = opts.maxAttempts ?? 20;
    this.failoverWaitMs = opts.failoverWaitMs ?? (address.cluster ? 30_000 : 0);
    this.slotTags = new SlotTags(vendor.calculateSlot);
  }

  /** Connects (failing fast and loudly when Redis is unreachable). */
  static async connect(opts: RedisStoreOptions): Promise<RedisStateStore> {
    const address = parseRedisAddress(opts.url);
    if (opts.keyPrefix !== undefined && /[{}]/.test(opts.keyPrefix)) throw new StateStoreError(`the Redis key prefix "${opts.keyPrefix}" has a brace: keys place themselves in a cluster by the tag in their braces`);
    // ioredis is loaded here, not at module load, so functions that never use Redis do not pay for it.
    const vendor = loadVendor<RedisVendor>('redis-client', `${__dirname}/redis-client`);
    const password = opts.password ?? address.password;
    const nodeOptions: RedisOptions = {
      connectTimeout: 3000,
      commandTimeout: 5000,
      maxRetriesPerRequest: 1,
      ...(password ? { password } : {}),
      ...(address.username ? { username: address.username } : {}),
      ...(address.tls ? { tls: {} } : {}),
    };
    const client = (
      address.cluster
        ? new vendor.Cluster(address.nodes, {
            lazyConnect: true,
            // Not auto-pipelined: ioredis would place a script by its first argument (the
            // number of keys), not its first key. The commands still go out at once.
            redisOptions: nodeOptions,
            slotsRefreshTimeout: 3000,
            // Reconnecting to the cluster as a whole (every node lost): a few tries, then fail.
            clusterRetryStrategy: (times) => (times > 3 ? null : times * 300),
            retryDelayOnFailover: 300,
            retryDelayOnClusterDown: 300,
          })
        : // Commands of transactions sent together leave in one write.
          new vendor.Redis(address.url, { ...nodeOptions, lazyConnect: true, enableAutoPipelining: true, db: address.db, retryStrategy: (times) => (times > 3 ? null : times * 200) })
    ) as Client;
    client.defineCommand('secmonCommit', { lua: COMMIT });
    // Errors surface on the commands that fail; a refused password ends the connecting at
    // once (ioredis would retry it, then report only that the connection closed).
    let refused: Error | undefined;
    let lastError: Error | undefined;
    const refusal = new Promise<never>((_, reject) => {
      const onError = (e: Error) => {
        lastError = e;
        if (refused === undefined && /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(e.message)) {
          refused = e;
          reject(e);
        }
      };
      client.on('error', onError);
      client.on('node error', onError);
    });
    refusal.catch(() => undefined);
    // ioredis can give up on a cluster without settling connect() (a cluster with no
    // slots assigned): its end, or a deadline, ends the waiting.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      client.once('end', () => reject(new Error(lastError ? `the connection ended (${lastError.message})` : 'the connection ended before it was ready (a cluster: are its slots assigned? CLUSTER INFO)')));
      timer = setTimeout(() => reject(new Error(`not ready after ${CONNECT_DEADLINE_MS / 1000} s`)), CONNECT_DEADLINE_MS);
    });
    gaveUp.catch(() => undefined);
    try {
      await Promise.race([client.connect(), refusal, gaveUp]);
      clearTimeout(timer);
    } catch (e) {
      clearTimeout(timer);
      client.disconnect();
      const what = address.cluster ? 'Redis Cluster' : 'Redis';
      const why = refused
        ? /NOAUTH/i.test(refused.message)
          ? `${what} requires a password and none was given (NOAUTH): set SECMON_REDIS_PASSWORD (or SECMON_REDIS_PASSWORD_SECRET in the functions)`
          : `${what} refused the password (${refused.message.split(' ')[0]}): check SECMON_REDIS_PASSWORD`
        : // ioredis ends with "Connection is closed." or "None of startup nodes is available"; the socket's own error says why (ECONNREFUSED, ETIMEDOUT).
          redact(lastError && /Connection is closed|None of startup nodes/.test((e as Error).message) ? `${(e as Error).message.replace(/\.$/, '')} (${lastError.message})` : (e as Error).message, [password]);
      throw new StateStoreError(`cannot connect to ${what} at ${redactUrl(opts.url)}: ${why}`, e);
    }
    return new RedisStateStore(client, vendor, address, opts);
  }

  partitionOf(tag: string): number {
    return this.vendor.calculateSlot(tag);
  }

  partitionTag(partition: number): string {
    return this.slotTags.tagOf(partition);
  }

  /** `now` is not needed: Redis expires keys on its own clock (TTLs are relative). */
  async transact<R>(keys: readonly string[], _now: number, update: (current: Map<string, unknown>) => TransactionResult<R>): Promise<R> {
    return (await this.transactAll([{ keys, update }]))[0];
  }

  async transactAll<R>(transactions: ReadonlyArray<Transaction<R>>): Promise<R[]> {
    for (const t of transactions) this.checkOneSlot(t.keys);
    const results = new Array<R>(transactions.length);
    let pending = transactions.map((_, i) => i);
    const deadline = Date.now() + this.failoverWaitMs;
    let contended = 0;
    for (let round = 1; pending.length > 0; round++) {
      const { left, error } = await this.attempt(transactions, pending, results);
      if (error !== undefined) {
        if (!isTransient(error) || Date.now() >= deadline) {
          throw error instanceof StateStoreError ? error : new StateStoreError(`Redis state transaction failed: ${this.unavailable(error)}`, error);
        }
        // A failover under way: wait for the cluster to settle, then go on with what is left.
        await sleep(Math.min(1000, 100 * round));
      } else if (left.length > 0) {
        // Another instance changed a key read: back off a little and recompute those.
        this.conflicts += left.length;
        if (++contended >= this.maxAttempts) throw new StateStoreError(`Redis state transaction did not commit after ${this.maxAttempts} attempts (contention)`);
        await sleep(Math.random() * 5 * contended);
      }
      pending = left;
    }
    return results;
  }

  /**
   * One round of the pending transactions: all read at once, updated, and those that
   * write committed at once. Returns those to run again (a key changed, or a command
   * failed: then also the first error), having settled the others into `results`.
   */
  private async attempt<R>(transactions: ReadonlyArray<Transaction<R>>, pending: number[], results: R[]): Promise<{ left: number[]; error?: unknown }> {
    const left: number[] = [];
    let error: unknown;
    const reads = await Promise.allSettled(pending.map((i) => this.readRaw(transactions[i].keys)));
    this.roundTrips++;
    const commits: Array<{ i: number; result: R; claim: TransactionResult<R>['claim']; reply: Promise<number | number[]> }> = [];
    for (let k = 0; k < pending.length; k++) {
      const i = pending[k];
      const read = reads[k];
      if (read.status === 'rejected') {
        left.push(i);
        error ??= read.reason;
        continue;
      }
      const { keys } = transactions[i];
      const current = new Map<string, unknown>();
      const hashes: string[] = [];
      read.value.forEach((raw, j) => {
        if (raw !== null) current.set(keys[j], JSON.parse(raw));
        hashes.push(raw === null ? '' : createHash('sha1').update(raw).digest('hex'));
      });
      const { writes, result, claim } = transactions[i].update(current);
      if (writes.size === 0 && (claim === undefined || claim.keys.length === 0)) {
        results[i] = claim === undefined ? result : claim.settle([]);
        continue;
      }
      this.checkOneSlot([...keys, ...writes.keys(), ...(claim?.keys ?? [])]);
      const args: Array<string | number> = [];
      const written = [...writes];
      const claimed = claim?.keys ?? [];
      args.push(keys.length + written.length + claimed.length);
      for (const key of keys) args.push(this.prefix + key);
      for (const [key] of written) args.push(this.prefix + key);
      for (const key of claimed) args.push(this.prefix + key);
      args.push(keys.length, written.length, claimed.length, ttlOf(claim?.ttlMs ?? 1));
      args.push(...hashes);
      for (const [, w] of written) args.push(w === null ? '' : JSON.stringify(w.value), w === null ? '' : ttlOf(w.ttlMs));
      this.commands++;
      commits.push({ i, result, claim, reply: this.client.secmonCommit(...args) });
    }
    if (commits.length === 0) return { left, error };
    const replies = await Promise.allSettled(commits.map((c) => c.reply));
    this.roundTrips++;
    commits.forEach((c, k) => {
      const reply = replies[k];
      if (reply.status === 'rejected') {
        left.push(c.i);
        error ??= reply.reason;
      } else if (reply.value === -1) left.push(c.i);
      else results[c.i] = c.claim === undefined ? c.result : c.claim.settle((reply.value as number[]).map((x) => x === 1));
    });
    return { left, error };
  }

  /** The raw values of keys (null where absent), in one command. */
  private async readRaw(keys: readonly string[]): Promise<Array<string | null>> {
    if (keys.length === 0) return [];
    this.commands++;
    return this.client.mget(...keys.map((k) => this.prefix + k));
  }

  /** Why a command failed, saying so when a cluster did not recover in time. */
  private unavailable(e: unknown): string {
    const why = redact((e as Error).message);
    if (!this.address.cluster || !isTransient(e)) return why;
    return `the cluster at ${redactUrl(this.address.url)} did not serve the slot within ${this.failoverWaitMs / 1000} s (a master down and no replica taking over?): ${why}`;
  }

  /** A transaction's keys must share a hash slot, on every Redis, so that what works here works on a cluster. */
  private checkOneSlot(keys: readonly string[]): void {
    if (keys.length < 2) return;
    const slot = this.vendor.calculateSlot(this.prefix + keys[0]);
    for (let i = 1; i < keys.length; i++) {
      if (this.vendor.calculateSlot(this.prefix + keys[i]) !== slot) throw new Error(`state keys of one transaction in different hash slots: ${keys[0]} and ${keys[i]} (a key is missing its tag)`);
    }
  }

  async claim(keys: readonly string[], _now: number, ttlMs: number): Promise<boolean[]> {
    if (keys.length === 0) return [];
    return this.waitingOutFailover('claim', async () => {
      // One command per key (they may be in different slots), sent at once.
      this.commands += keys.length;
      const replies = await Promise.all(keys.map((key) => this.client.set(this.prefix + key, '1', 'PX', ttlOf(ttlMs), 'NX')));
      this.roundTrips++;
      return replies.map((r) => r === 'OK');
    });
  }

  async read(key: string): Promise<unknown> {
    const v = await this.waitingOutFailover('read', async () => {
      this.commands++;
      const got = await this.client.get(this.prefix + key);
      this.roundTrips++;
      return got;
    });
    return v === null ? undefined : JSON.parse(v);
  }

  /** Runs `step` again while a failover is under way (see failoverWaitMs); other errors, and a failover outlasting the wait, fail it. */
  private async waitingOutFailover<T>(what: string, step: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.failoverWaitMs;
    for (let round = 1; ; round++) {
      try {
        return await step();
      } catch (e) {
        if (!isTransient(e) || Date.now() >= deadline) throw new StateStoreError(`Redis ${what} failed: ${this.unavailable(e)}`, e);
        await sleep(Math.min(1000, 100 * round));
      }
    }
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** Errors of a failover or a lost connection, which a transaction waits out (when it may); others fail it at once. */
export function isTransient(e: unknown): boolean {
  const m = (e as Error)?.message ?? '';
  // Socket and client states, anywhere in the text; Redis's own error codes only as a
  // reply begins (a word such as "task" is no ASK redirection).
  return (
    /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH)\b|Connection is closed|Stream isn't writeable|Cluster redirections|refresh slots cache|None of startup nodes|Command timed out|max retries per request/i.test(m) ||
    /(^|ReplyError: )(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|MOVED|ASK)\b/.test(m)
  );
}

/**
 * For each hash slot, a short tag in it (the keys a partition keeps of its own, such
 * as a batch's marker, carry it). Found by trying short strings; made on first use.
 */
class SlotTags {
  private table?: string[];

  constructor(private readonly slotOf: (key: string) => number) {}

  tagOf(slot: number): string {
    if (this.table === undefined) {
      const table = new Array<string>(16384);
      let found = 0;
      for (let i = 0; found < 16384; i++) {
        const tag = `s${i.toString(36)}`;
        const s = this.slotOf(tag);
        if (table[s] === undefined) {
          table[s] = tag;
          found++;
        }
      }
      this.table = table;
    }
    return this.table[slot];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Redis PX argument: a whole number of milliseconds, at least 1. */
function ttlOf(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/** A connection string fit to print (shared/util/redact.ts: no user part, no query values). */
export function redactUrl(url: string): string {
  return redact(url);
}
