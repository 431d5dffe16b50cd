/**
 * Syslog line headers as they appear in /var/log/secure, /var/log/auth.log, the
 * journal and Logtail's `content` field:
 *
 *   RFC 3164   `[<PRI>]Nov  5 10:11:12 [host] sshd[123]: msg` (space- or zero-padded
 *              or unpadded day, optional fraction as in `journalctl -o short-precise`)
 *   RFC 5424   `<PRI>1 2026-11-05T10:11:12.003Z host sshd 123 - - msg`
 *   ISO-8601   `2026-11-05T10:11:12.123456+08:00 host sshd[123]: msg` (rsyslog's
 *              high-precision format, Debian 12 / Ubuntu) and `journalctl -o short-iso`
 *              (`+0800` without the colon)
 *
 * RFC 3164 carries neither year nor zone: the year is inferred from a reference time
 * (the SLS receive time, or now) and the zone is a setting (UTC by default).
 */
import { Zone } from '../../util/zone';
import { RememberedText, digits } from '../../util/time';

export interface SyslogHeader {
  time: number;
  hostname?: string;
  program: string;
  pid?: number;
  message: string;
}

export interface HeaderOptions {
  /** Year for RFC 3164 timestamps; inferred from `referenceTime` when absent. */
  year?: number;
  /** Epoch ms the line is known to be near (SLS `__time__`, or now). */
  referenceTime?: number;
  /** Offset of zone-less timestamps from UTC, in minutes (e.g. 480 for UTC+8), when no `zone` is given. */
  tzOffsetMinutes?: number;
  /** The zone of zone-less timestamps (an IANA name's offset is looked up per timestamp); wins over tzOffsetMinutes. */
  zone?: Zone;
}

/** The UTC instant of a zone-less wall-clock time (milliseconds as if it were UTC). */
export function wallToUtc(opts: HeaderOptions, wall: number): number {
  return opts.zone ? opts.zone.wallToUtc(wall) : wall - (opts.tzOffsetMinutes ?? 0) * 60_000;
}

const MONTHS = new Map(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i]));

const RFC5424 =
  /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/s;
const ISO_TS =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})? /;

/** `journalctl -o short-full`: `Fri 2026-11-20 10:00:00 CST ` (the zone is an abbreviation). */
const SHORT_FULL = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([A-Za-z][A-Za-z0-9+-]{0,9}) /;
/** `journalctl -o short-unix`: `1763632800.123456 ` (seconds since the epoch). */
const SHORT_UNIX = /^(\d{9,11})(?:\.(\d{1,9}))? /;

/**
 * A short-full timestamp: UTC or GMT as written; any other abbreviation (CST is
 * China, US Central or Cuba) is read in the configured zone, which should be the
 * zone journalctl printed in.
 */
function shortFullParts(m: RegExpExecArray, opts: HeaderOptions): number | undefined {
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
  if (!validDate(base, +y, +mo - 1, +d, +h, +mi, +sec)) return undefined;
  const wall = frac ? base + fractionMs(frac) : base;
  return zone === 'UTC' || zone === 'GMT' ? wall : wallToUtc(opts, wall);
}

function unixParts(m: RegExpExecArray): number {
  return Number(m[1]) * 1000 + (m[2] ? fractionMs(m[2]) : 0);
}

export function parseSyslogHeader(line: string, opts: HeaderOptions = {}): SyslogHeader | undefined {
  const header: SyslogHeader = { time: 0, hostname: undefined, program: '', pid: undefined, message: '' };
  return readSyslogHeader(line, opts, header) ? header : undefined;
}

/**
 * Reads syslog headers, remembering what consecutive lines share (the calendar work of
 * the last second, the year of the reference time) and handing back what it read in
 * fields rather than objects: one reader serves every line, with no allocation per
 * line for its state.
 */
