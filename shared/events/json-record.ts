import { EventSink, InputError, Origin, SecEvent, SOURCES, Source } from './event';
import { isEventBridgeEnvelope, isSlsActionTrailLog, normalizeActionTrailRecord, normalizeEventBridge, normalizeSlsActionTrail } from './actiontrail';
import { normalizeSyslogLine, normalizeSyslogPartsInto } from './syslog';
import { HeaderOptions } from './syslog/header';
import { stableId } from '../util/hash';
import { isOsqueryResult, normalizeOsqueryResult } from './osquery';
import { checkNesting } from './limits';

/** How a JSON record is read; `auto` recognizes the shape of each record. */
export type JsonShape = 'auto' | 'actiontrail' | 'eventbridge' | 'sls' | 'osquery' | 'journal' | 'json';

/**
 * One JSON record (a line of a JSON-lines file, an element of a JSON array, a log
 * pulled from SLS) to normalized events.
 */
/** Whether an SLS log is a host log (a Logtail `content` line or journal record). */
export function isSlsHostRecord(obj: Record<string, unknown>): boolean {
  return typeof obj.content === 'string' || isJournalRecord(obj);
}

export function normalizeJsonRecord(
  value: unknown,
  origin: Origin | undefined,
  shape: JsonShape,
  syslog: HeaderOptions,
): SecEvent[] {
  const events: SecEvent[] = [];
  normalizeJsonRecordInto(value, origin, shape, syslog, events);
  return events;
}

/**
 * normalizeJsonRecord, appending to `out` (the readers' hot path: no array per record).
 * `shallow`: the record's text is known not to nest too deep (see textNestsWithin), so
 * it is not walked to find out.
 */
export function normalizeJsonRecordInto(value: unknown, origin: Origin | undefined, shape: JsonShape, syslog: HeaderOptions, out: EventSink, shallow = false): void {
  const one = toEvents(value, origin, shape, syslog, shallow);
  if (Array.isArray(one)) for (const e of one) out.push(e);
  else out.push(one);
}

/** The event (or, for shapes that can hold several, the events) of one record. */
function toEvents(value: unknown, origin: Origin | undefined, shape: JsonShape, syslog: HeaderOptions, shallow: boolean): SecEvent | SecEvent[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(origin, 'expected a JSON object');
  }
  const obj = value as Record<string, unknown>;
  switch (shape === 'auto' ? detectShape(obj) : shape) {
    case 'eventbridge':
      if (!isEventBridgeEnvelope(obj)) throw new InputError(origin, 'not an EventBridge CloudEvent (needs specversion, type, data)');
      return normalizeEventBridge(obj, origin, shallow);
    case 'sls':
      return normalizeSlsLog(obj, origin, syslog, shallow);
    case 'actiontrail':
      return normalizeActionTrailRecord(obj, origin, undefined, shallow);
    case 'osquery':
      if (!isOsqueryResult(obj)) throw new InputError(origin, 'not an osquery result (needs name, hostIdentifier and columns, diffResults or snapshot)');
      if (!shallow) checkNesting(obj, origin);
      return normalizeOsqueryResult(obj, origin);
    case 'journal':
      return normalizeJournalRecord(obj, origin, syslog);
    case 'json':
      if (!shallow) checkNesting(obj, origin);
      return normalizeEcsJson(obj, origin);
    default:
      throw new InputError(
        origin,
        'unknown event shape: expected an ActionTrail record (eventName, eventType), an EventBridge event (specversion, data), an SLS log (__topic__, event or content), an osquery result (name, hostIdentifier) or an ECS event (@timestamp)',
      );
  }
}

function detectShape(obj: Record<string, unknown>): JsonShape | undefined {
  if (isEventBridgeEnvelope(obj)) return 'eventbridge';
  if (isSlsActionTrailLog(obj) || isSlsHostLog(obj)) return 'sls';
  if (typeof obj.eventName === 'string' && (obj.eventType !== undefined || obj.eventId !== undefined || obj.eventSource !== undefined)) {
    return 'actiontrail';
  }
  if (isOsqueryResult(obj)) return 'osquery';
  if (isJournalRecord(obj)) return 'journal';
  if (typeof obj['@timestamp'] === 'string') return 'json';
  return undefined;
}

/**
 * A systemd journal record: `journalctl -o json` (`__REALTIME_TIMESTAMP`, microseconds)
 * or Logtail's journal input as it lands in SLS (`_realtime_timestamp_`), with
 * `MESSAGE`, `SYSLOG_IDENTIFIER` (or `_COMM`), `_PID`, `_HOSTNAME`.
 */
function isJournalRecord(obj: Record<string, unknown>): boolean {
  return obj.MESSAGE !== undefined && (obj.SYSLOG_IDENTIFIER !== undefined || obj._COMM !== undefined);
}

