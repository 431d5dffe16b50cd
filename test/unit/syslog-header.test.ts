import { headerProblem, parseSyslogHeader } from '../../shared/events/syslog/header';

const utc = (s: string) => Date.parse(s);

describe('parseSyslogHeader', () => {
  test.each([
    ['RFC 3164 padded day with host and pid', 'Nov  5 10:11:12 web-01 sshd[123]: hello', utc('2026-11-05T10:11:12Z'), 'web-01', 'sshd', 123],
    ['RFC 3164 unpadded day', 'Nov 5 10:11:12 web-01 sshd[123]: hello', utc('2026-11-05T10:11:12Z'), 'web-01', 'sshd', 123],
    ['RFC 3164 zero-padded day', 'Nov 05 10:11:12 web-01 sudo: hello', utc('2026-11-05T10:11:12Z'), 'web-01', 'sudo', undefined],
    ['RFC 3164 without host name', 'Nov 15 10:11:12 sshd[77]: hello', utc('2026-11-15T10:11:12Z'), undefined, 'sshd', 77],
    ['RFC 3164 with PRI', '<38>Nov 15 10:11:12 db sshd[77]: hello', utc('2026-11-15T10:11:12Z'), 'db', 'sshd', 77],
    ['journalctl short-precise', 'Nov 15 10:11:12.250001 db sshd[77]: hello', utc('2026-11-15T10:11:12.250Z'), 'db', 'sshd', 77],
    ['ISO-8601 with +08:00', '2026-11-20T09:30:05.123456+08:00 web-01 sshd[3001]: hello', utc('2026-11-20T01:30:05.123Z'), 'web-01', 'sshd', 3001],
    ['journalctl short-iso +0800', '2026-11-20T09:30:05+0800 web-01 sshd-session[3001]: hello', utc('2026-11-20T01:30:05Z'), 'web-01', 'sshd-session', 3001],
    ['ISO-8601 Z', '2026-11-20T09:30:05Z web-01 sudo[9]: hello', utc('2026-11-20T09:30:05Z'), 'web-01', 'sudo', 9],
    ['RFC 5424', '<38>1 2026-11-20T09:30:05.003Z web-01 sshd 3001 - - hello', utc('2026-11-20T09:30:05.003Z'), 'web-01', 'sshd', 3001],
    ['RFC 5424 with structured data and BOM', '<38>1 2026-11-20T09:30:05-05:00 web-01 sudo - ID47 [exampleSDID@32473 iut="3" eventSource="App"] \ufeffhello', utc('2026-11-20T14:30:05Z'), 'web-01', 'sudo', undefined],
    ['program with slash', 'Nov 15 10:11:12 mx postfix/smtpd[4]: hello', utc('2026-11-15T10:11:12Z'), 'mx', 'postfix/smtpd', 4],
  ])('%s', (_name, line, time, host, program, pid) => {
    const h = parseSyslogHeader(line, { year: 2026 });
    expect(h).toEqual({ time, hostname: host, program, pid, message: 'hello' });
  });

  test('zone-less timestamps use the configured offset', () => {
    const h = parseSyslogHeader('Nov  5 10:11:12 web-01 sshd[1]: x', { year: 2026, tzOffsetMinutes: 480 });
    expect(h?.time).toBe(utc('2026-11-05T02:11:12Z'));
  });

  test('the year of RFC 3164 lines is inferred: a December line read in January is last year', () => {
    const ref = utc('2027-01-03T00:00:00Z');
    expect(new Date(parseSyslogHeader('Dec 31 23:59:00 h sshd[1]: x', { referenceTime: ref })!.time).getUTCFullYear()).toBe(2026);
    expect(new Date(parseSyslogHeader('Jan  2 23:59:00 h sshd[1]: x', { referenceTime: ref })!.time).getUTCFullYear()).toBe(2027);
  });

  test('a remembered second is only reused for the same text, year and zone', () => {
    const line = 'Nov  5 10:11:12 web-01 sshd[1]: x';
    expect(parseSyslogHeader(line, { year: 2026 })?.time).toBe(utc('2026-11-05T10:11:12Z'));
    expect(parseSyslogHeader(line, { year: 2025 })?.time).toBe(utc('2025-11-05T10:11:12Z'));
    expect(parseSyslogHeader(line, { year: 2025, tzOffsetMinutes: 60 })?.time).toBe(utc('2025-11-05T09:11:12Z'));
    expect(parseSyslogHeader('Nov  5 10:11:12.5 web-01 sshd[1]: x', { year: 2025, tzOffsetMinutes: 60 })?.time).toBe(utc('2025-11-05T09:11:12.500Z'));
    expect(parseSyslogHeader('Nov 15 10:11:12 web-01 sshd[1]: x', { year: 2025 })?.time).toBe(utc('2025-11-15T10:11:12Z'));
    // The same text again, now with the year inferred: a week ahead of the reference is last year.
    expect(parseSyslogHeader(line, { referenceTime: utc('2026-10-20T00:00:00Z') })?.time).toBe(utc('2025-11-05T10:11:12Z'));
    expect(parseSyslogHeader(line, { referenceTime: utc('2026-11-04T00:00:00Z') })?.time).toBe(utc('2026-11-05T10:11:12Z'));
    expect(parseSyslogHeader('2026-11-20T09:30:05Z web-01 sudo[9]: hello', { year: 2026 })?.time).toBe(utc('2026-11-20T09:30:05Z'));
    expect(parseSyslogHeader('2026-11-20T09:30:05.5+01:00 web-01 sudo[9]: hello', { year: 2026 })?.time).toBe(utc('2026-11-20T08:30:05.500Z'));
  });

  test.each([
    ['not syslog', 'hello world'],
    ['impossible date', 'Feb 30 10:11:12 h sshd[1]: x'],
    ['bad hour', '2026-11-20T25:30:05Z web-01 sshd[1]: x'],
    ['no tag', 'Nov  5 10:11:12 web-01'],
    ['unknown month', 'Foo  5 10:11:12 web-01 sshd[1]: x'],
    ['zone hours beyond +14', '2026-11-20T09:30:05+25:00 web-01 sshd[1]: x'],
    ['zone minutes beyond 59', '2026-11-20T09:30:05-0160 web-01 sshd[1]: x'],
    ['zone before -12', '2026-11-20T09:30:05-13:00 web-01 sshd[1]: x'],
    ['zone beyond +14 on the regular-expression path', '2026-11-20 09:30:05+15:00 web-01 sshd[1]: x'],
    ['RFC 5424 with an impossible zone', '<38>1 2026-11-20T09:30:05+99:00 web-01 sshd 1 - - x'],
  ])('rejects %s', (_n, line) => {
    expect(parseSyslogHeader(line, { year: 2026 })).toBeUndefined();
  });

  test('the widest real zones are read', () => {
    expect(parseSyslogHeader('2026-11-20T09:30:05+14:00 h sshd[1]: x')?.time).toBe(utc('2026-11-19T19:30:05Z'));
    expect(parseSyslogHeader('2026-11-20 09:30:05-12:00 h sshd[1]: x')?.time).toBe(utc('2026-11-20T21:30:05Z'));
  });
});

