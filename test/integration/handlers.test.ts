import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { createRuntime, FunctionRuntime } from '../../shared/fc/runtime';
import { FcContext } from '../../shared/fc/context';
import { handleSlsTrigger } from '../../shared/fc/triggers/sls-trigger';
import { StateStoreError } from '../../shared/state/redis';
import { Alert } from '../../shared/alerts/alert';
import { LocalSls } from '../servers/sls-server';
import { LocalFc } from '../servers/fc-server';
import { RedisServer, startRedis } from '../redis-server';
import { ROOT } from '../e2e/run-cli';

const creds = { accessKeyId: 'STS.NHandler01', accessKeySecret: 'handler-secret-never-logged', securityToken: 'sts-token-handler' };
const ctx = (requestId: string): FcContext => ({
  requestId,
  credentials: creds,
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
  function: { name: 'secmon-sls', handler: 'index.handler' },
});

let redis: RedisServer;
let sls: LocalSls;
let fc: LocalFc;
let env: Record<string, string>;
const runtimes: FunctionRuntime[] = [];

beforeAll(async () => {
  [redis, sls, fc] = [await startRedis(), new LocalSls(creds), new LocalFc(creds.accessKeyId, creds.securityToken)];
  await sls.start();
  await fc.start();
  env = { SECMON_STATE: redis.url, SECMON_DISPATCH: 'fc3', SECMON_FC_ENDPOINT: fc.endpoint, SECMON_DISPATCHER_FUNCTION: 'secmon-dispatcher' };
});
afterAll(async () => {
  for (const k of Object.keys(env)) delete process.env[k];
  for (const rt of runtimes) await rt.close();
  await sls.stop();
  await fc.stop();
  await redis.stop();
});

/** Logtail-style host log groups: one log per failed SSH login from `ip`. */
function failures(ip: string, n: number, startSecond = 0) {
  return [
    {
      Topic: 'auth',
      Source: '172.16.3.14',
      LogTags: [{ Key: '__hostname__', Value: 'app-02' }],
      Logs: Array.from({ length: n }, (_, i) => {
        const t = 1795251600 + startSecond + i;
        return { Time: t, Contents: [{ Key: 'content', Value: `${new Date(t * 1000).toISOString()} app-02 sshd[7${i}]: Failed password for root from ${ip} port ${33000 + i} ssh2` }] };
      }),
    },
  ];
}

function triggerPayload(logstore: string, shard: number, range: { begin: string; end: string }, parameter: unknown = { source: 'syslog' }) {
  return Buffer.from(
    JSON.stringify({
      parameter,
      source: { endpoint: sls.endpoint, projectName: 'secmon-proj', logstoreName: logstore, shardId: shard, beginCursor: range.begin, endCursor: range.end },
      jobName: 'job-1',
      taskId: 'task-1',
      cursorTime: 1795251600,
    }),
  );
}

function alertsInvoked(from: number): Alert[] {
  return fc.invocations.slice(from).flatMap((inv) => (JSON.parse(inv.body.toString()) as { alerts: Alert[] }).alerts);
}

