import { isoTimestamp, parseIsoTime } from '../../shared/util/time';

test.each(['2026-11-20T02:10:30Z', '2026-11-20T02:10:30.5Z', '2026-11-20T02:10:30.123Z', '2026-11-20T02:10:30.123456Z', '2026-11-20T02:10:30+08:00', '2026-11-20 02:10:30', 'not a date', '2026-02-30T00:00:00Z', '2026-11-20T24:00:00Z', '2026-11-20T10:10:60Z', '2026-11-20T23:59:60Z', '2026-11-2 T10:10:10Z', '2026-11-20T1a:10:10Z', '2026-11-20T10:10:10.Z', '2026-13-01T10:10:10Z'])(
  'parseIsoTime agrees with Date.parse on %s',
  (s) => {
    expect(parseIsoTime(s)).toEqual(Date.parse(s));
  },
);

test('parseIsoTime agrees with Date.parse over runs of timestamps in one second and across seconds', () => {
  let x = 777;
  let t = Date.parse('2026-11-20T23:59:58.000Z');
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // Mostly forward by a few ms (same second), sometimes a jump back or across days.
    t += x % 97 === 0 ? -((x % 3) * 86_400_000 + 17_000) : x % 400;
    const text = new Date(t).toISOString();
    const withoutMs = `${text.slice(0, 19)}Z`;
    expect([text, parseIsoTime(text)]).toEqual([text, t]);
    expect([withoutMs, parseIsoTime(withoutMs)]).toEqual([withoutMs, Date.parse(withoutMs)]);
  }
});

test('isoTimestamp agrees with toISOString', () => {
  for (const t of [0, 1, 999, 1000, Date.parse('2026-11-20T02:10:30.007Z'), Date.parse('2026-11-20T02:10:30.070Z'), Date.parse('2026-11-20T02:10:30.700Z')]) {
    expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
  }
});

test('isoTimestamp agrees with toISOString across calendar edges and random times', () => {
  const edges = ['1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '2024-02-29T23:59:59.500Z', '2024-03-01T00:00:00.000Z', '2100-02-28T23:59:59.001Z', '2100-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0099-06-15T01:02:03.004Z', '-000001-12-31T23:59:59.250Z', '+010000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'];
  for (const e of edges) expect(isoTimestamp(Date.parse(e))).toBe(e);
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const t = Math.floor((x / 2 ** 32) * 4_102_444_800_000); // 1970 to 2100
    expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
  }
});
