import { groupKey } from '../../shared/state/keys';
import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { compileRule } from '../../shared/rules/load';
import { RuleDefinition } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';
import { addHit, emptyWindow } from '../../shared/engine/kinds/threshold';
import { RuleOverrides, ruleDef } from '../helpers';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let seq = 0;
function fail(secondsAfter: number, ip: string, user = 'root'): SecEvent {
  const id = `e${++seq}`;
  return {
    source: 'sshd',
    id,
    time: T0 + secondsAfter * 1000,
    fields: { id, event: { action: 'auth-failed' }, source: { ip }, user: { name: user }, host: { hostname: 'web-01' } },
  };
}
function detector(overrides: RuleOverrides, store = new MemoryStateStore()) {
  return new Detector([compileRule(ruleDef(overrides), 'rules/t.json')], store);
}
const burst = { kind: 'threshold' as const, groupBy: ['source.ip'], threshold: { count: 5, window: '5m' } };

describe('match rules', () => {
  test('every matching event alerts, with message, key and evidence', async () => {
    const d = new Alerter(detector({ groupBy: ['source.ip', 'user.name'], message: '{{user.name}} from {{source.ip}} ({{count}})' }));
    const alerts = await d.process([fail(0, '198.51.100.1'), fail(1, '198.51.100.2', 'admin')]);
    expect(alerts.map((a) => [a.key, a.message, a.count])).toEqual([
      ['198.51.100.1|root', 'root from 198.51.100.1 (1)', 1],
      ['198.51.100.2|admin', 'admin from 198.51.100.2 (1)', 1],
    ]);
    expect(alerts[0].group).toEqual({ 'source.ip': '198.51.100.1', 'user.name': 'root' });
    expect(alerts[0].evidence[0].id).toBe(alerts[0].evidence[0].fields.id);
    expect(alerts[0].id).not.toBe(alerts[1].id);
  });

  test('the eventName / event.action index never hides a rule that can match', async () => {
    const indexed = compileRule(ruleDef({ id: 'a.indexed', condition: { all: [{ field: 'event.action', op: 'in', value: ['auth-failed', 'login'] }] } }), 'a.json');
    const caseless = compileRule(ruleDef({ id: 'b.caseless', condition: { field: 'event.action', op: 'equals', value: 'AUTH-FAILED', caseInsensitive: true } }), 'b.json');
    const other = compileRule(ruleDef({ id: 'c.other', condition: { field: 'source.ip', op: 'cidr', value: '198.51.100.0/24' } }), 'c.json');
    const none = compileRule(ruleDef({ id: 'd.none', condition: { field: 'event.action', op: 'equals', value: 'login' } }), 'd.json');
    const d = new Detector([indexed, caseless, other, none], new MemoryStateStore());
    const alerts = await d.process([fail(0, '198.51.100.1')]);
    expect(alerts.map((a) => a.rule)).toEqual(['a.indexed', 'b.caseless', 'c.other']);
    // A list of values: the index cannot tell, so the conditions decide.
    const listed = fail(1, '203.0.113.1');
    listed.fields.event = { action: ['other', 'login'] };
    expect((await d.process([listed])).map((a) => a.rule)).toEqual(['a.indexed', 'd.none']);
    const unrelated = fail(2, '203.0.113.2');
    unrelated.fields.event = { action: ['other', 'logout'] };
    expect(await d.process([unrelated])).toEqual([]);
  });

  test('the ActionTrail index (eventName, userIdentity.type, eventType) never hides a rule that can match', async () => {
    const at = (id: string, condition: RuleDefinition['condition']) => compileRule(ruleDef({ id, source: 'actiontrail', condition }), `${id}.json`);
    const rules = [
      at('r.signin', { field: 'eventType', op: 'equals', value: 'ConsoleSignin' }),
      at('r.root', { all: [{ field: 'userIdentity.type', op: 'equals', value: 'root-account' }, { field: 'eventType', op: 'in', value: ['ApiCall'] }] }),
      at('r.key', { field: 'eventName', op: 'in', value: ['DisableKey'] }),
      at('r.text', { field: 'eventType', op: 'equals', value: 'true' }),
    ];
    const d = new Detector(rules, new MemoryStateStore());
    const record = (id: string, extra: Record<string, unknown>): SecEvent => ({ source: 'actiontrail', id, time: T0, fields: { id, eventType: 'ApiCall', ...extra } });
    const events = [
      record('nested', { eventName: 'DisableKey', userIdentity: { type: 'root-account' } }),
      // A literal dotted key (as SLS index names are) and an array: conditions look there, so the index must too.
      record('dotted', { eventName: 'ListUsers', 'userIdentity.type': 'root-account' }),
      record('array', { eventName: 'ListUsers', userIdentity: [{ type: 'ram-user' }, { type: 'root-account' }] }),
      record('signin', { eventName: 'ConsoleSignin', eventType: 'ConsoleSignin', userIdentity: { type: 'ram-user' } }),
      // Scalars compare by their text: a boolean true is "true".
      record('boolean', { eventName: 'Odd', eventType: true, userIdentity: { type: 'ram-user' } }),
      record('none', { eventName: 'ListUsers', userIdentity: { type: 'ram-user' } }),
    ];
    // Twice: the second pass finds every combination in the index's cache.
    for (const pass of [1, 2]) {
      const alerts = await d.process(events.map((e) => ({ ...e, id: `${e.id}-${pass}`, fields: { ...e.fields, id: `${e.id}-${pass}` } })));
      expect(alerts.map((a) => `${a.evidence[0].id}:${a.rule}`).sort()).toEqual(
        [`array-${pass}:r.root`, `boolean-${pass}:r.text`, `dotted-${pass}:r.root`, `nested-${pass}:r.key`, `nested-${pass}:r.root`, `signin-${pass}:r.signin`].sort(),
      );
    }
  });

  test('rules requiring several index fields match exactly the events that have all of them', async () => {
    const at = (id: string, condition: RuleDefinition['condition']) => compileRule(ruleDef({ id, source: 'actiontrail', condition }), `${id}.json`);
    const rules = [
      at('r.ram-signin', { all: [{ field: 'eventType', op: 'equals', value: 'ConsoleSignin' }, { field: 'userIdentity.type', op: 'equals', value: 'ram-user' }] }),
      // Two tests of one field: no event can pass both, whatever the index says.
      at('r.never', { all: [{ field: 'eventType', op: 'equals', value: 'ConsoleSignin' }, { field: 'eventType', op: 'equals', value: 'ApiCall' }] }),
      at('r.signin-or-key', { all: [{ field: 'eventType', op: 'in', value: ['ConsoleSignin', 'ApiCall'] }, { field: 'eventName', op: 'in', value: ['ConsoleSignin', 'DisableKey'] }] }),
    ];
    const d = new Detector(rules, new MemoryStateStore());
    const record = (id: string, eventName: string, eventType: string, type: string): SecEvent => ({ source: 'actiontrail', id, time: T0, fields: { id, eventName, eventType, userIdentity: { type } } });
    const events = [
      record('ram-signin', 'ConsoleSignin', 'ConsoleSignin', 'ram-user'),
      record('root-signin', 'ConsoleSignin', 'ConsoleSignin', 'root-account'),
      record('ram-call', 'ListUsers', 'ApiCall', 'ram-user'),
      record('ram-key', 'DisableKey', 'ApiCall', 'ram-user'),
    ];
    for (const pass of [1, 2]) {
      const alerts = await d.process(events.map((e) => ({ ...e, id: `${e.id}-${pass}`, fields: { ...e.fields, id: `${e.id}-${pass}` } })));
      expect(alerts.map((a) => `${a.evidence[0].id}:${a.rule}`).sort()).toEqual(
        [`ram-signin-${pass}:r.ram-signin`, `ram-signin-${pass}:r.signin-or-key`, `root-signin-${pass}:r.signin-or-key`, `ram-key-${pass}:r.signin-or-key`].sort(),
      );
    }
  });

  test('a batch fed one event at a time raises what process() raises for the same events', async () => {
    const events = Array.from({ length: 12 }, (_, i) => fail(i, i % 2 === 0 ? '198.51.100.1' : '198.51.100.2'));
    const whole = await detector(burst).process(events);
    const batch = detector(burst).begin();
    for (const e of events) batch.add(e);
    expect(batch.size).toBe(12);
    const streamed = await batch.finish();
    expect(streamed.map((a) => [a.key, a.count, a.time])).toEqual(whole.map((a) => [a.key, a.count, a.time]));
    expect(whole.map((a) => a.key)).toEqual(['198.51.100.1', '198.51.100.2']);
    await expect(batch.finish()).rejects.toThrow(/twice/);
    expect(() => batch.add(events[0])).toThrow(/after finish/);
  });

  test('events of other sources are not evaluated', async () => {
    const d = detector({ source: 'sudo' });
    expect(await d.process([fail(0, '198.51.100.1')])).toEqual([]);
  });

  test('disabled rules are not evaluated', async () => {
    const d = detector({ enabled: false });
    expect(await d.process([fail(0, '198.51.100.1')])).toEqual([]);
  });
});

