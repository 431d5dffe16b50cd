import { didYouMean } from '../util/did-you-mean';

export { didYouMean };

/**
 * Named lists of values (addresses, CIDRs, user names) for conditions and exceptions:
 * `{"list": "bastion.egress", "items": ["203.0.113.10/32"]}` in any rules folder. A
 * later folder's file of the same name appends to it, or replaces it with
 * `"replace": true`; the functions' settings (SECMON_LISTS) replace last. A condition
 * names one as its value: `{"field": "source.ip", "op": "cidr", "value": {"list": "bastion.egress"}}`.
 */
export type ListItem = string | number | boolean;

export interface ListFile {
  list: string;
  items: ListItem[];
  replace?: boolean;
  description?: string;
}

export interface NamedList {
  items: ListItem[];
  /** The files (or `SECMON_LISTS`) that made it, in order. */
  from: string[];
}

const NAME = /^[a-z0-9][a-z0-9._-]{1,80}$/;
const KEYS = new Set(['$schema', 'list', 'items', 'replace', 'description']);

/** What is wrong with a list file (pointer and message), or nothing. */
export function listFileProblems(doc: Record<string, unknown>): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  if (typeof doc.list !== 'string' || !NAME.test(doc.list)) out.push({ pointer: '/list', message: 'must be a list name (lower case, digits, ".", "_", "-")' });
  if (!Array.isArray(doc.items)) out.push({ pointer: '/items', message: 'must be an array of strings, numbers or booleans' });
  else doc.items.forEach((v, i) => ['string', 'number', 'boolean'].includes(typeof v) || out.push({ pointer: `/items/${i}`, message: 'must be a string, number or boolean' }));
  if (doc.replace !== undefined && typeof doc.replace !== 'boolean') out.push({ pointer: '/replace', message: 'must be true or false' });
  for (const k of Object.keys(doc)) if (!KEYS.has(k)) out.push({ pointer: `/${k}`, message: `unknown key "${k}" in a list file (list, items, replace, description)` });
  return out;
}

export class Lists {
  private readonly byName = new Map<string, NamedList>();

  add(doc: ListFile, from: string): void {
    const had = this.byName.get(doc.list);
    if (had && !doc.replace) this.byName.set(doc.list, { items: [...had.items, ...doc.items], from: [...had.from, from] });
    else this.byName.set(doc.list, { items: [...doc.items], from: [from] });
  }

  get(name: string): NamedList | undefined {
    return this.byName.get(name);
  }

  copy(): Lists {
    const out = new Lists();
    for (const [name, l] of this.byName) out.byName.set(name, { items: [...l.items], from: [...l.from] });
    return out;
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}

/**
 * A rule definition with every `{"list": NAME}` replaced by the list's items, and the
 * lists it used; an unknown list is a problem at its pointer.
 */
export function resolveListRefs<T>(def: T, lists: Lists, problems: Array<{ pointer: string; message: string }>, used: Set<string>): T {
  const walk = (node: unknown, pointer: string): unknown => {
    // In an exception's tuple a list is one position's alternatives; elsewhere its items join the array.
    const tuple = /\/exceptions\/\d+\/values\/\d+$/.test(pointer);
    if (Array.isArray(node)) return node.flatMap((v, i) => (isListRef(v) ? (tuple ? [resolve(v, `${pointer}/${i}`)] : resolve(v, `${pointer}/${i}`)) : [walk(v, `${pointer}/${i}`)]));
    if (node === null || typeof node !== 'object') return node;
    if (isListRef(node)) return resolve(node, pointer);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = pointer === '' && k === 'tests' ? v : walk(v, `${pointer}/${k}`);
    return out;
  };
  const resolve = (ref: { list: string }, pointer: string): unknown[] => {
    const list = lists.get(ref.list);
    if (!list) {
      problems.push({ pointer, message: `no list named "${ref.list}"${didYouMean(ref.list, lists.names())}` });
      return [];
    }
    used.add(ref.list);
    return list.items;
  };
  return walk(def, '') as T;
}

function isListRef(v: unknown): v is { list: string } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { list?: unknown }).list === 'string' && Object.keys(v).length === 1;
}
