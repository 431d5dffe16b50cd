import { groupKey } from '../../shared/state/keys';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { digestId } from '../../shared/util/hash';
import { Alert } from '../../shared/alerts/alert';
import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { readEvents } from '../../shared/local/input/read-events';
import { replayFiles } from '../../shared/local/replay';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { compileRule, loadRules } from '../../shared/rules/load';
import { CompiledRule } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';
import { RedisStateStore } from '../../shared/state/redis';
import { StateStore } from '../../shared/state/store';
import { ROOT } from '../e2e/run-cli';
import { ruleDef, tempDir } from '../helpers';
import { hostLog, prng, signins } from '../generate';
import { RedisServer, startRedis } from '../redis-server';

/**
 * Results are a function of the events alone: the same events, cut into batches of
 * any size or at any points, raise the same alerts (ids, counts, held-back counts),
 * on the memory store and on Redis.
 */
const BATCH_SIZES = [1, 2, 3, 7, 64, 256, 1000];

let rules: CompiledRule[];
let generated: string[];
let redis: RedisServer | undefined;
let prefixes = 0;

beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  expect(loaded.problems).toEqual([]);
  rules = loaded.rules;
  const rand = prng(20261201);
  const dir = tempDir();
  generated = [path.join(dir, 'auth.log'), path.join(dir, 'signins.jsonl')];
  writeFileSync(generated[0], hostLog(rand));
  writeFileSync(generated[1], signins(rand));
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const stores: Record<string, () => Promise<StateStore>> = {
  memory: async () => new MemoryStateStore(),
  redis: () => RedisStateStore.connect({ url: redis!.url, keyPrefix: `batching-${prefixes++}:` }),
};

/**
 * What must not change with batching: each alert's id, count and held-back count, and
 * the evidence it shows (kept across batches as events, lines or stored JSON), in a
 * stable order.
 */
const outcome = (alerts: Alert[]) => alerts.map((a) => `${a.id} ${a.rule} ${a.key} ${a.time} count=${a.count} held=${a.suppressed} evidence=${digestId(JSON.stringify(a.evidence))}`).sort();

async function replayAt(files: string[], batch: number, store: StateStore): Promise<string[]> {
  const alerts: Alert[] = [];
  try {
    await replayFiles(files, new Alerter(new Detector(rules, store)), {
      format: 'auto',
      syslog: { year: 2026 },
      chunkLines: batch,
      onAlert: (a) => void alerts.push(a),
      onSkipped: (e) => {
        throw e;
      },
    });
  } finally {
    await store.close();
  }
  return outcome(alerts);
}

/** All events of the files, in order, as the replay reads them. */
async function eventsOf(files: string[]): Promise<SecEvent[]> {
  const out: SecEvent[] = [];
  for (const file of files) for await (const chunk of readEvents(file, { format: 'auto', syslog: { year: 2026 } })) out.push(...chunk.events);
  return out;
}

/** The events cut into batches at the given points. */
async function evaluateSplit(events: SecEvent[], cuts: number[], store: StateStore): Promise<string[]> {
  const alerter = new Alerter(new Detector(rules, store));
  const alerts: Alert[] = [];
  let from = 0;
  try {
    for (const to of [...cuts, events.length]) {
      const batch = alerter.begin();
      for (let i = from; i < to; i++) batch.add(events[i]);
      alerts.push(...(await batch.finish()));
      from = to;
    }
  } finally {
    await store.close();
  }
  return outcome(alerts);
}

function sampleFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n)) : n.endsWith('.md') ? [] : [path.join(dir, n)]));
  return walk(path.join(ROOT, 'samples'));
}

