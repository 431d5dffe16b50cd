/**
 * `npm run bench`: the full pipeline (all bundled rules, memory store) against a
 * parse-only baseline on the same generated input, in one run. Results are ratios
 * and rates measured side by side, not absolute promises.
 *
 *   node dist/bench.js [--events N] [--rule-copies N] [--batch N] [--rounds N] [--memory-events N] [--quick] [--json]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Alerter } from '../shared/alerts/alerter';
import { Detector } from '../shared/engine/detector';
import { openInput, readLineBlocks } from '../shared/local/input/line-reader';
import { MEMORY_BATCH_LINES, ReplaySummary, replayFiles } from '../shared/local/replay';
import { limitHeapGrowth } from '../shared/util/heap';
import { bundledRulesDir } from '../shared/rules/bundled';
import { compileRule, formatProblem, loadRules } from '../shared/rules/load';
import { CompiledRule } from '../shared/rules/rule';
import { RedisStateStore } from '../shared/state/redis';
import { freePort } from '../shared/util/free-port';
import { normalizeSyslogLine } from '../shared/events/syslog';
import { MemoryStateStore } from '../shared/state/memory';

interface Options {
  events: number;
  json: boolean;
  /** Load every bundled rule this many times (under new ids): how cost scales with rules. */
  ruleCopies: number;
  /** Lines per evaluated batch (the detector's unit of work and state transaction). */
  batch: number;
  /** Also replay a file of this many events through the CLI in a child process and report its peak memory. */
  memoryEvents: number;
  /** Skip the Redis and bundle measurements (smoke runs). */
  quick: boolean;
  /** Timed rounds (after one warm-up round). */
  rounds: number;
}

const USAGE = 'usage: node dist/bench.js [--events N] [--rule-copies N] [--batch N] [--rounds N] [--memory-events N] [--quick] [--json]';

function parseArgs(argv: string[]): Options {
  const o: Options = { events: 200_000, json: false, ruleCopies: 1, batch: MEMORY_BATCH_LINES, memoryEvents: 1_000_000, quick: false, rounds: 11 };
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
    else if (a === '--rule-copies') o.ruleCopies = Math.max(1, num(++i));
    else if (a === '--batch') o.batch = Math.max(1, num(++i));
    else if (a === '--memory-events') o.memoryEvents = num(++i);
    else if (a === '--rounds') o.rounds = Math.max(1, num(++i));
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (o.events < 100) throw new Error('--events must be at least 100');
  return o;
}

/** ActionTrail traffic is mostly reads by automation, with a few writes and sign-ins. */
const READS = ['DescribeInstances', 'DescribeSecurityGroups', 'DescribeDisks', 'ListUsers', 'GetBucketInfo', 'DescribeRegions', 'ListKeys', 'DescribeVpcs'];
const WRITES = ['RunInstances', 'StopInstance', 'StartInstance', 'CreateDisk', 'TagResources', 'ModifyInstanceAttribute', 'CreateSnapshot'];
/** Rare, security-relevant writes (about one in a thousand events). */
const SENSITIVE = ['AuthorizeSecurityGroup', 'ModifySecurityGroupRule', 'DisableKey', 'CreateAccessKey', 'AttachPolicyToUser'];

/**
 * Half ActionTrail JSON lines, half syslog. Syslog: a brute force from a rotating
 * set of addresses (40%), accepted logins and their sessions, cron and systemd noise,
 * some sudo.
 */
