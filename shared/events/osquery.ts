import { InputError, Origin, SecEvent } from './event';
import { stableId } from '../util/hash';
import { isoTimestamp } from '../util/time';

/**
 * osquery results logs (osqueryd's filesystem logger, collected by Logtail), in the
 * three forms osquery writes:
 *   differential, one row a line:  {"name", "hostIdentifier", "unixTime", "columns": {...}, "action": "added"|"removed"}
 *   differential, batched:         {"name", "hostIdentifier", "unixTime", "diffResults": {"added": [...], "removed": [...]}}
 *   snapshot:                      {"name", "hostIdentifier", "unixTime", "snapshot": [...], "action": "snapshot"}
 * Each row becomes one event: `osquery.name` (the scheduled query's name, e.g.
 * `pack_secmon_listening_ports`), `osquery.action`, the row in `osquery.columns`.
 */
export function isOsqueryResult(obj: Record<string, unknown>): boolean {
  return typeof obj.name === 'string' && (typeof obj.hostIdentifier === 'string' || typeof obj.host_identifier === 'string') && (obj.columns !== undefined || obj.diffResults !== undefined || obj.snapshot !== undefined);
}

export function normalizeOsqueryResult(obj: Record<string, unknown>, origin?: Origin): SecEvent[] {
  const name = String(obj.name);
  const host = String(obj.hostIdentifier ?? obj.host_identifier);
  const unix = Number(obj.unixTime ?? obj.unix_time);
  if (!Number.isFinite(unix) || unix <= 0) throw new InputError(origin, 'osquery result: unixTime missing or not a number');
  const time = unix * 1000;
  const rows: Array<[string, unknown]> = [];
  if (obj.columns !== undefined) rows.push([String(obj.action ?? 'added'), obj.columns]);
  const list = (value: unknown, field: string): unknown[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new InputError(origin, `osquery result: ${field} is not a list of rows`);
    return value;
  };
  const diff = obj.diffResults;
  if (diff !== undefined && diff !== null) {
    if (typeof diff !== 'object' || Array.isArray(diff)) throw new InputError(origin, 'osquery result: diffResults is not an object with added and removed rows');
    for (const r of list((diff as Record<string, unknown>).added, 'diffResults.added')) rows.push(['added', r]);
    for (const r of list((diff as Record<string, unknown>).removed, 'diffResults.removed')) rows.push(['removed', r]);
  }
  for (const r of list(obj.snapshot, 'snapshot')) rows.push(['snapshot', r]);
  return rows.map(([action, columns], i) => {
    if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) throw new InputError(origin, `osquery result: row ${i} is not an object`);
    const id = stableId('osquery', host, name, unix, action, JSON.stringify(columns));
    const fields: Record<string, unknown> = {
      id,
      '@timestamp': isoTimestamp(time),
      event: { dataset: 'osquery', kind: 'state', action },
      host: { hostname: host },
      osquery: { name, action, columns, counter: obj.counter, epoch: obj.epoch },
    };
    if (obj.decorations !== undefined) (fields.osquery as Record<string, unknown>).decorations = obj.decorations;
    if (origin) fields.log = { file: origin };
    return { source: 'osquery' as const, id, time, fields };
  });
}