describe.each(['memory', 'redis'])('on the %s store', (kind) => {
  test('the bundled samples raise the same alerts at every batch size', async () => {
    const files = sampleFiles();
    const reference = await replayAt(files, 1_000_000, await stores[kind]());
    expect(reference.length).toBeGreaterThan(50);
    for (const size of BATCH_SIZES) expect({ size, alerts: await replayAt(files, size, await stores[kind]()) }).toEqual({ size, alerts: reference });
  });

  test('generated attacks and noise raise the same alerts at every batch size and at random cuts', async () => {
    const events = await eventsOf(generated);
    const reference = await evaluateSplit(events, [], await stores[kind]());
    // Every kind is exercised: thresholds (plain and distinct), the sequence, new values, dormancy and summaries (on the watermark), with suppression.
    const rulesHit = new Set(reference.map((a) => a.split(' ')[1]));
    for (const rule of ['sshd.failed-auth-burst', 'sshd.password-spraying', 'sshd.brute-force-then-success', 'actiontrail.console-signin-new-ip', 'actiontrail.console-signin-after-dormancy', 'actiontrail.console-signin-failures', 'sshd.successful-login', 'sudo.command']) {
      expect(rulesHit).toContain(rule);
    }
    expect(reference.some((a) => !a.endsWith('held=0'))).toBe(true);
    const sizes = kind === 'redis' ? BATCH_SIZES.filter((s) => s !== 1 && s !== 2) : BATCH_SIZES;
    for (const size of sizes) {
      const cuts = Array.from({ length: Math.ceil(events.length / size) - 1 }, (_, i) => (i + 1) * size);
      expect({ size, alerts: await evaluateSplit(events, cuts, await stores[kind]()) }).toEqual({ size, alerts: reference });
    }
    const rand = prng(kind === 'memory' ? 7 : 11);
    for (let round = 0; round < 5; round++) {
      const cuts = [...new Set(Array.from({ length: 20 + Math.floor(rand() * 200) }, () => 1 + Math.floor(rand() * (events.length - 1))))].sort((a, b) => a - b);
      expect({ round, alerts: await evaluateSplit(events, cuts, await stores[kind]()) }).toEqual({ round, alerts: reference });
    }
  });
});

describe.each(['memory', 'redis'])('late arrivals within the allowance, on the %s store', (kind) => {
  /**
   * SLS shards deliver independently, and Logtail writes to any shard: an event can
   * arrive behind later events of its own group. Each event here arrives up to ten
   * minutes late. Which rules alert, for which keys, with which counts and held-back
   * counts, does not change; the time and id of a detection may (see README, Late data).
   */
  const what = (alerts: string[]) => alerts.map((a) => a.split(' ')).map(([, rule, key, , count, held]) => `${rule} ${key} ${count} ${held}`).sort();

  test('the same rules alert for the same keys and counts as in time order, at every batch size', async () => {
    const events = await eventsOf(generated);
    const inOrder = [...events].sort((a, b) => a.time - b.time);
    const reference = what(await evaluateSplit(inOrder, [], await stores[kind]()));
    expect(reference.length).toBeGreaterThan(500);
    const rand = prng(kind === 'memory' ? 5 : 13);
    const arrival = events
      .map((e) => ({ e, at: e.time + rand() * 10 * 60_000 }))
      .sort((a, b) => a.at - b.at)
      .map((x) => x.e);
    expect(arrival.filter((e, i) => i > 0 && e.time < arrival[i - 1].time).length).toBeGreaterThan(events.length / 6);
    for (const size of kind === 'redis' ? [7, 64, 1000] : [1, 7, 64, 1000]) {
      const cuts = Array.from({ length: Math.ceil(arrival.length / size) - 1 }, (_, i) => (i + 1) * size);
      expect({ size, alerts: what(await evaluateSplit(arrival, cuts, await stores[kind]())) }).toEqual({ size, alerts: reference });
    }
  });
});

describe('Redis TTLs on event time, with the late-data allowance', () => {
  const burstRule = () =>
    compileRule(ruleDef({ id: 'fast.burst', kind: 'threshold', groupBy: ['source.ip'], threshold: { count: 5, window: '2s' } }), 'fast.burst.json');
  const fail = (ms: number, i: number): SecEvent => ({
    id: `f${i}`,
    source: 'sshd',
    time: Date.parse('2026-11-21T10:00:00Z') + ms,
    fields: { id: `f${i}`, event: { action: 'auth-failed' }, source: { ip: '203.0.113.99' } },
  });

  test('a window a delayed batch still needs outlives its window in wall-clock time, and still expires', async () => {
    const store = await RedisStateStore.connect({ url: redis!.url, keyPrefix: 'late:' });
    const alerter = new Alerter(new Detector([burstRule()], store));
    const client = new Redis(redis!.url);
    try {
      const first = alerter.begin();
      for (let i = 0; i < 4; i++) first.add(fail(i * 300, i));
      expect(await first.finish()).toEqual([]);
      // Kept past its 2-second window (the allowance), but not forever.
      const windowTtl = await client.pttl(`late:${groupKey('window', 'fast.burst', '203.0.113.99')}`);
      expect(windowTtl).toBeGreaterThan(2_000);
      expect(windowTtl).toBeLessThanOrEqual(2_000 + 15 * 60_000);
      // The next batch arrives later than the window, in wall-clock time.
      await new Promise((r) => setTimeout(r, 2_500));
      const second = alerter.begin();
      second.add(fail(1_500, 4));
      expect((await second.finish()).map((a) => [a.rule, a.count])).toEqual([['fast.burst', 5]]);
      // Every key kept has a TTL.
      for (const key of await client.keys('late:*')) expect(await client.pttl(key)).toBeGreaterThan(0);
    } finally {
      client.disconnect();
      await store.close();
    }
  });
});