async function generate(dir: string, total: number): Promise<string[]> {
  const trail = path.join(dir, 'trail.jsonl');
  const auth = path.join(dir, 'auth.log');
  const t0 = Date.UTC(2026, 10, 20);
  await writeLines(trail, Math.floor(total / 2), (i) => {
    const signin = i % 97 === 0;
    const sensitive = !signin && i % 997 === 0;
    const write = !signin && i % 10 === 0;
    const name = signin ? 'ConsoleSignin' : sensitive ? SENSITIVE[(i / 997) % SENSITIVE.length | 0] : write ? WRITES[(i / 10) % WRITES.length | 0] : READS[i % READS.length];
    return JSON.stringify({
      eventId: `bench-${i}`,
      eventVersion: 1,
      eventName: name,
      eventType: signin ? 'ConsoleSignin' : 'ApiCall',
      eventTime: new Date(t0 + i * 50).toISOString(),
      serviceName: signin ? 'AasSub' : name.includes('Key') ? 'Kms' : name.includes('Policy') || name.includes('User') ? 'Ram' : 'Ecs',
      sourceIpAddress: `198.18.${(i >> 8) & 255}.${i & 255}`,
      userAgent: 'AlibabaCloud (Linux 5.15.0; x86_64) Java/1.8.0_372 tea-util/0.2.21 TeaDSL/1',
      userIdentity: { type: 'ram-user', userName: `user${i % 50}`, accountId: '1234567890123456', principalId: String(200000 + (i % 50)), accessKeyId: `LTAI5t${i % 50}` },
      requestParameters: { RegionId: 'cn-hangzhou', SecurityGroupId: `sg-${i % 100}`, PortRange: i % 1000 === 0 ? '22/22' : '443/443', SourceCidrIp: i % 1000 === 0 ? '0.0.0.0/0' : '10.0.0.0/8', PageSize: '50' },
      additionalEventData: signin ? { isMFAChecked: i % 3 === 0 ? 'false' : 'true', loginAccount: `user${i % 50}@1234567890123456.onaliyun.com` } : undefined,
      acsRegion: 'cn-hangzhou',
      requestId: `req-${i}`,
      recipientAccountId: '1234567890123456',
    });
  });
  await writeLines(auth, total - Math.floor(total / 2), (i) => {
    const ts = new Date(t0 + i * 50).toISOString();
    const r = i % 20;
    if (r < 8) return `${ts} web-01 sshd[${1000 + (i % 3000)}]: Failed password for invalid user u${i % 7} from 203.0.113.${(i >> 6) & 255} port ${30000 + (i % 20000)} ssh2`;
    if (r < 10) return `${ts} web-01 sshd[${1000 + (i % 3000)}]: Accepted publickey for deploy from 10.0.0.${i & 255} port ${30000 + (i % 20000)} ssh2: ED25519 SHA256:abc`;
    if (r < 12) return `${ts} web-01 sshd[${1000 + (i % 3000)}]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)`;
    if (r < 18) return `${ts} web-01 CRON[${i % 9000}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
    if (r < 19) return `${ts} web-01 systemd-logind[512]: New session ${i} of user deploy.`;
    return `${ts} web-01 sudo[${i % 9000}]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl status nginx`;
  });
  return [trail, auth];
}

async function writeLines(file: string, n: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let block = '';
  for (let i = 0; i < n; i++) {
    block += `${line(i)}\n`;
    if (block.length > 1 << 20) {
      if (!out.write(block)) await once(out, 'drain');
      block = '';
    }
  }
  out.end(block);
  await once(out, 'finish');
}

/**
 * Reads the input with the same line reader as the pipeline, parses each line (JSON.parse
 * of an ActionTrail line, a split of a syslog line) and touches one field: the cost
 * below which no pipeline can go.
 */
async function baseline(files: string[]): Promise<number> {
  let touched = 0;
  for (const file of files) {
    const json = file.endsWith('.jsonl');
    for await (const block of readLineBlocks(openInput(file))) {
      for (const line of block.lines) {
        if (line === '') continue;
        if (json) {
          if ((JSON.parse(line) as { eventName?: string }).eventName) touched++;
        } else if (line.split(' ')[2]) {
          touched++;
        }
      }
    }
  }
  return touched;
}

async function main(): Promise<void> {
  // The heap settings of the CLI and the functions, so the pipeline is measured as it runs there.
  limitHeapGrowth();
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-bench-'));
  try {
    const files = await generate(dir, o.events);
    const loaded = await loadRules([bundledRulesDir()]);
    if (loaded.problems.length) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    const rules = Array.from({ length: o.ruleCopies }, (_, copy) =>
      loaded.rules.map((r) => (copy === 0 ? r : compileRule({ ...r.definition, id: `${r.id}.copy${copy}` }, r.file))),
    ).flat();

    // Rounds of baseline, normalize-only, pipeline and baseline again, back to back, in
    // CPU time of this process. The first round only warms up (as a Function Compute
    // instance is warm after its first invocation). This machine's speed drifts by tens
    // of percent within seconds (shared virtual CPUs), so a ratio is taken within each
    // round, against the mean of the baselines run before and after (a drift during the
    // round weighs on both sides), and the median of the rounds is reported: robust to
    // one lucky or unlucky run, unlike a minimum or a mean.
    const baselineRuns: number[] = [];
    const normalizeRuns: number[] = [];
    const pipelineRuns: number[] = [];
    let touched = 0;
    let alerts = 0;
    let summary: ReplaySummary | undefined;
    for (let round = 0; round <= o.rounds; round++) {
      const b0 = cpuMs();
      touched = await baseline(files);
      const b = cpuMs() - b0;

      const n0 = cpuMs();
      await replayFiles(files, undefined, { format: 'auto', syslog: { year: 2026 }, chunkLines: o.batch, onAlert: () => undefined, onSkipped: (e) => { throw e; } });
      const n = cpuMs() - n0;

      const p0 = cpuMs();
      alerts = 0;
      summary = await replayFiles(files, new Alerter(new Detector(rules, new MemoryStateStore())), {
        format: 'auto',
        syslog: { year: 2026 },
        chunkLines: o.batch,
        onAlert: () => {
          alerts++;
        },
        onSkipped: (e) => {
          throw e;
        },
      });
      const p = cpuMs() - p0;

      const a0 = cpuMs();
      await baseline(files);
      const a = cpuMs() - a0;
      if (round === 0) continue;
      baselineRuns.push((b + a) / 2);
      if (process.env.BENCH_DEBUG) process.stderr.write(`round ${round}: baseline ${Math.round(b)} then ${Math.round(a)}\n`);
      normalizeRuns.push(n);
      pipelineRuns.push(p);
    }
    if (process.env.BENCH_DEBUG) process.stderr.write(`runs baseline ${baselineRuns.map(Math.round)} normalize ${normalizeRuns.map(Math.round)} pipeline ${pipelineRuns.map(Math.round)}\n`);
    const baselineMs = median(baselineRuns);
    const normalizeMs = median(normalizeRuns);
    const pipelineMs = median(pipelineRuns);
    const ratio = median(pipelineRuns.map((p, i) => p / baselineRuns[i]));
    const normalizeRatio = median(normalizeRuns.map((n, i) => n / baselineRuns[i]));
    const events = summary!.events;

    const redis = o.quick ? { skipped: 'quick run' } : await redisRoundTrips(loaded.rules);
    const bundles = o.quick ? { skipped: 'quick run' } : bundleLoadTimes();
    const memory = o.quick || o.memoryEvents === 0 ? { skipped: 'quick run' } : await replayMemory(dir, o.memoryEvents);

    const result = {
      events,
      rules: rules.length,
      batch: o.batch,
      alerts,
      baseline: { ms: round(baselineMs), eventsPerSecond: Math.round((touched / baselineMs) * 1000) },
      pipeline: { ms: round(pipelineMs), eventsPerSecond: Math.round((events / pipelineMs) * 1000), microsecondsPerEvent: round((pipelineMs * 1000) / events) },
      normalizeOnly: { ms: round(normalizeMs), ratio: round(normalizeRatio) },
      ratio: round(ratio),
      rounds: o.rounds,
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
      redis,
      bundles,
      memory,
      targets: {} as Record<string, string>,
    };
    result.targets = {
      'pipeline ≤ 2× baseline': result.ratio <= 2 ? 'met' : 'missed',
      ...('peakRssMB' in memory ? { [`${memory.events} events < 200 MB`]: memory.peakRssMB < 200 ? 'met' : 'missed' } : {}),
      ...('roundTrips' in redis ? { '10,000-line batch ≤ 36 Redis round trips': redis.roundTrips <= 36 ? 'met' : 'missed' } : {}),
      ...('functions' in bundles ? { 'bundle load < 50 ms over empty': Object.values(bundles.functions).every((ms) => ms < 50) ? 'met' : 'missed' } : {}),
    };
    if (o.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        [
          `events            ${result.events} (${result.rules} rules, ${result.alerts} alerts)`,
          `baseline (parse)  ${result.baseline.eventsPerSecond} events/s`,
          `pipeline          ${result.pipeline.eventsPerSecond} events/s, ${result.pipeline.microsecondsPerEvent} µs/event`,
          `normalize only    ${result.normalizeOnly.ratio}× the baseline (reading and normalizing, no rules)`,
          `ratio             ${result.ratio}× the parse-only baseline (median of ${result.rounds} rounds)`,
          `peak RSS          ${result.peakRssMB} MB (this process: generation, baseline and pipeline)`,
          'roundTrips' in redis ? `redis             ${redis.roundTrips} round trips for one batch of ${redis.lines} brute-force lines (${redis.alerts} alerts)` : `redis             skipped: ${redis.skipped}`,
          'functions' in bundles ? `bundle load       ${Object.entries(bundles.functions).map(([f, ms]) => `${f} +${ms} ms`).join(', ')} over an empty script (${bundles.emptyMs} ms)` : `bundle load       skipped: ${bundles.skipped}`,
          'peakRssMB' in memory ? `replay memory     ${memory.peakRssMB} MB peak RSS replaying ${memory.events} events (${memory.fileMB} MB) with the CLI` : `replay memory     skipped: ${memory.skipped}`,
          ...Object.entries(result.targets).map(([t, v]) => `target            ${t}: ${v}`),
          '',
        ].join('\n'),
      );
    }
  } finally {
    if (process.env.BENCH_KEEP_FILES) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Round trips of the Redis store for one batch of 10,000 brute-force lines from 20 addresses. */
async function redisRoundTrips(rules: CompiledRule[]): Promise<{ roundTrips: number; lines: number; alerts: number } | { skipped: string }> {
  if (spawnSync('redis-server', ['--version']).error) return { skipped: 'redis-server is not installed' };
  const port = await freePort();
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

/** Median time to require each function bundle, minus that of an empty script, in fresh processes. */
function bundleLoadTimes(): { emptyMs: number; functions: Record<string, number> } | { skipped: string } {
  const functionsDir = path.join(__dirname, 'functions');
  if (!existsSync(functionsDir)) return { skipped: 'no function bundles (run npm run build)' };
  const timeOf = (target: string | undefined) => {
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const script = `const t=process.hrtime.bigint();${target ? `require(${JSON.stringify(target)});` : ''}process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
      runs.push(Number(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout));
    }
    return runs.sort((a, b) => a - b)[3];
  };
  const emptyMs = timeOf(undefined);
  const functions: Record<string, number> = {};
  for (const name of readdirSync(functionsDir)) {
    const bundle = path.join(functionsDir, name, 'index.js');
    if (existsSync(bundle)) functions[name] = round(timeOf(bundle) - emptyMs);
  }
  return { emptyMs: round(emptyMs), functions };
}

/** Peak RSS of the CLI replaying a generated file of `events` events, measured in the child. */
async function replayMemory(dir: string, events: number): Promise<{ events: number; fileMB: number; peakRssMB: number } | { skipped: string }> {
  const cli = path.join(__dirname, 'cli.js');
  if (!existsSync(cli)) return { skipped: 'no CLI bundle (run npm run build)' };
  const sub = path.join(dir, 'memory');
  mkdirSync(sub);
  const files = await generate(sub, events);
  const probe = path.join(dir, 'rss-probe.js');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write('\\nSECMON_BENCH_RSS=' + process.resourceUsage().maxRSS + '\\n'));\n");
  const run = spawnSync(process.execPath, ['--require', probe, path.join(__dirname, '..', 'bin', 'secmon.js'), 'replay', '--json', '--no-progress', '--year', '2026', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const m = /SECMON_BENCH_RSS=(\d+)/.exec(run.stderr ?? '');
  if (!m) return { skipped: `replay failed: ${(run.stderr ?? '').slice(-300)}` };
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return { events, fileMB: round(bytes / 1048576), peakRssMB: round(Number(m[1]) / 1024) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