describe('function handlers, end to end (built bundles, local SLS, real Redis, local FC)', () => {
  let slsHandler: (event: Buffer, context: FcContext) => Promise<{ events: number; skipped: number; alerts: number }>;
  let dispatcherHandler: (event: Buffer, context: FcContext) => Promise<{ delivered: number; duplicates: number }>;
  let ebHandler: (event: Buffer, context: FcContext) => Promise<{ events: number; skipped: number; alerts: number }>;

  beforeAll(async () => {
    Object.assign(process.env, env);
    // The bundles as deployed: each keeps its own runtime, created by its initializer.
    const slsFn = require(path.join(ROOT, 'dist/functions/sls/index.js'));
    const dispFn = require(path.join(ROOT, 'dist/functions/dispatcher/index.js'));
    const ebFn = require(path.join(ROOT, 'dist/functions/actiontrail/index.js'));
    await slsFn.initialize(ctx('init-sls'));
    await dispFn.initialize(ctx('init-dispatcher'));
    await ebFn.initialize(ctx('init-eb'));
    [slsHandler, dispatcherHandler, ebHandler] = [slsFn.handler, dispFn.handler, ebFn.handler];
  });

  test('SLS trigger: pulls exactly the range, detects the burst, hands the alert to the dispatcher asynchronously', async () => {
    const range = sls.append('secmon-proj', 'hostlogs', 0, failures('203.0.113.50', 7));
    const before = fc.invocations.length;
    const summary = await slsHandler(triggerPayload('hostlogs', 0, range), ctx('r1'));
    expect(summary).toEqual({ events: 7, skipped: 0, alerts: 1 });
    const alerts = alertsInvoked(before);
    expect(alerts.map((a) => [a.rule, a.key, a.count])).toEqual([['sshd.failed-auth-burst', '203.0.113.50', 5]]);
    expect(fc.invocations.at(-1)).toMatchObject({ api: 'fc3', functionName: 'secmon-dispatcher' });
    expect(alerts[0].evidence[0].fields).toMatchObject({ log: { file: { path: expect.stringMatching(/^sls:\/\/secmon-proj\/hostlogs\/0\//) } } });
    // The evidence a person can open: a search of that logstore for the host and the address, over the burst.
    const search = alerts[0].links!.find((l) => l.kind === 'evidence')!;
    expect(search.url).toMatch(/^https:\/\/sls\.console\.aliyun\.com\/lognext\/project\/secmon-proj\/logsearch\/hostlogs\?/);
    expect(Buffer.from(new URL(search.url).searchParams.get('queryString')!, 'base64').toString()).toBe('"app-02" and "203.0.113.50"');
    expect(alerts[0].context).toMatchObject({ host: 'app-02', sourceIp: '203.0.113.50', principal: { name: 'root' } });

    // The dispatcher delivers it once, even when FC retries the same async invocation.
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    try {
      const body = fc.invocations.at(-1)!.body;
      expect(await dispatcherHandler(body, ctx('d1'))).toEqual({ delivered: 1, duplicates: 0 });
      expect(await dispatcherHandler(body, ctx('d2'))).toEqual({ delivered: 0, duplicates: 1 });
    } finally {
      spy.mockRestore();
    }
    const delivered = lines.map((l) => JSON.parse(l)).filter((l) => l['log.level'] === 'alert');
    expect(delivered.map((a) => a.key)).toEqual(['203.0.113.50']);
    expect(lines.join('')).not.toContain(creds.accessKeySecret);
  });

  test('a redelivered SLS batch (same cursor range) re-sends the same alert id, which is delivered only once', async () => {
    const range = sls.append('secmon-proj', 'hostlogs', 1, failures('203.0.113.60', 6));
    const before = fc.invocations.length;
    await slsHandler(triggerPayload('hostlogs', 1, range), ctx('r2'));
    await slsHandler(triggerPayload('hostlogs', 1, range), ctx('r2-retry'));
    const alerts = alertsInvoked(before);
    expect(alerts).toHaveLength(2);
    expect(alerts[0].id).toBe(alerts[1].id);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const results = [];
      for (const inv of fc.invocations.slice(before)) results.push(await dispatcherHandler(inv.body, ctx('d')));
      expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  test('an empty range (a trigger with no new data) evaluates nothing and dispatches nothing', async () => {
    const range = sls.append('secmon-proj', 'hostlogs', 2, []);
    const before = fc.invocations.length;
    expect(await slsHandler(triggerPayload('hostlogs', 2, range), ctx('r3'))).toEqual({ events: 0, skipped: 0, alerts: 0 });
    expect(fc.invocations.length).toBe(before);
  });

  test('ActionTrail logs delivered to SLS, including a malformed one that is skipped', async () => {
    const record = JSON.parse(readFileSync(path.join(ROOT, 'samples/actiontrail/trail-2026-11-20.jsonl'), 'utf8').split('\n').find((l) => l.includes('"root-account"') && l.includes('"success"'))!);
    const logs = [
      { Time: 1795134670, Contents: [{ Key: 'event', Value: JSON.stringify(record) }] },
      { Time: 1795134671, Contents: [{ Key: 'event', Value: '{"eventName": broken' }] },
    ];
    const range = sls.append('secmon-proj', 'actiontrail', 0, [{ Topic: 'actiontrail_audit_event', Source: 'actiontrail', Logs: logs }]);
    const before = fc.invocations.length;
    const summary = await slsHandler(triggerPayload('actiontrail', 0, range, { source: 'actiontrail' }), ctx('r4'));
    expect(summary).toEqual({ events: 1, skipped: 1, alerts: 1 });
    const [signin] = alertsInvoked(before);
    expect(signin.rule).toBe('actiontrail.root-console-signin');
    expect(signin.context).toMatchObject({ account: '1234567890123456', region: 'cn-hangzhou', principal: { type: 'root-account' } });
    // The event, by id, in the logstore it was read from.
    const event = signin.links!.find((l) => l.kind === 'evidence')!;
    expect(event.url.startsWith('https://sls.console.aliyun.com/lognext/project/secmon-proj/logsearch/actiontrail?')).toBe(true);
    expect(Buffer.from(new URL(event.url).searchParams.get('queryString')!, 'base64').toString()).toBe(`event.eventId: "${record.eventId}"`);
  });

  test('EventBridge trigger: a batch of CloudEvents', async () => {
    const envelopes = JSON.parse(readFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), 'utf8'));
    const before = fc.invocations.length;
    const summary = await ebHandler(Buffer.from(JSON.stringify(envelopes)), ctx('e1'));
    expect(summary).toEqual({ events: 3, skipped: 0, alerts: 3 });
    const alerts = alertsInvoked(before);
    expect(alerts.map((a) => a.rule).sort()).toEqual(['actiontrail.security-group-change', 'actiontrail.security-group-change', 'actiontrail.security-group-open-admin-port']);
    // Context and a console link for the security group, from the CloudEvent's data.
    const open = alerts.find((a) => a.rule === 'actiontrail.security-group-open-admin-port')!;
    expect(open.context!.resources[0].type).toBe('ACS::ECS::SecurityGroup');
    expect(open.links!.find((l) => l.kind === 'console')!.url).toMatch(/^https:\/\/ecs\.console\.aliyun\.com\/securityGroupDetail\/region\/[a-z0-9-]+\/groupId\/sg-/);
  });

  test('a malformed trigger payload is reported and not retried', async () => {
    expect(await slsHandler(Buffer.from('{"source": {"projectName": 1}}'), ctx('bad'))).toEqual({ events: 0, skipped: 1, alerts: 0 });
  });

  test('SLS failing makes the invocation fail (the trigger retries the range)', async () => {
    const range = sls.append('secmon-proj', 'hostlogs', 3, failures('203.0.113.70', 2));
    sls.failNext = { count: 1, status: 500 };
    await expect(slsHandler(triggerPayload('hostlogs', 3, range), ctx('r5'))).rejects.toThrow(/PullLogs .* HTTP 500/);
  });

  test('the dispatcher being unreachable makes the detector invocation fail (nothing is silently dropped)', async () => {
    const range = sls.append('secmon-proj', 'hostlogs', 4, failures('203.0.113.80', 5));
    fc.failNext = 5;
    await expect(slsHandler(triggerPayload('hostlogs', 4, range), ctx('r6'))).rejects.toThrow(/InvokeFunction/);
    fc.failNext = 0;
    // The retry of the same range re-sends the alert the first attempt detected.
    const before = fc.invocations.length;
    await slsHandler(triggerPayload('hostlogs', 4, range), ctx('r6-retry'));
    expect(alertsInvoked(before).map((a) => a.key)).toEqual(['203.0.113.80']);
  });
});

describe('concurrency and failure, with separate instances', () => {
  test('two instances evaluating two shards of the same burst at once raise exactly one alert', async () => {
    const a = await createRuntime(ctx('i1'), { env });
    const b = await createRuntime(ctx('i2'), { env });
    runtimes.push(a, b);
    const r0 = sls.append('secmon-proj', 'burst', 0, failures('198.51.100.99', 3, 0));
    const r1 = sls.append('secmon-proj', 'burst', 1, failures('198.51.100.99', 4, 3));
    const before = fc.invocations.length;
    const [sa, sb] = await Promise.all([handleSlsTrigger(triggerPayload('burst', 0, r0), a), handleSlsTrigger(triggerPayload('burst', 1, r1), b)]);
    expect(sa.alerts + sb.alerts).toBe(1);
    expect(alertsInvoked(before)).toHaveLength(1);
  });

  test('an unreachable Redis fails the start-up loudly; a Redis lost mid-run fails the invocation', async () => {
    await expect(createRuntime(ctx('i3'), { env: { ...env, SECMON_STATE: 'redis://127.0.0.1:1' } })).rejects.toThrow(StateStoreError);
    const own = await startRedis();
    const rt = await createRuntime(ctx('i4'), { env: { ...env, SECMON_STATE: own.url } });
    runtimes.push(rt);
    await own.stop();
    const range = sls.append('secmon-proj', 'burst', 2, failures('198.51.100.98', 5));
    await expect(handleSlsTrigger(triggerPayload('burst', 2, range), rt)).rejects.toThrow(StateStoreError);
  });

  test('a configuration error is reported at start-up, every problem at once, secrets hidden', async () => {
    const err = await createRuntime(ctx('i5'), { env: { SECMON_STATE: 'mysql://x', SECMON_DISPATCH: 'carrier-pigeon', SECMON_REDIS_PASSWORD: ' ', SECMON_SLS_PAGE_SIZE: '5000' } }).catch((e) => e);
    expect(err.message).toContain('SECMON_STATE="mysql://x": must be "memory", a redis:// URL or a redis-cluster:// list of nodes');
    expect(err.message).toContain('SECMON_DISPATCH="carrier-pigeon": must be one of inline, fc3, fc2');
    expect(err.message).toContain('SECMON_REDIS_PASSWORD=(value hidden): must not be empty');
    expect(err.message).toContain('SECMON_SLS_PAGE_SIZE="5000": must be a whole number from 1 to 1000');
  });
});
