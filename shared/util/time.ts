/** Time formatting on the hot path. */

/**
 * `new Date(t).toISOString()`, written as one flat string from character codes: an
 * event's timestamp is made once per event and compared and serialized many times,
 * and a string concatenated from parts is a rope of several objects in V8. The
 * calendar work of the last second is remembered (events come in bursts within one).
 */
class IsoClock {
  private second = NaN;
  private day = NaN;
  /** `YYYY-MM-DDTHH:MM:SS` of `second`, or empty for a year outside 0000 to 9999. */
  private readonly c = new Array<number>(19).fill(48);
  private wide = false;

  format(t: number): string {
    const second = Math.floor(t / 1000);
    if (second !== this.second) this.set(second);
    const ms = t - second * 1000;
    if (this.wide || !(ms >= 0 && ms < 1000)) return new Date(t).toISOString();
    const c = this.c;
    const h = (ms / 100) | 0;
    const rest = ms - h * 100;
    const te = (rest / 10) | 0;
    return String.fromCharCode(c[0], c[1], c[2], c[3], 45, c[5], c[6], 45, c[8], c[9], 84, c[11], c[12], 58, c[14], c[15], 58, c[17], c[18], 46, 48 + h, 48 + te, 48 + rest - te * 10, 90);
  }

  /**
   * The date and time of an epoch second by arithmetic (days to civil date after H.
   * Hinnant's algorithm) rather than through a Date: evidence of many alerts jumps
   * between seconds, where remembering one does not help. The date is worked out
   * again only for another day.
   */
  private set(second: number): void {
    this.second = second;
    const days = Math.floor(second / 86400);
    const secOfDay = second - days * 86400;
    if (days !== this.day) this.setDay(days);
    if (this.wide) return;
    const c = this.c;
    two(c, 11, Math.floor(secOfDay / 3600));
    two(c, 14, Math.floor((secOfDay % 3600) / 60));
    two(c, 17, secOfDay % 60);
  }

  /** The date part, for a day since the epoch. */
  private setDay(days: number): void {
    this.day = days;
    const z = days + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    // ±YYYYYY years (six digits and a sign) are Date's to write.
    this.wide = !(year >= 0 && year <= 9999);
    if (this.wide) return;
    const c = this.c;
    c[0] = 48 + Math.floor(year / 1000);
    c[1] = 48 + (Math.floor(year / 100) % 10);
    c[2] = 48 + (Math.floor(year / 10) % 10);
    c[3] = 48 + (year % 10);
    two(c, 5, month);
    two(c, 8, day);
  }
}

function two(c: number[], at: number, v: number): void {
  const tens = Math.floor(v / 10);
  c[at] = 48 + tens;
  c[at + 1] = 48 + v - tens * 10;
}

const isoClock = new IsoClock();

/** `new Date(t).toISOString()` (see IsoClock). */
export function isoTimestamp(t: number): string {
  return isoClock.format(t);
}

/**
 * The leading part of the last timestamp read (its date-time, `YYYY-MM-DDTHH:MM:SS`, or
 * its date, `YYYY-MM-DD`), with what it stands for: log lines and trail events come in
 * bursts within one second, and runs of one day, so most skip the calendar work.
 * Compared in place, from the end (where consecutive timestamps differ): no substring
 * per call.
 */
export class RememberedText<V> {
  private readonly codes: Uint16Array;
  private known = false;

  constructor(
    private readonly length: number,
    public value: V,
  ) {
    this.codes = new Uint16Array(length);
  }

  /** Whether `s` holds the remembered text at `at`. */
  holds(s: string, at: number): boolean {
    if (!this.known) return false;
    for (let k = this.length - 1; k >= 0; k--) if (s.charCodeAt(at + k) !== this.codes[k]) return false;
    return true;
  }

  /** Remembers the text in `s` at `at` and its value. */
  remember(s: string, at: number, value: V): void {
    for (let k = 0; k < this.length; k++) this.codes[k] = s.charCodeAt(at + k);
    this.known = true;
    this.value = value;
  }
}

/** Midnight (UTC) of the last `YYYY-MM-DD` parseIsoTime read. */
const lastDay = new RememberedText(10, NaN);

/**
 * `Date.parse` for the ISO-8601 UTC timestamps ActionTrail writes
 * (`2026-11-20T02:10:30Z`, `2026-11-20T02:10:30.123Z`), with the calendar work of the
 * last day remembered and the time of day added; anything else, and any time of day
 * outside 00:00:00 to 23:59:59 (Date.parse reads 24:00:00 as the next day and :60 as
 * no date), goes to `Date.parse`.
 */
export function parseIsoTime(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== (n === 20 ? 90 : 46)) return Date.parse(s);
  if (!lastDay.holds(s, 0)) lastDay.remember(s, 0, isDate(s) ? Date.parse(`${s.slice(0, 10)}T00:00:00Z`) : NaN);
  const h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (Number.isNaN(lastDay.value) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return Date.parse(s);
  const base = lastDay.value + ((h * 60 + mi) * 60 + sec) * 1000;
  if (n === 20) return base;
  let ms = 0;
  let digitsSeen = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Date.parse(s);
    if (digitsSeen < 3) ms = ms * 10 + d;
    digitsSeen++;
  }
  if (digitsSeen === 0) return Date.parse(s);
  for (let k = digitsSeen; k < 3; k++) ms *= 10;
  return base + ms;
}

/** Whether `s` starts with `DDDD-DD-DD`. */
function isDate(s: string): boolean {
  return s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && digits(s, 0, 4) >= 0 && digits(s, 5, 2) >= 0 && digits(s, 8, 2) >= 0;
}

/** The `n` decimal digits at `at` as a number, or -1 when any is not a digit. */
export function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
