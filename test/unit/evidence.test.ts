import { Evidence, asEvidence, detachEvidence, isBatchEvent } from '../../shared/engine/evidence';
import { SecEvent } from '../../shared/events/event';

describe('detached evidence', () => {
  const block = `${'x'.repeat(1000)}Failed password for root from 198.51.100.7 port 22 ssh2`;
  const event: SecEvent = {
    source: 'sshd',
    id: '0123456789abcdef',
    time: Date.parse('2026-11-20T10:00:00.250Z'),
    fields: {
      id: '0123456789abcdef',
      message: block.slice(1000),
      event: { action: 'auth-failed', category: Object.freeze(['authentication']) },
      source: { ip: '198.51.100.7', port: 22 },
      log: { file: { path: '/var/log/auth.log', line: 7 } },
    },
  };

  test('is text that reads back as the evidence of the event, and shares nothing with it', () => {
    const d = detachEvidence(event);
    expect(typeof d).toBe('string');
    expect(isBatchEvent(event)).toBe(true);
    expect(isBatchEvent(d)).toBe(false);
    const back = asEvidence(d);
    expect(back).toEqual({ id: event.id, time: '2026-11-20T10:00:00.250Z', source: 'sshd', fields: event.fields });
    expect(back.fields).not.toBe(event.fields);
    expect(back.fields.event).not.toBe(event.fields.event);
  });

  test('evidence already detached (or read from an older state as an object) is kept as it is', () => {
    const d = detachEvidence(event);
    expect(detachEvidence(d)).toBe(d);
    const older: Evidence = { id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'sshd', fields: { id: 'e1' } };
    expect(isBatchEvent(older)).toBe(false);
    expect(asEvidence(older)).toBe(older);
    expect(asEvidence(detachEvidence(older))).toEqual(older);
  });

  test('a key named __proto__ (from JSON input) stays a key of its own, never the prototype', () => {
    const fields = JSON.parse('{"id": "e1", "__proto__": {"note": "a long string from the input"}}') as Record<string, unknown>;
    const back = asEvidence(detachEvidence({ id: 'e1', time: 0, source: 'json', fields }));
    expect(Object.getPrototypeOf(back.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.fields, '__proto__')?.value).toEqual({ note: 'a long string from the input' });
    expect(({} as Record<string, unknown>).note).toBeUndefined();
  });
});
