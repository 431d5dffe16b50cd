import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CredentialsRef } from '../../shared/fc/context';
import { KmsSecretSource } from '../../shared/fc/kms-secrets';
import { runFunction } from '../fc-driver';
import { tempDir } from '../helpers';
import { RedisServer, startRedis } from '../redis-server';
import { LocalDingTalk } from '../servers/dingtalk-server';
import { LocalKms } from '../servers/kms-server';
import { runCli } from '../e2e/run-cli';

/**
 * Secrets from KMS Secrets Manager: the functions read the secrets their settings and
 * dispatch configuration name with their role's STS credentials (GetSecretValue on a
 * local KMS that checks the RPC signature), keep them per instance, and read them again
 * after SECMON_SECRET_TTL, so a rotated secret is used without a redeploy.
 */
const sts = { accessKeyId: 'STS.Driver', accessKeySecret: 'driver-secret', securityToken: 'driver-token' };
const kms = new LocalKms(new Map(), sts);
let redis: RedisServer;
beforeAll(async () => {
  await kms.start();
  redis = await startRedis({ password: 'redis-from-kms' });
});
afterAll(async () => {
  await kms.stop();
  await redis.stop();
});

describe('KmsSecretSource', () => {
  const credentials = new CredentialsRef();
  credentials.set(sts);

  test('reads a secret once per TTL, and sees a rotation after it', async () => {
    kms.secrets.set('secmon/a', 'first');
    let now = 1_000_000;
    const source = new KmsSecretSource({ endpoint: kms.endpoint, credentials, ttlMs: 60_000, now: () => now });
    expect((await source.read(['secmon/a'])).get('secmon/a')).toBe('first');
    expect((await source.read(['secmon/a'])).get('secmon/a')).toBe('first');
    expect(kms.calls.filter((n) => n === 'secmon/a')).toHaveLength(1);
    expect(await source.rotated()).toBe(false);
    kms.secrets.set('secmon/a', 'second');
    now += 30_000;
    expect(await source.rotated()).toBe(false);
    now += 31_000;
    expect(await source.rotated()).toBe(true);
    expect((await source.read(['secmon/a'])).get('secmon/a')).toBe('second');
    expect(kms.rejected).toEqual([]);
  });

  test('KMS out of reach when a secret is due again: the value in hand stays in use, and it is tried again later', async () => {
    kms.secrets.set('secmon/c', 'kept');
    let now = 5_000_000;
    const source = new KmsSecretSource({ endpoint: kms.endpoint, credentials, ttlMs: 60_000, now: () => now });
    expect((await source.read(['secmon/c'])).get('secmon/c')).toBe('kept');
    kms.secrets.delete('secmon/c');
    now += 61_000;
    const told: string[] = [];
    expect(await source.rotated((m) => told.push(m))).toBe(false);
    expect(told).toEqual([expect.stringContaining('KMS secret secmon/c could not be read')]);
    expect((await source.read(['secmon/c'])).get('secmon/c')).toBe('kept');
    kms.secrets.set('secmon/c', 'rotated');
    now += 31_000;
    expect(await source.rotated()).toBe(true);
  });

  test('a secret that cannot be read is an error naming it; a wrongly signed request is refused', async () => {
    const source = new KmsSecretSource({ endpoint: kms.endpoint, credentials, ttlMs: 60_000 });
    await expect(source.read(['secmon/missing'])).rejects.toThrow(/KMS secret secmon\/missing could not be read: .*Forbidden\.ResourceNotFound/);
    const wrong = new CredentialsRef();
    wrong.set({ ...sts, accessKeySecret: 'not-the-secret' });
    kms.secrets.set('secmon/b', 'value-b');
    await expect(new KmsSecretSource({ endpoint: kms.endpoint, credentials: wrong, ttlMs: 60_000 }).read(['secmon/b'])).rejects.toThrow(/SignatureDoesNotMatch/);
    expect(kms.rejected).toContain('SignatureDoesNotMatch');
  });
});

describe('the built dispatcher bundle with its secrets in KMS', () => {
  test('the Redis password and the robot secrets come from KMS; none of them is in the environment or the log', async () => {
    const robot = new LocalDingTalk('tok-kms', 'SECrobot-secret-from-kms', 'secmon');
    await robot.start();
    try {
      kms.secrets.set('secmon/redis', 'redis-from-kms');
      kms.secrets.set('secmon/dingtalk', JSON.stringify({ webhook: robot.webhook, secret: robot.secret }));
      const dir = tempDir();
      const config = path.join(dir, 'dispatch.json');
      writeFileSync(
        config,
        JSON.stringify({
          channels: { ops: { type: 'dingtalk', webhook: { kms: 'secmon/dingtalk', field: 'webhook' }, secret: { kms: 'secmon/dingtalk', field: 'secret' }, keyword: 'secmon' } },
          routes: [{ channels: ['ops'] }],
        }),
      );
      const env = { SECMON_STATE: redis.url, SECMON_REDIS_PASSWORD_SECRET: 'secmon/redis', SECMON_KMS_ENDPOINT: kms.endpoint, SECMON_DISPATCH_CONFIG: config, SECMON_REDIS_KEY_PREFIX: 'kms-test:' };
      const alert = { id: 'a-kms-1', rule: 'sshd.failed-auth-burst', title: 'SSH brute force', severity: 'medium', time: '2026-11-21T09:00:00.000Z', key: '203.0.113.5', group: {}, count: 5, suppressed: 0, message: 'five failures', tags: [], references: [], evidence: [] };
      const run = await runFunction('dispatcher', env, [JSON.stringify({ alerts: [alert] })]);
      expect(run.status).toBe(0);
      expect(robot.messages).toHaveLength(1);
      expect(robot.messages[0].text).toContain('five failures');
      const log = run.log.join('\n');
      for (const secret of ['redis-from-kms', 'SECrobot-secret-from-kms', 'tok-kms']) expect(log).not.toContain(secret);
      expect(kms.calls).toEqual(expect.arrayContaining(['secmon/redis', 'secmon/dingtalk']));
      // Locally a KMS reference is an error that says what to do instead.
      const cli = await runCli(['replay', path.join(dir, 'none.jsonl'), '--dispatch'], { env });
      expect(cli.status).not.toBe(0);
      expect(cli.stderr).toMatch(/KMS secret secmon\/redis, which only the functions read: locally, set SECMON_REDIS_PASSWORD/);
    } finally {
      await robot.stop();
    }
  });
});

test('a detector that hands alerts to the dispatcher reads no channel secret and no dispatch configuration', async () => {
  const before = kms.calls.length;
  const run = await runFunction('actiontrail', { SECMON_DISPATCH: 'fc3', SECMON_FC_ENDPOINT: 'http://127.0.0.1:1', SECMON_KMS_ENDPOINT: kms.endpoint, SECMON_DISPATCH_CONFIG: '/nonexistent/dispatch.json' }, ['[]']);
  expect(run.status).toBe(0);
  expect(kms.calls.length).toBe(before);
});
