/**
 * Dot-path access into normalized events, compiled once per rule field.
 *
 * `a.b.c` walks nested objects. A segment that meets an array fans out over its
 * elements (so `tags.name` tests every tag), unless the segment is a numeric index.
 * ActionTrail records also carry literal dotted keys (RPC parameters such as
 * `requestParameters["Permissions.1.PortRange"]`, or SLS index names such as
 * `event.eventName`): when a segment is missing, the longest literal key made of the
 * remaining segments is tried before giving up.
 */
export type FieldGetter = (root: unknown) => unknown[];

export function compileFieldPath(path: string): FieldGetter {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) throw new Error(`invalid field path "${path}": empty segment`);
  if (segments.length === 1) {
    const key = segments[0];
    return (root) => {
      if (root === null || typeof root !== 'object') return [];
      const v = (root as Record<string, unknown>)[key];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    };
  }
  return (root) => {
    const out: unknown[] = [];
    walk(root, segments, 0, out);
    return out;
  };
}

/**
 * Whether any value at `path` satisfies `pred`: the hot path of rule evaluation.
 * Plain nested objects are walked without allocating; arrays and literal dotted keys
 * take the general walk.
 */
export function compileFieldPredicate(path: string, pred: (v: unknown) => boolean): (root: unknown) => boolean {
  const segments = path.split('.');
  if (segments.some((s) => s === '')) throw new Error(`invalid field path "${path}": empty segment`);
  const last = segments.length - 1;
  const split = splitPath(segments);
  const general = (root: unknown): boolean => {
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      if (node === null || typeof node !== 'object') return false;
      if (Array.isArray(node)) return someAt(node, split, i, pred);
      const next: unknown = (node as Record<string, unknown>)[segments[i]];
      if (next === undefined || typeof next === 'function') {
        // A literal dotted key spans at least two segments: none can follow the last one.
        return i < last && someAt(node, split, i, pred);
      }
      node = next;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (pred(node[i])) return true;
      return false;
    }
    return pred(node);
  };
  if (segments.length > 4) return general;
  // Made at the first test: a cold start compiles only the walks of the fields it reads.
  let walk: ((root: unknown) => boolean) | undefined;
  return (root) => (walk ??= namedWalk(segments, pred, general))(root);
}

/**
 * The walk of a short path through plain objects, as a function of its own whose
 * property names are written in its code: each such function's property loads see the
 * few shapes of its own field (`sshd.attempt` meets sshd objects only), where one
 * shared walk sees every field of every rule and looks each key up generically.
 * Anything but plain objects on the way (an array, a missing segment that a literal
 * dotted key may stand for) goes to the general walk, from the root. A segment enters
 * the code only as a JSON string literal, so no text of a rule file can become code.
 */
function namedWalk(segments: string[], pred: (v: unknown) => boolean, general: (root: unknown) => boolean): (root: unknown) => boolean {
  const body = namedPathCode(segments, 'false', 'if (Array.isArray(n)) return general(root); return pred(n);');
  return new Function('pred', 'general', body)(pred, general) as (root: unknown) => boolean;
}

/** compileFirstValue's walk, written out as namedWalk's is. */
function namedFirst(segments: string[], general: (root: unknown) => unknown): (root: unknown) => unknown {
  const body = namedPathCode(segments, 'undefined', 'return Array.isArray(n) ? n[0] : n;');
  return new Function('general', body)(general) as (root: unknown) => unknown;
}

/**
 * The code of a function of `root` that walks `segments` through plain objects into
 * `n`, then runs `found`; a value that is not there is `missing`, and anything else
 * is `general(root)`'s to answer.
 */
function namedPathCode(segments: string[], missing: string, found: string): string {
  const last = segments.length - 1;
  const steps = segments.map((seg, i) =>
    [
      `if (n === null || typeof n !== 'object') return ${missing};`,
      'if (Array.isArray(n)) return general(root);',
      `n = n[${JSON.stringify(seg)}];`,
      `if (n === undefined || typeof n === 'function') return ${i === last ? missing : 'general(root)'};`,
    ].join(' '),
  );
  return `return function (root) { let n = root; ${steps.join(' ')} ${found} };`;
}

/**
 * A path split once, with what a walk that meets arrays or literal dotted keys needs,
 * made at compile time: which segments are indices, and the literal key each run of
 * segments would be (`Permissions.1.PortRange`), so that a missing field (most events
 * lack most fields a rule reads) costs lookups, not string building.
 */
interface SplitPath {
  segs: string[];
  numeric: boolean[];
  /** joined[i][j]: segments i to j-1 joined with dots. */
  joined: string[][];
}