describe('threshold rules', () => {
  test('a group seen before more groups than the detector remembers names of is still found in its state', async () => {
    // 25,000 addresses, one failure each, then the first address again: the names of
    // the first groups were forgotten (past 20,000) and are made again, the same.
    const d = detector({ ...burst, threshold: { count: 2, window: '1h' } });
    const first = Array.from({ length: 25_000 }, (_, i) => fail(0, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    for (let i = 0; i < first.length; i += 1000) expect(await d.process(first.slice(i, i + 1000))).toEqual([]);
    const again = await d.process([fail(10, '10.0.0.0'), fail(10, '10.0.97.167')]);
    expect(again.map((a) => [a.key, a.count])).toEqual([
      ['10.0.0.0', 2],
      ['10.0.97.167', 2],
    ]);
  });

  test('fires at the Nth event in the window, then starts a new window', async () => {
    const d = detector(burst);
    const events = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90].map((s) => fail(s, '198.51.100.1'));
    const alerts = await d.process(events);
    expect(alerts.map((a) => [a.time, a.count])).toEqual([
      ['2026-11-20T10:00:40.000Z', 5],
      ['2026-11-20T10:01:30.000Z', 5],
    ]);
    // The reader's evidence: the first hit and the one that completed the window.
    expect(alerts[0].evidence.map((e) => e.id)).toEqual([events[0].id, events[4].id]);
  });

  test('the window slides on event time: old hits fall out', async () => {
    const d = detector(burst);
    // 4 hits, a 10-minute pause, then 4 more: never 5 within 5 minutes.
    const events = [0, 1, 2, 3, 600, 601, 602, 603].map((s) => fail(s, '198.51.100.1'));
    expect(await d.process(events)).toEqual([]);
    expect(await d.process([fail(604, '198.51.100.1')])).toHaveLength(1);
  });

  test('state carries across batches (and so across invocations sharing a store)', async () => {
    const store = new MemoryStateStore();
    const a = detector(burst, store);
    const b = detector(burst, store);
    expect(await a.process([fail(0, '198.51.100.1'), fail(1, '198.51.100.1')])).toEqual([]);
    expect(await b.process([fail(2, '198.51.100.1'), fail(3, '198.51.100.1')])).toEqual([]);
    expect(await a.process([fail(4, '198.51.100.1')])).toHaveLength(1);
  });

  test('groups are counted separately', async () => {
    const d = detector(burst);
    const events = [0, 1, 2, 3].flatMap((s) => [fail(s, '198.51.100.1'), fail(s, '198.51.100.2')]);
    expect(await d.process(events)).toEqual([]);
    const alerts = await d.process([fail(5, '198.51.100.2')]);
    expect(alerts.map((a) => a.key)).toEqual(['198.51.100.2']);
  });

  test('out-of-order events within the window still count', async () => {
    const d = detector(burst);
    const alerts = await d.process([40, 10, 30, 0, 20].map((s) => fail(s, '198.51.100.1')));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].time).toBe('2026-11-20T10:00:40.000Z');
  });

  test('a group of 200,000 events out of order in one batch is put in order (no spread past the call stack)', async () => {
    const events = Array.from({ length: 200_000 }, (_, i) => fail((200_000 - i) / 100, '198.51.100.9', `u${i % 7}`));
    const alerts = await detector({ ...burst, threshold: { count: 5, window: '5m' }, suppress: '1h' }).process(events);
    // In time order the first five failures (10 to 50 ms) complete the first window; the rest is suppressed.
    expect(alerts.map((a) => [a.key, a.time, a.count])).toEqual([['198.51.100.9', new Date(T0 + 50).toISOString(), 5]]);
    expect(alerts[0].suppressed).toBe(0);
  });

  test('distinct counts values, not events (password spraying)', async () => {
    const d = detector({ ...burst, threshold: { count: 3, window: '10m', distinct: 'user.name' } });
    const same = [0, 1, 2, 3, 4].map((s) => fail(s, '198.51.100.1', 'root'));
    expect(await d.process(same)).toEqual([]);
    const alerts = await d.process([fail(5, '198.51.100.1', 'admin'), fail(6, '198.51.100.1', 'admin'), fail(7, '198.51.100.1', 'oracle')]);
    expect(alerts.map((a) => [a.key, a.count])).toEqual([['198.51.100.1', 3]]);
    expect(alerts[0].evidence.map((e) => (e.fields.user as { name: string }).name)).toEqual(['root', 'oracle']);
  });

  test('memory per group is bounded by the threshold, not by the traffic', () => {
    const state = emptyWindow();
    for (let i = 0; i < 10_000; i++) {
      addHit(state, i * 100_000, String(i), undefined, { id: String(i), time: '', source: 'sshd', fields: {} }, 50, 60_000, false);
      expect(state.h.length).toBeLessThanOrEqual(50);
    }
  });
});

