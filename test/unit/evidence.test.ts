import { detachEvidence } from '../../shared/engine/alert';

describe('detached evidence', () => {
  test('has the same content; objects holding long (possibly sliced) strings are copied, the rest shared', () => {
    const block = `${'x'.repeat(1000)}Failed password for root from 198.51.100.7 port 22 ssh2`;
    const fields = {
      id: '0123456789abcdef',
      message: block.slice(1000),
      event: { action: 'auth-failed', category: Object.freeze(['authentication']) },
      source: { ip: '198.51.100.7', port: 22 },
      log: { file: { path: '/var/log/auth.log', line: 7 } },
      tags: ['short', block.slice(1000, 1020)],
    };
    const d = detachEvidence({ id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'sshd', fields });
    expect(d.fields).toEqual(fields);
    expect(d.fields).not.toBe(fields);
    expect(d.fields.event).toBe(fields.event);
    expect(d.fields.source).toBe(fields.source);
    expect(d.fields.log).not.toBe(fields.log);
    expect((d.fields.log as typeof fields.log).file).not.toBe(fields.log.file);
    expect(d.fields.tags).not.toBe(fields.tags);
  });

  test('a key named __proto__ (from JSON input) stays a key of its own in the copy', () => {
    const fields = JSON.parse('{"id": "e1", "__proto__": {"note": "a long string from the input"}}') as Record<string, unknown>;
    const d = detachEvidence({ id: 'e1', time: '2026-11-20T00:00:00.000Z', source: 'json', fields });
    expect(Object.getPrototypeOf(d.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(d.fields, '__proto__')?.value).toEqual({ note: 'a long string from the input' });
  });
});
