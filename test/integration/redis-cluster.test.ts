import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { compileRule } from '../../shared/rules/load';
import { groupKey } from '../../shared/state/keys';
import { RedisStateStore, StateStoreError } from '../../shared/state/redis';
import { ROOT, runCli } from '../e2e/run-cli';
import { hostLog, prng, signins } from '../generate';
import { ruleDef, tempDir } from '../helpers';
import { RedisCluster, startRedisCluster } from '../redis-cluster';
import { RedisServer, freePort, startRedis } from '../redis-server';

/**
 * The state store on a real Redis Cluster (three masters, a replica each, on loopback
 * ports, made with redis-cli --cluster create): the same alerts as the memory store and
 * a single Redis, one alert from many detectors at once, and a master's failover in the
 * middle of a replay that loses and doubles nothing.
 */
let cluster: RedisCluster;
let single: RedisServer;
const stores: RedisStateStore[] = [];
async function store(prefix: string): Promise<RedisStateStore> {
  const s = await RedisStateStore.connect({ url: cluster.url, keyPrefix: prefix });
  stores.push(s);
  return s;
}

beforeAll(async () => {
  [cluster, single] = await Promise.all([startRedisCluster(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await Promise.all([cluster?.stop(), single?.stop()]);
});

const T0 = Date.parse('2026-11-20T10:00:00Z');
function fail(i: number, ip = '198.51.100.1'): SecEvent {
  const id = `ev-${ip}-${i}`;
  return { source: 'sshd', id, time: T0 + i * 1000, fields: { id, event: { action: 'auth-failed' }, source: { ip } } };
}
const burstRule = () => compileRule(ruleDef({ kind: 'threshold', groupBy: ['source.ip'], threshold: { count: 5, window: '5m' }, suppress: '1h' }), 'rules/t.json');
const ids = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string);
const AUDIT = ['sshd.successful-login', 'sudo.command'];
const detectionsOf = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((a) => !AUDIT.includes(a.rule)).map((a) => a.id as string);

describe('the state store on a Redis Cluster', () => {
  test('the cluster is three masters, each with a replica, serving every slot', () => {
    expect(cluster.masters()).toHaveLength(3);
    expect(cluster.ports).toHaveLength(6);
  });

  test('a transaction runs on keys of one slot; keys of a group share its slot; keys of two slots are refused', async () => {
    const s = await store('c1:');
    const w = groupKey('window', 'r', '203.0.113.1');
    const sk = w.replace(/^w:/, 's:');
    expect(s.partitionOf(w.slice(w.indexOf('{') + 1, w.indexOf('}')))).toBe(s.partitionOf(sk.slice(sk.indexOf('{') + 1, sk.indexOf('}'))));
    await s.transact([w, sk], 0, () => ({ writes: new Map([[w, { value: { h: [1] }, ttlMs: 60_000 }], [sk, { value: { until: 1 }, ttlMs: 60_000 }]]), result: undefined }));
    expect(await s.transact([w, sk], 0, (cur) => ({ writes: new Map(), result: [cur.get(w), cur.get(sk)] }))).toEqual([{ h: [1] }, { until: 1 }]);
    await expect(s.transact(['w:a', 'w:b'], 0, () => ({ writes: new Map(), result: 0 }))).rejects.toThrow(/different hash slots/);
  });

  test('transactions of many slots run together: two round trips, across all three masters', async () => {
    const s = await store('c2:');
    const keys = Array.from({ length: 60 }, (_, i) => groupKey('window', 'r', `203.0.113.${i}`));
    const masters = new Set(keys.map((k) => cluster.masters().findIndex((m) => inRanges(s.partitionOf(k.slice(k.indexOf('{') + 1, k.indexOf('}'))), m.slots))));
    expect(masters.size).toBe(3);
    s.roundTrips = 0;
    await s.transactAll(keys.map((k, i) => ({ keys: [k], update: () => ({ writes: new Map([[k, { value: i, ttlMs: 60_000 }]]), result: i }) })));
    expect(s.roundTrips).toBe(2);
    const back = await s.transactAll(keys.map((k) => ({ keys: [k], update: (cur) => ({ writes: new Map(), result: cur.get(k) }) })));
    expect(back).toEqual(keys.map((_, i) => i));
  });

  test('claims of keys in different slots: first come, first served', async () => {
    const [a, b] = [await store('c3:'), await store('c3:')];
    const keys = Array.from({ length: 20 }, (_, i) => `d:alert-${i}`);
    const [ra, rb] = await Promise.all([a.claim(keys, 0, 60_000), b.claim(keys, 0, 60_000)]);
    expect(ra.map((x, i) => x !== rb[i])).toEqual(keys.map(() => true));
  });

  test('concurrent detectors, each given slices of one burst, raise exactly one alert', async () => {
    const events = Array.from({ length: 40 }, (_, i) => fail(i));
    const detectors = await Promise.all([0, 1, 2, 3].map(async () => new Detector([burstRule()], await store('c4:'))));
    const results = await Promise.all(
      detectors.map(async (d, k) => {
        const alerts = [];
        for (let i = k; i < events.length; i += 4) alerts.push(...(await d.process([events[i]])));
        return alerts;
      }),
    );
    expect(results.flat()).toHaveLength(1);
  });

  test('a redelivered batch gives back its alerts and counts nothing twice', async () => {
    const d = new Detector([burstRule()], await store('c5:'));
    // Bursts from many addresses: many groups, in many slots.
    const batch = Array.from({ length: 50 }, (_, i) => fail(i % 5, `198.51.100.${10 + Math.floor(i / 5)}`));
    const first = await d.process(batch, { batchId: 'proj/ls/0/c1-c2' });
    const again = await d.process(batch, { batchId: 'proj/ls/0/c1-c2' });
    expect(first).toHaveLength(10);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
    expect(await d.process(batch.map((e) => ({ ...e, id: `${e.id}-more`, time: e.time + 1000 })))).toEqual([]);
  });

  test('a node of a cluster that serves no slots yet is a clear error, not a silent exit', async () => {
    const port = await freePort();
    const dir = tempDir();
    const lone = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const r = await runCli(['replay', 'samples/', '--json', '--state', `redis-cluster://127.0.0.1:${port}`]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/cannot connect to Redis Cluster at redis-cluster:\/\/127\.0\.0\.1:\d+: .*slots assigned/);
    } finally {
      lone.kill('SIGTERM');
    }
  }, 30_000);

  test('an unreachable cluster fails loudly, naming the nodes', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    await expect(RedisStateStore.connect({ url: `redis-cluster://127.0.0.1:${p1},127.0.0.1:${p2}` })).rejects.toThrow(StateStoreError);
    await expect(RedisStateStore.connect({ url: `redis-cluster://127.0.0.1:${p1},127.0.0.1:${p2}` })).rejects.toThrow(new RegExp(`cannot connect to Redis Cluster at redis-cluster://127.0.0.1:${p1},127.0.0.1:${p2}: .*`));
  }, 30_000);
});

