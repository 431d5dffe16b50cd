import { RedisServer, startRedis } from '../redis-server';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

const ids = (stdout: string) => (stdout.trim() === '' ? [] : stdout.trim().split('\n').map((l) => JSON.parse(l).id as string));

/** A dispatch configuration delivering every alert to a JSONL file. */
function fileDispatch(): { config: string; delivered(): string[] } {
  const dir = tempDir();
  const config = path.join(dir, 'dispatch.json');
  writeFileSync(config, JSON.stringify({ channels: { inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') } }, routes: [{ channels: ['inbox'] }], deadLetter: path.join(dir, 'dead.jsonl') }));
  return { config, delivered: () => (existsSync(path.join(dir, 'inbox.jsonl')) ? ids(readFileSync(path.join(dir, 'inbox.jsonl'), 'utf8')) : []) };
}

/** The audit summaries, which complete on the watermark in Redis and at the end of the input on the memory store. */
const AUDIT = ['sshd.successful-login', 'sudo.command'];
const detections = (alerts: unknown[][]) => alerts.filter((a) => !AUDIT.includes(a[0] as string));
const summaries = (alerts: unknown[][]) => alerts.filter((a) => AUDIT.includes(a[0] as string));

test("replay on Redis gives the memory store's alerts; run again it gives the same ones, and delivers none twice", async () => {
  const memory = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
  const first = await runCli(['replay', 'samples/', '--json', '--year', '2026', '--state', redis.url]);
  expect(first.status).toBe(0);
  expect(detections(pick(first.stdout))).toEqual(detections(pick(memory.stdout)));
  expect(pick(first.stdout).length).toBeGreaterThan(0);
  // Summaries in Redis are raised once their stream has passed their hour, as in the functions; the
  // files of samples/ are not in time order (benign/ is from a later day), so on the watermark the
  // older files' logins are late. Each one raised is the memory store's.
  for (const s of summaries(pick(first.stdout))) expect(summaries(pick(memory.stdout))).toContainEqual(s);
  // The same events into the same Redis: the same alerts, the same ids (as after a crash).
  const second = await runCli(['replay', 'samples/', '--json', '--year', '2026', '--state', redis.url]);
  expect(second.status).toBe(0);
  expect(ids(second.stdout)).toEqual(ids(first.stdout));
  // Delivered through channels, each alert goes out once however often it is replayed.
  const inbox = fileDispatch();
  for (let run = 0; run < 2; run++) {
    const r = await runCli(['replay', 'samples/', '--json', '--year', '2026', '--state', redis.url, '--dispatch', '--config', inbox.config]);
    expect(r.status).toBe(0);
  }
  expect(inbox.delivered().sort()).toEqual(ids(first.stdout).sort());
});

test('an unreachable Redis is bad usage (exit 2) with a clear message', async () => {
  const r = await runCli(['replay', 'samples/', '--state', 'redis://127.0.0.1:1']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('cannot connect to Redis at redis://127.0.0.1:1');
});

test('settings come from the environment or a --settings file with the same keys as Function Compute', async () => {
  const dir = tempDir({ 'secmon.json': JSON.stringify({ SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'cfgtest:' }), 'typo.json': JSON.stringify({ SECMON_STAET: 'memory' }) });
  const viaFile = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--settings', path.join(dir, 'secmon.json')]);
  // The file's last hour is still open in Redis: its login and sudo summaries are not raised yet.
  expect(pick(viaFile.stdout).map((a) => a[0])).toEqual(['sshd.root-login-refused']);
  // Same Redis, same prefix, given through the environment: the same store, so what the file's run delivered is not delivered again.
  const inbox = fileDispatch();
  await runCli(['replay', 'samples/hosts/secure', '--year', '2026', '--settings', path.join(dir, 'secmon.json'), '--dispatch', '--config', inbox.config]);
  expect(inbox.delivered()).toHaveLength(1);
  const viaEnv = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--dispatch', '--config', inbox.config], { env: { SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'cfgtest:' } });
  expect(pick(viaEnv.stdout)).toEqual(pick(viaFile.stdout));
  expect(viaEnv.stderr).toMatch(/already sent\s+1/);
  expect(inbox.delivered()).toHaveLength(1);
  const typo = await runCli(['replay', 'samples/hosts/secure', '--settings', path.join(dir, 'typo.json')]);
  expect(typo.status).toBe(2);
  expect(typo.stderr).toContain('SECMON_STAET: unknown setting');
});

test('replayed again with other rules, the same events are evaluated afresh (a batch is the events and the rules)', async () => {
  const dir = tempDir({
    'rules/root.json': JSON.stringify({
      id: 'my.sudo-by-ecs-user',
      title: 'sudo by ecs-user',
      description: 'Every sudo command of ecs-user',
      severity: 'low',
      source: 'sudo',
      condition: { all: [{ field: 'event.action', op: 'equals', value: 'command' }, { field: 'user.name', op: 'equals', value: 'ecs-user' }] },
      kind: 'match',
      tests: [{ name: 'n', events: ['Nov 20 11:03:02 db-01 sudo[1]: ecs-user : TTY=pts/0 ; PWD=/home/ecs-user ; USER=root ; COMMAND=/usr/bin/id'], expect: { alerts: 1 } }],
    }),
  });
  const env = { SECMON_REDIS_KEY_PREFIX: 'rules-change:' };
  const bundled = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--state', redis.url], { env });
  expect(pick(bundled.stdout).map((a) => a[0])).toContain('sshd.root-login-refused');
  // The same sources read, so the same events: only the rules differ.
  const more = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--state', redis.url, '--rules', '@bundled', '--rules', path.join(dir, 'rules')], { env });
  // Evaluated afresh: the new rule's alert is raised; the bundled ones were raised already.
  expect(pick(more.stdout).map((a) => a[0])).toEqual(['my.sudo-by-ecs-user']);
});

test('in Redis an hour of logins is raised once the host logs pass it, by a later replay too (the functions go on the same way)', async () => {
  const env = { SECMON_REDIS_KEY_PREFIX: 'summaries:' };
  const first = await runCli(['replay', 'samples/hosts/auth.log', '--json', '--year', '2026', '--state', redis.url], { env });
  // auth.log ends at 02:55 UTC: its 01:00 hour is done (02:15 passed), its 02:00 hour still open.
  expect(summaries(pick(first.stdout))).toEqual([
    ['sshd.successful-login', 'web-01|deploy', '2026-11-20T01:12:40.264Z', 1],
    ['sudo.command', 'web-01|deploy', '2026-11-20T01:15:02.458Z', 1],
  ]);
  // Later logs of the same stream (another host, the next days) complete the open hours.
  const later = await runCli(['replay', 'samples/hosts/bastion-compromise.log', '--json', '--year', '2026', '--state', redis.url], { env });
  expect(summaries(pick(later.stdout))).toEqual([
    ['sshd.successful-login', 'web-01|alice', '2026-11-20T02:05:00.927Z', 1],
    ['sudo.command', 'web-01|deploy', '2026-11-20T02:51:20.610Z', 2],
    ['sshd.successful-login', 'web-01|deploy', '2026-11-20T02:55:41.903Z', 2],
  ]);
});
