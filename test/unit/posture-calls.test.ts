import { ApiCaller, ApiError, PermissionDenied, allPages } from '../../shared/posture/calls';
import { allowsEverything } from '../../shared/posture/checks/ram';

/** An SDK error as Tea raises it: the API's code, its HTTP status. */
const apiError = (code: string, statusCode: number) => Object.assign(new Error(`${code}: message`), { code, statusCode, data: { Code: code, Message: `${code} message` } });

describe('ApiCaller', () => {
  const noWait = { sleep: async () => undefined };

  test('retries a throttled call with growing backoff, then answers', async () => {
    const waits: number[] = [];
    const caller = new ApiCaller({ sleep: async (ms) => void waits.push(ms), backoffMs: 100 });
    let n = 0;
    const r = await caller.call('Ram.ListUsers', 'ram:ListUsers', async () => {
      if (n++ < 3) throw apiError('Throttling.User', 400);
      return 'ok';
    });
    expect(r).toBe('ok');
    expect(caller.throttled).toBe(3);
    expect(waits).toHaveLength(3);
    // 100, 200, 400 ms, each with up to half of it taken off as jitter.
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(50 * 2 ** i);
      expect(w).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  test('gives up after its retries, with the API error', async () => {
    const caller = new ApiCaller({ ...noWait, retries: 2 });
    await expect(caller.call('Ecs.DescribeRegions', 'ecs:DescribeRegions', async () => Promise.reject(apiError('ServiceUnavailable', 503)))).rejects.toThrow('ServiceUnavailable');
    expect(caller.calls).toBe(3);
  });

  test('a refused permission becomes PermissionDenied naming the API and the action to grant; it is not retried', async () => {
    const caller = new ApiCaller(noWait);
    const e = await caller.call('Ram.GetPasswordPolicy', 'ram:GetPasswordPolicy', async () => Promise.reject(apiError('NoPermission', 403))).catch((x) => x);
    expect(e).toBeInstanceOf(PermissionDenied);
    expect(e.message).toBe('Ram.GetPasswordPolicy: NoPermission: NoPermission message (grant ram:GetPasswordPolicy)');
    expect(caller.calls).toBe(1);
  });

  test('other errors become ApiError, telling a resource gone and a region without the product from the rest', async () => {
    const caller = new ApiCaller(noWait);
    const fail = (code: string, status: number) => caller.call('X.Y', 'x:Y', async () => Promise.reject(apiError(code, status))).catch((e) => e as ApiError);
    const policy = await fail('EntityNotExist.Policy', 404);
    expect([policy instanceof ApiError, policy.gone, policy.regionUnavailable, policy.message]).toEqual([true, true, false, 'X.Y: EntityNotExist.Policy: EntityNotExist.Policy message']);
    // KMS's missing key is no refused permission, though its code begins with Forbidden.
    const key = await fail('Forbidden.KeyNotFound', 404);
    expect([key instanceof PermissionDenied, key.gone]).toEqual([false, true]);
    expect((await fail('InvalidRegionId.Malformed', 400)).regionUnavailable).toBe(true);
    const internal = await fail('InternalError', 500);
    expect([internal.gone, internal.regionUnavailable, internal.status]).toEqual([false, false, 500]);
  });

  test('at most `concurrency` calls are in flight', async () => {
    const caller = new ApiCaller({ ...noWait, concurrency: 3 });
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        caller.call('X.Y', 'x:Y', async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 2));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});

test('allPages follows the cursor to the end', async () => {
  const pages: Record<string, { items: number[]; next?: string }> = { '': { items: [1, 2], next: 'a' }, a: { items: [3], next: 'b' }, b: { items: [4] } };
  expect(await allPages<number, string>(undefined, async (c) => pages[c ?? ''])).toEqual([1, 2, 3, 4]);
});

describe('allowsEverything', () => {
  test.each([
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, true],
    [{ Statement: [{ Effect: 'Allow', Action: ['ecs:*', '*'], Resource: ['*'] }] }, true],
    [{ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, true],
    [{ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }, false],
    [{ Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] }, false],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'acs:oss:*:*:bucket/*' }] }, false],
  ])('%j: %s', (doc, expected) => expect(allowsEverything(JSON.stringify(doc))).toBe(expected));
  test('a document that is not JSON allows nothing', () => expect(allowsEverything('{not json')).toBe(false));
});
