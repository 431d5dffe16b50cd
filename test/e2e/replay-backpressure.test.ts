import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './run-cli';
import { tempDir } from '../helpers';

/**
 * `secmon replay … --json | slow-reader`: the replay waits for the pipe instead of
 * buffering every alert in memory, and every alert arrives.
 */
test('a slow reader on the pipe slows the replay down; memory stays bounded and nothing is lost', async () => {
  const dir = tempDir();
  const lines: string[] = [];
  // 40,000 dangerous sudo commands: one alert each (sudo.dangerous-command), about 2 KB of JSON apiece.
  for (let i = 0; i < 40_000; i++) lines.push(`2026-11-20T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00Z web-01 sudo[${1000 + i}]:     ops : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/sbin/setenforce 0 ${i}`);
  writeFileSync(path.join(dir, 'auth.log'), `${lines.join('\n')}\n`);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'secmon.js'), 'replay', path.join(dir, 'auth.log'), '--json', '--year', '2026'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let received = 0;
  let count = 0;
  let peak = 0;
  // Read slowly: pause the pipe for a moment every 256 KB, and sample the replay's memory meanwhile.
  child.stdout.on('data', (chunk: Buffer) => {
    received += chunk.length;
    count += chunk.toString('utf8').split('\n').length - 1;
    if (received % (256 * 1024) < chunk.length) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 20);
    }
  });
  const sampler = setInterval(() => {
    try {
      const status = require('node:fs').readFileSync(`/proc/${child.pid}/status`, 'utf8') as string;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      peak = Math.max(peak, rss);
    } catch {
      // the process has ended
    }
  }, 50);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  expect(status).toBe(0);
  // Each sudo line is one sudo.dangerous-command alert; the hour's summary comes on top.
  expect(count).toBeGreaterThanOrEqual(40_000);
  // The alerts are ~50 MB of JSON: held in memory they would show here.
  expect(received).toBeGreaterThan(40_000_000);
  // Waiting for the pipe: about 115 MB here; without it the unread alerts pile up (about 215 MB).
  expect(peak).toBeLessThan(160 * 1024 * 1024);
}, 120_000);
