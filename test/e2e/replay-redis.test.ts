import { RedisServer, startRedis } from '../redis-server';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { tempDir } from '../helpers';

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

test('settings come from the environment or a --settings file with the same keys as Function Compute', async () => {
  const dir = tempDir({ 'secmon.json': JSON.stringify({ SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'cfgtest:' }), 'typo.json': JSON.stringify({ SECMON_STAET: 'memory' }) });
  const viaFile = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--settings', path.join(dir, 'secmon.json')]);
  expect(pick(viaFile.stdout).map((a) => a[0])).toEqual(['sshd.successful-login', 'sudo.command']);
  // Same Redis, same prefix, given through the environment: already raised, so nothing new.
  const viaEnv = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026'], { env: { SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'cfgtest:' } });
  expect(pick(viaEnv.stdout)).toEqual([]);
  const typo = await runCli(['replay', 'samples/hosts/secure', '--settings', path.join(dir, 'typo.json')]);
  expect(typo.status).toBe(2);
  expect(typo.stderr).toContain('SECMON_STAET: unknown setting');
});
