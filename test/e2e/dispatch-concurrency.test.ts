import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runFunction } from '../fc-driver';
import { tempDir } from '../helpers';
import { RedisServer, startRedis } from '../redis-server';
import { LocalDingTalk } from '../servers/dingtalk-server';
import { LocalWebhook } from '../servers/webhook-receiver';

/**
 * The built dispatcher under FC's at-least-once asynchronous invocation: several
 * instances handling one payload at once, and an instance killed while it sends,
 * then retried. Each alert reaches each channel once.
 */
let redis: RedisServer;
let robot: LocalDingTalk;
const hook = new LocalWebhook('conc-hook-secret');
beforeAll(async () => {
  redis = await startRedis();
  robot = new LocalDingTalk('conc-token', 'SECconc-secret', 'secmon');
  await robot.start();
  await hook.start();
});
afterAll(async () => {
  await redis.stop();
  await robot.stop();
  await hook.stop();
});

let prefix = 0;
function setup(alerts: number) {
  const dir = tempDir();
  const config = path.join(dir, 'dispatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      channels: {
        robot: { type: 'dingtalk', webhook: { env: 'T_ROBOT' }, secret: { env: 'T_ROBOT_SECRET' }, keyword: 'secmon', perMinute: 19 },
        hook: { type: 'webhook', url: hook.url(), secret: { env: 'T_HOOK_SECRET' } },
      },
      routes: [{ severities: ['critical'], channels: ['robot'] }, { channels: ['hook'] }],
      retry: { attempts: 2, baseDelayMs: 10 },
    }),
  );
  const env = { SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: `conc-${++prefix}:`, SECMON_DISPATCH_CONFIG: config, SECMON_DELIVERY_LEASE: '2s', T_ROBOT: robot.webhook, T_ROBOT_SECRET: 'SECconc-secret', T_HOOK_SECRET: 'conc-hook-secret' };
  const batch = Array.from({ length: alerts }, (_, i) => ({
    id: `conc-${prefix}-${i}`,
    rule: 'sshd.brute-force-then-success',
    title: 'SSH brute force followed by a successful login',
    severity: i < 4 ? 'critical' : 'medium',
    time: '2026-11-21T09:00:00.000Z',
    key: `203.0.113.${i}`,
    group: {},
    count: 6,
    suppressed: 0,
    message: `login after a burst (${i})`,
    tags: [],
    references: [],
    evidence: [],
  }));
  return { env, batch, payload: JSON.stringify({ alerts: batch }) };
}

const count = (ids: Array<string | undefined>) => ids.reduce((m, id) => m.set(id ?? '', (m.get(id ?? '') ?? 0) + 1), new Map<string, number>());

test('four dispatchers on one payload at once, then FC retrying the ones that failed: each alert once per channel', async () => {
  const { env, batch, payload } = setup(30);
  const runs = await Promise.all([1, 2, 3, 4].map(() => runFunction('dispatcher', env, [payload])));
  // A dispatcher that found alerts still being sent by another fails its invocation; FC retries it.
  for (const r of runs.filter((x) => x.status !== 0)) {
    expect(r.log.join('\n')).toMatch(/being sent by another instance/);
    await new Promise((res) => setTimeout(res, 500));
    expect((await runFunction('dispatcher', env, [payload])).status).toBe(0);
  }
  const hooks = count(hook.received.filter((d) => d.doc.alert?.id.startsWith(`conc-${prefix}-`)).map((d) => d.doc.alert?.id));
  expect([...hooks.keys()].sort()).toEqual(batch.map((a) => a.id).sort());
  expect([...hooks.values()].every((n) => n === 1)).toBe(true);
  const robotIds = count(robot.messages.filter((m) => m.msgUuid?.startsWith(`conc-${prefix}-`)).map((m) => m.msgUuid));
  expect([...robotIds.entries()].sort()).toEqual(batch.slice(0, 4).map((a) => [a.id, 1]).sort());
  // The claims stopped the duplicates before DingTalk's own msgUuid guard had to.
  expect(robot.repeatedUuids).toBe(0);
}, 60_000);

test('a dispatcher killed while it sends: the retry, after the lease, delivers the rest once', async () => {
  const { env, batch, payload } = setup(4);
  const first = `conc-${prefix}-`;
  let killed = false;
  let child: import('node:child_process').ChildProcess | undefined;
  // The robot takes the second critical alert and never answers; the dispatcher is killed meanwhile.
  robot.stall = (m) => {
    if (killed || m.msgUuid !== `${first}1`) return false;
    killed = true;
    child?.kill('SIGKILL');
    return true;
  };
  const crashed = await runFunction('dispatcher', env, [payload], (c) => (child = c));
  robot.stall = undefined;
  expect(killed).toBe(true);
  expect(crashed.status).not.toBe(0);
  // FC retries the invocation; until the lease of the alert it was sending expires, the retry leaves it alone and fails.
  const early = await runFunction('dispatcher', env, [payload]);
  expect(early.status).toBe(1);
  await new Promise((res) => setTimeout(res, 2_200));
  const retry = await runFunction('dispatcher', env, [payload]);
  expect(retry.status).toBe(0);
  const robotIds = count(robot.messages.filter((m) => m.msgUuid?.startsWith(first)).map((m) => m.msgUuid));
  expect([...robotIds.entries()].sort()).toEqual(batch.map((a) => [a.id, 1]).sort());
  // The alert the dead instance had handed to DingTalk was sent again with its msgUuid, and DingTalk dropped the repeat.
  expect(robot.repeatedUuids).toBe(1);
}, 60_000);

test("the dispatcher's timer sends what the rate limit held, without another alert coming", async () => {
  const { env, batch } = setup(6);
  const medium = batch.slice(4).concat(batch.slice(4).map((a) => ({ ...a, id: `${a.id}-b`, key: `${a.key}-b` })), batch.slice(4).map((a) => ({ ...a, id: `${a.id}-c`, key: `${a.key}-c` })));
  const dir = tempDir();
  const config = path.join(dir, 'dispatch.json');
  writeFileSync(config, JSON.stringify({ channels: { robot: { type: 'dingtalk', webhook: { env: 'T_ROBOT' }, secret: { env: 'T_ROBOT_SECRET' }, keyword: 'secmon', perMinute: 2 } }, routes: [{ channels: ['robot'] }] }));
  const timerEnv = { ...env, SECMON_DISPATCH_CONFIG: config };
  const first = await runFunction('dispatcher', timerEnv, [JSON.stringify({ alerts: medium })]);
  expect(first.status).toBe(0);
  // Two a minute (too few for a reserve): two sent, four held.
  expect(first.log.map((l) => JSON.parse(l)).find((l) => l.message === 'alerts dispatched')).toMatchObject({ sent: 2, held: 4 });
  // A minute passes (the budget's window is emptied), then the timer fires with its payload.
  const Redis = (await import('ioredis')).default;
  const client = new Redis(redis.url);
  await client.del(`${env.SECMON_REDIS_KEY_PREFIX}budget:robot`);
  client.disconnect();
  const timer = JSON.stringify({ triggerTime: '2026-11-21T09:01:00Z', triggerName: 'digest-flush', payload: '{"flush": true}' });
  const tick = await runFunction('dispatcher', timerEnv, [timer]);
  expect(tick.status).toBe(0);
  expect(tick.results).toEqual([{ delivered: 4, duplicates: 0 }]);
  const digest = robot.messages.find((m) => /digest/.test(m.text) && m.text.includes(medium[2].id))!;
  for (const a of medium.slice(2)) expect(digest.text).toContain(a.id);
});