class SyslogHeaderReader {
  /** Results of readTag. */
  private tagProgram = '';
  private tagPid: number | undefined;
  /** Result of fastIso and readBsd. */
  private fastTime = 0;
  /** Milliseconds of the fraction digits read by readFraction. */
  private fractionValue = 0;
  /** The last RFC 3164 second read, for the year and zone it was read with. */
  private lastBsdText = '';
  private lastBsdYear = NaN;
  private lastBsdZone: Zone | number = NaN;
  private lastBsdBase: number | undefined;
  /** The last RFC 3164 day read (`Nov 20`), for the year it was read with: its midnight as a wall time, undefined when no such day. */
  private lastDayText = '';
  private lastDayYear = NaN;
  private lastDayWall: number | undefined;
  /** The calendar year containing the last time asked about, as [start, end) in epoch ms. */
  private yearStart = 0;
  private yearEnd = 0;
  private yearValue = 0;
  /** The date-time part of the last ISO timestamp read, and its epoch ms (undefined: no such date). */
  private readonly lastSecond = new RememberedText<number | undefined>(19, undefined);
  /** The date part of the last timestamp fastIso read, and its midnight as a wall time (undefined: no such day). */
  private readonly isoDay = new RememberedText<number | undefined>(10, undefined);

  /**
   * parseSyslogHeader into a caller's object (the normalizer reuses one for every
   * line): false when the line has no syslog header. The common headers are read by
   * position, without regular expressions or intermediate strings.
   */
  read(line: string, opts: HeaderOptions, out: SyslogHeader): boolean {
    let pos = priLength(line);

    if (line.startsWith('1 ', pos)) {
      const m = RFC5424.exec(pos === 0 ? line : line.slice(pos));
      if (m) {
        const time = this.isoToEpoch(m[1], opts);
        if (time === undefined) return false;
        let message = m[7] ?? '';
        if (message.startsWith('\ufeff')) message = message.slice(1);
        out.time = time;
        out.hostname = nil(m[2]);
        out.program = nil(m[3]) ?? '-';
        out.pid = toPid(nil(m[4]));
        out.message = message;
        return true;
      }
    }

    let time: number | undefined;
    // `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) ` and `Mmm dd HH:MM:SS[.frac] ` are read by
    // position; other ISO-8601 forms (a space for the T, no zone) by a regular expression.
    let end = this.fastIso(line, pos, opts);
    if (end < 0) end = this.readBsd(line, pos, opts);
    if (end >= 0) {
      time = this.fastTime;
    } else {
      const rest = line.slice(pos);
      const iso = ISO_TS.exec(rest);
      if (iso) {
        time = this.isoParts(iso, opts);
        end = pos + iso[0].length;
      } else {
        const other = SHORT_FULL.exec(rest) ?? SHORT_UNIX.exec(rest);
        if (!other) return false;
        time = other.length === 3 ? unixParts(other) : shortFullParts(other, opts);
        end = pos + other[0].length;
      }
    }
    if (time === undefined) return false;
    // macOS `log show --style syslog` puts two spaces after its timestamp.
    while (line.charCodeAt(end) === 32) end++;
    pos = end;

    // Either `host tag: msg` or, without a host name, `tag: msg`.
    let hostname: string | undefined;
    let messageAt = this.readTag(line, pos);
    if (messageAt < 0) {
      const sp = line.indexOf(' ', pos);
      if (sp <= pos) return false;
      hostname = line.slice(pos, sp);
      messageAt = this.readTag(line, sp + 1);
      if (messageAt < 0) return false;
    }
    out.time = time;
    out.hostname = hostname;
    out.program = this.tagProgram;
    out.pid = this.tagPid;
    out.message = line.slice(messageAt);
    return true;
  }

