import { RedisServer, startRedis } from '../redis-server';
import { runCli } from './run-cli';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const pick = (stdout: string) =>
  stdout.trim() === '' ? [] : stdout.trim().split('\n').map((l) => { const a = JSON.parse(l); return [a.rule, a.key, a.time, a.count]; });

test('replay on Redis gives the memory store\'s alerts, and a second replay into the same Redis raises none again', async () => {
  const memory = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
  const first = await runCli(['replay', 'samples/', '--json', '--year', '2026', '--state', redis.url]);
  expect(first.status).toBe(0);
  expect(pick(first.stdout)).toEqual(pick(memory.stdout));
  expect(pick(first.stdout).length).toBeGreaterThan(0);
  const second = await runCli(['replay', 'samples/', '--json', '--year', '2026', '--state', redis.url]);
  expect(second.status).toBe(0);
  expect(pick(second.stdout)).toEqual([]);
});

test('an unreachable Redis is bad usage (exit 2) with a clear message', async () => {
  const r = await runCli(['replay', 'samples/', '--state', 'redis://127.0.0.1:1']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('cannot connect to Redis at redis://127.0.0.1:1');
});
