import { redact } from '../util/redact';

/**
 * A delivery failure; `retryable` says whether trying again can help. Its message is
 * redacted as it is made (URLs' user parts and query values, secret-named values), so
 * no delivery error can carry a token into a dead letter or an invocation error.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(redact(message));
    this.name = 'DeliveryError';
  }
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `fn` until it succeeds, a failure is not retryable, or the attempts are spent;
 * waits between attempts with exponential backoff and full jitter, so retries of many
 * instances do not arrive together.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: unknown;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      last = e;
      if (e instanceof DeliveryError && !e.retryable) throw e;
      if (attempt === o.attempts) break;
      const cap = Math.min(o.maxDelayMs ?? 30_000, o.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
  throw last instanceof DeliveryError ? last : new DeliveryError(String((last as Error)?.message ?? last), true);
}
