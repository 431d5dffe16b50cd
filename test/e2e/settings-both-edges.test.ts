import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
import { runCli, ROOT } from './run-cli';
import { runFunction } from '../fc-driver';
import { tempDir } from '../helpers';
import { LocalSls } from '../servers/sls-server';
import { RedisServer, startRedis } from '../redis-server';

/**
 * Every setting both edges read means the same thing in both: the built CLI and the
 * built function bundles (each in a process of its own, as FC runs it) are given the
 * same SECMON_* environment and must do the same with it.
 */
const eventbridge = readFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), 'utf8');
const ebFile = path.join(ROOT, 'samples/eventbridge/ecs-write-events.json');

/** Alert lines the dispatcher side writes to the function log when no channels are configured. */
function loggedAlerts(log: string[]): Array<{ rule: string; key: string; time: string; id: string }> {
  return log.filter((l) => l.startsWith('{"@timestamp"')).map((l) => JSON.parse(l)).filter((l) => l['log.level'] === 'alert');
}
const ndjson = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

test('SECMON_RULES_DIR: both edges load exactly the rules it names', async () => {
  const dir = tempDir({
    'rules/sg.json': JSON.stringify({
      id: 'custom.sg-authorize',
      title: 'Security group rule added',
      description: 'Every AuthorizeSecurityGroup call',
      severity: 'low',
      source: 'actiontrail',
      condition: { field: 'eventName', op: 'equals', value: 'AuthorizeSecurityGroup' },
      kind: 'match',
      tests: [{ name: 'an authorize call alerts', events: [{ eventName: 'AuthorizeSecurityGroup', eventType: 'ApiCall', eventId: 'e1', eventTime: '2026-11-21T08:00:00Z' }], expect: { alerts: 1 } }],
    }),
  });
  const env = { SECMON_RULES_DIR: path.join(dir, 'rules') };
  const cli = await runCli(['replay', ebFile, '--json'], { env });
  expect(cli.status).toBe(0);
  const fc = await runFunction('actiontrail', env, [eventbridge]);
  expect(fc.status).toBe(0);
  expect(ndjson(cli.stdout).map((a) => a.rule)).toEqual(['custom.sg-authorize']);
  expect(loggedAlerts(fc.log).map((a) => [a.rule, a.id])).toEqual(ndjson(cli.stdout).map((a) => [a.rule, a.id]));
});