describe('suppression', () => {
  test('at most one alert per key per period; the next alert reports what was held back', async () => {
    const d = detector({ groupBy: ['source.ip'], suppress: '10m' });
    const alerts = await d.process([fail(0, '198.51.100.1'), fail(60, '198.51.100.1'), fail(120, '198.51.100.1'), fail(30, '198.51.100.2')]);
    expect(alerts.map((a) => [a.key, a.suppressed])).toEqual([
      ['198.51.100.1', 0],
      ['198.51.100.2', 0],
    ]);
    const later = await d.process([fail(601, '198.51.100.1')]);
    expect(later.map((a) => [a.key, a.suppressed])).toEqual([['198.51.100.1', 2]]);
  });

  test('threshold detections are suppressed per key too', async () => {
    const d = detector({ ...burst, suppress: '1h' });
    const events = Array.from({ length: 30 }, (_, i) => fail(i * 10, '198.51.100.1'));
    const alerts = await d.process(events);
    expect(alerts).toHaveLength(1);
    const next = await d.process(Array.from({ length: 5 }, (_, i) => fail(3700 + i, '198.51.100.1')));
    expect(next.map((a) => a.suppressed)).toEqual([5]);
  });

  test('a burst evaluated late (another shard) is held back only within a period of the one raised, on either side', async () => {
    const d = detector({ ...burst, suppress: '1h' });
    const burstAt = (s: number) => Array.from({ length: 5 }, (_, i) => fail(s + i, '198.51.100.1'));
    // The burst of 13:00 is evaluated first, then those of 10:00 and 12:30 arrive.
    expect(await d.process(burstAt(3 * 3600))).toHaveLength(1);
    // In time order 10:00 would have been raised: more than an hour before 13:00, it is.
    expect((await d.process(burstAt(0))).map((a) => a.time)).toEqual(['2026-11-20T10:00:04.000Z']);
    // 12:30 is within the hour before 13:00: in time order one of the two is raised, and 13:00 was.
    expect(await d.process(burstAt(2.5 * 3600))).toEqual([]);
    // After 14:00, the next one is raised and reports the one held back.
    expect((await d.process(burstAt(4 * 3600 + 10))).map((a) => a.suppressed)).toEqual([1]);
  });

  /** The stored state of one key, as the next batch will read it. */
  async function stored(store: MemoryStateStore, key: string): Promise<unknown> {
    return store.transact([key], T0, (current) => ({ writes: new Map(), result: current.get(key) }));
  }

  test('evidence of windows that can only complete within the suppression period is not kept', async () => {
    const store = new MemoryStateStore();
    const d = detector({ ...burst, suppress: '1h' }, store);
    expect(await d.process(Array.from({ length: 5 }, (_, i) => fail(i, '198.51.100.1')))).toHaveLength(1);
    // Suppressed until 10:01:04 (the detection at 4 s, plus an hour): three failures at
    // 10:30 can only complete a window by 10:35, so they are counted without evidence.
    await d.process([fail(1800, '198.51.100.1'), fail(1801, '198.51.100.1'), fail(1802, '198.51.100.1')]);
    const during = (await stored(store, groupKey('window', 'test.rule', '198.51.100.1'))) as { h: unknown[][] };
    expect(during.h.map((e) => e[2])).toEqual([null, null, null]);
    // At 10:57 a window may complete after 11:00:04: its evidence is kept.
    const late = [fail(3420, '198.51.100.1'), fail(3421, '198.51.100.1')];
    await d.process(late);
    const after = (await stored(store, groupKey('window', 'test.rule', '198.51.100.1'))) as { h: unknown[][] };
    // The window's first hit keeps its evidence (the event); the completing one is at hand when it completes.
    expect(after.h.map((e) => (e[2] === null ? null : (e[2] as { id: string }).id))).toEqual([late[0].id, null]);
    // Completed after the period: raised, with the evidence of the batch before.
    const closing = [fail(3605, '198.51.100.1'), fail(3606, '198.51.100.1'), fail(3607, '198.51.100.1')];
    const alerts = await d.process(closing);
    expect(alerts.map((a) => a.suppressed)).toEqual([0]);
    expect(alerts[0].evidence.map((e) => e.id)).toEqual([late[0], closing[2]].map((e) => e.id));
    expect(alerts[0].evidence[0].fields).toEqual(late[0].fields);
    expect(alerts[0].evidence[0].time).toBe('2026-11-20T10:57:00.000Z');
  });
});
