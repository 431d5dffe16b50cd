import { InputError, Origin, SecEvent } from './event';
import { setPath } from '../util/field-path';
import { stableId } from '../util/hash';
import { parseIsoTime } from '../util/time';
import { checkNesting } from './limits';
import { normalizeActionTrailShape } from './actiontrail-shape';

/**
 * ActionTrail records in the three shapes they arrive in:
 *  - the record itself (LookupEvents, trail files, `secmon parse` output);
 *  - an EventBridge CloudEvent whose `data` is the record;
 *  - a log of a trail delivered to SLS: the record is the `event` content (a JSON
 *    string), and SLS index names such as `event.eventName` may appear flattened.
 * The record keeps its native field names; `id` (the eventId) is added, and
 * `log.file.*` for records read from files. Callers hand over the parsed object, and
 * `shallow` when its text is known not to nest too deep (see textNestsWithin).
 */
export function normalizeActionTrailRecord(record: Record<string, unknown>, origin?: Origin, fallbackTime?: string, shallow = false): SecEvent {
  if (typeof record.eventName !== 'string' || record.eventName === '') {
    throw new InputError(origin, 'ActionTrail record has no eventName');
  }
  normalizeActionTrailShape(record);
  // After the shape: parameters sent as JSON text are arrays by now, and nest inside the record.
  if (!shallow) checkNesting(record, origin);
  const timeText = typeof record.eventTime === 'string' ? record.eventTime : fallbackTime;
  if (timeText === undefined) throw new InputError(origin, 'ActionTrail record has no eventTime');
  const time = parseIsoTime(timeText);
  if (Number.isNaN(time)) throw new InputError(origin, `eventTime: not a date: ${JSON.stringify(timeText).slice(0, 60)}`);

  const id = typeof record.eventId === 'string' && record.eventId !== '' ? record.eventId : stableId(JSON.stringify(record));
  // The record is this event's own (freshly parsed): completed in place, not copied.
  const fields = record;
  fields.id = id;
  if (record.eventTime === undefined) fields.eventTime = timeText;
  // The origin object is this record's own: it becomes log.file as it is.
  if (origin) fields.log = { file: origin };
  return { source: 'actiontrail', id, time, fields };
}

export function isEventBridgeEnvelope(obj: Record<string, unknown>): boolean {
  return typeof obj.specversion === 'string' && obj.data !== undefined && typeof obj.type === 'string';
}

export function normalizeEventBridge(envelope: Record<string, unknown>, origin?: Origin, shallow = false): SecEvent {
  let data = envelope.data;
  if (typeof data === 'string') data = parseJsonField(data, 'data', origin);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(origin, 'EventBridge event: data is not an ActionTrail record');
  }
  return normalizeActionTrailRecord(data as Record<string, unknown>, origin, typeof envelope.time === 'string' ? envelope.time : undefined, shallow);
}

/** Nested objects of a record that SLS flattening may turn into JSON strings. */
const OBJECT_FIELDS = new Set(['userIdentity', 'requestParameters', 'responseElements', 'additionalEventData', 'serviceEventData', 'resources', 'referencedResources']);

export function isSlsActionTrailLog(obj: Record<string, unknown>): boolean {
  const topic = obj.__topic__;
  if (typeof topic === 'string' && topic.startsWith('actiontrail')) return true;
  if (typeof obj.event === 'string' && obj.event.startsWith('{')) return true;
  return typeof obj['event.eventName'] === 'string';
}

export function normalizeSlsActionTrail(log: Record<string, unknown>, origin?: Origin, shallow = false): SecEvent {
  let record: Record<string, unknown> | undefined;
  if (typeof log.event === 'string') {
    record = parseJsonField(log.event, 'event', origin) as Record<string, unknown>;
  } else if (log.event !== null && typeof log.event === 'object' && !Array.isArray(log.event)) {
    record = log.event as Record<string, unknown>;
  } else {
    record = {};
    for (const [key, value] of Object.entries(log)) {
      if (!key.startsWith('event.')) continue;
      const path = key.slice('event.'.length);
      const v = typeof value === 'string' && OBJECT_FIELDS.has(path) && /^[[{]/.test(value) ? tryJson(value) : value;
      setPath(record, path, v);
    }
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InputError(origin, 'SLS ActionTrail log: event is not a JSON object');
  }
  const fallback = typeof log.__time__ === 'number' || typeof log.__time__ === 'string' ? new Date(Number(log.__time__) * 1000).toISOString() : undefined;
  return normalizeActionTrailRecord(record, origin, fallback, shallow);
}

function parseJsonField(text: string, name: string, origin?: Origin): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(origin, `${name}: not valid JSON (${(e as Error).message})`);
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