describe('SECMON_SYSLOG_TZ', () => {
  const sls = new LocalSls({ accessKeyId: 'STS.Driver', accessKeySecret: 'driver-secret', securityToken: 'driver-token' });
  beforeAll(() => sls.start());
  afterAll(() => sls.stop());
  // 09:00 in UTC+8 is 01:00 UTC.
  // A root login: a rule that alerts on each one (the login summaries wait for their hour to end).
  const line = 'Nov 21 09:00:00 app-02 sshd[4242]: Accepted publickey for root from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:abc';
  const expected = '2026-11-21T01:00:00.000Z';

  test('parse, replay and the SLS function read an RFC 3164 time alike', async () => {
    const dir = tempDir({ 'auth.log': `${line}\n`, 'settings.json': JSON.stringify({ SECMON_SYSLOG_TZ: '+08:00' }) });
    const env = { SECMON_SYSLOG_TZ: '+08:00' };
    const parsed = await runCli(['parse', path.join(dir, 'auth.log'), '--year', '2026'], { env });
    expect(ndjson(parsed.stdout)[0]['@timestamp']).toBe(expected);
    // The same from a --settings file, and the flag still wins over both.
    const fromFile = await runCli(['parse', path.join(dir, 'auth.log'), '--year', '2026', '--settings', path.join(dir, 'settings.json')]);
    expect(ndjson(fromFile.stdout)[0]['@timestamp']).toBe(expected);
    const flag = await runCli(['parse', path.join(dir, 'auth.log'), '--year', '2026', '--tz', 'UTC'], { env });
    expect(ndjson(flag.stdout)[0]['@timestamp']).toBe('2026-11-21T09:00:00.000Z');
    const replayed = await runCli(['replay', path.join(dir, 'auth.log'), '--year', '2026', '--json'], { env });
    const cliAlerts = ndjson(replayed.stdout).filter((a) => a.rule === 'sshd.root-login');
    expect(cliAlerts.map((a) => a.time)).toEqual([expected]);

    const range = sls.append('proj', 'hostlogs', 0, [
      { Topic: 'auth', Source: '172.16.3.14', LogTags: [], Logs: [{ Time: Date.parse(expected) / 1000, Contents: [{ Key: 'content', Value: line }] }] },
    ]);
    const payload = JSON.stringify({
      parameter: { source: 'syslog' },
      source: { endpoint: sls.endpoint, projectName: 'proj', logstoreName: 'hostlogs', shardId: 0, beginCursor: range.begin, endCursor: range.end },
    });
    const fc = await runFunction('sls', env, [payload]);
    expect(fc.status).toBe(0);
    const fcAlerts = loggedAlerts(fc.log).filter((a) => a.rule === 'sshd.root-login');
    expect(fcAlerts.map((a) => a.time)).toEqual([expected]);

    // An IANA name means the same on both edges (Shanghai keeps +08:00 all year).
    const iana = { SECMON_SYSLOG_TZ: 'Asia/Shanghai' };
    expect(ndjson((await runCli(['parse', path.join(dir, 'auth.log'), '--year', '2026'], { env: iana })).stdout)[0]['@timestamp']).toBe(expected);
    const fcIana = await runFunction('sls', iana, [payload]);
    expect(loggedAlerts(fcIana.log).filter((a) => a.rule === 'sshd.root-login').map((a) => a.time)).toEqual([expected]);
    // A zone that does not exist fails both, naming the setting.
    const bad = { SECMON_SYSLOG_TZ: 'Mars/Olympus' };
    expect((await runCli(['parse', path.join(dir, 'auth.log')], { env: bad })).stderr).toContain('SECMON_SYSLOG_TZ="Mars/Olympus": must be a UTC offset such as +08:00 or UTC, or an IANA time zone such as Asia/Shanghai');
    expect((await runFunction('sls', bad, [payload])).log.join('\n')).toContain('SECMON_SYSLOG_TZ="Mars/Olympus"');
  });
});

test('SECMON_DISPATCH_CONFIG: replay --dispatch and an inline function deliver through the same channels', async () => {
  const dir = tempDir();
  const config = (inbox: string) => {
    const file = path.join(dir, `${inbox}.dispatch.json`);
    writeFileSync(
      file,
      JSON.stringify({
        channels: { inbox: { type: 'file', path: path.join(dir, `${inbox}.jsonl`) } },
        routes: [{ channels: ['inbox'] }],
        deadLetter: path.join(dir, `${inbox}.dead.jsonl`),
      }),
    );
    return file;
  };
  const cli = await runCli(['replay', ebFile, '--dispatch'], { env: { SECMON_DISPATCH_CONFIG: config('cli') } });
  expect(cli.status).toBe(0);
  // SECMON_DISPATCH=inline (the default): the detecting function delivers itself, through the configured channels.
  const fc = await runFunction('actiontrail', { SECMON_DISPATCH: 'inline', SECMON_DISPATCH_CONFIG: config('fc') }, [eventbridge]);
  expect(fc.status).toBe(0);
  const delivered = (name: string) => ndjson(readFileSync(path.join(dir, `${name}.jsonl`), 'utf8')).map((a) => a.id).sort();
  expect(delivered('cli')).toHaveLength(3);
  expect(delivered('fc')).toEqual(delivered('cli'));
  expect(loggedAlerts(fc.log)).toEqual([]);
});

