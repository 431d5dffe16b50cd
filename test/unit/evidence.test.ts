import * as path from 'node:path';
import { Evidence, EvidenceRef, LineEvidence, asEvidence, keptEvidence, toEvidence } from '../../shared/engine/evidence';
import { SequenceSpec, SequenceState, sequenceKind } from '../../shared/engine/kinds/sequence';
import { GroupContext } from '../../shared/engine/kind';
import { Completion } from '../../shared/engine/detection';
import { SecEvent } from '../../shared/events/event';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { HeaderOptions } from '../../shared/events/syslog/header';
import { readEvents } from '../../shared/local/input/read-events';
import { tempDir } from '../helpers';

describe('evidence kept in windows and sequences', () => {
  const event: SecEvent = {
    source: 'sshd',
    id: '0123456789abcdef',
    time: Date.parse('2026-11-20T10:00:00.250Z'),
    fields: {
      id: '0123456789abcdef',
      message: 'Failed password for root from 198.51.100.7 port 22 ssh2',
      event: { action: 'auth-failed', category: Object.freeze(['authentication']) },
      source: { ip: '198.51.100.7', port: 22 },
      log: { file: { path: '/var/log/auth.log', line: 7 } },
    },
  };
  const expected: Evidence = { id: event.id, time: '2026-11-20T10:00:00.250Z', source: 'sshd', fields: event.fields };

  test('is the event, made into Evidence (its time as text) only when a detection is raised', () => {
    expect(asEvidence(event)).toEqual(expected);
    // Nothing is copied: the fields are the event's own (never modified after normalization).
    expect(asEvidence(event).fields).toBe(event.fields);
  });

  test('stored by the Redis store (inside the state JSON) it reads back the same', () => {
    const stored = JSON.parse(JSON.stringify({ h: [[event.time, 1, event, event.id]] })) as { h: Array<[number, number, EvidenceRef, string]> };
    expect(asEvidence(stored.h[0][2])).toEqual(expected);
  });

  test('what earlier versions stored, Evidence objects or their JSON text, reads back as it was', () => {
    const older: Evidence = { id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'sshd', fields: { id: 'e1' } };
    expect(asEvidence(older)).toBe(older);
    expect(asEvidence(JSON.stringify(older))).toEqual(older);
  });

  test('a key named __proto__ (from JSON input) stays a key of its own, never the prototype', () => {
    const fields = JSON.parse('{"id": "e1", "__proto__": {"note": "a long string from the input"}}') as Record<string, unknown>;
    const back = asEvidence(JSON.stringify(asEvidence({ id: 'e1', time: 0, source: 'json', fields })));
    expect(Object.getPrototypeOf(back.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.fields, '__proto__')?.value).toEqual({ note: 'a long string from the input' });
    expect(({} as Record<string, unknown>).note).toBeUndefined();
  });
});

