import { Zone } from '../../util/zone';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-20 17:05:00` of an instant on a zone's wall clock. */
function wallClock(t: number, zone: Zone): string {
  const d = new Date(t + zone.offsetAt(t));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `UTC+08:00`, `UTC-05:30`, `UTC` of an offset in milliseconds. */
function offsetLabel(ms: number): string {
  if (ms === 0) return 'UTC';
  const m = Math.abs(ms) / 60_000;
  return `UTC${ms < 0 ? '-' : '+'}${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/**
 * An alert time as a person reads it: on the wall clock of the reader's zone with its
 * offset, and the UTC instant beside it (what SLS, ActionTrail and grep are searched
 * with): `2026-11-20 17:05:00 UTC+08:00 · 2026-11-20T09:05:00Z`. In UTC, once.
 */
export function readerTime(iso: string, zone: Zone): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const utc = new Date(t).toISOString().replace(/\.000Z$/, 'Z');
  const offset = zone.offsetAt(t);
  if (offset === 0) return `${wallClock(t, zone)} UTC`;
  return `${wallClock(t, zone)} ${offsetLabel(offset)} · ${utc}`;
}

/** The wall-clock time alone (`17:05:00`, with the date when it is not the alert's day), for evidence rows under an alert. */
export function shortTime(iso: string, zone: Zone, sameDayAs?: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const full = wallClock(t, zone);
  const day = sameDayAs === undefined ? undefined : Date.parse(sameDayAs);
  return day !== undefined && Number.isFinite(day) && wallClock(day, zone).slice(0, 10) === full.slice(0, 10) ? full.slice(11) : full;
}
