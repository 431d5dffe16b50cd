import { normalizeSyslogLine } from '../../shared/events/syslog';
import { parseSyslogHeader } from '../../shared/events/syslog/header';
import { zoneOf } from '../../shared/util/zone';

const wall = (s: string) => Date.parse(`${s}Z`);
const iso = (t: number) => new Date(t).toISOString();

describe('zones of zone-less timestamps', () => {
  test('an IANA name applies daylight saving per timestamp', () => {
    const berlin = zoneOf('Europe/Berlin');
    expect(iso(berlin.wallToUtc(wall('2026-01-15T12:00:00')))).toBe('2026-01-15T11:00:00.000Z');
    expect(iso(berlin.wallToUtc(wall('2026-07-15T12:00:00')))).toBe('2026-07-15T10:00:00.000Z');
    const ny = zoneOf('America/New_York');
    expect(iso(ny.wallToUtc(wall('2026-11-01T00:30:00')))).toBe('2026-11-01T04:30:00.000Z');
    expect(iso(ny.wallToUtc(wall('2026-11-02T00:30:00')))).toBe('2026-11-02T05:30:00.000Z');
  });

  test('half-hour zones and their daylight saving (Lord Howe: +10:30, +11:00 in summer)', () => {
    const lh = zoneOf('Australia/Lord_Howe');
    expect(iso(lh.wallToUtc(wall('2026-01-10T12:00:00')))).toBe('2026-01-10T01:00:00.000Z');
    expect(iso(lh.wallToUtc(wall('2026-07-10T12:00:00')))).toBe('2026-07-10T01:30:00.000Z');
  });

  test('a wall time that does not exist moves forward; an ambiguous one takes the later instant', () => {
    const berlin = zoneOf('Europe/Berlin');
    // 02:30 on 29 March 2026 never happened (02:00 became 03:00): it reads as 03:30 summer time.
    expect(iso(berlin.wallToUtc(wall('2026-03-29T02:30:00')))).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 on 25 October 2026 happened twice: the second (winter time) is taken.
    expect(iso(berlin.wallToUtc(wall('2026-10-25T02:30:00')))).toBe('2026-10-25T01:30:00.000Z');
  });

  test('offsets and UTC; an unknown name or an impossible offset is refused with a sentence', () => {
    expect(iso(zoneOf('+08:00').wallToUtc(wall('2026-11-21T09:00:00')))).toBe('2026-11-21T01:00:00.000Z');
    expect(iso(zoneOf('-0530').wallToUtc(wall('2026-11-21T09:00:00')))).toBe('2026-11-21T14:30:00.000Z');
    expect(zoneOf('UTC').offsetAt(0)).toBe(0);
    expect(() => zoneOf('Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
    expect(() => zoneOf('+15:00')).toThrow('not a UTC offset');
  });

  test('syslog headers without a zone are read in the configured one; a zone in the line wins', () => {
    const zone = zoneOf('Europe/Berlin');
    expect(iso(parseSyslogHeader('Jul 15 12:00:00 web sshd[1]: x', { year: 2026, zone })!.time)).toBe('2026-07-15T10:00:00.000Z');
    expect(iso(parseSyslogHeader('Jan 15 12:00:00 web sshd[1]: x', { year: 2026, zone })!.time)).toBe('2026-01-15T11:00:00.000Z');
    expect(iso(parseSyslogHeader('2026-07-15T12:00:00.250 web sshd[1]: x', { zone })!.time)).toBe('2026-07-15T10:00:00.250Z');
    expect(iso(parseSyslogHeader('2026-07-15T12:00:00+08:00 web sshd[1]: x', { zone })!.time)).toBe('2026-07-15T04:00:00.000Z');
    // nginx error logs carry local time too.
    const [nginx] = normalizeSyslogLine('2026/07/15 12:00:00 [error] 2211#2211: *9 open() "/x" failed (2: No such file or directory), client: 203.0.113.5, server: s, request: "GET /x HTTP/1.1", host: "s"', { zone });
    expect(iso(nginx.time)).toBe('2026-07-15T10:00:00.000Z');
  });
});
