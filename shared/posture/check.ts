import { SecEvent } from '../events/event';
import { ApiCaller } from './calls';
import type { PostureApis } from './apis';

/** What a check is given: the account, the scan's clock, the APIs and the caller that makes their calls. */
export interface CheckContext {
  accountId: string;
  /** The region the scan runs in (the function's): where account-wide APIs (ActionTrail's trails) are asked. */
  region: string;
  now: number;
  apis: PostureApis;
  caller: ApiCaller;
  /** What several checks read (the RAM users), read once per scan. */
  memo<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/**
 * One posture check: it reads the account's configuration and returns `posture`
 * events describing what it found, for bundled rules to judge (the thresholds are the
 * rules', so they can be tuned like any rule).
 */
export interface PostureCheck {
  /** `posture.check` of its events. */
  id: string;
  run(ctx: CheckContext): Promise<SecEvent[]>;
}

/** The resource a posture event is about. */
export interface PostureResource {
  type: string;
  id: string;
  name?: string;
  region?: string;
}

/**
 * A posture event: what a check found about one resource, on the day of the scan.
 * Its id holds the day, so a finding is one event per day however often the scan runs.
 */
export function postureEvent(check: string, ctx: Pick<CheckContext, 'accountId' | 'now'>, resource: PostureResource, details: Record<string, unknown>, extra: Record<string, unknown> = {}): SecEvent {
  const day = new Date(ctx.now).toISOString().slice(0, 10);
  const id = `posture:${check}:${ctx.accountId}:${resource.region ? `${resource.region}:` : ''}${resource.id}:${day}`;
  return {
    source: 'posture',
    id,
    time: ctx.now,
    fields: {
      id,
      '@timestamp': new Date(ctx.now).toISOString(),
      event: { dataset: 'posture', kind: 'state', action: check },
      cloud: { provider: 'alibaba_cloud', account: { id: ctx.accountId }, ...(resource.region ? { region: resource.region } : {}) },
      ...extra,
      posture: { check, resource, ...details },
    },
  };
}
