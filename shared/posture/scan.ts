import { SecEvent } from '../events/event';
import { PostureApis } from './apis';
import { redact } from '../util/redact';
import { ApiCaller, ApiError, CallOptions, PermissionDenied, ScanProblem } from './calls';
import { CheckContext, PostureCheck, postureEvent } from './check';
import { RAM_CHECKS } from './checks/ram';
import { ECS_CHECKS } from './checks/ecs';
import { billing } from './checks/billing';
import { kmsKeys } from './checks/kms';
import { trails } from './checks/actiontrail';
import { httpsListeners } from './checks/lb';
import { ossBuckets } from './checks/oss';

/** Every posture check, in the order the scan runs them. */
export const POSTURE_CHECKS: readonly PostureCheck[] = [...RAM_CHECKS, ...ECS_CHECKS, ossBuckets, httpsListeners, kmsKeys, trails, billing];

export interface PostureScanResult {
  events: SecEvent[];
  problems: ScanProblem[];
  /** Per check: its events, or that it could not finish. */
  checks: Array<{ id: string; events: number; error?: string }>;
  calls: number;
  throttled: number;
}

/**
 * Runs the checks against the account. A check that meets a refused permission or an
 * API error stops and is reported (a `scan-incomplete` posture event per problem, which
 * a bundled rule alerts on, naming the API and the RAM action to grant); the other
 * checks go on. The checks run one after another, each with its calls in parallel.
 */
export async function runPostureScan(apis: PostureApis, accountId: string, region: string, now: number, opts: CallOptions & { checks?: readonly PostureCheck[] } = {}): Promise<PostureScanResult> {
  const caller = new ApiCaller(opts);
  const memos = new Map<string, Promise<unknown>>();
  const problems: ScanProblem[] = [];
  const ctx: CheckContext = {
    accountId,
    region,
    now,
    apis,
    caller,
    memo: <T>(key: string, read: () => Promise<T>) => {
      let m = memos.get(key) as Promise<T> | undefined;
      if (m === undefined) memos.set(key, (m = read()));
      return m;
    },
    part: async <T>(check: string, what: string, read: () => Promise<T[]>): Promise<T[]> => {
      try {
        return await read();
      } catch (e) {
        if (e instanceof PermissionDenied) throw e;
        if (e instanceof ApiError && (e.gone || e.regionUnavailable)) return [];
        problems.push(problemOf(check, e, what));
        return [];
      }
    },
  };
  const result: PostureScanResult = { events: [], problems: [], checks: [], calls: 0, throttled: 0 };
  for (const check of opts.checks ?? POSTURE_CHECKS) {
    const before = problems.length;
    let events: SecEvent[] = [];
    try {
      events = await check.run(ctx);
    } catch (e) {
      problems.push(problemOf(check.id, e));
    }
    result.events.push(...events);
    const own = problems.slice(before);
    result.checks.push({ id: check.id, events: events.length, ...(own.length > 0 ? { error: own.map((p) => p.message).join('; ').slice(0, 1000) } : {}) });
    // One event per check and API that failed: the first problem, and how many more.
    const byApi = new Map<string, ScanProblem[]>();
    for (const p of own) byApi.set(p.api, [...(byApi.get(p.api) ?? []), p]);
    for (const [api, list] of byApi) {
      const first = list[0];
      const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
      result.events.push(
        postureEvent('scan-incomplete', ctx, { type: 'posture-check', id: api ? `${check.id}:${api}` : check.id }, { problem: { check: first.check, api: first.api, permission: first.permission, message: `${first.message}${more}`.slice(0, 500) } }),
      );
    }
  }
  result.problems = problems;
  result.calls = caller.calls;
  result.throttled = caller.throttled;
  return result;
}

/** What a failure says, for a person: the API, the permission when it was refused, and why (redacted). */
function problemOf(check: string, e: unknown, part?: string): ScanProblem {
  const where = part ? `${part}: ` : '';
  if (e instanceof PermissionDenied) return { check, api: e.api, permission: e.permission, message: redact(`${where}${e.code}: ${e.detail}`) };
  if (e instanceof ApiError) return { check, api: e.api, permission: e.permission, message: redact(`${where}${e.code || `HTTP ${e.status ?? '?'}`}: ${e.detail}`) };
  return { check, api: '', permission: '', message: redact(`${where}${(e as Error)?.message ?? String(e)}`) };
}
