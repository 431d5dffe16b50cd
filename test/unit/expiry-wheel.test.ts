import { ExpiryWheel } from '../../shared/state/expiry-wheel';

const due = (w: ExpiryWheel, clock: number) => {
  const keys: string[] = [];
  w.expire(clock, (k) => keys.push(k));
  return keys.sort();
};

describe('expiry wheel', () => {
  test('hands over the keys of each minute once the clock is past it, and only those', () => {
    const w = new ExpiryWheel(60_000);
    w.add('a', 10_000);
    w.add('b', 59_999);
    w.add('c', 60_000);
    w.add('d', 185_000);
    // Within the first minute nothing is handed over: the caller compares exact times later.
    expect(due(w, 59_999)).toEqual([]);
    expect(due(w, 60_000)).toEqual(['a', 'b']);
    expect(due(w, 119_999)).toEqual([]);
    expect(due(w, 120_000)).toEqual(['c']);
    expect(due(w, 120_000)).toEqual([]);
    expect(w.size).toBe(1);
    expect(due(w, 240_000)).toEqual(['d']);
    expect(w.size).toBe(0);
  });

  test('a key written again is handed over for each time it was filed; a clock that goes back hands over nothing', () => {
    const w = new ExpiryWheel(60_000);
    w.add('k', 30_000);
    w.add('k', 150_000);
    expect(due(w, 90_000)).toEqual(['k']);
    expect(due(w, 10_000)).toEqual([]);
    expect(due(w, 200_000)).toEqual(['k']);
  });

  test('a clock that jumps years ahead looks at the buckets held, not at every minute between', () => {
    const w = new ExpiryWheel(60_000);
    const t = Date.parse('2026-11-20T10:00:00Z');
    w.add('old', t);
    w.add('later', t + 3_600_000);
    const start = process.hrtime.bigint();
    expect(due(w, t + 20 * 365 * 86_400_000)).toEqual(['later', 'old']);
    // Ten million minutes one by one would take seconds.
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(200);
    // And one added before the oldest bucket seen is still found.
    w.add('early', t - 86_400_000);
    expect(due(w, t)).toEqual(['early']);
  });
});
