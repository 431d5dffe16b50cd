/**
 * How the posture scan calls cloud APIs: throttling answered with retries and
 * backoff, a refused permission turned into a problem the scan reports (which API,
 * which RAM action to grant) instead of an error that ends it, and a bound on the
 * calls in flight.
 */

/** Something the scan could not read. */
export interface ScanProblem {
  /** The check that needed it. */
  check: string;
  /** The API, as `Product.Action` (`Ram.ListAccessKeys`). */
  api: string;
  /** The RAM action to grant (`ram:ListAccessKeys`). */
  permission: string;
  /** What the API answered. */
  message: string;
}

/** An API refused the caller's permission: the check that met it stops, the others go on. */
export class PermissionDenied extends Error {
  constructor(
    readonly api: string,
    readonly permission: string,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${api}: ${code}: ${detail} (grant ${permission})`);
    this.name = 'PermissionDenied';
  }
}

/** Any other failure of an API call (after its retries), named by API and error code. */
export class ApiError extends Error {
  constructor(
    readonly api: string,
    readonly permission: string,
    readonly code: string,
    readonly detail: string,
    readonly status: number | undefined,
    override readonly cause: unknown,
  ) {
    super(`${api}: ${code || 'error'}: ${detail}`);
    this.name = 'ApiError';
  }

  /** The resource asked about no longer exists (deleted between a list and a read of it). */
  get gone(): boolean {
    return GONE.test(this.code);
  }

  /** The product has no endpoint, or does not run, in the region asked. */
  get regionUnavailable(): boolean {
    return REGION_UNAVAILABLE.test(this.code) || /ENOTFOUND|EAI_AGAIN/.test(this.detail);
  }
}

/** Codes of a resource that is not there (`EntityNotExist.User`, `Forbidden.KeyNotFound`, `NoSuchBucket`). */
const GONE = /NotExist|NotFound|NoSuch/i;
/** Codes of a region the product does not serve. */
const REGION_UNAVAILABLE = /InvalidRegion|RegionNotSupport|UnsupportedRegion|Region\.NotOpen/i;

/** Error codes Alibaba Cloud APIs answer when the caller's RAM policy does not allow the action. */
const DENIED = /^(NoPermission|Forbidden(\..*)?|.*\.NoPermission|AccessDenied|.*NotAuthorized.*|InvalidAccessKeyId\.Inactive)$/i;
/** …and when the caller exceeds the API's rate limit, or the service is briefly unavailable. */
const THROTTLED = /^(Throttling(\..*)?|.*\.Throttling|ServiceUnavailable|SlowDown|.*FlowControl.*|Too\s*Many\s*Requests)$/i;

export interface CallOptions {
  /** Retries of a throttled call before it fails (default 6). */
  retries?: number;
  /** The first backoff, doubled each retry, with jitter (default 200 ms). */
  backoffMs?: number;
  /** Calls in flight at most (default 8). */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Makes the scan's calls. `call(api, permission, fn)` runs `fn` when a place is free,
 * retries it while the API throttles, and turns a denial into PermissionDenied.
 */
export class ApiCaller {
  /** Throttling answers met (and retried). */
  throttled = 0;
  calls = 0;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly slots: Semaphore;

  constructor(opts: CallOptions = {}) {
    this.retries = opts.retries ?? 6;
    this.backoffMs = opts.backoffMs ?? 200;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.slots = new Semaphore(opts.concurrency ?? 8);
  }

  async call<T>(api: string, permission: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.slots.acquire();
      let throttled: unknown;
      try {
        this.calls++;
        return await fn();
      } catch (e) {
        const code = errorCode(e);
        const status = statusOf(e);
        if (!GONE.test(code) && (DENIED.test(code) || status === 403)) throw new PermissionDenied(api, permission, code || 'Forbidden', messageOf(e));
        if (!(THROTTLED.test(code) || status === 429 || status === 503) || attempt >= this.retries) throw new ApiError(api, permission, code, messageOf(e), status, e);
        throttled = e;
      } finally {
        this.slots.release();
      }
      if (throttled !== undefined) {
        this.throttled++;
        await this.sleep(this.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2));
      }
    }
  }
}

/** Pages of an API until it says there are no more: `next` undefined ends it. */
export async function allPages<T, P>(first: P | undefined, page: (cursor: P | undefined) => Promise<{ items: T[]; next?: P }>): Promise<T[]> {
  const all: T[] = [];
  let cursor = first;
  for (let n = 0; n < 100_000; n++) {
    const p = await page(cursor);
    all.push(...p.items);
    if (p.next === undefined || p.next === '' || p.next === cursor) return all;
    cursor = p.next;
  }
  throw new Error('more than 100,000 pages: the API keeps answering a next page');
}

/** The error code of an SDK error (Tea errors carry `code`; some wrap the body in `data`). */
function errorCode(e: unknown): string {
  const x = e as { code?: unknown; data?: { Code?: unknown } };
  return String(x?.code ?? x?.data?.Code ?? '');
}

function statusOf(e: unknown): number | undefined {
  const x = e as { statusCode?: unknown; data?: { statusCode?: unknown } };
  const s = Number(x?.statusCode ?? x?.data?.statusCode);
  return Number.isFinite(s) ? s : undefined;
}

function messageOf(e: unknown): string {
  const x = e as { data?: { Message?: unknown }; message?: unknown };
  const text = String(x?.data?.Message ?? x?.message ?? e);
  // Some SDKs put the code in front of the message too.
  const code = errorCode(e);
  return (code && text.startsWith(`${code}: `) ? text.slice(code.length + 2) : text).slice(0, 300);
}

/** A counting semaphore: at most `n` holders. */
class Semaphore {
  private waiting: Array<() => void> = [];
  private held = 0;

  constructor(private readonly n: number) {}

  acquire(): Promise<void> {
    if (this.held < this.n) {
      this.held++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}
