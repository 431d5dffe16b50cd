import { Evidence, asEvidence, detachEvidence, isBatchEvent } from '../../shared/engine/evidence';
import { SecEvent } from '../../shared/events/event';

describe('detached evidence', () => {
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

  test('is the evidence of the event, its time as text, sharing the fields the event already holds', () => {
    const d = detachEvidence(event);
    expect(isBatchEvent(event)).toBe(true);
    expect(isBatchEvent(d)).toBe(false);
    expect(asEvidence(d)).toEqual({ id: event.id, time: '2026-11-20T10:00:00.250Z', source: 'sshd', fields: event.fields });
    // Nothing is copied: the fields are the event's own (never modified after normalization).
    expect(asEvidence(d).fields).toBe(event.fields);
    // It survives the Redis store's JSON and reads back the same.
    expect(asEvidence(JSON.parse(JSON.stringify(d)) as Evidence)).toEqual(asEvidence(d));
  });

  test('evidence already detached, or stored as JSON text by an earlier version, is kept as it is and reads back', () => {
    const d = detachEvidence(event);
    expect(detachEvidence(d)).toBe(d);
    const older: Evidence = { id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'sshd', fields: { id: 'e1' } };
    expect(isBatchEvent(older)).toBe(false);
    expect(asEvidence(older)).toBe(older);
    const text = JSON.stringify(older);
    expect(isBatchEvent(text)).toBe(false);
    expect(detachEvidence(text)).toBe(text);
    expect(asEvidence(text)).toEqual(older);
  });

  test('a key named __proto__ (from JSON input) stays a key of its own, never the prototype', () => {
    const fields = JSON.parse('{"id": "e1", "__proto__": {"note": "a long string from the input"}}') as Record<string, unknown>;
    const back = asEvidence(JSON.stringify(detachEvidence({ id: 'e1', time: 0, source: 'json', fields })));
    expect(Object.getPrototypeOf(back.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.fields, '__proto__')?.value).toEqual({ note: 'a long string from the input' });
    expect(({} as Record<string, unknown>).note).toBeUndefined();
  });
});