describe('evidence a sequence keeps as its line', () => {
  const LINES = [
    'Nov 20 10:00:00 web-01 sshd[4242]: Failed password for invalid user admin from 198.51.100.7 port 50022 ssh2',
    '2026-11-20T10:00:01.123456+08:00 web-01 sshd[4243]: Connection closed by authenticating user root 198.51.100.7 port 50023 [preauth]',
    'Nov 20 10:00:02 web-01 sshd[4244]: message repeated 3 times: [ Failed password for root from 198.51.100.7 port 50024 ssh2]',
    'Nov 20 10:00:03 web-01 sudo:   deploy : TTY=pts/0 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
    'Nov 20 10:00:04 web-01 sshd[4245]: Accepted publickey for deploy from 10.0.0.5 port 50025 ssh2: ED25519 SHA256:Jc2V0JsX8pBQ9yJ6i9o5f7E5mM6B7oXq3c1Yw5m0l1k',
  ];

  async function eventsOf(syslog: HeaderOptions): Promise<SecEvent[]> {
    const file = path.join(tempDir({ 'auth.log': LINES.join('\n') + '\n' }), 'auth.log');
    const events: SecEvent[] = [];
    for await (const chunk of readEvents(file, { format: 'auto', syslog })) events.push(...chunk.events);
    return events;
  }

  test.each([
    ['a year', { year: 2026 }],
    ['a zone and no year (the reference time fixed at the start of the file)', { tzOffsetMinutes: 480 }],
  ] as Array<[string, HeaderOptions]>)('with %s, each event read from a file reads back from its line as the same event and the same JSON', async (_, syslog) => {
    const events = await eventsOf(syslog);
    expect(events).toHaveLength(7);
    for (const e of events) {
      const kept = keptEvidence(e);
      expect(kept).toBeInstanceOf(LineEvidence);
      expect(asEvidence(kept)).toEqual(toEvidence(e));
      // Written to Redis inside the state, it is the event, as before.
      const plain = { source: e.source, id: e.id, time: e.time, fields: e.fields };
      expect(JSON.stringify({ h: [[e.time, 1, kept, e.id]] })).toBe(JSON.stringify({ h: [[e.time, 1, plain, e.id]] }));
    }
  });

  test('a line without a year reads back into the same year however long the evidence is kept', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2027-01-02T00:00:00Z'));
    try {
      const [first] = await eventsOf({});
      // Read in January 2027, a November line is of 2026.
      expect(new Date(first.time).getUTCFullYear()).toBe(2026);
      const kept = keptEvidence(first);
      // Shown two years later, it is still of 2026: the reference time was fixed when the file was read.
      now.mockReturnValue(Date.parse('2029-01-02T00:00:00Z'));
      expect(asEvidence(kept)).toEqual(toEvidence(first));
    } finally {
      now.mockRestore();
    }
  });

  test('an event read from a file is written to a state store as a plain event, as before', async () => {
    const [e] = await eventsOf({ year: 2026 });
    expect(e.line).toBe(LINES[0]);
    expect(Object.keys(JSON.parse(JSON.stringify(e)))).toEqual(['source', 'id', 'time', 'fields']);
  });

  test('events of other origins, and evidence kept before, are kept as they are', () => {
    const fromSls = normalizeSyslogLine(LINES[0], { year: 2026, position: 'sls:shard-0:cursor' })[0];
    expect(keptEvidence(fromSls)).toBe(fromSls);
    const older: Evidence = { id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'sshd', fields: { id: 'e1' } };
    expect(keptEvidence(older)).toBe(older);
    expect(keptEvidence('{"id":"e1"}')).toBe('{"id":"e1"}');
  });

  test('a line that no longer reads into its event (it cannot, but were it to) still shows the line and its place, and fails nothing', () => {
    const odd = new LineEvidence('0000000000000000', Date.parse('2026-11-20T10:00:00Z'), 'sshd', LINES[0], { path: '/var/log/auth.log', line: 3 }, { year: 2026 });
    expect(asEvidence(odd)).toEqual({
      id: '0000000000000000',
      time: '2026-11-20T10:00:00.000Z',
      source: 'sshd',
      fields: { id: '0000000000000000', '@timestamp': '2026-11-20T10:00:00.000Z', message: LINES[0], log: { file: { path: '/var/log/auth.log', line: 3 } } },
    });
    // An event without a place to read it from again is kept as it is.
    const [e] = normalizeSyslogLine(LINES[0], { year: 2026 });
    const placeless: SecEvent = { ...e, line: LINES[0], reading: { year: 2026 } };
    expect(keptEvidence(placeless)).toBe(placeless);
  });

  test('past its batch a sequence keeps its evidence as lines, and its detection shows the events', async () => {
    const events = await eventsOf({ year: 2026 });
    const burst = events.filter((e) => (e.fields as { sshd?: { attempt?: boolean } }).sshd?.attempt);
    const spec: SequenceSpec = { windowMs: 60_000, steps: [{ name: 'failures', count: 3 }, { name: 'success', count: 1 }], events: 4 };
    const completions: Completion[] = [];
    const ctx: GroupContext = { emit: (c) => void (c && completions.push(c)), suppressedUntil: () => -Infinity, watermark: () => -Infinity, watermarkAfter: () => -Infinity };
    if (!sequenceKind.stateful) throw new Error('sequences keep state');
    const kept = sequenceKind.advance(spec, undefined, { events: burst, values: burst.map(() => 0b01), marks: undefined }, ctx)!;
    const state = kept.value as SequenceState;
    expect(state.h.filter((entry) => entry[2] !== null).map((entry) => entry[2] instanceof LineEvidence)).toEqual([true, true, true, true]);
    const login = events[events.length - 1];
    sequenceKind.advance(spec, state, { events: [login], values: [0b10], marks: undefined }, ctx);
    expect(completions.map((c) => c.evidence.map((ref) => asEvidence(ref)))).toEqual([[burst[burst.length - 3], burst[burst.length - 1], login].map(toEvidence)]);
  });
});