describe('headerProblem (the error message of a refused line)', () => {
  test.each([
    ['no header', 'hello world', 'not a syslog line (no RFC 3164, RFC 5424 or ISO-8601 header)'],
    ['impossible date', 'Feb 30 10:11:12 h sshd[1]: x', 'syslog timestamp "Feb 30 10:11:12" is not a valid date, time or zone offset'],
    ['impossible zone', '<38>2026-11-20T09:30:05+25:00 h sshd[1]: x', 'syslog timestamp "2026-11-20T09:30:05+25:00" is not a valid date, time or zone offset'],
    ['no tag', 'Nov  5 10:11:12 web-01 kernel message without a tag', 'syslog header without a program tag (`program[pid]: ` or `program: `) after the timestamp and host'],
  ])('%s', (_n, line, problem) => {
    expect(parseSyslogHeader(line, { year: 2026 })).toBeUndefined();
    expect(headerProblem(line, { year: 2026 })).toBe(problem);
  });
});

test('RFC 3164 times agree with Date.UTC over runs of lines within a day and across days, impossible ones refused', () => {
  const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // What the header means, worked out through a Date: a day that does not exist, or a
  // time past 23:59:60 (or 23:59:60 itself, which is the next day), is no time.
  const expected = (year: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined => {
    const t = Date.UTC(year, mo, d, h, mi, s);
    const dt = new Date(t);
    if (h > 23 || mi > 59 || s > 60 || dt.getUTCFullYear() !== year || dt.getUTCMonth() !== mo || dt.getUTCDate() !== d) return undefined;
    return t - 480 * 60_000;
  };
  let x = 4242;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  // Edges first: leap days, the 31st of short months, leap seconds, hours and minutes past their end.
  const edges: Array<[number, number, number, number, number]> = [
    [1, 29, 12, 0, 0], [1, 30, 0, 0, 0], [3, 31, 0, 0, 0], [3, 30, 23, 59, 59], [11, 31, 23, 59, 60], [5, 30, 23, 59, 60],
    [5, 30, 23, 58, 60], [5, 30, 24, 0, 0], [5, 30, 12, 60, 0], [5, 30, 12, 0, 61], [0, 1, 0, 0, 0], [11, 31, 23, 59, 59],
  ];
  for (const [emo, ed, h, mi, s] of edges) {
    for (const year of [2024, 2026]) {
      const line = `${MONTH_NAMES[emo]} ${String(ed).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')} web-01 sshd[1]: x`;
      expect([line, year, parseSyslogHeader(line, { year, tzOffsetMinutes: 480 })?.time]).toEqual([line, year, expected(year, emo, ed, h, mi, s)]);
    }
  }
  let [mo, d] = [1, 27];
  for (let i = 0; i < 5000; i++) {
    // Mostly more lines of the same day; sometimes another day, possibly one that does not exist.
    if (next(10) === 0) [mo, d] = [next(12), 1 + next(31)];
    const [h, mi, s] = next(50) === 0 ? [next(26), next(62), next(62)] : [next(24), next(60), next(60)];
    for (const year of [2024, 2026]) {
      const line = `${MONTH_NAMES[mo]} ${String(d).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')} web-01 sshd[1]: x`;
      expect([line, year, parseSyslogHeader(line, { year, tzOffsetMinutes: 480 })?.time]).toEqual([line, year, expected(year, mo, d, h, mi, s)]);
    }
  }
});

test('ISO-8601 times agree with Date.UTC over runs of lines within a day and across days, impossible ones refused', () => {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const expected = (y: number, mo: number, d: number, h: number, mi: number, s: number, frac: number, zone: number): number | undefined => {
    const t = Date.UTC(y, mo, d, h, mi, s);
    const dt = new Date(t);
    if (h > 23 || mi > 59 || s > 60 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo || dt.getUTCDate() !== d) return undefined;
    return t + frac - zone * 60_000;
  };
  const line = (y: number, mo: number, d: number, h: number, mi: number, s: number, frac: number, zone: number) =>
    `${y}-${p2(mo + 1)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}.${String(frac).padStart(3, '0')}123${zone < 0 ? '-' : '+'}${p2(Math.abs(zone) / 60)}:00 web-01 sshd[1]: x`;
  const edges: Array<[number, number, number, number, number, number]> = [
    [2024, 1, 29, 12, 0, 0], [2026, 1, 29, 12, 0, 0], [2026, 3, 31, 0, 0, 0], [2026, 11, 31, 23, 59, 60], [2026, 5, 30, 23, 58, 60],
    [2026, 5, 30, 24, 0, 0], [2026, 5, 30, 12, 60, 0], [2026, 5, 30, 12, 0, 61], [2026, 12, 1, 0, 0, 0], [2026, 0, 0, 0, 0, 0],
  ];
  for (const [y, mo, d, h, mi, s] of edges) {
    const text = line(y, mo, d, h, mi, s, 250, 480);
    expect([text, parseSyslogHeader(text)?.time]).toEqual([text, expected(y, mo, d, h, mi, s, 250, 480)]);
  }
  let x = 777;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  let [y, mo, d] = [2026, 10, 20];
  for (let i = 0; i < 10_000; i++) {
    if (next(10) === 0) [y, mo, d] = [2020 + next(8), next(13), next(33)];
    const [h, mi, s] = next(50) === 0 ? [next(26), next(62), next(62)] : [next(24), next(60), next(60)];
    const zone = [0, 480, -300][next(3)];
    const frac = next(1000);
    const text = line(y, mo, d, h, mi, s, frac, zone);
    expect([text, parseSyslogHeader(text)?.time]).toEqual([text, expected(y, mo, d, h, mi, s, frac, zone)]);
  }
});
