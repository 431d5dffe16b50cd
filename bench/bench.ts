/**
 * `npm run bench`: the full pipeline (all bundled rules, memory store) against a
 * parse-only baseline on the same generated input, in one run. Results are ratios
 * and rates measured side by side, not absolute promises.
 *
 *   node dist/bench.js [--events N] [--json]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Detector } from '../shared/engine/detector';
import { openInput, readLineBlocks } from '../shared/input/line-reader';
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

/** ActionTrail traffic is mostly reads by automation, with a few writes and sign-ins. */
const READS = ['DescribeInstances', 'DescribeSecurityGroups', 'DescribeDisks', 'ListUsers', 'GetBucketInfo', 'DescribeRegions', 'ListKeys', 'DescribeVpcs'];
const WRITES = ['RunInstances', 'AuthorizeSecurityGroup', 'StopInstance', 'CreateAccessKey', 'DisableKey', 'ModifySecurityGroupRule', 'AttachPolicyToUser'];

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
    const write = !signin && i % 10 === 0;
    const name = signin ? 'ConsoleSignin' : write ? WRITES[(i / 10) % WRITES.length | 0] : READS[i % READS.length];
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
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-bench-'));
  try {
    const files = await generate(dir, o.events);
    const loaded = await loadRules([bundledRulesDir()]);
    if (loaded.problems.length) throw new Error(loaded.problems.map(formatProblem).join('\n'));

    const b0 = process.hrtime.bigint();
    const touched = await baseline(files);
    const baselineMs = Number(process.hrtime.bigint() - b0) / 1e6;

    // Reading and normalizing alone (no rules): how the pipeline's cost splits.
    const n0 = process.hrtime.bigint();
    await replayFiles(files, undefined, { format: 'auto', syslog: { year: 2026 }, onAlert: () => undefined, onSkipped: (e) => { throw e; } });
    const normalizeMs = Number(process.hrtime.bigint() - n0) / 1e6;

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
      normalizeOnly: { ms: round(normalizeMs), ratio: round(normalizeMs / baselineMs) },
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
          `normalize only    ${result.normalizeOnly.ratio}× the baseline (reading and normalizing, no rules)`,
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
