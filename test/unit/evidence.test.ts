import { Evidence, EvidenceRef, asEvidence } from '../../shared/engine/evidence';
import { SecEvent } from '../../shared/events/event';

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
