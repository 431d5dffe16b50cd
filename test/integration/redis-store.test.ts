import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { compileRule } from '../../shared/rules/load';
import { RedisStateStore, StateStoreError, isTransient } from '../../shared/state/redis';
import { RedisServer, freePort, startRedis } from '../redis-server';
import { ruleDef } from '../helpers';

let redis: RedisServer;
const stores: RedisStateStore[] = [];
async function store(prefix: string): Promise<RedisStateStore> {
  const s = await RedisStateStore.connect({ url: redis.url, keyPrefix: prefix });
  stores.push(s);
  return s;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis.stop();
});

const T0 = Date.parse('2026-11-20T10:00:00Z');
function fail(i: number, ip = '198.51.100.1'): SecEvent {
  const id = `ev-${ip}-${i}`;
  return { source: 'sshd', id, time: T0 + i * 1000, fields: { id, event: { action: 'auth-failed' }, source: { ip } } };
}
const burstRule = () =>
  compileRule(ruleDef({ kind: 'threshold', groupBy: ['source.ip'], threshold: { count: 5, window: '5m' }, suppress: '1h' }), 'rules/t.json');

describe('Redis state store', () => {
  test('transactions read, write with TTL, and delete', async () => {
    const s = await store('t1:');
    const [a, b] = ['w:{t}:a', 'w:{t}:b'];
    await s.transact([a, b], 0, (cur) => ({ writes: new Map([[a, { value: { n: 1 }, ttlMs: 60_000 }]]), result: cur.size }));
    const seen = await s.transact([a, b], 0, (cur) => ({ writes: new Map([[a, null]]), result: cur.get(a) }));
    expect(seen).toEqual({ n: 1 });
    expect(await s.transact([a], 0, (cur) => ({ writes: new Map(), result: cur.has(a) }))).toBe(false);
  });

  test('the keys of one transaction must share a hash slot, as a cluster requires', async () => {
    const s = await store('t1b:');
    await expect(s.transact(['w:a', 'w:b'], 0, () => ({ writes: new Map(), result: 0 }))).rejects.toThrow(/different hash slots: w:a and w:b/);
  });

  test('claim is first-come: only one of many concurrent claimants wins', async () => {
    const [a, b] = [await store('t2:'), await store('t2:')];
    const results = await Promise.all([a.claim(['x', 'y'], 0, 60_000), b.claim(['x', 'y'], 0, 60_000)]);
    expect(results[0].map((r, i) => r !== results[1][i])).toEqual([true, true]);
  });

  test('concurrent instances evaluating the same burst raise exactly one alert', async () => {
    const events = Array.from({ length: 20 }, (_, i) => fail(i));
    // Four "instances", each with its own connection, each given interleaved slices of the burst.
    const detectors = await Promise.all([0, 1, 2, 3].map(async () => new Detector([burstRule()], await store('t3:'))));
    const results = await Promise.all(
      detectors.map((d, k) => (async () => {
        const alerts = [];
        for (let i = k; i < events.length; i += 4) alerts.push(...(await d.process([events[i]])));
        return alerts;
      })()),
    );
    expect(results.flat()).toHaveLength(1);
  });

  test('the same burst delivered in full to two instances at once raises one alert', async () => {
    const events = Array.from({ length: 5 }, (_, i) => fail(i, '198.51.100.2'));
    const [a, b] = [new Detector([burstRule()], await store('t4:')), new Detector([burstRule()], await store('t4:'))];
    const [ra, rb] = await Promise.all([a.process(events), b.process(events)]);
    expect(ra.length + rb.length).toBe(1);
  });

  test('a redelivered batch returns the first evaluation\'s alerts and counts nothing twice', async () => {
    const s = await store('t5:');
    const d = new Detector([burstRule()], s);
    const batch = Array.from({ length: 5 }, (_, i) => fail(i, '198.51.100.3'));
    const first = await d.process(batch, { batchId: 'proj/ls/0/c1-c2' });
    const again = await d.process(batch, { batchId: 'proj/ls/0/c1-c2' });
    expect(first).toHaveLength(1);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
    // The events were not added to the window a second time: 4 more are needed for another detection.
    const next = await d.process(Array.from({ length: 4 }, (_, i) => fail(10 + i, '198.51.100.3')));
    expect(next).toEqual([]);
  });

  test('one batch of 10,000 brute-force lines costs a handful of round trips', async () => {
    const s = await store('t6:');
    const d = new Detector([burstRule()], s);
    const events = Array.from({ length: 10_000 }, (_, i) => fail(i % 300, `203.0.113.${i % 20}`));
    s.roundTrips = 0;
    const alerts = await d.process(events);
    expect(alerts).toHaveLength(20);
    // The transaction (WATCH, MGET, MULTI/EXEC), and one GET of the silences (read again at most every 10 s).
    expect(s.roundTrips).toBeLessThanOrEqual(5);
    s.roundTrips = 0;
    await d.process(events.map((e) => ({ ...e, id: `${e.id}-again`, time: e.time + 3_600_000 })));
    expect(s.roundTrips).toBeLessThanOrEqual(4);
  });

  test('an unreachable Redis fails loudly', async () => {
    const port = await freePort();
    await expect(RedisStateStore.connect({ url: `redis://127.0.0.1:${port}`, password: 'hunter2' })).rejects.toThrow(StateStoreError);
    await expect(RedisStateStore.connect({ url: `redis://:hunter2@127.0.0.1:${port}` })).rejects.toThrow(/cannot connect to Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  test('Redis going away mid-run fails the evaluation instead of dropping it', async () => {
    const own = await startRedis();
    const s = await RedisStateStore.connect({ url: own.url });
    stores.push(s);
    const d = new Detector([burstRule()], s);
    await own.stop();
    await expect(d.process([fail(0, '198.51.100.9')])).rejects.toThrow(StateStoreError);
  });
});

describe('which Redis errors a transaction waits out', () => {
  test.each([
    ['connect ECONNREFUSED 127.0.0.1:7001', true],
    ['CLUSTERDOWN The cluster is down', true],
    ['MOVED 3999 127.0.0.1:6381', true],
    ['Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down', true],
    ['READONLY You can\'t write against a read only replica.', true],
    ['ERR Error running script: attempt to index a nil value (task)', false],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', false],
    ['NOPERM this user has no permissions to run the \'evalsha\' command (mask)', false],
  ])('%s: %s', (message, transient) => expect(isTransient(new Error(message))).toBe(transient));
});
