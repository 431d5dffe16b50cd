import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { runFunction } from '../fc-driver';
import { tempDir } from '../helpers';
import { RedisServer, startRedis } from '../redis-server';
import { LocalSmtp } from '../servers/smtp';

/**
 * Every failure path that can be reached with a known secret in hand: the secret
 * never appears in what the CLI prints, in the dead-letter file, or in what a built
 * function logs and throws. All traffic stays on loopback (refused ports, a local SMTP
 * server and Redis); the malformed URLs fail before any connection.
 */
const SECRETS = {
  noScheme: 'TOKENnoScheme0001',
  userinfo: 'PASSinUserinfo0002',
  queryToken: 'TOKENinQuery0003',
  robotSecret: 'SECrobotSecret0004',
  hookSecret: 'hookSecret0005',
  smtpPass: 'smtpWrongPass0006',
  redisAt: 'p@ssWithAt0007',
  redisQuery: 'redisInQuery0008',
  redisDown: 'redisDownPass0009',
  redisWrong: 'redisWrongPass0010',
};
const everything = Object.values(SECRETS);
let redis: RedisServer;
const smtp = new LocalSmtp('alerts', 'the-right-password');
beforeAll(async () => {
  redis = await startRedis({ password: 'the-redis-password' });
  await smtp.start();
});
afterAll(async () => {
  await redis.stop();
  await smtp.stop();
});

function expectClean(...texts: string[]): void {
  const all = texts.join('\n');
  for (const s of everything) expect({ secret: s, found: all.includes(s) }).toEqual({ secret: s, found: false });
}

const CHANNEL_ENV = {
  T_NO_SCHEME: `oapi.dingtalk.com/robot/send?access_token=${SECRETS.noScheme}`,
  T_ROBOT_SECRET: SECRETS.robotSecret,
  T_USERINFO: `http://alice:${SECRETS.userinfo}@127.0.0.1:1/hook`,
  T_QUERY: `http://127.0.0.1:1/hook?token=${SECRETS.queryToken}`,
  T_HOOK_SECRET: SECRETS.hookSecret,
  T_SMTP_USER: 'alerts',
  T_SMTP_PASS: SECRETS.smtpPass,
};

function dispatchConfig(dir: string): string {
  const file = path.join(dir, 'dispatch.json');
  writeFileSync(
    file,
    JSON.stringify({
      channels: {
        'no-scheme': { type: 'dingtalk', webhook: { env: 'T_NO_SCHEME' }, secret: { env: 'T_ROBOT_SECRET' }, keyword: 'secmon' },
        userinfo: { type: 'webhook', url: { env: 'T_USERINFO' }, secret: { env: 'T_HOOK_SECRET' } },
        'refused-port': { type: 'webhook', url: { env: 'T_QUERY' }, secret: { env: 'T_HOOK_SECRET' } },
        mail: { type: 'email', host: '127.0.0.1', port: smtp.port, secure: false, user: { env: 'T_SMTP_USER' }, pass: { env: 'T_SMTP_PASS' }, from: 'secmon <a@example.com>', to: ['b@example.com'] },
      },
      routes: [{ channels: ['no-scheme', 'userinfo', 'refused-port', 'mail'] }],
      retry: { attempts: 1, baseDelayMs: 1 },
      deadLetter: path.join(dir, 'dead.jsonl'),
    }),
  );
  return file;
}

test('delivery failures in the CLI: the dead letters and stderr name the channel and why, never the secret', async () => {
  const dir = tempDir();
  const r = await runCli(['replay', 'samples/hosts/secure', '--year', '2026', '--dispatch', '--config', dispatchConfig(dir)], { env: CHANNEL_ENV });
  const dead = readFileSync(path.join(dir, 'dead.jsonl'), 'utf8');
  const reasons = dead.trim().split('\n').map((l) => JSON.parse(l)).map((d) => `${d.channel}: ${d.reason}`);
  expect(new Set(reasons.map((x) => x.split(':')[0]))).toEqual(new Set(['no-scheme', 'userinfo', 'refused-port', 'mail']));
  expect(reasons.find((x) => x.startsWith('no-scheme'))).toMatch(/access_token=\*\*\*/);
  expectClean(r.stdout, r.stderr, dead);
});

test('delivery failures in the built dispatcher: the invocation error and the log carry no secret', async () => {
  const dir = tempDir();
  const alert = { id: 'a-secret-1', rule: 'r', title: 't', severity: 'high', time: '2026-11-21T09:00:00.000Z', key: 'k', group: {}, count: 1, suppressed: 0, message: 'm', tags: [], references: [], evidence: [] };
  const run = await runFunction('dispatcher', { SECMON_DISPATCH_CONFIG: dispatchConfig(dir), ...CHANNEL_ENV }, [JSON.stringify({ alerts: [alert] })]);
  expect(run.status).toBe(1);
  expect(run.log.join('\n')).toMatch(/FAILED .*channel /);
  expectClean(...run.log);
});

test('Redis settings and connections: a password in the URL is refused without being shown; down, wrong and missing passwords say so', async () => {
  const outputs: string[] = [];
  const replay = async (env: Record<string, string>) => {
    const r = await runCli(['replay', 'samples/hosts/secure', '--year', '2026'], { env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  for (const url of [`redis://:${SECRETS.redisAt}@127.0.0.1:1`, `redis://127.0.0.1:1/0?password=${SECRETS.redisQuery}`, `redis://user:${SECRETS.redisAt}@127.0.0.1:1/0`]) {
    const r = await replay({ SECMON_STATE: url });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SECMON_STATE=.*: must not contain a password: set SECMON_REDIS_PASSWORD instead/);
    const fc = await runFunction('actiontrail', { SECMON_STATE: url }, ['[]']);
    expect(fc.status).toBe(1);
    outputs.push(...fc.log);
  }
  const down = await replay({ SECMON_STATE: 'redis://127.0.0.1:1', SECMON_REDIS_PASSWORD: SECRETS.redisDown });
  expect(down.status).toBe(2);
  const wrong = await replay({ SECMON_STATE: redis.url, SECMON_REDIS_PASSWORD: SECRETS.redisWrong });
  expect(wrong.stderr).toMatch(/Redis refused the password \(WRONGPASS\)/);
  const missing = await replay({ SECMON_STATE: redis.url });
  expect(missing.stderr).toMatch(/Redis requires a password and none was given \(NOAUTH\)/);
  expectClean(...outputs);
  expect(existsSync(path.join(process.cwd(), '.secmon', 'dead-letter.jsonl')) ? readFileSync(path.join(process.cwd(), '.secmon', 'dead-letter.jsonl'), 'utf8') : '').not.toContain(SECRETS.redisDown);
});
