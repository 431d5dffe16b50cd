import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from '../e2e/run-cli';
import { hostLog, prng, signins } from '../generate';
import { tempDir } from '../helpers';
import { startRedis } from '../redis-server';

/**
 * Crash safety: redis-server (persistent, fsync on every write) is killed by pid at a
 * random point of a replay, restarted on its own data, and the replay run again. The
 * second run must print exactly the alerts of an undisturbed run: none lost (a batch
 * whose commit the first run never saw acknowledged), none twice.
 */
const ids = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id as string);

let files: string[];
beforeAll(() => {
  const rand = prng(424242);
  const dir = tempDir();
  files = [path.join(dir, 'auth.log'), path.join(dir, 'signins.jsonl')];
  writeFileSync(files[0], hostLog(rand));
  writeFileSync(files[1], signins(rand));
});

/** Small batches: many transactions, so a kill lands between and inside them. */
const replayArgs = (url: string) => ['replay', ...files, '--json', '--batch', '5', '--state', url];

test('killing Redis at random points of a replay loses no alert and doubles none', async () => {
  const clean = await startRedis({ aofDir: tempDir() });
  const started = Date.now();
  const undisturbed = await runCli(replayArgs(clean.url));
  const duration = Date.now() - started;
  await clean.stop();
  expect(undisturbed.status).toBe(0);
  const expected = ids(undisturbed.stdout);
  expect(expected.length).toBeGreaterThan(100);
  expect(new Set(expected).size).toBe(expected.length);

  const rand = prng(7);
  let interrupted = 0;
  // Until four replays were interrupted in the middle (a kill can also land before the
  // CLI connected, or after it finished), at most 12 rounds.
  for (let round = 0; round < 12 && interrupted < 4; round++) {
    const dir = tempDir();
    const redis = await startRedis({ aofDir: dir });
    // The first run, and redis-server killed (SIGKILL) while it runs.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'secmon.js'), ...replayArgs(redis.url)], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let firstOut = '';
    let firstErr = '';
    child.stdout.on('data', (d) => (firstOut += d));
    child.stderr.on('data', (d) => (firstErr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Somewhere in the run: past the process start (about a quarter of it), before its end.
    await new Promise((r) => setTimeout(r, Math.floor(duration * (0.25 + 0.7 * rand()))));
    process.kill(redis.pid, 'SIGKILL');
    const status = await exited;
    if (status !== 0) {
      expect(status).toBe(2);
      expect(firstErr).toMatch(/state store failed|cannot connect to Redis/);
      if (/state store failed/.test(firstErr)) interrupted++;
    }
    // What the first run printed is part of the undisturbed run, once.
    const first = ids(firstOut);
    expect(new Set(first).size).toBe(first.length);
    for (const id of first) expect(expected).toContain(id);

    // Restarted on its own data, where the CLI looks for it; the replay run again.
    const again = await startRedis({ aofDir: dir, port: redis.port });
    const second = await runCli(replayArgs(again.url));
    await again.stop();
    expect({ round, status: second.status }).toEqual({ round, status: 0 });
    expect({ round, alerts: ids(second.stdout).sort() }).toEqual({ round, alerts: [...expected].sort() });
  }
  // The kills must have interrupted replays, or the test proves nothing.
  expect(interrupted).toBeGreaterThanOrEqual(3);
});
