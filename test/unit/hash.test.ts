import { digestId, stableId } from '../../shared/util/hash';

describe('stableId', () => {
  test('is stable and 16 hex characters', () => {
    expect(stableId('a', 1)).toBe(stableId('a', 1));
    expect(stableId('a', 1)).toMatch(/^[0-9a-f]{16}$/);
  });
  test('part boundaries matter', () => {
    expect(stableId('ab', 'c')).not.toBe(stableId('a', 'bc'));
  });
  test('no collisions among 200,000 similar log positions', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(stableId('auth.log:', i, 'Nov 20 10:00:00 h sshd[1]: Failed password for root from 198.51.100.1 port 22 ssh2'));
    expect(seen.size).toBe(200_000);
  });
});

describe('digestId (alert, incident and batch ids)', () => {
  test('is SHA-256 of the length-prefixed parts, truncated to 16 hex digits', () => {
    const { createHash } = require('node:crypto');
    expect(digestId('sshd.failed-auth-burst', '203.0.113.5', 1795251600000)).toBe(createHash('sha256').update('22:sshd.failed-auth-burst11:203.0.113.513:1795251600000').digest('hex').slice(0, 16));
    // Text as UTF-8, lengths in UTF-16 units, as the ids of earlier versions were made (stored alert ids must keep matching).
    expect(digestId('su.failure-burst', 'web-01|张三', '𝒜é')).toBe(createHash('sha256').update('16:su.failure-burst9:web-01|张三3:𝒜é').digest('hex').slice(0, 16));
  });
  test('parts cannot be re-cut into the same id', () => {
    expect(digestId('ab', 'c')).not.toBe(digestId('a', 'bc'));
    expect(digestId('a|b')).not.toBe(digestId('a', 'b'));
    expect(digestId('')).not.toBe(digestId());
  });
});
