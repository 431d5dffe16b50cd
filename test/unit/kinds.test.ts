import { groupKey } from '../../shared/state/keys';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { compileRule } from '../../shared/rules/load';
import { compileCondition, localClock } from '../../shared/rules/condition';
import { MemoryStateStore } from '../../shared/state/memory';
import { RuleOverrides, ruleDef } from '../helpers';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let seq = 0;
function ssh(secondsAfter: number, action: string, ip: string, user = 'root'): SecEvent {
  const id = `k${++seq}`;
  return { source: 'sshd', id, time: T0 + secondsAfter * 1000, fields: { id, event: { action, outcome: action === 'login' ? 'success' : 'failure' }, source: { ip }, user: { name: user } } };
}
const detector = (o: RuleOverrides) => new Detector([compileRule(ruleDef(o), 'rules/t.json')], new MemoryStateStore());

describe('sequence rules', () => {
  const bruteThenSuccess: RuleOverrides = {
    kind: 'sequence',
    condition: { field: 'event.action', op: 'in', value: ['auth-failed', 'login'] },
    groupBy: ['source.ip'],
    sequence: {
      window: '10m',
      steps: [
        { name: 'burst', condition: { field: 'event.action', op: 'equals', value: 'auth-failed' }, count: 3 },
        { name: 'success', condition: { field: 'event.action', op: 'equals', value: 'login' } },
      ],
    },
  };

  test('steps in order within the window alert once, with the first event, the last earlier step and the completing event as evidence', async () => {
    const d = detector(bruteThenSuccess);
    const events = [ssh(0, 'auth-failed', '198.51.100.1'), ssh(1, 'auth-failed', '198.51.100.1'), ssh(2, 'auth-failed', '198.51.100.1'), ssh(30, 'login', '198.51.100.1')];
    const alerts = await d.process(events);
    expect(alerts.map((a) => [a.key, a.count])).toEqual([['198.51.100.1', 4]]);
    expect(alerts[0].evidence.map((e) => e.id)).toEqual([events[0], events[2], events[3]].map((e) => e.id));
  });

  test('a success before the burst completes, another address, or a late success do not alert', async () => {
    const d = detector(bruteThenSuccess);
    expect(await d.process([ssh(0, 'auth-failed', '198.51.100.2'), ssh(1, 'login', '198.51.100.2'), ssh(2, 'auth-failed', '198.51.100.2')])).toEqual([]);
    expect(await d.process([ssh(0, 'auth-failed', '198.51.100.3'), ssh(1, 'auth-failed', '198.51.100.3'), ssh(2, 'auth-failed', '198.51.100.3'), ssh(3, 'login', '198.51.100.4')])).toEqual([]);
    expect(await d.process([ssh(0, 'auth-failed', '198.51.100.5'), ssh(1, 'auth-failed', '198.51.100.5'), ssh(2, 'auth-failed', '198.51.100.5'), ssh(700, 'login', '198.51.100.5')])).toEqual([]);
  });

  test('a login with no failures before it is kept for a late burst, then expires; a completed sequence leaves nothing', async () => {
    const store = new MemoryStateStore();
    const d = new Detector([compileRule(ruleDef(bruteThenSuccess), 'rules/t.json')], store);
    expect(await d.process([ssh(0, 'login', '198.51.100.7'), ssh(5, 'login', '198.51.100.8')])).toEqual([]);
    expect(store.size).toBe(2);
    await d.process([ssh(20, 'auth-failed', '198.51.100.8'), ssh(21, 'auth-failed', '198.51.100.8'), ssh(22, 'auth-failed', '198.51.100.8'), ssh(23, 'login', '198.51.100.8')]);
    // The first group's login, and the alert's dedup claim; the completed group's state is gone.
    expect(store.size).toBe(2);
    // Past the window and the allowance, the first login is gone.
    const at = (s: number) => store.transact([groupKey('sequence', 'test.rule', '198.51.100.7')], T0 + s * 1000, (c) => ({ writes: new Map(), result: c.get(groupKey('sequence', 'test.rule', '198.51.100.7')) }), { earliest: T0 + s * 1000 });
    expect(await at(60)).toBeDefined();
    expect(await at(26 * 60)).toBeUndefined();
  });

  test('a burst that arrives after the login it preceded (another shard, later) alerts at the login', async () => {
    const d = detector(bruteThenSuccess);
    const ip = '198.51.100.10';
    const login = ssh(40, 'login', ip);
    expect(await d.process([login])).toEqual([]);
    const burst = [ssh(0, 'auth-failed', ip), ssh(1, 'auth-failed', ip), ssh(2, 'auth-failed', ip)];
    const alerts = await d.process(burst);
    expect(alerts.map((a) => [a.key, a.count, a.time])).toEqual([[ip, 4, new Date(login.time).toISOString()]]);
    expect(alerts[0].evidence.map((e) => e.id)).toEqual([burst[0], burst[2], login].map((e) => e.id));
  });

  test('a login alerts when the burst is within the window before it, wherever the burst began', async () => {
    const d = detector(bruteThenSuccess);
    const ip = '198.51.100.11';
    // Failures every 4 minutes for an hour: any 10 minutes before the login hold at least 3.
    const fails = Array.from({ length: 15 }, (_, i) => ssh(i * 240, 'auth-failed', ip));
    expect(await d.process(fails)).toEqual([]);
    const alerts = await d.process([ssh(14 * 240 + 60, 'login', ip)]);
    expect(alerts.map((a) => a.count)).toEqual([4]);
  });

  test('state carries across batches', async () => {
    const d = detector(bruteThenSuccess);
    expect(await d.process([ssh(0, 'auth-failed', '198.51.100.6'), ssh(1, 'auth-failed', '198.51.100.6'), ssh(2, 'auth-failed', '198.51.100.6')])).toEqual([]);
    expect((await d.process([ssh(40, 'login', '198.51.100.6')])).map((a) => a.key)).toEqual(['198.51.100.6']);
  });

  test('a sequence that can only complete within the suppression period keeps no evidence; a later one does', async () => {
    const store = new MemoryStateStore();
    const d = new Detector([compileRule(ruleDef({ ...bruteThenSuccess, suppress: '1h' }), 'rules/t.json')], store);
    const ip = '198.51.100.9';
    const fails = (at: number) => [ssh(at, 'auth-failed', ip), ssh(at + 1, 'auth-failed', ip), ssh(at + 2, 'auth-failed', ip)];
    expect(await d.process([...fails(0), ssh(3, 'login', ip)])).toHaveLength(1);
    const state = () => store.transact([groupKey('sequence', 'test.rule', ip)], T0, (c) => ({ writes: new Map(), result: c.get(groupKey('sequence', 'test.rule', ip)) as { h: Array<[number, number, unknown]> } }));
    // Suppressed until 11:00:03; failures at 10:30 complete nothing after 10:40.
    await d.process(fails(1800));
    expect((await state()).h.map((e) => e[2])).toEqual([null, null, null]);
    // At 10:55, they may complete after 11:00:03: the evidence is kept.
    const late = fails(3300);
    await d.process(late);
    expect((await state()).h.slice(-3).map((e) => (e[2] as { id: string } | null)?.id)).toEqual(late.map((e) => e.id));
    const success = ssh(3605, 'login', ip);
    const alerts = await d.process([success]);
    expect(alerts.map((a) => [a.suppressed, a.evidence.map((e) => e.id)])).toEqual([[0, [late[0], late[2], success].map((e) => e.id)]]);
  });
});

