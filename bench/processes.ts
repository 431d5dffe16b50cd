import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A whole process as a user runs it: wall time from spawn to exit, its CPU time and peak memory, what it printed. */
export interface ProcessRun {
  wallMs: number;
  /** User and system CPU time of the process (all its threads: JIT, GC). */
  cpuMs: number;
  peakRssMB: number;
  stdoutBytes: number;
  stdoutLines: number;
  status: number | null;
  stderr: string;
}

/**
 * A `--require` probe that reports the process's resource usage at exit on stderr
 * (Node's own accounting: CPU of all threads, peak resident set size).
 */
export function writeProbe(dir: string): string {
  const probe = path.join(dir, 'usage-probe.js');
  writeFileSync(probe, "process.on('exit', () => { require('node:fs').writeSync(2, '\\nSECMON_BENCH_USAGE=' + JSON.stringify(process.resourceUsage()) + '\\n'); });\n");
  return probe;
}

/**
 * Runs `node ARGS` with the probe, its stdout a pipe that this process reads (as
 * `secmon replay --json | …` has a reader). `slow`: the reader pauses 20 ms every
 * 256 KB, as a consumer slower than secmon would (the replay must wait, not buffer).
 */
export function runNode(probe: string, args: string[], opts: { slow?: boolean; env?: Record<string, string> } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', probe, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let stdoutBytes = 0;
    let stdoutLines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const before = stdoutBytes;
      stdoutBytes += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) stdoutLines++;
      if (opts.slow && Math.floor(before / 262144) !== Math.floor(stdoutBytes / 262144)) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 20);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /SECMON_BENCH_USAGE=(\{.*\})/.exec(stderr);
      const usage = m ? (JSON.parse(m[1]) as { userCPUTime: number; systemCPUTime: number; maxRSS: number }) : undefined;
      resolve({
        wallMs,
        cpuMs: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : NaN,
        peakRssMB: usage ? usage.maxRSS / 1024 : NaN,
        stdoutBytes,
        stdoutLines,
        status,
        stderr: stderr.replace(/\nSECMON_BENCH_USAGE=.*\n?/, ''),
      });
    });
  });
}

/**
 * The baseline a user would time secmon against: a plain Node script that reads the
 * same files with readline and parses each line (JSON.parse of an ActionTrail record,
 * a split of a syslog line), touching one field, and prints a count.
 */
export function writeBaselineScript(dir: string): string {
  const file = path.join(dir, 'parse-only.js');
  writeFileSync(
    file,
    `const fs = require('node:fs');
const readline = require('node:readline');
(async () => {
  let n = 0;
  for (const f of process.argv.slice(2)) {
    const json = f.endsWith('.jsonl');
    const lines = readline.createInterface({ input: fs.createReadStream(f), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      if (json) { if (JSON.parse(line).eventName) n++; }
      else if (line.split(' ')[2]) n++;
    }
  }
  process.stdout.write(n + '\\n');
})();
`,
  );
  return file;
}

/** A Function Compute cold start of a built function: the bundle required and `initialize()` run in a fresh process (memory state, no network). */
export function fcColdStart(bundle: string): { requireMs: number; initializeMs: number } | { error: string } {
  const script = `
    const t0 = process.hrtime.bigint();
    const fn = require(${JSON.stringify(bundle)});
    const t1 = process.hrtime.bigint();
    fn.initialize({ requestId: 'bench', region: 'cn-hangzhou', accountId: '1', credentials: { accessKeyId: 'STS.bench', accessKeySecret: 'x', securityToken: 'y' }, function: { name: 'bench', handler: 'index.handler' } })
      .then(() => process.stderr.write('SECMON_BENCH_COLD=' + JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, initializeMs: Number(process.hrtime.bigint() - t1) / 1e6 }) + '\\n'))
      .catch((e) => process.stderr.write('SECMON_BENCH_COLD_FAILED ' + e.message + '\\n'));`;
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECMON_'))), SECMON_STATE: 'memory', SECMON_DISPATCH: 'inline' };
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
  const m = /SECMON_BENCH_COLD=(\{.*\})/.exec(r.stderr ?? '');
  return m ? (JSON.parse(m[1]) as { requireMs: number; initializeMs: number }) : { error: (r.stderr ?? '').slice(-300) };
}

/** Wall time of a command (another tool, not Node) from spawn to exit, its output read and dropped. */
export function runCommand(command: string, args: string[]): Promise<{ wallMs: number; status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4000)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ wallMs: Number(process.hrtime.bigint() - started) / 1e6, status, output }));
  });
}
