/**
 * `npm run bench:cluster`: how detection scales out with concurrent detector processes
 * (as Function Compute runs one instance per SLS shard or EventBridge batch) against a
 * single Redis and a three-master Redis Cluster, both real servers on loopback ports.
 *
 * The workload is the bench's auth.log (a brute force from rotating addresses among
 * logins, sudo use, cron and systemd); its 1,000-line batches are dealt to the
 * processes in turn, as an SLS logstore's shards would receive them. Each process
 * loads the bundled rules, connects, waits for the start, and evaluates its batches
 * one after another with batch ids, as the SLS trigger does. Reported per store and
 * number of processes: events per second of all of them together (wall time, start to
 * the last one done), round trips and commands per 10,000 events, and the alerts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Detector } from '../shared/engine/detector';
import { normalizeSyslogLine } from '../shared/events/syslog';
import { bundledRulesDir } from '../shared/rules/bundled';
import { loadRules } from '../shared/rules/load';
import { RedisStateStore } from '../shared/state/redis';
import { startRedisCluster } from '../test/redis-cluster';
import { startRedis } from '../test/redis-server';
import { generateWorkload } from './workload';

const BATCH_LINES = 1000;

interface WorkerResult {
  events: number;
  ms: number;
  roundTrips: number;
  commands: number;
  conflicts: number;
  alerts: number;
  byRule: Record<string, number>;
}

async function worker(url: string, prefix: string, file: string): Promise<void> {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const loaded = await loadRules([bundledRulesDir()]);
  const store = await RedisStateStore.connect({ url, keyPrefix: prefix });
  const detector = new Detector(loaded.rules, store);
  const batches: Array<{ id: string; events: ReturnType<typeof normalizeSyslogLine> }> = [];
  for (let i = 0; i < lines.length; i += BATCH_LINES) {
    const slice = lines.slice(i, i + BATCH_LINES);
    batches.push({ id: `${path.basename(file)}:${i}`, events: slice.flatMap((l, k) => normalizeSyslogLine(l, { position: `${file}:${i + k}` })) });
  }
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  store.roundTrips = 0;
  store.commands = 0;
  store.conflicts = 0;
  const started = process.hrtime.bigint();
  let events = 0;
  let alerts = 0;
  const byRule: Record<string, number> = {};
  for (const b of batches) {
    events += b.events.length;
    for (const d of await detector.process(b.events, { batchId: b.id })) {
      alerts++;
      byRule[d.rule] = (byRule[d.rule] ?? 0) + 1;
    }
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result: WorkerResult = { events, ms, roundTrips: store.roundTrips, commands: store.commands, conflicts: store.conflicts, alerts, byRule };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await store.close();
}

/** Runs `n` worker processes on the batches of `auth` dealt in turn; all start together. */
async function run(url: string, prefix: string, auth: string[], n: number, dir: string): Promise<{ wallMs: number; results: WorkerResult[] }> {
  const files = Array.from({ length: n }, (_, k) => path.join(dir, `${prefix.replace(/\W/g, '')}-${k}.log`));
  const parts: string[][] = files.map(() => []);
  for (let i = 0, b = 0; i < auth.length; i += BATCH_LINES, b++) parts[b % n].push(...auth.slice(i, i + BATCH_LINES));
  files.forEach((f, k) => writeFileSync(f, `${parts[k].join('\n')}\n`));
  const children = files.map((f) => spawn(process.execPath, [__filename, '--worker', url, prefix, f], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const outputs = children.map((c) => {
    const rl = createInterface({ input: c.stdout! });
    const lines: string[] = [];
    const ready = new Promise<void>((resolve) => rl.on('line', (l) => (l === 'ready' ? resolve() : lines.push(l))));
    const done = new Promise<WorkerResult>((resolve, reject) => c.on('close', (code) => (code === 0 ? resolve(JSON.parse(lines[lines.length - 1]) as WorkerResult) : reject(new Error(`worker exited with ${code}`)))));
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  const started = process.hrtime.bigint();
  for (const c of children) c.stdin!.end('go\n');
  const results = await Promise.all(outputs.map((o) => o.done));
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, results };
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--worker') return worker(argv[1], argv[2], argv[3]);
  const events = Number(argv[argv.indexOf('--events') + 1]) || 200_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-bench-cluster-'));
  const [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  try {
    const workload = await generateWorkload(dir, events);
    const auth = readFileSync(workload.files[1], 'utf8').split('\n').filter(Boolean);
    const rows: string[] = [];
    rows.push(`workload: ${auth.length} auth.log lines in ${Math.ceil(auth.length / BATCH_LINES)} batches of ${BATCH_LINES}, dealt to the processes in turn; a three-master cluster (a replica each) and a single redis-server on loopback`);
    rows.push('');
    rows.push('store     processes   events/s   per process   round trips / 10k   commands / 10k   retried / 10k   alerts');
    for (const [name, url] of [['single', single.url], ['cluster', cluster.url]] as const) {
      for (const n of [1, 2, 4]) {
        const { wallMs, results } = await run(url, `bench-${name}-${n}:`, auth, n, dir);
        const total = results.reduce((s, r) => s + r.events, 0);
        const per10k = (x: number) => ((x / total) * 10_000).toFixed(1);
        if (process.env.BENCH_BY_RULE) {
          const by: Record<string, number> = {};
          for (const r of results) for (const [k, v] of Object.entries(r.byRule)) by[k] = (by[k] ?? 0) + v;
          rows.push(JSON.stringify(by));
        }
        const sum = (f: (r: WorkerResult) => number) => results.reduce((s, r) => s + f(r), 0);
        const perProcess = Math.round(sum((r) => (r.events / r.ms) * 1000) / n);
        rows.push(
          `${name.padEnd(9)} ${String(n).padStart(9)} ${String(Math.round((total / wallMs) * 1000)).padStart(10)} ${String(perProcess).padStart(13)} ${per10k(sum((r) => r.roundTrips)).padStart(19)} ${per10k(sum((r) => r.commands)).padStart(16)} ${per10k(sum((r) => r.conflicts)).padStart(15)} ${String(sum((r) => r.alerts)).padStart(8)}`,
        );
      }
    }
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    await Promise.all([single.stop(), cluster.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`bench:cluster: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