describe('new-value rules', () => {
  const newIp: RuleOverrides = { kind: 'newValue', condition: { field: 'event.action', op: 'equals', value: 'login' }, groupBy: ['user.name'], newValue: { field: 'source.ip', lookback: '30d' } };

  test('a known user from a new address alerts; the first ever login only teaches', async () => {
    const d = detector(newIp);
    expect(await d.process([ssh(0, 'login', '10.0.0.1', 'alice'), ssh(60, 'login', '10.0.0.1', 'alice')])).toEqual([]);
    const alerts = await d.process([ssh(120, 'login', '203.0.113.9', 'alice')]);
    expect(alerts.map((a) => a.key)).toEqual(['alice']);
    expect(await d.process([ssh(180, 'login', '203.0.113.9', 'alice')])).toEqual([]);
  });

  test('a value not seen within the lookback is new again', async () => {
    const d = detector(newIp);
    await d.process([ssh(0, 'login', '10.0.0.1', 'bob'), ssh(1, 'login', '10.0.0.2', 'bob')]);
    expect((await d.process([ssh(31 * 86400, 'login', '10.0.0.1', 'bob')])).length).toBe(1);
  });

  test('memory per group is bounded by maxValues', async () => {
    const d = detector({ ...newIp, newValue: { field: 'source.ip', lookback: '30d', maxValues: 3 } });
    await d.process(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((ip, i) => ssh(i, 'login', ip, 'carol')));
    // 10.0.0.1 was forgotten (only three are kept): it is new again.
    expect((await d.process([ssh(10, 'login', '10.0.0.1', 'carol')])).length).toBe(1);
  });
});

describe('dormancy rules', () => {
  test('activity after the silence alerts, with the days of silence as count', async () => {
    const d = detector({ kind: 'dormancy', condition: { field: 'event.action', op: 'equals', value: 'login' }, groupBy: ['user.name'], dormancy: { after: '30d' } });
    expect(await d.process([ssh(0, 'login', '10.0.0.1', 'dave'), ssh(86400, 'login', '10.0.0.1', 'dave')])).toEqual([]);
    const alerts = await d.process([ssh(86400 + 45 * 86400, 'login', '10.0.0.1', 'dave')]);
    expect(alerts.map((a) => [a.key, a.count])).toEqual([['dave', 45]]);
  });
});

