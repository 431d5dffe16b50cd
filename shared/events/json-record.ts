import { EventSink, InputError, Origin, SecEvent, SOURCES, Source } from './event';
import { isEventBridgeEnvelope, isSlsActionTrailLog, normalizeActionTrailRecord, normalizeEventBridge, normalizeSlsActionTrail } from './actiontrail';
import { normalizeSyslogLine } from './syslog';
import { HeaderOptions } from './syslog/header';
import { stableId } from '../util/hash';
import { isOsqueryResult, normalizeOsqueryResult } from './osquery';
import { checkNesting } from './limits';

/** How a JSON record is read; `auto` recognizes the shape of each record. */
export type JsonShape = 'auto' | 'actiontrail' | 'eventbridge' | 'sls' | 'osquery' | 'json';

/**
 * One JSON record (a line of a JSON-lines file, an element of a JSON array, a log
 * pulled from SLS) to normalized events.
 */
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

/** normalizeJsonRecord, appending to `out` (the readers' hot path: no array per record). */
export function normalizeJsonRecordInto(value: unknown, origin: Origin | undefined, shape: JsonShape, syslog: HeaderOptions, out: EventSink): void {
  const one = toEvents(value, origin, shape, syslog);
  if (Array.isArray(one)) for (const e of one) out.push(e);
  else out.push(one);
}

/** The event (or, for shapes that can hold several, the events) of one record. */
function toEvents(value: unknown, origin: Origin | undefined, shape: JsonShape, syslog: HeaderOptions): SecEvent | SecEvent[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(origin, 'expected a JSON object');
  }
  const obj = value as Record<string, unknown>;
  switch (shape === 'auto' ? detectShape(obj) : shape) {
    case 'eventbridge':
      if (!isEventBridgeEnvelope(obj)) throw new InputError(origin, 'not an EventBridge CloudEvent (needs specversion, type, data)');
      return normalizeEventBridge(obj, origin);
    case 'sls':
      return normalizeSlsLog(obj, origin, syslog);
    case 'actiontrail':
      return normalizeActionTrailRecord(obj, origin);
    case 'osquery':
      if (!isOsqueryResult(obj)) throw new InputError(origin, 'not an osquery result (needs name, hostIdentifier and columns, diffResults or snapshot)');
      checkNesting(obj, origin);
      return normalizeOsqueryResult(obj, origin);
    case 'json':
      checkNesting(obj, origin);
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
  if (typeof obj['@timestamp'] === 'string') return 'json';
  return undefined;
}

/** A host log line collected by Logtail: the raw line is `content`. */
function isSlsHostLog(obj: Record<string, unknown>): boolean {
  return typeof obj.content === 'string' && (obj.__time__ !== undefined || obj.__source__ !== undefined || obj.__topic__ !== undefined);
}

function normalizeSlsLog(obj: Record<string, unknown>, origin: Origin | undefined, syslog: HeaderOptions): SecEvent[] {
  if (isSlsActionTrailLog(obj)) return [normalizeSlsActionTrail(obj, origin)];
  // osquery results collected by Logtail in JSON mode arrive as the result's own keys.
  if (isOsqueryResult(obj)) {
    checkNesting(obj, origin);
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
  throw new InputError(origin, 'SLS log has neither an ActionTrail event nor a content line');
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
