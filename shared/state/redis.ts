import { redact } from '../util/redact';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { StateStore, TransactOptions, TransactionResult } from './store';
import { loadVendor } from '../util/vendor';

export interface RedisStoreOptions {
  url: string;
  /** Kept out of the URL so that s.yaml can hold the address and the secret stays in the environment. */
  password?: string;
  keyPrefix?: string;
  /** Attempts of one transaction under contention before giving up loudly. */
  maxAttempts?: number;
}

/** Thrown when the state store cannot be reached or cannot commit: the invocation must fail so the trigger retries. */
export class StateStoreError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StateStoreError';
  }
}

/**
 * ApsaraDB for Redis / Tair as the shared state of concurrent Function Compute
 * instances. A transaction is optimistic: WATCH the keys, MGET them, run `update`,
 * then MULTI / SET PX / EXEC; when another instance changed a watched key, EXEC
 * answers null and `update` runs again on the new values. A batch therefore costs
 * three round trips whatever its number of events, and two instances evaluating the
 * same burst cannot both raise its alert.
 *
 * WATCH belongs to a connection, so transactions of one instance are serialized on
 * its single connection (FC instances that take concurrent requests share it).
 * Values are JSON; every key has a TTL, so nothing grows without bound.
 */
export class RedisStateStore implements StateStore {
  /** Round trips made so far (for the benchmark and tests). */
  roundTrips = 0;
  private readonly prefix: string;
  private readonly maxAttempts: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly redis: RedisClient,
    opts: RedisStoreOptions,
  ) {
    this.prefix = opts.keyPrefix ?? 'secmon:';
    this.maxAttempts = opts.maxAttempts ?? 20;
  }

  /** Connects (failing fast and loudly when Redis is unreachable). */
  static async connect(opts: RedisStoreOptions): Promise<RedisStateStore> {
    // ioredis is loaded here, not at module load, so functions that never use Redis do not pay for it.
    const { Redis } = loadVendor<typeof import('./redis-client')>('redis-client', `${__dirname}/redis-client`);
    const options: RedisOptions = {
      lazyConnect: true,
      connectTimeout: 3000,
      commandTimeout: 5000,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: false,
      retryStrategy: (times) => (times > 3 ? null : times * 200),
    };
    if (opts.password) options.password = opts.password;
    const redis = new Redis(opts.url, options);
    // Errors surface on the commands that fail; a refused password ends the connecting at
    // once (ioredis would retry it, then report only that the connection closed).
    let refused: Error | undefined;
    let lastError: Error | undefined;
    const refusal = new Promise<never>((_, reject) => {
      redis.on('error', (e: Error) => {
        lastError = e;
        if (refused === undefined && /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(e.message)) {
          refused = e;
          reject(e);
        }
      });
    });
    refusal.catch(() => undefined);
    try {
      await Promise.race([redis.connect(), refusal]);
    } catch (e) {
      redis.disconnect();
      const why = refused
        ? /NOAUTH/i.test(refused.message)
          ? 'Redis requires a password and none was given (NOAUTH): set SECMON_REDIS_PASSWORD (or SECMON_REDIS_PASSWORD_SECRET in the functions)'
          : `Redis refused the password (${refused.message.split(' ')[0]}): check SECMON_REDIS_PASSWORD`
        : // ioredis ends with "Connection is closed."; the socket's own error says why (ECONNREFUSED, ETIMEDOUT).
          redact(lastError && /Connection is closed/.test((e as Error).message) ? lastError.message : (e as Error).message, [opts.password]);
      throw new StateStoreError(`cannot connect to Redis at ${redactUrl(opts.url)}: ${why}`, e);
    }
    return new RedisStateStore(redis, opts);
  }

  /** `now` is not needed: Redis expires keys on its own clock (TTLs are relative). */
  transact<R>(keys: readonly string[], _now: number, update: (current: Map<string, unknown>) => TransactionResult<R>, opts: TransactOptions = {}): Promise<R> {
    const run = this.queue.then(() => this.transactNow(keys, update, opts.expand));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async transactNow<R>(keys: readonly string[], update: (current: Map<string, unknown>) => TransactionResult<R>, expand?: (current: Map<string, unknown>) => string[]): Promise<R> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = new Map<string, unknown>();
      let watched = false;
      try {
        watched = await this.watchAndRead(keys, current);
        // Keys the first ones name (the groups an index says are due), watched and read as they are.
        if (expand) {
          const asked = new Set(keys);
          watched = (await this.watchAndRead(expand(current).filter((k) => !asked.has(k)), current)) || watched;
        }
        const { writes, result, claim } = update(current);
        if (writes.size === 0 && (claim === undefined || claim.keys.length === 0)) {
          if (watched) {
            await this.redis.unwatch();
            this.roundTrips++;
          }
          return claim === undefined ? result : claim.settle([]);
        }
        // One MULTI/EXEC: the writes and the claims commit together or not at all.
        const multi = this.redis.multi();
        for (const [key, w] of writes) {
          if (w === null) multi.del(this.prefix + key);
          else multi.set(this.prefix + key, JSON.stringify(w.value), 'PX', ttlOf(w.ttlMs));
        }
        for (const key of claim?.keys ?? []) multi.set(this.prefix + key, '1', 'PX', ttlOf(claim!.ttlMs), 'NX');
        const committed = await multi.exec();
        this.roundTrips++;
        if (committed !== null) {
          const failed = committed.find(([err]) => err);
          if (failed) throw failed[0];
          if (claim === undefined) return result;
          return claim.settle(committed.slice(writes.size).map(([, reply]) => reply === 'OK'));
        }
      } catch (e) {
        await this.redis.unwatch().catch(() => undefined);
        throw e instanceof StateStoreError ? e : new StateStoreError(`Redis state transaction failed: ${(e as Error).message}`, e);
      }
      // Another instance changed a watched key: back off a little and recompute.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
    throw new StateStoreError(`Redis state transaction did not commit after ${this.maxAttempts} attempts (contention)`);
  }

  /** WATCH and MGET of keys into `current` (two round trips); whether there were any. */
  private async watchAndRead(keys: readonly string[], current: Map<string, unknown>): Promise<boolean> {
    if (keys.length === 0) return false;
    const full = keys.map((k) => this.prefix + k);
    await this.redis.watch(...full);
    this.roundTrips++;
    const values = await this.redis.mget(...full);
    this.roundTrips++;
    values.forEach((v, i) => {
      if (v !== null) current.set(keys[i], JSON.parse(v));
    });
    return true;
  }

  async claim(keys: readonly string[], _now: number, ttlMs: number): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(this.prefix + key, '1', 'PX', ttlOf(ttlMs), 'NX');
    let replies;
    try {
      replies = await pipeline.exec();
    } catch (e) {
      throw new StateStoreError(`Redis claim failed: ${(e as Error).message}`, e);
    }
    this.roundTrips++;
    return (replies ?? []).map(([err, reply]) => {
      if (err) throw new StateStoreError(`Redis claim failed: ${err.message}`, err);
      return reply === 'OK';
    });
  }

  async read(key: string): Promise<unknown> {
    let v: string | null;
    try {
      v = await this.redis.get(this.prefix + key);
    } catch (e) {
      throw new StateStoreError(`Redis read failed: ${(e as Error).message}`, e);
    }
    this.roundTrips++;
    return v === null ? undefined : JSON.parse(v);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Redis PX argument: a whole number of milliseconds, at least 1. */
function ttlOf(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/** A Redis URL without its password, for messages. */
/** A connection string fit to print (shared/util/redact.ts: no user part, no query values). */
export function redactUrl(url: string): string {
  return redact(url);
}