describe('SECMON_STATE, SECMON_REDIS_PASSWORD, SECMON_REDIS_KEY_PREFIX', () => {
  let redis: RedisServer;
  let client: Redis;
  const password = 'state-password-never-shown';
  beforeAll(async () => {
    redis = await startRedis({ password });
    client = new Redis(redis.url, { password, lazyConnect: true });
    await client.connect();
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  test('both edges keep their state in that Redis, under that prefix, and share it', async () => {
    const env = (prefix: string) => ({ SECMON_STATE: redis.url, SECMON_REDIS_PASSWORD: password, SECMON_REDIS_KEY_PREFIX: prefix });
    const cli = await runCli(['replay', ebFile, '--json'], { env: env('edge:') });
    expect(cli.status).toBe(0);
    expect(ndjson(cli.stdout)).toHaveLength(3);
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith('edge:'))).toEqual([]);
    // The function on the same store and prefix finds the detections raised already.
    const fc = await runFunction('actiontrail', env('edge:'), [eventbridge]);
    expect(fc.status).toBe(0);
    expect(fc.results).toEqual([{ events: 3, skipped: 0, alerts: 0 }]);
    // Under another prefix it starts afresh, and writes only there.
    const other = await runFunction('actiontrail', env('other:'), [eventbridge]);
    expect(other.results).toEqual([{ events: 3, skipped: 0, alerts: 3 }]);
    expect((await client.keys('other:*')).length).toBeGreaterThan(0);
    // A wrong password fails loudly on both edges, without showing it.
    const bad = { ...env('edge:'), SECMON_REDIS_PASSWORD: 'wrong-password' };
    const cliBad = await runCli(['replay', ebFile], { env: bad });
    expect(cliBad.status).toBe(2);
    const fcBad = await runFunction('actiontrail', bad, [eventbridge]);
    expect(fcBad.status).toBe(1);
    for (const text of [cliBad.stderr, fcBad.log.join('\n')]) {
      expect(text).toMatch(/Redis refused the password \(WRONGPASS\): check SECMON_REDIS_PASSWORD/);
      expect(text).not.toContain('wrong-password');
    }
  });

  test('secmon incidents lists and changes the incidents the FC dispatcher opened in Redis', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'dispatch.json');
    writeFileSync(
      config,
      JSON.stringify({
        channels: { inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') } },
        routes: [{ severities: ['high', 'critical'], channels: ['inbox'], incident: true }],
      }),
    );
    const env = { SECMON_STATE: redis.url, SECMON_REDIS_PASSWORD: password, SECMON_REDIS_KEY_PREFIX: 'inc-test:', SECMON_DISPATCH_CONFIG: config };
    const alerts = ndjson((await runCli(['replay', ebFile, '--json'])).stdout);
    const high = alerts.filter((a) => a.severity === 'high');
    expect(high).toHaveLength(1);
    const fc = await runFunction('dispatcher', env, [JSON.stringify({ alerts })]);
    expect(fc.status).toBe(0);

    const state = { SECMON_REDIS_PASSWORD: password, SECMON_REDIS_KEY_PREFIX: 'inc-test:' };
    const list = await runCli(['incidents', 'list', '--state', redis.url, '--json'], { env: state });
    expect(list.status).toBe(0);
    const incidents = ndjson(list.stdout);
    expect(incidents.map((i) => [i.rule, i.key, i.status])).toEqual([[high[0].rule, high[0].key, 'open']]);
    const id = incidents[0].id;
    const ack = await runCli(['incidents', 'ack', id, '--state', redis.url, '--by', 'oncall-bob'], { env: state });
    expect(ack.stdout).toBe(`${id} is acknowledged (by oncall-bob)\n`);
    // The dispatcher attaches a later alert of the same rule and key to the acknowledged incident.
    const later = { ...high[0], id: `${high[0].id}-later`, time: '2026-11-21T09:00:00.000Z' };
    await runFunction('dispatcher', env, [JSON.stringify({ alerts: [later] })]);
    const after = ndjson((await runCli(['incidents', 'list', '--state', redis.url, '--json'], { env: state })).stdout);
    expect(after.map((i) => [i.id, i.status, i.alertCount])).toEqual([[id, 'acknowledged', 2]]);
    expect(after[0].history).toEqual([{ status: 'acknowledged', by: 'oncall-bob', at: expect.any(String) }]);
    await runCli(['incidents', 'resolve', id, '--state', redis.url, '--by', 'oncall-bob'], { env: state });
    const refused = await runCli(['incidents', 'ack', id, '--state', redis.url], { env: state });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is resolved \(by oncall-bob at .*\): a resolved incident cannot be acknowledged/);
    const human = await runCli(['incidents', 'list', '--state', redis.url, '--status', 'open'], { env: state });
    expect(human.stdout).toBe('no open incidents in Redis\n');
  });
});