describe('timeOfDay conditions', () => {
  const hours = { timezone: 'Asia/Shanghai', from: '09:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
  const within = compileCondition({ field: 'eventTime', op: 'timeOfDay', value: hours });
  test.each([
    ['2026-11-20T02:00:00Z', true], // Friday 10:00 in Shanghai
    ['2026-11-20T10:00:00Z', false], // Friday 18:00: the end is excluded
    ['2026-11-20T00:59:00Z', false], // Friday 08:59
    ['2026-11-21T02:00:00Z', false], // Saturday 10:00
  ])('%s within working hours: %s', (t, expected) => {
    expect(within({ eventTime: t })).toBe(expected);
  });
  test('offsets and overnight ranges', () => {
    const night = compileCondition({ field: 't', op: 'timeOfDay', value: { timezone: '+08:00', from: '22:00', to: '06:00' } });
    expect(night({ t: '2026-11-20T15:30:00Z' })).toBe(true); // 23:30 local
    expect(night({ t: '2026-11-20T21:30:00Z' })).toBe(true); // 05:30 local
    expect(night({ t: '2026-11-20T04:00:00Z' })).toBe(false); // 12:00 local
  });
  test('the local clock of a named zone is right across daylight-saving changes and odd offsets', () => {
    // Independent reference: the zone's wall clock as Intl prints it.
    const wall = (zone: string, t: number) => {
      const text = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
      const [, day, h, m] = /^(\w{3}) (\d{2}):(\d{2})$/.exec(text)!;
      return { day: day.toLowerCase(), minute: Number(h) * 60 + Number(m) };
    };
    const changes: Array<[string, string]> = [
      ['America/New_York', '2026-03-08T07:00:00Z'], // 02:00 EST becomes 03:00 EDT
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // a half-hour change
      ['Europe/London', '2026-03-29T01:00:00Z'],
      ['Asia/Kathmandu', '2026-11-20T18:15:00Z'], // +05:45, no change: midnight on a quarter hour
      ['Asia/Shanghai', '1900-06-01T00:00:00Z'], // local mean time, +08:05:43
    ];
    for (const [zone, at] of changes) {
      const clock = localClock(zone, '/t');
      const around = Date.parse(at);
      // In time order (what the quarter-hour memory is for), every 7 minutes 13.5 seconds over six hours.
      for (let t = around - 3 * 3_600_000; t < around + 3 * 3_600_000; t += 433_500) {
        expect([zone, new Date(t).toISOString(), clock(t)]).toEqual([zone, new Date(t).toISOString(), wall(zone, t)]);
      }
      // And out of order.
      expect(clock(around - 1)).toEqual(wall(zone, around - 1));
      expect(clock(around + 86_400_000 * 100)).toEqual(wall(zone, around + 86_400_000 * 100));
      expect(clock(around)).toEqual(wall(zone, around));
    }
  });
  test('an unknown time zone is a load error at its pointer', () => {
    expect(() => compileCondition({ field: 't', op: 'timeOfDay', value: { timezone: 'Mars/Olympus', from: '09:00', to: '18:00' } })).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('threshold rules with late hits', () => {
  const burst: RuleOverrides = { kind: 'threshold', condition: { field: 'event.action', op: 'equals', value: 'auth-failed' }, groupBy: ['source.ip'], threshold: { count: 5, window: '1m' } };
  const ip = '198.51.100.7';

  test('a hit that arrives after a later one of its group still completes the burst it belongs to, at its time', async () => {
    const d = detector(burst);
    const early = [0, 10, 20, 30].map((s) => ssh(s, 'auth-failed', ip));
    expect(await d.process(early)).toEqual([]);
    // Another shard's batch brings a later failure first...
    expect(await d.process([ssh(95, 'auth-failed', ip)])).toEqual([]);
    // ...then the one at 40 s, which an ordered run would have counted fifth.
    const late = ssh(40, 'auth-failed', ip);
    const alerts = await d.process([late]);
    expect(alerts.map((a) => [a.key, a.count, a.time])).toEqual([[ip, 5, new Date(T0 + 40_000).toISOString()]]);
    // The window's first hit, and the late one that completed it.
    expect(alerts[0].evidence.map((e) => e.id)).toEqual([early[0], late].map((e) => e.id));
  });

  test('a hit later than the allowance behind its group counts for nothing; one within it is counted once', async () => {
    const d = detector({ ...burst, threshold: { count: 3, window: '1m' } });
    expect(await d.process([ssh(1000, 'auth-failed', ip), ssh(1010, 'auth-failed', ip)])).toEqual([]);
    // 16 minutes behind the newest and outside its window: too late.
    expect(await d.process([ssh(1000 - 960, 'auth-failed', ip)])).toEqual([]);
    const inTime = ssh(990, 'auth-failed', ip);
    expect((await d.process([inTime])).map((a) => a.count)).toEqual([3]);
    // Redelivered: already counted.
    expect(await d.process([inTime])).toEqual([]);
  });
});
