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
  const ms = t - second * 1000;
  return `${lastIsoPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}
