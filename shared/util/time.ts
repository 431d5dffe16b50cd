/** Time formatting on the hot path. */

let lastIsoSecond = NaN;
let lastIsoPrefix = '';

/** `new Date(t).toISOString()`, with the part up to the second remembered between calls. */
export function isoTimestamp(t: number): string {
  const second = Math.floor(t / 1000);
  if (second !== lastIsoSecond) {
    lastIsoSecond = second;
    lastIsoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  return lastIsoPrefix + MS_SUFFIX[t - second * 1000];
}

/** `000Z` to `999Z`: one concatenation per timestamp instead of four. */
const MS_SUFFIX = Array.from({ length: 1000 }, (_, ms) => `${String(ms).padStart(3, '0')}Z`);

let lastParsedSecond = '';
let lastParsedBase = NaN;

/**
 * `Date.parse` for the ISO-8601 UTC timestamps ActionTrail writes
 * (`2026-11-20T02:10:30Z`, `2026-11-20T02:10:30.123Z`), with the calendar work of the
 * last second remembered; anything else goes to `Date.parse`.
 */
export function parseIsoTime(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */ || s.charCodeAt(19) !== (n === 20 ? 90 : 46)) return Date.parse(s);
  const second = s.slice(0, 19);
  let base: number;
  if (second === lastParsedSecond) {
    base = lastParsedBase;
  } else {
    base = Date.parse(`${second}Z`);
    lastParsedSecond = second;
    lastParsedBase = base;
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
