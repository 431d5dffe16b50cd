import { SecEvent } from '../events/event';
import { PostureApis } from './apis';
import { ApiCaller, CallOptions, PermissionDenied, ScanProblem } from './calls';
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
  };
  const result: PostureScanResult = { events: [], problems: [], checks: [], calls: 0, throttled: 0 };
  for (const check of opts.checks ?? POSTURE_CHECKS) {
    try {
      const events = await check.run(ctx);
      result.events.push(...events);
      result.checks.push({ id: check.id, events: events.length });
    } catch (e) {
      const problem: ScanProblem =
        e instanceof PermissionDenied
          ? { check: check.id, api: e.api, permission: e.permission, message: `${e.code}: ${e.detail}` }
          : { check: check.id, api: '', permission: '', message: (e as Error).message ?? String(e) };
      result.problems.push(problem);
      result.checks.push({ id: check.id, events: 0, error: problem.message });
      result.events.push(
        postureEvent('scan-incomplete', ctx, { type: 'posture-check', id: check.id }, { problem: { check: problem.check, api: problem.api, permission: problem.permission, message: problem.message.slice(0, 500) } }),
      );
    }
  }
  result.calls = caller.calls;
  result.throttled = caller.throttled;
  return result;
}
