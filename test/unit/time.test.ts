import { isoTimestamp, parseIsoTime } from '../../shared/util/time';

test.each(['2026-11-20T02:10:30Z', '2026-11-20T02:10:30.5Z', '2026-11-20T02:10:30.123Z', '2026-11-20T02:10:30.123456Z', '2026-11-20T02:10:30+08:00', '2026-11-20 02:10:30', 'not a date', '2026-02-30T00:00:00Z'])(
  'parseIsoTime agrees with Date.parse on %s',
  (s) => {
    expect(parseIsoTime(s)).toEqual(Date.parse(s));
  },
);

test('isoTimestamp agrees with toISOString', () => {
  for (const t of [0, 1, 999, 1000, Date.parse('2026-11-20T02:10:30.007Z'), Date.parse('2026-11-20T02:10:30.070Z'), Date.parse('2026-11-20T02:10:30.700Z')]) {
    expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
  }
});
