/**
 * The zone of timestamps that carry none (RFC 3164 syslog, some web server logs): a
 * fixed offset (`+08:00`, `UTC`) or an IANA name (`Asia/Shanghai`, `Europe/Berlin`),
 * whose offset is looked up for each timestamp, daylight saving time included.
 */
export interface Zone {
  readonly name: string;
  /** Offset from UTC at a UTC instant, in milliseconds. */
  offsetAt(utcMs: number): number;
  /** The UTC instant of a wall-clock time given as milliseconds as if it were UTC. */
  wallToUtc(wallMs: number): number;
}

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const QUARTER_HOUR_MS = 15 * 60_000;

/** The zone of a setting or flag: an offset, `UTC`/`Z`, or an IANA name; throws a sentence for anything else. */
export function zoneOf(spec: string): Zone {
  if (spec === 'Z' || spec.toUpperCase() === 'UTC') return fixedZone(0, 'UTC');
  const m = OFFSET.exec(spec);
  if (m) {
    if (Number(m[2]) > 14 || Number(m[3]) > 59 || (m[1] === '-' && Number(m[2]) > 12)) throw new Error(`"${spec}" is not a UTC offset (-12:00 to +14:00)`);
    return fixedZone((m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])), spec);
  }
  return ianaZone(spec);
}

export function fixedZone(minutes: number, name = `${minutes}`): Zone {
  const ms = minutes * 60_000;
  return { name, offsetAt: () => ms, wallToUtc: (wall) => wall - ms };
}

function ianaZone(name: string): Zone {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new Error(`unknown time zone "${name}" (use an IANA name such as Asia/Shanghai, or an offset such as +08:00)`);
  }
  const exact = (t: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - (t - (t % 1000 + 1000) % 1000);
  };
  // formatToParts costs microseconds; offsets change at whole quarter hours, so one
  // lookup serves a quarter hour of UTC (a transition inside it is checked at its end).
  let quarter = NaN;
  let offset = 0;
  let uniform = true;
  const offsetAt = (t: number): number => {
    const q = Math.floor(t / QUARTER_HOUR_MS);
    if (q !== quarter) {
      quarter = q;
      offset = exact(q * QUARTER_HOUR_MS);
      uniform = exact((q + 1) * QUARTER_HOUR_MS - 1000) === offset;
    }
    return uniform ? offset : exact(t);
  };
  return {
    name,
    offsetAt,
    // Two steps: the offset at the guessed instant decides (in a spring-forward gap a
    // wall time that never existed moves forward; in a fall-back overlap the later of
    // the two instants is taken).
    wallToUtc(wall) {
      const first = wall - offsetAt(wall);
      return wall - offsetAt(first);
    },
  };
}
