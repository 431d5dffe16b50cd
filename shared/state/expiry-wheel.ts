/**
 * Keys by the minute they expire in, so that what has expired by a clock is found
 * without looking at what has not. A key written again is filed again under its new
 * expiry; the caller checks each key it is handed against its current expiry.
 */
export class ExpiryWheel {
  private readonly buckets = new Map<number, string[]>();
  /** No bucket before this one holds keys. */
  private oldest = Infinity;

  constructor(private readonly bucketMs = 60_000) {}

  add(key: string, expiresAt: number): void {
    const b = Math.floor(expiresAt / this.bucketMs);
    const keys = this.buckets.get(b);
    if (keys === undefined) this.buckets.set(b, [key]);
    else keys.push(key);
    if (b < this.oldest) this.oldest = b;
  }

  /** Hands `due` every key filed under an expiry before the bucket `clock` is in, and forgets them. */
  expire(clock: number, due: (key: string) => void): void {
    const limit = Math.floor(clock / this.bucketMs);
    if (!(this.oldest < limit)) return;
    if (limit - this.oldest <= this.buckets.size) {
      for (let b = this.oldest; b < limit; b++) this.take(b, due);
    } else {
      // The clock jumped further than there are buckets (a replay of another day): look at the buckets instead.
      for (const b of [...this.buckets.keys()]) if (b < limit) this.take(b, due);
    }
    this.oldest = this.buckets.size === 0 ? Infinity : limit;
  }

  /** Keys filed (a key written n times counts n times until its buckets expire). */
  get size(): number {
    let n = 0;
    for (const keys of this.buckets.values()) n += keys.length;
    return n;
  }

  private take(b: number, due: (key: string) => void): void {
    const keys = this.buckets.get(b);
    if (keys === undefined) return;
    this.buckets.delete(b);
    for (let i = 0; i < keys.length; i++) due(keys[i]);
  }
}