/** A journal record's events: the same as the syslog line it would have been. */
function normalizeJournalRecord(obj: Record<string, unknown>, origin: Origin | undefined, syslog: HeaderOptions): SecEvent[] {
  if (typeof obj.MESSAGE !== 'string') throw new InputError(origin, 'journal record: MESSAGE is not text (journalctl writes binary messages as byte arrays)');
  const time = journalTime(obj);
  if (time === undefined) throw new InputError(origin, 'journal record: no wall-clock time (__REALTIME_TIMESTAMP or _realtime_timestamp_); a monotonic-only record cannot be placed in time');
  const program = String(obj.SYSLOG_IDENTIFIER ?? obj._COMM);
  const pid = Number(obj._PID ?? obj.SYSLOG_PID);
  const hostname = typeof obj._HOSTNAME === 'string' ? obj._HOSTNAME : typeof obj['__tag__:__hostname__'] === 'string' ? (obj['__tag__:__hostname__'] as string) : undefined;
  const events: SecEvent[] = [];
  const text = `${time} ${hostname ?? ''} ${program}[${Number.isFinite(pid) ? pid : ''}]: ${obj.MESSAGE}`;
  const position = typeof obj.__CURSOR === 'string' ? obj.__CURSOR : undefined;
  normalizeSyslogPartsInto({ time, hostname, program, pid: Number.isFinite(pid) ? pid : undefined, message: obj.MESSAGE }, text, { ...syslog, origin, position: origin ? undefined : position }, events);
  return events;
}

/** Epoch ms of a journal record: microseconds since the epoch in the journal's own fields; seconds in SLS's __time__. */
function journalTime(obj: Record<string, unknown>): number | undefined {
  for (const v of [obj.__REALTIME_TIMESTAMP, obj._realtime_timestamp_]) {
    if (v === undefined || v === null || v === '') continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return undefined;
    // Microseconds (16 digits today); milliseconds or seconds are accepted by size.
    return n > 1e14 ? Math.floor(n / 1000) : n > 1e11 ? n : n * 1000;
  }
  const t = Number(obj.__time__);
  return Number.isFinite(t) && t > 0 ? t * 1000 : undefined;
}

/** A host log line collected by Logtail: the raw line is `content`. */
function isSlsHostLog(obj: Record<string, unknown>): boolean {
  return typeof obj.content === 'string' && (obj.__time__ !== undefined || obj.__source__ !== undefined || obj.__topic__ !== undefined);
}

function normalizeSlsLog(obj: Record<string, unknown>, origin: Origin | undefined, syslog: HeaderOptions, shallow: boolean): SecEvent[] {
  if (isSlsActionTrailLog(obj)) return [normalizeSlsActionTrail(obj, origin, shallow)];
  // osquery results collected by Logtail in JSON mode arrive as the result's own keys.
  if (isOsqueryResult(obj)) {
    if (!shallow) checkNesting(obj, origin);
    return normalizeOsqueryResult(obj, origin);
  }
  if (typeof obj.content === 'string') {
    const receivedAt = Number(obj.__time__);
    const opts: HeaderOptions = Number.isFinite(receivedAt) && receivedAt > 0 ? { ...syslog, referenceTime: receivedAt * 1000 } : syslog;
    const events = normalizeSyslogLine(obj.content, {
      ...opts,
      origin,
      position: origin ? `${origin.path}:${origin.line}` : String(obj.__time__ ?? ''),
    });
    // Logtail tags the host; some syslog formats (and web server logs) carry no host name of their own.
    const tagged = obj['__tag__:__hostname__'];
    if (typeof tagged === 'string' && tagged !== '') {
      for (const e of events) if (e.fields.host === undefined) e.fields.host = { hostname: tagged };
    }
    return events;
  }
  // Logtail's journal input: the journal's own fields.
  if (isJournalRecord(obj)) return normalizeJournalRecord(obj, origin, syslog);
  throw new InputError(origin, 'SLS log has neither an ActionTrail event, a content line nor a journal MESSAGE');
}

/** An event already in ECS form (for example `secmon parse` output). */
function normalizeEcsJson(obj: Record<string, unknown>, origin: Origin | undefined): SecEvent {
  const ts = obj['@timestamp'];
  const time = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(time)) throw new InputError(origin, '@timestamp: missing or not a date');
  const event = obj.event as Record<string, unknown> | undefined;
  const dataset = typeof event?.dataset === 'string' ? event.dataset : undefined;
  const source: Source = dataset !== undefined && (SOURCES as readonly string[]).includes(dataset) && dataset !== 'actiontrail' ? (dataset as Source) : 'json';
  const id = typeof obj.id === 'string' && obj.id !== '' ? obj.id : stableId(JSON.stringify(obj));
  const fields = obj;
  fields.id = id;
  if (origin) fields.log = { ...(obj.log as object | undefined), file: { path: origin.path, line: origin.line } };
  return { source, id, time, fields };
}