  /**
   * `prog[pid]: ` or `prog: ` at `at` (what TAG matches), read without a regular
   * expression: sets tagProgram and tagPid and returns where the message starts, or -1.
   */
  private readTag(s: string, at: number): number {
    let i = at;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 58 /* : */ || c === 91 /* [ */ || c === 93 /* ] */ || c === 32 || c === 9) break;
      i++;
    }
    if (i === at || i === s.length) return -1;
    const programEnd = i;
    // sysklogd tags its own lines with its version: `syslogd 1.4.1: restart.`
    if (s.charCodeAt(i) === 32 && isDigit(s.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < s.length && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 46)) j++;
      if (s.charCodeAt(j) === 58) i = j;
    }
    let pid: number | undefined;
    if (s.charCodeAt(i) === 91) {
      let j = i + 1;
      let v = 0;
      while (j < s.length && isDigit(s.charCodeAt(j))) v = v * 10 + s.charCodeAt(j++) - 48;
      if (j === i + 1 || s.charCodeAt(j) !== 93) return -1;
      pid = v;
      i = j + 1;
    }
    if (s.charCodeAt(i) !== 58) return -1;
    i++;
    if (s.charCodeAt(i) === 32) i++;
    // The same program as the line before (most are): the same string, already hashed by the maps that look it up.
    if (!(programEnd - at === this.tagProgram.length && sameText(s, at, this.tagProgram))) this.tagProgram = s.slice(at, programEnd);
    this.tagPid = pid;
    return i;
  }

  private isoToEpoch(text: string, opts: HeaderOptions): number | undefined {
    const m = ISO_TS.exec(text + ' ');
    return m ? this.isoParts(m, opts) : undefined;
  }

  /**
   * `2026-11-20T09:30:05.123456+08:00 ` (rsyslog high precision, short-iso) at `at`,
   * without a regular expression: sets `fastTime` and returns where the header ends
   * (after its space), or -1.
   */
  private fastIso(s: string, at: number, opts: HeaderOptions): number {
    if (s.length < at + 21 || s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45 || s.charCodeAt(at + 10) !== 84 || s.charCodeAt(at + 13) !== 58 || s.charCodeAt(at + 16) !== 58) return -1;
    // The calendar work is the day's, remembered for the day; the time of day is added.
    if (!this.isoDay.holds(s, at)) {
      const y = digits(s, at, 4), mo = digits(s, at + 5, 2), d = digits(s, at + 8, 2);
      const midnight = y < 0 || mo < 0 || d < 0 ? NaN : Date.UTC(y, mo - 1, d);
      this.isoDay.remember(s, at, validDate(midnight, y, mo - 1, d, 0, 0, 0) ? midnight : undefined);
    }
    const midnight = this.isoDay.value;
    const h = digits(s, at + 11, 2), mi = digits(s, at + 14, 2), sec = digits(s, at + 17, 2);
    // 23:59:60 would be the next day; any other leap second counts into the next minute, as Date.UTC counts it.
    if (midnight === undefined || h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60 || (sec === 60 && h === 23 && mi === 59)) return -1;
    const base = midnight + ((h * 60 + mi) * 60 + sec) * 1000;
    let i = at + 19;
    let ms = 0;
    if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
      i++;
      const n = this.readFraction(s, i);
      if (n === 0) return -1;
      ms = this.fractionValue;
      i += n;
    }
    let offsetMin: number;
    const c = s.charCodeAt(i);
    if (c === 90) {
      offsetMin = 0;
      i++;
    } else if (c === 43 || c === 45) {
      const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
      const zone = zoneMinutes(c === 45 ? -1 : 1, digits(s, i + 1, 2), digits(s, i + 3 + colon, 2));
      if (zone === undefined) return -1;
      offsetMin = zone;
      i += 5 + colon;
    } else {
      // No zone in the line: the configured one, at this wall time.
      if (s.charCodeAt(i) !== 32) return -1;
      this.fastTime = wallToUtc(opts, base + ms);
      return i + 1;
    }
    if (s.charCodeAt(i) !== 32) return -1;
    this.fastTime = base + ms - offsetMin * 60_000;
    return i + 1;
  }

  /** Reads fraction-of-second digits at `at` into fractionValue (ms); returns how many digits there were. */
  private readFraction(s: string, at: number): number {
    let i = at;
    let ms = 0;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      if (i - at < 3) ms = ms * 10 + s.charCodeAt(i) - D0;
      i++;
    }
    for (let k = i - at; k < 3; k++) ms *= 10;
    this.fractionValue = ms;
    return i - at;
  }

  /**
   * `Nov  5 10:11:12[.frac] ` (RFC 3164, `journalctl -o short-precise`) at `at`, read by
   * position: sets `fastTime` and returns where the header ends, or -1 (no such header,
   * or a date that does not exist). The calendar work of the last second is remembered
   * for the same year and zone. Without a year, the year of the reference time (the SLS
   * receive time, or now), or the year before for a date more than a week after it (a
   * December log read in January).
   */
  private readBsd(s: string, at: number, opts: HeaderOptions): number {
    // Month, spaces, a day of one or two digits, a space, HH:MM:SS.
    let i = at + 3;
    if (s.charCodeAt(i) !== 32) return -1;
    while (s.charCodeAt(i) === 32) i++;
    const dayAt = i;
    while (isDigit(s.charCodeAt(i))) i++;
    const dayDigits = i - dayAt;
    if (dayDigits < 1 || dayDigits > 2 || s.charCodeAt(i) !== 32 || s.charCodeAt(i + 3) !== 58 || s.charCodeAt(i + 6) !== 58) return -1;
    const day = digits(s, dayAt, dayDigits), h = digits(s, i + 1, 2), mi = digits(s, i + 4, 2), sec = digits(s, i + 7, 2);
    if (h < 0 || mi < 0 || sec < 0) return -1;
    const secondEnd = i + 9;
    i = secondEnd;
    let ms = 0;
    if (s.charCodeAt(i) === 46) {
      const n = this.readFraction(s, i + 1);
      if (n === 0) return -1;
      ms = this.fractionValue;
      i += n + 1;
    }
    if (s.charCodeAt(i) !== 32) return -1;

    const zone = opts.zone ?? (opts.tzOffsetMinutes ?? 0);
    const ref = opts.year === undefined ? (opts.referenceTime ?? Date.now()) : 0;
    const year = opts.year ?? this.yearOf(ref + (typeof zone === 'number' ? zone * 60_000 : zone.offsetAt(ref)));
    let base: number | undefined;
    if (this.lastBsdYear === year && this.lastBsdZone === zone && secondEnd - at === this.lastBsdText.length && sameText(s, at, this.lastBsdText)) {
      base = this.lastBsdBase;
    } else {
      // A new second: the calendar work is the day's, remembered for the day.
      const dayEnd = dayAt + dayDigits;
      if (!(this.lastDayYear === year && dayEnd - at === this.lastDayText.length && sameText(s, at, this.lastDayText))) {
        const month = MONTHS.get(s.slice(at, at + 3).toLowerCase());
        const midnight = month === undefined ? NaN : Date.UTC(year, month, day);
        this.lastDayWall = month !== undefined && validDate(midnight, year, month, day, 0, 0, 0) ? midnight : undefined;
        this.lastDayText = s.slice(at, dayEnd);
        this.lastDayYear = year;
      }
      const midnight = this.lastDayWall;
      // 23:59:60 would be the next day; any other leap second counts into the next minute, as Date.UTC counts it.
      if (midnight === undefined || h > 23 || mi > 59 || sec > 60 || (sec === 60 && h === 23 && mi === 59)) base = undefined;
      else base = wallToUtc(opts, midnight + ((h * 60 + mi) * 60 + sec) * 1000);
      this.lastBsdText = s.slice(at, secondEnd);
      this.lastBsdYear = year;
      this.lastBsdZone = zone;
      this.lastBsdBase = base;
    }
    if (base === undefined) return -1;
    let t = base + ms;
    if (opts.year === undefined && t > ref + 7 * 86_400_000) {
      const earlier = bsdBase(year - 1, MONTHS.get(s.slice(at, at + 3).toLowerCase())!, day, h, mi, sec, opts);
      if (earlier === undefined) return -1;
      t = earlier + ms;
    }
    this.fastTime = t;
    return i + 1;
  }

  /** UTC calendar year of an epoch ms time (remembered: the reference time rarely changes year). */
  private yearOf(t: number): number {
    if (t < this.yearStart || t >= this.yearEnd) {
      this.yearValue = new Date(t).getUTCFullYear();
      this.yearStart = Date.UTC(this.yearValue, 0, 1);
      this.yearEnd = Date.UTC(this.yearValue + 1, 0, 1);
    }
    return this.yearValue;
  }

  private isoParts(m: RegExpExecArray, opts: HeaderOptions): number | undefined {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    let base: number | undefined;
    if (this.lastSecond.holds(m[0], 0)) {
      base = this.lastSecond.value;
    } else {
      base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
      if (!validDate(base, +y, +mo - 1, +d, +h, +mi, +s)) base = undefined;
      this.lastSecond.remember(m[0], 0, base);
    }
    if (base === undefined) return undefined;
    const utc = frac ? base + fractionMs(frac) : base;
    if (zone === undefined) return wallToUtc(opts, utc);
    if (zone === 'Z') return utc;
    const hhmm = zone.slice(1).replace(':', '');
    const minutes = zoneMinutes(zone[0] === '-' ? -1 : 1, Number(hhmm.slice(0, 2)), Number(hhmm.slice(2, 4)));
    if (minutes === undefined) return undefined;
    return utc - minutes * 60_000;
  }
}

