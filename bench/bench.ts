/**
 * `npm run bench`: secmon measured as a user measures it, in one run.
 *
 *   node dist/bench.js [--events N] [--rounds N] [--warm-rounds N] [--memory-events N] [--quick] [--json]
 *
 * - whole process, cold: `secmon replay FILES --json` with a reader on the pipe, against
 *   a plain Node script that reads the same files with readline and parses each line;
 *   pairs alternate which goes first (this machine's speed drifts), the ratio is the
 *   median of the pairs' ratios; wall time, CPU time and peak memory of both;
 * - warm, in process: the pipeline against the same parse on the same line reader,
 *   after a warm-up round (a Function Compute instance after its first invocation),
 *   and where its time goes: per file, reading and normalizing alone against the whole;
 * - Function Compute cold start: a detector bundle required and initialized;
 * - 1,000,000 events piped into a slow reader: peak memory;
 * - Redis round trips of one batch; sshd lines against fail2ban-regex, when installed.
 * Every target is printed with its measured value and whether it is met. Ratios, not
 * absolute times, are what carries between machines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Detector } from '../shared/engine/detector';
import { limitHeapGrowth } from '../shared/util/heap';
import { bundledRulesDir } from '../shared/rules/bundled';
import { formatProblem, loadRules } from '../shared/rules/load';
import { CompiledRule } from '../shared/rules/rule';
import { RedisStateStore } from '../shared/state/redis';
import { freePort } from '../shared/util/free-port';
import { normalizeSyslogLine } from '../shared/events/syslog';
import { ProcessRun, fcColdStart, runCommand, runNode, writeBaselineScript, writeProbe } from './processes';
import { Phases, median, warmPhases, warmRounds } from './in-process';
import { generateWorkload } from './workload';

interface Options {
  events: number;
  json: boolean;
  /** Whole-process pairs (CLI and baseline). */
  rounds: number;
  /** Warm in-process rounds (after one warm-up round). */
  warmRounds: number;
  /** Events of the piped-memory measurement (0: skip). */
  memoryEvents: number;
  /** A smoke run: fewer rounds, no 1M run, no Redis, no fail2ban. */
  quick: boolean;
}

const USAGE = 'usage: node dist/bench.js [--events N] [--rounds N] [--warm-rounds N] [--memory-events N] [--quick] [--json]';

