/** Durations in rule files: "30s", "5m", "1h", "7d" (or a number of seconds). */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`invalid duration ${value}`);
    return value * 1000;
  }
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`invalid duration "${value}" (use e.g. 30s, 5m, 1h, 7d)`);
  return Number(m[1]) * UNITS[m[2]];
}