const headerReader = new SyslogHeaderReader();

/**
 * parseSyslogHeader into a caller's object (the normalizer reuses one for every
 * line): false when the line has no syslog header. The common headers are read by
 * position, without regular expressions or intermediate strings.
 */
export function readSyslogHeader(line: string, opts: HeaderOptions, out: SyslogHeader): boolean {
  return headerReader.read(line, opts, out);
}

/** Length of a leading `<PRI>` (one to three digits), or 0. */
function priLength(line: string): number {
  if (line.charCodeAt(0) !== 60 /* < */) return 0;
  let i = 1;
  while (i <= 3 && isDigit(line.charCodeAt(i))) i++;
  return i > 1 && line.charCodeAt(i) === 62 /* > */ ? i + 1 : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function nil(v: string | undefined): string | undefined {
  return v === undefined || v === '-' ? undefined : v;
}

function toPid(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

const D0 = 48;

/** Whether `s` at `at` holds `text` (compared from the end, where seconds change). */
function sameText(s: string, at: number, text: string): boolean {
  for (let k = text.length - 1; k >= 0; k--) if (s.charCodeAt(at + k) !== text.charCodeAt(k)) return false;
  return text.length > 0;
}

/** Epoch ms of a zone-less date-time in `year`, or undefined when there is no such date. */
function bsdBase(year: number, month: number, day: number, h: number, mi: number, s: number, opts: HeaderOptions): number | undefined {
  const wall = Date.UTC(year, month, day, h, mi, s);
  return validDate(wall, year, month, day, h, mi, s) ? wallToUtc(opts, wall) : undefined;
}

/** A zone offset in minutes, or undefined when no zone has it (zones span -12:00 to +14:00). */
function zoneMinutes(sign: 1 | -1, hh: number, mm: number): number | undefined {
  return hh >= 0 && hh <= (sign < 0 ? 12 : 14) && mm >= 0 && mm <= 59 ? sign * (hh * 60 + mm) : undefined;
}

/** A timestamp in one of the header forms, whether or not it is a valid date (for error messages). */
const STAMP_SHAPE = /^(?:1 )?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) /;

/**
 * Why readSyslogHeader refused a line, for the error message (the error path only):
 * a timestamp that is no date, time or zone, a header without a `program[pid]:` tag,
 * or no header at all.
 */
export function headerProblem(line: string, opts: HeaderOptions = {}): string {
  const stamp = STAMP_SHAPE.exec(line.slice(priLength(line)));
  if (stamp === null) {
    if (/^\[\s*\d+\.\d+\] /.test(line)) return 'journalctl -o short-monotonic has no wall-clock time: export with -o short-iso, short-precise or json';
    return 'not a syslog line (no RFC 3164, RFC 5424 or ISO-8601 header)';
  }
  if (parseSyslogHeader(`${stamp[1]} host prog: -`, opts) === undefined) return `syslog timestamp ${JSON.stringify(stamp[1])} is not a valid date, time or zone offset`;
  return 'syslog header without a program tag (`program[pid]: ` or `program: `) after the timestamp and host';
}

/** Milliseconds of a fraction of a second given as digits ("123456" → 123). */
function fractionMs(frac: string): number {
  const three = frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0');
  return Number(three);
}


function validDate(utc: number, y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (h > 23 || mi > 59 || s > 60 || Number.isNaN(utc)) return false;
  const dt = new Date(utc);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo && dt.getUTCDate() === d;
}

