import { createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { runCli } from './run-cli';
import { tempDir } from '../helpers';

/** Writes `bytes` of syslog noise with one brute force at the very end. */
async function writeLargeLog(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 10, 20);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let block = '';
    for (let j = 0; j < 1000; j++, i++) {
      block += `${new Date(start + i * 10).toISOString()} web-01 CRON[${1000 + (i % 5000)}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n`;
    }
    written += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  for (let k = 0; k < 5; k++, i++) {
    out.write(`${new Date(start + i * 10).toISOString()} web-01 sshd[7]: Failed password for root from 203.0.113.99 port 5000 ssh2\n`);
  }
  out.end();
  await once(out, 'finish');
  return i;
}

test('replay streams its input: a file larger than the whole JavaScript heap is replayed to the end', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'large.log');
  const lines = await writeLargeLog(file, 64 * 1024 * 1024);
  // 40 MB of heap cannot hold a 64 MB file: reading it whole would crash with an out-of-memory error.
  const r = await runCli(['replay', file, '--json', '--no-progress'], { nodeArgs: ['--max-old-space-size=40'] });
  expect(r.stderr).not.toMatch(/heap out of memory/i);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(new RegExp(`events\\s+${lines}\\n`));
  expect(JSON.parse(r.stdout.trim()).key).toBe('203.0.113.99');
});