describe('replays on a Redis Cluster', () => {
  let files: string[];
  beforeAll(() => {
    const rand = prng(2112);
    const dir = tempDir();
    files = [path.join(dir, 'auth.log'), path.join(dir, 'signins.jsonl')];
    writeFileSync(files[0], hostLog(rand));
    writeFileSync(files[1], signins(rand));
  });

  test('the bundled samples and a generated attack mix: the alerts of a single Redis, and of the memory store', async () => {
    for (const [n, input] of [['samples/', '--year', '2026'], files].entries()) {
      // Each input on a state of its own.
      const env = { SECMON_REDIS_KEY_PREFIX: `replay-${n}:` };
      const memory = await runCli(['replay', ...input, '--json']);
      const onSingle = await runCli(['replay', ...input, '--json', '--state', single.url], { env });
      const onCluster = await runCli(['replay', ...input, '--json', '--state', cluster.url], { env });
      expect(onCluster.status).toBe(0);
      expect(onCluster.stderr).not.toMatch(/state store|cannot/i);
      expect(ids(onCluster.stdout).length).toBeGreaterThan(20);
      // Exactly a single Redis's alerts, in the same order.
      const brief = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((a) => `${a.id} ${a.rule} ${a.key} ${a.time} ${a.count}`);
      expect(brief(onCluster.stdout)).toEqual(brief(onSingle.stdout));
      // The memory store's too, but for audit summaries (raised at the end of the input there, on the watermark here).
      expect(detectionsOf(onCluster.stdout)).toEqual(detectionsOf(memory.stdout));
    }
  }, 120_000);

  test('several detector processes replaying parts of one burst at once raise one alert', async () => {
    const dir = tempDir();
    const start = Date.parse('2026-11-22T03:00:00Z');
    const parts = [0, 1, 2, 3].map((k) => path.join(dir, `part-${k}.log`));
    const lines: string[][] = [[], [], [], []];
    for (let i = 0; i < 40; i++) lines[i % 4].push(`${new Date(start + i * 2000).toISOString()} web-01 sshd[${3000 + i}]: Failed password for root from 203.0.113.200 port ${40000 + i} ssh2`);
    parts.forEach((f, k) => writeFileSync(f, `${lines[k].join('\n')}\n`));
    const runs = await Promise.all(parts.map((f) => runCli(['replay', f, '--json', '--batch', '1', '--state', cluster.url])));
    for (const r of runs) expect(r.status).toBe(0);
    const bursts = runs.flatMap((r) => r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))).filter((a) => a.rule === 'sshd.failed-auth-burst');
    expect(bursts).toHaveLength(1);
  }, 60_000);

  test('a master killed mid-replay: its replica takes over, the replay goes on, no alert lost or doubled', async () => {
    // A cluster of its own, as its topology changes.
    const own = await startRedisCluster();
    try {
      const args = (url: string) => ['replay', ...files, '--json', '--batch', '2', '--state', url];
      const t0 = Date.now();
      const reference = await runCli(args(own.url));
      const duration = Date.now() - t0;
      expect(reference.status).toBe(0);
      const expected = ids(reference.stdout);
      // The same events again, with another key prefix (a fresh state), and a master killed a third of the way.
      const env = { ...process.env, NO_COLOR: '1', SECMON_REDIS_KEY_PREFIX: 'failover:' };
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'secmon.js'), ...args(own.url)], { cwd: ROOT, env });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise((r) => setTimeout(r, Math.max(300, duration / 3)));
      const victim = own.masters()[0].port;
      // Killed while the replay runs, not after.
      expect(child.exitCode).toBeNull();
      own.kill(victim);
      const status = await exited;
      expect({ status, err: status === 0 ? '' : err }).toEqual({ status: 0, err: '' });
      const got = ids(out);
      expect(new Set(got).size).toBe(got.length);
      expect([...got].sort()).toEqual([...expected].sort());
      // The replica did take over.
      await own.waitHealthy();
      expect(own.masters().map((m) => m.port)).not.toContain(victim);

      // Its slots' last node killed too: no master left for them, and a transaction there fails, saying why.
      const s = await RedisStateStore.connect({ url: own.url, keyPrefix: 'down:', failoverWaitMs: 1500 });
      try {
        const masters = own.masters();
        const orphan = masters.find((m) => inRanges(s.partitionOf('x'), m.slots))!;
        // No replica left to take over.
        for (const port of own.ports) if (port !== victim && !masters.some((m) => m.port === port)) own.kill(port);
        own.kill(orphan.port);
        const key = 'w:{x}:r:k';
        await expect(s.transact([key], 0, () => ({ writes: new Map([[key, { value: 1, ttlMs: 1000 }]]), result: 0 }))).rejects.toThrow(
          /Redis state transaction failed: the cluster at redis-cluster:\/\/127\.0\.0\.1:\d+.* did not serve the slot within 1\.5 s/,
        );
      } finally {
        await s.close();
      }
    } finally {
      await own.stop();
    }
  }, 120_000);
});

/** Whether `slot` is in CLUSTER NODES' slot ranges ("0-5460 5461"). */
function inRanges(slot: number, ranges: string): boolean {
  return ranges.split(' ').some((r) => {
    const [a, b] = r.split('-').map(Number);
    return slot >= a && slot <= (b ?? a);
  });
}
