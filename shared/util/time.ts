/** Time formatting on the hot path. */

let lastIsoSecond = NaN;
let lastIsoPrefix = '';

/** `new Date(t).toISOString()`, with the part up to the second remembered between calls. */
export function isoTimestamp(t: number): string {
  const second = Math.floor(t / 1000);
  if (second !== lastIsoSecond) {
    lastIsoSecond = second;
    lastIsoPrefix = isoSecondPrefix(second);
  }
  return lastIsoPrefix + MS_SUFFIX[t - second * 1000];
}

const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * `YYYY-MM-DDTHH:MM:SS.` of an epoch second, by arithmetic (days to civil date after
 * H. Hinnant's algorithm) rather than through a Date: evidence of many alerts jumps
 * between seconds, where the one-second memory above does not help.
 */
function isoSecondPrefix(second: number): string {
  const days = Math.floor(second / 86400);
  const secOfDay = second - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999 || !Number.isFinite(year)) return new Date(second * 1000).toISOString().slice(0, -4); // ±YYYYYY years: six digits and a sign
  const h = Math.floor(secOfDay / 3600);
  const mi = Math.floor((secOfDay % 3600) / 60);
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${PAD2[month]}-${PAD2[day]}T${PAD2[h]}:${PAD2[mi]}:${PAD2[secOfDay % 60]}.`;
}

/** `000Z` to `999Z`: one concatenation per timestamp instead of four. */
const MS_SUFFIX = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

/**
 * The date-time part (`YYYY-MM-DDTHH:MM:SS`, 19 characters) of the last timestamp
 * read, with what it stands for: log lines and trail events come in bursts within one
 * second, so most skip the calendar work. Compared in place, from the end (where
 * consecutive seconds differ): no substring per call.
 */
export class RememberedSecond<V> {
  private readonly codes = new Uint16Array(19);
  private known = false;

  constructor(public value: V) {}

  /** Whether `s` holds the remembered second at `at`. */
  holds(s: string, at: number): boolean {
    if (!this.known) return false;
    for (let k = 18; k >= 0; k--) if (s.charCodeAt(at + k) !== this.codes[k]) return false;
    return true;
  }

  /** Remembers the second in `s` at `at` and its value. */
  remember(s: string, at: number, value: V): void {
    for (let k = 0; k < 19; k++) this.codes[k] = s.charCodeAt(at + k);
    this.known = true;
    this.value = value;
  }
}

const lastParsed = new RememberedSecond(NaN);

/**
 * `Date.parse` for the ISO-8601 UTC timestamps ActionTrail writes
 * (`2026-11-20T02:10:30Z`, `2026-11-20T02:10:30.123Z`), with the calendar work of the
 * last second remembered; anything else goes to `Date.parse`.
 */
export function parseIsoTime(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(19) !== (n === 20 ? 90 : 46)) return Date.parse(s);
  let base: number;
  if (lastParsed.holds(s, 0)) {
    base = lastParsed.value;
  } else {
    base = Date.parse(`${s.slice(0, 19)}Z`);
    lastParsed.remember(s, 0, base);
  }
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