function parseArgs(argv: string[]): Options {
  const o: Options = { events: 200_000, json: false, rounds: 7, warmRounds: 7, memoryEvents: 1_000_000, quick: false };
  const num = (i: number) => {
    const n = Number(argv[i]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${argv[i - 1]} needs a whole number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--events') o.events = num(++i);
    else if (a === '--rounds') o.rounds = Math.max(1, num(++i));
    else if (a === '--warm-rounds') o.warmRounds = Math.max(1, num(++i));
    else if (a === '--memory-events') o.memoryEvents = num(++i);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (o.events < 100) throw new Error('--events must be at least 100');
  if (o.quick) {
    o.rounds = Math.min(o.rounds, 3);
    o.warmRounds = Math.min(o.warmRounds, 3);
    o.memoryEvents = 0;
  }
  return o;
}

const CLI = path.join(__dirname, '..', 'bin', 'secmon.js');

interface Target {
  name: string;
  measured: string;
  met: boolean | undefined;
  note?: string;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-bench-'));
  try {
    const workload = await generateWorkload(dir, o.events);
    const probe = writeProbe(dir);
    const baselineScript = writeBaselineScript(dir);
    const replayArgs = [CLI, 'replay', '--json', '--no-progress', '--year', '2026', ...workload.files];

    // Whole process, cold, pairs alternating which runs first.
    const cli: ProcessRun[] = [];
    const base: ProcessRun[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const pair = r % 2 === 0 ? [false, true] : [true, false];
      for (const isCli of pair) {
        const run = await runNode(probe, isCli ? replayArgs : [baselineScript, ...workload.files]);
        if (run.status !== 0) throw new Error(`${isCli ? 'secmon replay' : 'the baseline'} failed: ${run.stderr.slice(-500)}`);
        (isCli ? cli : base).push(run);
      }
    }
    const alerts = cli[0].stdoutLines;
    const wallRatio = median(cli.map((c, i) => c.wallMs / base[i].wallMs));
    const cpuRatio = median(cli.map((c, i) => c.cpuMs / base[i].cpuMs));

    // Warm, in process.
    limitHeapGrowth();
    const loaded = await loadRules([bundledRulesDir()]);
    if (loaded.problems.length) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    const warm = await warmRounds(workload.files, loaded.rules, o.warmRounds);
    const phases = await warmPhases(workload.files, loaded.rules, o.warmRounds, [workload.sshd]);

    // Function Compute cold start of the detectors (require + initialize), median of 7 fresh processes.
    const cold: Record<string, { requireMs: number; initializeMs: number }> = {};
    for (const fn of ['sls', 'actiontrail']) {
      const bundle = path.join(__dirname, 'functions', fn, 'index.js');
      if (!existsSync(bundle)) continue;
      const runs = Array.from({ length: o.quick ? 3 : 7 }, () => fcColdStart(bundle));
      const ok = runs.filter((r): r is { requireMs: number; initializeMs: number } => 'requireMs' in r);
      if (ok.length === 0) throw new Error(`cold start of ${fn} failed: ${(runs[0] as { error: string }).error}`);
      const sorted = ok.sort((a, b) => a.requireMs + a.initializeMs - (b.requireMs + b.initializeMs));
      cold[fn] = sorted[sorted.length >> 1];
    }

    // A million events piped into a slow reader: memory stays bounded (the replay waits for the pipe).
    let piped: { events: number; peakRssMB: number; alerts: number; fileMB: number } | { skipped: string };
    if (o.memoryEvents > 0) {
      const big = await generateWorkload(mkdtempSync(path.join(dir, 'big-')), o.memoryEvents);
      const run = await runNode(probe, [CLI, 'replay', '--json', '--no-progress', '--year', '2026', ...big.files], { slow: true });
      if (run.status !== 0) throw new Error(`the ${o.memoryEvents}-event replay failed: ${run.stderr.slice(-500)}`);
      piped = { events: o.memoryEvents, peakRssMB: run.peakRssMB, alerts: run.stdoutLines, fileMB: big.files.reduce((n, f) => n + statSync(f).size, 0) / 1048576 };
    } else piped = { skipped: 'quick run (--memory-events 0)' };

    const redis = o.quick ? { skipped: 'quick run' } : await redisRoundTrips(loaded.rules);
    const fail2ban = o.quick ? { skipped: 'quick run' } : await againstFail2ban(probe, workload.sshd);

    const cliMedian = { wallMs: median(cli.map((r) => r.wallMs)), cpuMs: median(cli.map((r) => r.cpuMs)), peakRssMB: Math.max(...cli.map((r) => r.peakRssMB)) };
    const baseMedian = { wallMs: median(base.map((r) => r.wallMs)), cpuMs: median(base.map((r) => r.cpuMs)), peakRssMB: Math.max(...base.map((r) => r.peakRssMB)) };
    const sls = cold.sls;
    const targets: Target[] = [
      { name: 'whole process wall ≤ 2.0× the parse-only baseline', measured: `${fmt(wallRatio)}×`, met: wallRatio <= 2 },
      { name: 'warm in process ≤ 1.5× the parse-only baseline', measured: `${fmt(warm.ratio)}×`, met: warm.ratio <= 1.5 },
      'peakRssMB' in piped
        ? { name: `${piped.events} events piped into a slow reader ≤ 200 MB peak`, measured: `${fmt(piped.peakRssMB)} MB`, met: piped.peakRssMB <= 200 }
        : { name: '1,000,000 events piped ≤ 200 MB peak', measured: '-', met: undefined, note: piped.skipped },
      sls
        ? { name: 'FC cold start (require + initialize) ≤ 80 ms', measured: `${fmt(sls.requireMs + sls.initializeMs)} ms`, met: sls.requireMs + sls.initializeMs <= 80 }
        : { name: 'FC cold start (require + initialize) ≤ 80 ms', measured: '-', met: undefined, note: 'no function bundles (run npm run build)' },
      sls ? { name: 'FC initialize() < 50 ms', measured: `${fmt(sls.initializeMs)} ms`, met: sls.initializeMs < 50 } : { name: 'FC initialize() < 50 ms', measured: '-', met: undefined, note: 'no function bundles' },
      'ratio' in fail2ban
        ? { name: 'sshd lines ≥ 10× as fast as fail2ban-regex (whole process)', measured: `${fmt(fail2ban.ratio)}× (${fmt(fail2ban.fail2banMs)} ms against ${fmt(fail2ban.secmonMs)} ms, ${o.events} lines)`, met: fail2ban.ratio >= 10 }
        : { name: 'sshd lines ≥ 10× as fast as fail2ban-regex (whole process)', measured: '-', met: undefined, note: fail2ban.skipped },
      'roundTrips' in redis
        ? { name: 'Redis round trips of a 10,000-line batch ≤ 36', measured: String(redis.roundTrips), met: redis.roundTrips <= 36 }
        : { name: 'Redis round trips of a 10,000-line batch ≤ 36', measured: '-', met: undefined, note: redis.skipped },
    ];
    const result = {
      events: o.events,
      alerts,
      rules: loaded.rules.length,
      wholeProcess: { rounds: o.rounds, cli: cliMedian, baseline: baseMedian, wallRatio: round(wallRatio), cpuRatio: round(cpuRatio) },
      warm: { rounds: o.warmRounds, ratio: round(warm.ratio), eventsPerSecond: warm.eventsPerSecond, microsecondsPerEvent: warm.microsecondsPerEvent },
      phases,
      fcColdStart: cold,
      piped,
      redis,
      fail2ban,
      targets,
    };
    // A skipped target's `met` is null in JSON (undefined would drop the key).
    if (o.json) process.stdout.write(`${JSON.stringify(result, (k, v) => (k === 'met' && v === undefined ? null : v))}\n`);
    else process.stdout.write(report(result));
  } finally {
    if (process.env.BENCH_KEEP_FILES) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: {
  events: number;
  alerts: number;
  rules: number;
  wholeProcess: { rounds: number; cli: { wallMs: number; cpuMs: number; peakRssMB: number }; baseline: { wallMs: number; cpuMs: number; peakRssMB: number }; wallRatio: number; cpuRatio: number };
  warm: { rounds: number; ratio: number; eventsPerSecond: number; microsecondsPerEvent: number };
  phases: Phases[];
  fcColdStart: Record<string, { requireMs: number; initializeMs: number }>;
  targets: Target[];
}): string {
  const w = r.wholeProcess;
  const lines = [
    `workload          ${r.events} events (ActionTrail records and auth.log lines, half each), ${r.rules} rules, ${r.alerts} alerts`,
    `whole process     secmon replay --json | reader: ${fmt(w.cli.wallMs)} ms wall, ${fmt(w.cli.cpuMs)} ms CPU, ${fmt(w.cli.peakRssMB)} MB peak`,
    `                  parse-only baseline:         ${fmt(w.baseline.wallMs)} ms wall, ${fmt(w.baseline.cpuMs)} ms CPU, ${fmt(w.baseline.peakRssMB)} MB peak`,
    `                  ratio ${fmt(w.wallRatio)}× wall, ${fmt(w.cpuRatio)}× CPU (median of ${w.rounds} alternating pairs)`,
    `warm in process   ${fmt(r.warm.ratio)}× the baseline, ${r.warm.eventsPerSecond} events/s, ${fmt(r.warm.microsecondsPerEvent)} µs/event (median of ${r.warm.rounds} rounds)`,
    `where it goes     warm, fastest of ${r.warm.rounds} rounds, CPU ms: baseline / read and normalize, no rules / pipeline`,
    ...r.phases.map((p) => `                  ${p.input.padEnd(18)} ${fmt(p.baselineMs)} / ${fmt(p.normalizeMs)} (${fmt(p.normalizeMs / p.baselineMs)}×) / ${fmt(p.pipelineMs)} (${fmt(p.pipelineMs / p.baselineMs)}×)`),
    ...Object.entries(r.fcColdStart).map(([fn, c]) => `FC cold start     ${fn}: require ${fmt(c.requireMs)} ms + initialize ${fmt(c.initializeMs)} ms = ${fmt(c.requireMs + c.initializeMs)} ms`),
    '',
    ...r.targets.map((t) => `target  ${t.met === undefined ? 'skipped' : t.met ? 'met    ' : 'MISSED '}  ${t.name}: ${t.measured}${t.note ? ` (${t.note})` : ''}`),
    '',
  ];
  return lines.join('\n');
}

/** Whole-process wall time of fail2ban-regex with Debian's sshd filter against secmon replay, on the same sshd lines. */
async function againstFail2ban(probe: string, sshdFile: string): Promise<{ ratio: number; fail2banMs: number; secmonMs: number } | { skipped: string }> {
  if (spawnSync('fail2ban-regex', ['--version']).error) return { skipped: 'fail2ban-regex is not installed (Debian: apt-get install fail2ban)' };
  const filter = '/etc/fail2ban/filter.d/sshd.conf';
  if (!existsSync(filter)) return { skipped: `${filter} is missing` };
  const f2b: number[] = [];
  const secmon: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = await runCommand('fail2ban-regex', [sshdFile, filter]);
    if (f.status !== 0) return { skipped: `fail2ban-regex failed: ${f.output.slice(-300)}` };
    f2b.push(f.wallMs);
    const s = await runNode(probe, [CLI, 'replay', '--json', '--no-progress', '--year', '2026', sshdFile]);
    if (s.status !== 0) return { skipped: `secmon replay failed: ${s.stderr.slice(-300)}` };
    secmon.push(s.wallMs);
  }
  return { ratio: median(f2b) / median(secmon), fail2banMs: median(f2b), secmonMs: median(secmon) };
}

/** Round trips of the Redis store for one batch of 10,000 brute-force lines from 20 addresses. */
async function redisRoundTrips(rules: CompiledRule[]): Promise<{ roundTrips: number; lines: number; alerts: number } | { skipped: string }> {
  if (spawnSync('redis-server', ['--version']).error) return { skipped: 'redis-server is not installed' };
  const port = await freePort();
  const { spawn } = await import('node:child_process');
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  try {
    let store: RedisStateStore | undefined;
    for (let attempt = 0; attempt < 50 && !store; attempt++) {
      store = await RedisStateStore.connect({ url: `redis://127.0.0.1:${port}` }).catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
    }
    if (!store) return { skipped: 'redis-server did not start' };
    const t0 = Date.UTC(2026, 10, 20);
    const lines = Array.from({ length: 10_000 }, (_, i) => `${new Date(t0 + i * 20).toISOString()} web-01 sshd[${i}]: Failed password for root from 203.0.113.${i % 20} port ${30000 + i} ssh2`);
    const events = lines.flatMap((l, i) => normalizeSyslogLine(l, { position: `bench:${i}` }));
    const detector = new Detector(rules, store);
    store.roundTrips = 0;
    const alerts = await detector.process(events, { batchId: 'bench-batch' });
    const roundTrips = store.roundTrips;
    await store.close();
    return { roundTrips, lines: lines.length, alerts: alerts.length };
  } finally {
    server.kill('SIGTERM');
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(round(n));
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
