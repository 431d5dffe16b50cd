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
  /** Offset of zone-less timestamps from UTC, in minutes (e.g. 480 for UTC+8). */
  tzOffsetMinutes?: number;
}

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const PRI = /^<(\d{1,3})>/;
const RFC5424 =
  /^1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/s;
const ISO_TS =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})? /;
const BSD_TS = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? /;
/** `prog[pid]: msg` or `prog: msg`; program names may hold `/`, `-`, `.` (postfix/smtpd, sshd-session). */
const TAG = /^([^\s[\]:]+)(?:\[(\d+)\])?: ?/;

export function parseSyslogHeader(line: string, opts: HeaderOptions = {}): SyslogHeader | undefined {
  let rest = line;
  const pri = PRI.exec(rest);
  if (pri) rest = rest.slice(pri[0].length);

  if (rest.startsWith('1 ')) {
    const m = RFC5424.exec(rest);
    if (m) {
      const time = isoToEpoch(m[1], opts);
      if (time === undefined) return undefined;
      let message = m[7] ?? '';
      if (message.startsWith('\ufeff')) message = message.slice(1);
      return {
        time,
        hostname: nil(m[2]),
        program: nil(m[3]) ?? '-',
        pid: toPid(nil(m[4])),
        message,
      };
    }
  }

  let time: number | undefined;
  const iso = ISO_TS.exec(rest);
  if (iso) {
    time = isoParts(iso, opts);
    rest = rest.slice(iso[0].length);
  } else {
    const bsd = BSD_TS.exec(rest);
    if (!bsd) return undefined;
    time = bsdParts(bsd, opts);
    rest = rest.slice(bsd[0].length);
  }
  if (time === undefined) return undefined;

  // Either `host tag: msg` or, without a host name, `tag: msg`.
  let tag = TAG.exec(rest);
  let hostname: string | undefined;
  if (!tag) {
    const sp = rest.indexOf(' ');
    if (sp <= 0) return undefined;
    hostname = rest.slice(0, sp);
    rest = rest.slice(sp + 1);
    tag = TAG.exec(rest);
    if (!tag) return undefined;
  }
  return {
    time,
    hostname,
    program: tag[1],
    pid: toPid(tag[2]),
    message: rest.slice(tag[0].length),
  };
}

function nil(v: string | undefined): string | undefined {
  return v === undefined || v === '-' ? undefined : v;
}

function toPid(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

function isoToEpoch(text: string, opts: HeaderOptions): number | undefined {
  const m = ISO_TS.exec(text + ' ');
  return m ? isoParts(m, opts) : undefined;
}

// Log lines come in bursts within the same second: the date-time part of the last
// ISO timestamp is remembered, so most lines skip the calendar arithmetic.
let lastSecondText = '';
let lastSecondUtc: number | undefined;

function isoParts(m: RegExpExecArray, opts: HeaderOptions): number | undefined {
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const secondText = m[0].slice(0, 19);
  let base: number | undefined;
  if (secondText === lastSecondText) {
    base = lastSecondUtc;
  } else {
    base = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
    if (!validDate(base, +y, +mo - 1, +d, +h, +mi, +s)) base = undefined;
    lastSecondText = secondText;
    lastSecondUtc = base;
  }
  if (base === undefined) return undefined;
  const utc = frac ? base + fractionMs(frac) : base;
  if (zone === undefined) return utc - (opts.tzOffsetMinutes ?? 0) * 60_000;
  if (zone === 'Z') return utc;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  return utc - offset * 60_000;
}

/** Milliseconds of a fraction of a second given as digits ("123456" → 123). */
function fractionMs(frac: string): number {
  const three = frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0');
  return Number(three);
}

function bsdParts(m: RegExpExecArray, opts: HeaderOptions): number | undefined {
  const month = MONTHS[m[1].toLowerCase()];
  if (month === undefined) return undefined;
  const [day, h, mi, s] = [+m[2], +m[3], +m[4], +m[5]];
  const ms = m[6] ? fractionMs(m[6]) : 0;
  const offset = (opts.tzOffsetMinutes ?? 0) * 60_000;
  const build = (year: number) => Date.UTC(year, month, day, h, mi, s, ms) - offset;
  let year = opts.year;
  if (year === undefined) {
    // A line dated more than a week after the reference time belongs to last year
    // (a December log read in January).
    const ref = opts.referenceTime ?? Date.now();
    year = new Date(ref + offset).getUTCFullYear();
    if (build(year) > ref + 7 * 86_400_000) year -= 1;
  }
  const t = build(year);
  return validDate(t + offset, year, month, day, h, mi, s) ? t : undefined;
}

function validDate(utc: number, y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (h > 23 || mi > 59 || s > 60 || Number.isNaN(utc)) return false;
  const dt = new Date(utc);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo && dt.getUTCDate() === d;
}

let lastIsoSecond = NaN;
let lastIsoPrefix = '';

/** `new Date(t).toISOString()`, with the part up to the second remembered between calls. */
export function isoTimestamp(t: number): string {
  const second = Math.floor(t / 1000);
  if (second !== lastIsoSecond) {
    lastIsoSecond = second;
    lastIsoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const ms = t - second * 1000;
  return `${lastIsoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
