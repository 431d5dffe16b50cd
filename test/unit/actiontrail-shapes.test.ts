import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { normalizeJsonRecord } from '../../shared/events/json-record';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { loadRules } from '../../shared/rules/load';
import { CompiledRule } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';

/**
 * Every bundled ActionTrail rule fires on every documented shape of its events. Each
 * rule's own test records are rewritten the ways Alibaba Cloud delivers them (the
 * conversion is what is under test: the normalizer must make them one event again):
 *  - as published: successful calls carry "errorCode": "" and "errorMessage": "",
 *    array parameters are RPC-flattened (Permissions.1.PortRange), numbers and
 *    booleans may be strings;
 *  - a trail delivered to SLS: the record as the JSON string `event`;
 *  - the same exported with flattened `event.*` index names (nested objects as JSON
 *    strings or dotted names, every value a string);
 *  - EventBridge CloudEvents (write events only: no console sign-ins).
 */
type Rec = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

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

const SHAPES: Array<{ name: string; convert(r: Rec): Rec; applies(r: Rec): boolean }> = [
  { name: 'record as published', convert: (r) => asPublished(r), applies: () => true },
  { name: 'record as published, sign-ins with errorMessage "success"', convert: (r) => asPublished(r, 'success'), applies: (r) => r.eventType === 'ConsoleSignin' },
  { name: 'SLS log (event JSON string)', convert: (r) => asSlsEvent(asPublished(r)), applies: () => true },
  { name: 'SLS export (flattened event.* names)', convert: (r) => asSlsFlattened(asPublished(r)), applies: () => true },
  { name: 'EventBridge CloudEvent', convert: (r) => asEventBridge(asPublished(r)), applies: viaEventBridge },
];

let rules: CompiledRule[];
beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  rules = loaded.rules.filter((r) => r.sources.includes('actiontrail'));
});

async function alertsOf(rule: CompiledRule, records: Rec[]): Promise<Array<{ key: string; count: number }>> {
  const events: SecEvent[] = records.flatMap((r, i) => normalizeJsonRecord(clone(r), { path: `${rule.id}.json`, line: i + 1 }, 'auto', { year: 2026 }));
  const alerts = await new Alerter(new Detector([{ ...rule, enabled: true }], new MemoryStateStore())).process(events);
  return alerts.map((a) => ({ key: a.key, count: a.count }));
}

test('there are ActionTrail rules to check, with tests of their own', () => {
  expect(rules.length).toBeGreaterThanOrEqual(20);
  for (const r of rules) expect(r.definition.tests.length).toBeGreaterThan(0);
});

test('every bundled ActionTrail rule gives its tests’ outcome in every shape its events arrive in', async () => {
  const failures: string[] = [];
  let checked = 0;
  for (const rule of rules) {
    for (const t of rule.definition.tests) {
      const records = t.events.filter((e): e is Rec => typeof e === 'object' && e !== null);
      if (records.length !== t.events.length) continue;
      const expected = await alertsOf(rule, records);
      // The test's own expectation holds for the records as written…
      if (expected.length !== t.expect.alerts) failures.push(`${rule.id} "${t.name}": ${expected.length} alert(s) as written, expected ${t.expect.alerts}`);
      for (const shape of SHAPES) {
        if (!records.every(shape.applies)) continue;
        checked++;
        // …and for every shape they arrive in: the same alerts, keys and counts.
        const got = await alertsOf(rule, records.map(shape.convert));
        if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${rule.id} "${t.name}" as ${shape.name}: ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(150);
});

test('no alert key of a bundled ActionTrail rule degrades to "-" on the documented shapes', async () => {
  const degraded: string[] = [];
  for (const rule of rules) {
    for (const t of rule.definition.tests) {
      const records = t.events.filter((e): e is Rec => typeof e === 'object' && e !== null);
      for (const shape of SHAPES) {
        if (!records.every(shape.applies)) continue;
        for (const a of await alertsOf(rule, records.map(shape.convert))) {
          if (a.key.split('|').includes('-')) degraded.push(`${rule.id} "${t.name}" as ${shape.name}: key ${a.key}`);
        }
      }
    }
  }
  expect(degraded).toEqual([]);
});
