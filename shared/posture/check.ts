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
  /**
   * One part of a check (a region, a security group, a bucket, a user), so that one
   * part cannot take the others down: a part whose resource is gone by the time it is
   * read, or a region where the product does not run, gives nothing; any other failure
   * is reported as a problem of the check (`what` says which part) and gives nothing,
   * and the check goes on. A refused permission still stops the whole check.
   */
  part<T>(check: string, what: string, read: () => Promise<T[]>): Promise<T[]>;
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

/** `read` for each item as a part of `check` (see CheckContext.part), all at once; what they found, together. */
export async function eachPart<I, T>(ctx: CheckContext, check: string, items: readonly I[], label: (item: I) => string, read: (item: I) => Promise<T[]>): Promise<T[]> {
  return (await Promise.all(items.map((item) => ctx.part(check, label(item), () => read(item))))).flat();
}
