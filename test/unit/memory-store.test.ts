import { MemoryStateStore } from '../../shared/state/memory';

const read = (s: MemoryStateStore, key: string, now: number) => s.transact([key], now, (cur) => ({ writes: new Map(), result: cur.get(key) }));

describe('memory state store', () => {
  test('transactions read, write with TTL on the caller\'s clock, and delete', async () => {
    const s = new MemoryStateStore();
    await s.transact(['a'], 1_000, () => ({ writes: new Map([['a', { value: { n: 1 }, ttlMs: 500 }]]), result: undefined }));
    expect(await read(s, 'a', 1_500)).toEqual({ n: 1 });
    expect(await read(s, 'a', 1_501)).toBeUndefined();
    await s.transact(['a'], 2_000, () => ({ writes: new Map([['a', { value: 2, ttlMs: 500 }]]), result: undefined }));
    await s.transact(['a'], 2_000, () => ({ writes: new Map([['a', { value: 3, ttlMs: 10 }]]), result: undefined }));
    expect(await read(s, 'a', 2_010)).toBe(3);
    expect(await read(s, 'a', 2_011)).toBeUndefined();
    await s.transact(['a'], 3_000, () => ({ writes: new Map([['a', { value: 4, ttlMs: 500 }]]), result: undefined }));
    await s.transact(['a'], 3_000, () => ({ writes: new Map([['a', null]]), result: undefined }));
    expect(await read(s, 'a', 3_000)).toBeUndefined();
  });

  test('claims: first claimant wins until the claim expires; claimed keys read as present', async () => {
    const s = new MemoryStateStore();
    expect(await s.claim(['x', 'y'], 0, 100)).toEqual([true, true]);
    expect(await s.claim(['x', 'z'], 50, 100)).toEqual([false, true]);
    expect(await read(s, 'x', 100)).toBe(1);
    expect(await s.claim(['x'], 101, 100)).toEqual([true]);
    // A write through a transaction replaces a claim, and a live value cannot be claimed.
    await s.transact(['y'], 60, () => ({ writes: new Map([['y', { value: 'v', ttlMs: 1_000 }]]), result: undefined }));
    expect(await read(s, 'y', 500)).toBe('v');
    expect(await s.claim(['y'], 500, 100)).toEqual([false]);
    expect(await s.claim(['y'], 1_061, 100)).toEqual([true]);
  });

  test('a claim is found by its own key only, whatever else shares its first characters', async () => {
    const s = new MemoryStateStore();
    await s.claim(['d:alert-1', 'a:alert-1'], 0, 1_000);
    expect(await read(s, 'd:alert-1', 10)).toBe(1);
    expect(await read(s, 'a:alert-1', 10)).toBe(1);
    expect(await read(s, 'w:alert-1', 10)).toBeUndefined();
    expect(await read(s, 'd:alert-2', 10)).toBeUndefined();
    // A deletion through a transaction removes the claim too.
    await s.transact(['d:alert-1'], 20, () => ({ writes: new Map([['d:alert-1', null]]), result: undefined }));
    expect(await read(s, 'd:alert-1', 30)).toBeUndefined();
    expect(await s.claim(['d:alert-1'], 30, 1_000)).toEqual([true]);
    expect(s.size).toBe(2);
  });

  test('expired keys are swept, so a long replay holds only live state', async () => {
    const s = new MemoryStateStore();
    await s.claim(Array.from({ length: 12_000 }, (_, i) => `old-${i}`), 0, 10);
    expect(s.size).toBe(12_000);
    // Sweeps run when the store has doubled since the last one.
    await s.claim(Array.from({ length: 13_000 }, (_, i) => `new-${i}`), 1_000, 10);
    expect(s.size).toBe(13_000);
  });
});

describe('event time and wall clock in one store', () => {
  test('a sweep by a wall-clock caller (delivery) never drops state kept on event time (detection)', async () => {
    const s = new MemoryStateStore();
    const t = Date.parse('2026-11-20T10:00:00Z');
    // A window written by detection on event time, needed until t + 5 min + allowance.
    await s.transact(['w:r:ip'], t, () => ({ writes: new Map([['w:r:ip', { value: { h: [1] }, ttlMs: 20 * 60_000 }]]), result: undefined }), { earliest: t });
    // Delivery fills the store with wall-clock keys until it sweeps, days of wall time later.
    const wall = Date.parse('2026-12-01T00:00:00Z');
    for (let i = 0; i < 10_050; i++) await s.claim([`dl:c:${i}`], wall, 7 * 86_400_000);
    // The next detection batch, one minute of event time later, still finds its window.
    const found = await s.transact(['w:r:ip'], t + 60_000, (cur) => ({ writes: new Map(), result: cur.get('w:r:ip') }), { earliest: t + 60_000 });
    expect(found).toEqual({ h: [1] });
  });

  test('state kept on event time is let go once a batch starts a late-data allowance past its expiry, without a sweep', async () => {
    const s = new MemoryStateStore();
    const t = Date.parse('2026-11-20T10:00:00Z');
    const min = 60_000;
    const write = (key: string, at: number, ttlMs: number) => s.transact([key], at, () => ({ writes: new Map([[key, { value: { h: [at] }, ttlMs }]]), result: undefined }), { earliest: at });
    await write('w:r:a', t, 20 * min);
    await write('w:r:b', t, 60 * min);
    await s.claim(['dl:c:x'], t, min);
    expect(s.size).toBe(3);
    // a expires at 10:20; a batch starting at 10:34 could still hold an event 14 minutes late that needs it.
    await write('w:r:c', t + 34 * min, 20 * min);
    expect(s.size).toBe(4);
    // One starting at 10:37 could not: a is let go; b (11:00) is not, nor the wall-clock claim, which is the sweep's.
    await write('w:r:c', t + 37 * min, 20 * min);
    expect(s.size).toBe(3);
    expect(await read(s, 'w:r:b', t + 37 * min)).toEqual({ h: [t] });
    // Written again, b lives on to its new expiry.
    await write('w:r:b', t + 50 * min, 60 * min);
    await write('w:r:c', t + 80 * min, min);
    expect(await read(s, 'w:r:b', t + 80 * min)).toEqual({ h: [t + 50 * min] });
    // A file replayed after a later one: its batches start before everything kept, and let nothing go.
    await write('w:r:old', t - 86_400_000, 20 * min);
    await write('w:r:old', t - 86_400_000 + 5 * min, 20 * min);
    expect(await read(s, 'w:r:b', t + 80 * min)).toEqual({ h: [t + 50 * min] });
    expect(s.size).toBe(4);
  });

  test('each kind of state still expires on its own clock', async () => {
    const s = new MemoryStateStore();
    const t = Date.parse('2026-11-20T10:00:00Z');
    await s.transact(['w:r:a'], t, () => ({ writes: new Map([['w:r:a', { value: 1, ttlMs: 1000 }]]), result: undefined }), { earliest: t });
    await s.claim(['dl:c:x'], t, 1000);
    expect(await s.transact(['w:r:a'], t + 5000, (cur) => ({ writes: new Map(), result: cur.has('w:r:a') }), { earliest: t + 5000 })).toBe(false);
    expect(await s.claim(['dl:c:x'], t + 5000, 1000)).toEqual([true]);
  });
});
