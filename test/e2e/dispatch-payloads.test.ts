import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runFunction } from '../fc-driver';
import { startRedis, RedisServer } from '../redis-server';
import { ROOT } from './run-cli';

/**
 * Payloads the built bundles get that are not what they expect: items of a dispatcher
 * payload that are not alerts, EventBridge events without an id. Each is reported and
 * the rest is done; nothing that can never succeed makes FC retry for ever.
 */
const alertLines = (log: string[]) => log.map((l) => JSON.parse(l)).filter((l) => l['log.level'] === 'alert');
const errors = (log: string[]) => log.map((l) => JSON.parse(l)).filter((l) => l['log.level'] === 'error');

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

test('the dispatcher delivers the alerts of a payload and reports each item that is not one', async () => {
  const good = { id: 'a-good-1', rule: 'sshd.failed-auth-burst', title: 'SSH brute force', severity: 'medium', time: '2026-11-21T09:00:00.000Z', key: '203.0.113.5', group: {}, count: 5, suppressed: 0, message: 'five failures', tags: [], references: [], evidence: [] };
  const noId = { ...good, id: undefined, key: '203.0.113.6' };
  const run = await runFunction('dispatcher', { SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'payload-1:' }, [JSON.stringify({ alerts: [null, good, noId, 'text', { ...good, id: 'a-good-2', severity: 'urgent' }] })]);
  expect(run.status).toBe(0);
  expect(run.results).toEqual([{ delivered: 1, duplicates: 0 }]);
  expect(alertLines(run.log).map((a) => a.id)).toEqual(['a-good-1']);
  expect(errors(run.log).map((e) => [e.message, e.index, e.reason])).toEqual([
    ['dispatcher item is not an alert; skipped', 0, 'not an object'],
    ['dispatcher item is not an alert; skipped', 2, 'no id (an alert without an id cannot be delivered once)'],
    ['dispatcher item is not an alert; skipped', 3, 'not an object'],
    ['dispatcher item is not an alert; skipped', 4, 'no valid severity'],
  ]);
  // The alert without an id is named by what it has.
  expect(errors(run.log)[1]).toMatchObject({ rule: 'sshd.failed-auth-burst', key: '203.0.113.6' });
});

test('EventBridge batches without event ids are told apart by their content, not taken for redeliveries', async () => {
  const events = JSON.parse(readFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), 'utf8')) as Array<Record<string, any>>;
  const withoutIds = (change: (e: Record<string, any>) => void) =>
    JSON.stringify(
      events.map((e) => {
        const copy = JSON.parse(JSON.stringify(e));
        delete copy.id;
        change(copy);
        return copy;
      }),
    );
  const first = withoutIds(() => undefined);
  const second = withoutIds((e) => {
    e.data.eventId = `${e.data.eventId}-2`;
    e.data.requestParameters.SecurityGroupId = 'sg-bp1second0000000';
  });
  const env = { SECMON_STATE: redis.url, SECMON_REDIS_KEY_PREFIX: 'payload-2:' };
  const run = await runFunction('actiontrail', env, [first, second, first]);
  expect(run.status).toBe(0);
  const [a, b, again] = run.results as Array<{ alerts: number }>;
  expect(a.alerts).toBeGreaterThan(0);
  expect(b.alerts).toBe(a.alerts);
  // The same id-less batch again is a redelivery: the same alerts, raised once.
  expect(again.alerts).toBe(a.alerts);
  const ids = alertLines(run.log).map((l) => l.id);
  expect(new Set(ids).size).toBe(2 * a.alerts);
});
