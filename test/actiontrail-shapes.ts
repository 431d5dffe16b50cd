/**
 * The shapes in which Alibaba Cloud delivers one ActionTrail record, made from the
 * record (the conversion is what the tests put the normalizer against):
 *  - as published: successful calls carry "errorCode": "" and "errorMessage": "",
 *    array parameters are RPC-flattened (Permissions.1.PortRange), numbers and
 *    booleans may be strings;
 *  - a trail delivered to SLS: the record as the JSON string `event`;
 *  - the same exported with flattened `event.*` index names (nested objects as JSON
 *    strings or dotted names, every value a string);
 *  - EventBridge CloudEvents (write events only: no console sign-ins).
 */
export type Rec = Record<string, unknown>;
export const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Successful calls as ActionTrail writes them: empty error fields; arrays of parameters RPC-flattened; scalars as strings. */
function asPublished(record: Rec, signinMessage = ''): Rec {
  const r = clone(record);
  if (r.errorCode === undefined) r.errorCode = '';
  // A successful console sign-in is written with an empty errorMessage, or "success".
  if (r.errorMessage === undefined) r.errorMessage = r.eventType === 'ConsoleSignin' ? signinMessage : '';
  if (typeof r.eventVersion === 'number') r.eventVersion = String(r.eventVersion);
  const params = r.requestParameters as Rec | undefined;
  if (params && typeof params === 'object') {
    for (const [k, v] of Object.entries(params)) {
      if (!Array.isArray(v)) continue;
      delete params[k];
      v.forEach((el, i) => {
        if (el !== null && typeof el === 'object') for (const [sub, x] of Object.entries(el as Rec)) params[`${k}.${i + 1}.${sub}`] = x;
        else params[`${k}.${i + 1}`] = el;
      });
    }
  }
  return r;
}

function asSlsEvent(record: Rec): Rec {
  return { __topic__: 'actiontrail_audit_event', __time__: String(Math.floor(Date.parse(String(record.eventTime)) / 1000)), event: JSON.stringify(record) };
}

/** SLS's flattened export: event.<path> for every leaf, values as strings; the parameter objects as JSON strings. */
function asSlsFlattened(record: Rec): Rec {
  const out: Rec = { __topic__: 'actiontrail_audit_event' };
  const put = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Rec)) put(`${prefix}.${k}`, x);
    } else out[prefix] = typeof v === 'string' ? v : JSON.stringify(v);
  };
  for (const [k, v] of Object.entries(record)) {
    if (['requestParameters', 'responseElements', 'additionalEventData'].includes(k) && v !== null && typeof v === 'object') out[`event.${k}`] = JSON.stringify(v);
    else put(`event.${k}`, v);
  }
  return out;
}

function asEventBridge(record: Rec): Rec {
  const service = String(record.serviceName ?? String(record.eventSource ?? '').split('.')[0]).toLowerCase();
  return {
    id: `eb-${String(record.eventId)}`,
    source: `acs.${service}`,
    specversion: '1.0',
    type: `${service}:ActionTrail:${String(record.eventType)}`,
    subject: `acs:${service}:${String(record.acsRegion ?? 'cn-hangzhou')}:1234567890123456:${String(record.eventName)}`,
    time: record.eventTime,
    aliyunaccountid: '1234567890123456',
    aliyunregionid: record.acsRegion ?? 'cn-hangzhou',
    datacontenttype: 'application/json;charset=utf-8',
    data: record,
  };
}

/** EventBridge carries write events only. */
const viaEventBridge = (r: Rec) => r.eventType !== 'ConsoleSignin' && r.eventType !== 'ConsoleSignout';

export const SHAPES: Array<{ name: string; convert(r: Rec): Rec; applies(r: Rec): boolean }> = [
  { name: 'record as published', convert: (r) => asPublished(r), applies: () => true },
  { name: 'record as published, sign-ins with errorMessage "success"', convert: (r) => asPublished(r, 'success'), applies: (r) => r.eventType === 'ConsoleSignin' },
  { name: 'SLS log (event JSON string)', convert: (r) => asSlsEvent(asPublished(r)), applies: () => true },
  { name: 'SLS export (flattened event.* names)', convert: (r) => asSlsFlattened(asPublished(r)), applies: () => true },
  { name: 'EventBridge CloudEvent', convert: (r) => asEventBridge(asPublished(r)), applies: viaEventBridge },
];

