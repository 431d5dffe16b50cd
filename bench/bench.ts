/**
 * `npm run bench`: the full pipeline (all bundled rules, memory store) against a
 * parse-only baseline on the same generated input, in one run. Results are ratios
 * and rates measured side by side, not absolute promises.
 *
 *   node dist/bench.js [--events N] [--json]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Detector } from '../shared/engine/detector';
import { replayFiles } from '../shared/pipeline/replay';
import { bundledRulesDir } from '../shared/rules/bundled';
import { formatProblem, loadRules } from '../shared/rules/load';
import { MemoryStateStore } from '../shared/state/memory';

interface Options {
  events: number;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { events: 200_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') o.json = true;
    else if (argv[i] === '--events') o.events = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --events N, --json)`);
  }
  if (!Number.isInteger(o.events) || o.events < 100) throw new Error('--events must be an integer of at least 100');
  return o;
}

const NAMES = ['DescribeInstances', 'DescribeSecurityGroups', 'ListUsers', 'GetBucketInfo', 'RunInstances', 'AuthorizeSecurityGroup', 'DisableKey', 'ConsoleSignin', 'CreateAccessKey', 'StopInstance'];

/** Half ActionTrail JSON lines, half syslog (sshd, sudo, cron) with a brute force inside. */
async function generate(dir: string, total: number): Promise<string[]> {
  const trail = path.join(dir, 'trail.jsonl');
  const auth = path.join(dir, 'auth.log');
  const t0 = Date.UTC(2026, 10, 20);
  await writeLines(trail, Math.floor(total / 2), (i) => {
    const name = NAMES[i % NAMES.length];
    const signin = name === 'ConsoleSignin';
    return JSON.stringify({
      eventId: `bench-${i}`,
      eventVersion: 1,
      eventName: name,
      eventType: signin ? 'ConsoleSignin' : 'ApiCall',
      eventTime: new Date(t0 + i * 50).toISOString(),
      serviceName: signin ? 'AasSub' : name.includes('Key') ? 'Kms' : 'Ecs',
      sourceIpAddress: `198.18.${(i >> 8) & 255}.${i & 255}`,
      userIdentity: { type: 'ram-user', userName: `user${i % 50}`, accountId: '1234567890123456', principalId: String(200000 + (i % 50)) },
      requestParameters: { RegionId: 'cn-hangzhou', SecurityGroupId: `sg-${i % 100}`, PortRange: '443/443', SourceCidrIp: '10.0.0.0/8' },
      additionalEventData: signin ? { isMFAChecked: 'true' } : undefined,
      acsRegion: 'cn-hangzhou',
      requestId: `req-${i}`,
    });
  });
  await writeLines(auth, total - Math.floor(total / 2), (i) => {
    const ts = new Date(t0 + i * 50).toISOString();
    switch (i % 4) {
      case 0:
        return `${ts} web-01 sshd[${1000 + (i % 3000)}]: Failed password for invalid user u${i % 7} from 203.0.113.${i % 40 === 0 ? 66 : (i >> 4) & 255} port ${30000 + (i % 20000)} ssh2`;
      case 1:
        return `${ts} web-01 sshd[${1000 + (i % 3000)}]: Accepted publickey for deploy from 10.0.0.${i & 255} port ${30000 + (i % 20000)} ssh2: ED25519 SHA256:abc`;
      case 2:
        return `${ts} web-01 CRON[${i % 9000}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
      default:
        return `${ts} web-01 sudo[${i % 9000}]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl status nginx`;
    }
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

/** Reads and parses the input and touches one field: the cost below which no pipeline can go. */
async function baseline(files: string[]): Promise<number> {
  let touched = 0;
  for (const file of files) {
    const rl = createInterface({ input: createReadStream(file, { highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
    const json = file.endsWith('.jsonl');
    for await (const line of rl) {
      if (json) {
        if ((JSON.parse(line) as { eventName?: string }).eventName) touched++;
      } else if (line.split(' ')[2]) {
        touched++;
      }
    }
  }
  return touched;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-bench-'));
  try {
    const files = await generate(dir, o.events);
    const loaded = await loadRules([bundledRulesDir()]);
    if (loaded.problems.length) throw new Error(loaded.problems.map(formatProblem).join('\n'));

    const b0 = process.hrtime.bigint();
    const touched = await baseline(files);
    const baselineMs = Number(process.hrtime.bigint() - b0) / 1e6;

    const p0 = process.hrtime.bigint();
    let alerts = 0;
    const summary = await replayFiles(files, new Detector(loaded.rules, new MemoryStateStore()), {
      format: 'auto',
      syslog: { year: 2026 },
      onAlert: () => {
        alerts++;
      },
      onSkipped: (e) => {
        throw e;
      },
    });
    const pipelineMs = Number(process.hrtime.bigint() - p0) / 1e6;

    const result = {
      events: summary.events,
      rules: loaded.rules.length,
      alerts,
      baseline: { ms: round(baselineMs), eventsPerSecond: Math.round((touched / baselineMs) * 1000) },
      pipeline: { ms: round(pipelineMs), eventsPerSecond: Math.round((summary.events / pipelineMs) * 1000), microsecondsPerEvent: round((pipelineMs * 1000) / summary.events) },
      ratio: round(pipelineMs / baselineMs),
      peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    };
    if (o.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        [
          `events            ${result.events} (${result.rules} rules, ${result.alerts} alerts)`,
          `baseline (parse)  ${result.baseline.eventsPerSecond} events/s`,
          `pipeline          ${result.pipeline.eventsPerSecond} events/s, ${result.pipeline.microsecondsPerEvent} µs/event`,
          `ratio             ${result.ratio}× the parse-only baseline`,
          `peak RSS          ${result.peakRssMB} MB`,
          '',
        ].join('\n'),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
