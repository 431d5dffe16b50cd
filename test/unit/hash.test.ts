import { stableId } from '../../shared/util/hash';

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
