/**
 * The documented shapes of one ActionTrail record made the same event for rules:
 *  - successful calls carry `"errorCode": ""` and `"errorMessage": ""` (the published
 *    samples, the SLS field reference): an empty error field is no error, so it is
 *    made absent, and `errorCode exists` means the call failed;
 *  - array parameters arrive RPC-flattened (`Permissions.1.PortRange`, `InstanceIds.1`),
 *    as objects keyed by index (SLS's flattened `event.requestParameters.Permissions.1.*`
 *    index names), as JSON strings (`"[{\"PortRange\": …}]"`), or as arrays: all become
 *    arrays, in index order (so `requestParameters.Permissions.PortRange` tests every
 *    element, and the `some` quantifier one element at a time).
 * The record is completed in place (it is the event's own, freshly parsed).
 */
export function normalizeActionTrailShape(record: Record<string, unknown>): void {
  // Made absent without `delete`, which would turn the record into a slow dictionary
  // object that every rule then reads: undefined is absent to conditions and to JSON.
  if (isEmptyError(record.errorCode)) record.errorCode = undefined;
  if (isEmptyError(record.errorMessage)) record.errorMessage = undefined;
  const params = record.requestParameters;
  if (params !== null && typeof params === 'object' && !Array.isArray(params)) arraysIn(params as Record<string, unknown>, 0);
}

function isEmptyError(v: unknown): boolean {
  return v === '' || v === null;
}

/** `Name.N` or `Name.N.rest`, N a 1-based RPC index. */
const RPC_INDEXED = /^([^.]+)\.(\d+)(?:\.(.+))?$/;
const MAX_DEPTH = 8;

/** Turns the flattened and JSON-string arrays of one parameters object into arrays, recursively. */
function arraysIn(obj: Record<string, unknown>, depth: number): void {
  let groups: Map<string, Map<number, unknown>> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (key.indexOf('.') > 0) {
      const m = RPC_INDEXED.exec(key);
      if (m !== null) {
        groups ??= new Map();
        let items = groups.get(m[1]);
        if (items === undefined) groups.set(m[1], (items = new Map()));
        const n = Number(m[2]);
        if (m[3] === undefined) items.set(n, v);
        else {
          let el = items.get(n) as Record<string, unknown> | undefined;
          if (el === undefined || el === null || typeof el !== 'object') items.set(n, (el = {}));
          el[m[3]] = v;
        }
        delete obj[key];
        continue;
      }
    }
    const array = asArray(v);
    if (array !== undefined) obj[key] = array;
    if (depth < MAX_DEPTH) for (const el of array ?? [v]) if (isPlainObject(el)) arraysIn(el, depth + 1);
  }
  if (groups === undefined) return;
  for (const [name, items] of groups) {
    const elements = [...items.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    if (depth < MAX_DEPTH) for (const el of elements) if (isPlainObject(el)) arraysIn(el, depth + 1);
    const existing = obj[name];
    // The same parameter in two forms: the elements are put together.
    obj[name] = Array.isArray(existing) ? [...existing, ...elements] : elements;
  }
}

/** An array value in one of its other forms (an object keyed 1..N or 0..N, a JSON array string), as an array. */
function asArray(v: unknown): unknown[] | undefined {
  if (typeof v === 'string') {
    if (v.length < 2 || v.charCodeAt(0) !== 91 || v.charCodeAt(v.length - 1) !== 93) return undefined;
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys.every((k) => /^\d+$/.test(k))) return undefined;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => v[String(k)]);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