function splitPath(segs: string[]): SplitPath {
  return {
    segs,
    numeric: segs.map((s) => /^\d+$/.test(s)),
    joined: segs.map((_, i) => segs.map((__, j) => (j > i ? segs.slice(i, j).join('.') : '')).concat(segs.slice(i).join('.'))),
  };
}

/** `walk` with a predicate instead of an output array: stops at the first value that satisfies it. */
function someAt(node: unknown, path: SplitPath, i: number, pred: (v: unknown) => boolean): boolean {
  const segs = path.segs;
  if (i === segs.length) {
    if (node === undefined) return false;
    if (Array.isArray(node)) {
      for (const v of node) if (pred(v)) return true;
      return false;
    }
    return pred(node);
  }
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    if (path.numeric[i]) return someAt(node[Number(segs[i])], path, i + 1, pred);
    for (const el of node) if (someAt(el, path, i, pred)) return true;
    return false;
  }
  const obj = node as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, segs[i])) return someAt(obj[segs[i]], path, i + 1, pred);
  const joined = path.joined[i];
  for (let j = segs.length; j > i + 1; j--) {
    const key = joined[j];
    if (Object.prototype.hasOwnProperty.call(obj, key)) return someAt(obj[key], path, j, pred);
  }
  return false;
}

/** The first value at `path` (or undefined), walking plain objects without allocating. */
/**
 * `a ?? b ?? c`: the first of the paths' first values that is present (not missing,
 * null or empty): the created resource's id from `responseElements` when the request
 * has none, say. A single path is compileFirstValue.
 */
export function compileFirstOf(expression: string): (root: unknown) => unknown {
  const paths = expression.split('??').map((p) => p.trim());
  if (paths.length === 1) return compileFirstValue(paths[0]);
  const getters = paths.map((p) => compileFirstValue(p));
  return (root) => {
    for (const get of getters) {
      const v = get(root);
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  };
}

export function compileFirstValue(path: string): (root: unknown) => unknown {
  const getter = compileFieldPath(path);
  const segments = path.split('.');
  const first = (root: unknown) => getFirst(root, getter);
  const general = (root: unknown): unknown => {
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      if (node === null || typeof node !== 'object') return undefined;
      if (Array.isArray(node)) return first(root);
      const next: unknown = (node as Record<string, unknown>)[segments[i]];
      if (next === undefined || typeof next === 'function') return i < segments.length - 1 ? first(root) : undefined;
      node = next;
    }
    return Array.isArray(node) ? node[0] : node;
  };
  if (segments.length > 4) return general;
  // Made at the first call, as compileFieldPredicate's walks are.
  let walk: ((root: unknown) => unknown) | undefined;
  return (root) => (walk ??= namedFirst(segments, first))(root);
}

/** The first value at `path`, or undefined (for templates and group keys). */
export function getFirst(root: unknown, getter: FieldGetter): unknown {
  const values = getter(root);
  return values.length > 0 ? values[0] : undefined;
}

function walk(node: unknown, segs: string[], i: number, out: unknown[]): void {
  if (i === segs.length) {
    if (node === undefined) return;
    if (Array.isArray(node)) for (const v of node) out.push(v);
    else out.push(node);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    const seg = segs[i];
    if (/^\d+$/.test(seg)) {
      walk(node[Number(seg)], segs, i + 1, out);
    } else {
      for (const el of node) walk(el, segs, i, out);
    }
    return;
  }
  const obj = node as Record<string, unknown>;
  const seg = segs[i];
  if (Object.prototype.hasOwnProperty.call(obj, seg)) {
    walk(obj[seg], segs, i + 1, out);
    return;
  }
  // Literal dotted key fallback: try the longest joined key first.
  for (let j = segs.length; j > i + 1; j--) {
    const key = segs.slice(i, j).join('.');
    if (Object.prototype.hasOwnProperty.call(obj, key)) {
      walk(obj[key], segs, j, out);
      return;
    }
  }
}

/**
 * Set a nested value by dot path, creating objects on the way (used by normalizers).
 * Paths come from input (SLS index names): every step reads and writes own
 * properties only, so `__proto__.x` makes a key named `__proto__` instead of
 * reaching Object.prototype.
 */
export function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.');
  let node = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = Object.prototype.hasOwnProperty.call(node, segs[i]) ? node[segs[i]] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      setOwn(node, segs[i], created);
      node = created;
    } else {
      node = next as Record<string, unknown>;
    }
  }
  setOwn(node, segs[segs.length - 1], value);
}

/** `obj[key] = value` as an own property, even for `__proto__` (whose assignment would set the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
