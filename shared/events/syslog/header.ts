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
  // The common case, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) `, is read by position;
  // anything else goes through the regular expressions.
  const fastLength = fastIso(rest, opts);
  const iso = fastLength === 0 ? ISO_TS.exec(rest) : null;
  if (fastLength > 0) {
    time = fastTime;
    rest = rest.slice(fastLength);
  } else if (iso) {
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
  let tag = readTag(rest);
  let hostname: string | undefined;
  if (!tag) {
    const sp = rest.indexOf(' ');
    if (sp <= 0) return undefined;
    hostname = rest.slice(0, sp);
    rest = rest.slice(sp + 1);
    tag = readTag(rest);
    if (!tag) return undefined;
  }
  return { time, hostname, program: tag.program, pid: tag.pid, message: rest.slice(tag.end) };
}

/** `prog[pid]: ` or `prog: ` at the start of `s` (what TAG matches), read without a regular expression. */
function readTag(s: string): { program: string; pid?: number; end: number } | undefined {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 58 /* : */ || c === 91 /* [ */ || c === 93 /* ] */ || c === 32 || c === 9) break;
    i++;
  }
  if (i === 0 || i === s.length) return undefined;
  const program = s.slice(0, i);
  let pid: number | undefined;
  if (s.charCodeAt(i) === 91) {
    let j = i + 1;
    let v = 0;
    while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) v = v * 10 + s.charCodeAt(j++) - 48;
    if (j === i + 1 || s.charCodeAt(j) !== 93) return undefined;
    pid = v;
    i = j + 1;
  }
  if (s.charCodeAt(i) !== 58) return undefined;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  return { program, pid, end: i };
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

const D0 = 48;
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - D0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Result of fastIso (kept outside to avoid an object per line). */
let fastTime = 0;

/**
 * `2026-11-20T09:30:05.123456+08:00 ` (rsyslog high precision, short-iso) without a
 * regular expression: sets `fastTime` and returns the header's length, or 0.
 */
function fastIso(s: string, opts: HeaderOptions): number {
  if (s.length < 21 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return 0;
  const secondText = s.slice(0, 19);
  let base: number | undefined;
  if (secondText === lastSecondText) {
    base = lastSecondUtc;
  } else {
    const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2), h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return 0;
    base = Date.UTC(y, mo - 1, d, h, mi, sec);
    if (!validDate(base, y, mo - 1, d, h, mi, sec)) base = undefined;
    lastSecondText = secondText;
    lastSecondUtc = base;
  }
  if (base === undefined) return 0;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
    let n = 0;
    i++;
    while (i < s.length) {
      const dgt = s.charCodeAt(i) - D0;
      if (dgt < 0 || dgt > 9) break;
      if (n < 3) ms = ms * 10 + dgt;
      n++;
      i++;
    }
    if (n === 0) return 0;
    for (let k = n; k < 3; k++) ms *= 10;
  }
  let offsetMin: number;
  const c = s.charCodeAt(i);
  if (c === 90) {
    offsetMin = 0;
    i++;
  } else if (c === 43 || c === 45) {
    const hh = digits(s, i + 1, 2);
    const colon = s.charCodeAt(i + 3) === 58 ? 1 : 0;
    const mm = digits(s, i + 3 + colon, 2);
    if (hh < 0 || mm < 0) return 0;
    offsetMin = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    i += 5 + colon;
  } else {
    offsetMin = opts.tzOffsetMinutes ?? 0;
  }
  if (s.charCodeAt(i) !== 32) return 0;
  fastTime = base + ms - offsetMin * 60_000;
  return i + 1;
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

