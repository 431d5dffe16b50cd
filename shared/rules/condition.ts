import ipaddr from 'ipaddr.js';
import type { RE2JS } from 're2js';
import { canonicalIp } from '../events/ip';
import { compileFieldPredicate } from '../util/field-path';
import { parseIsoTime } from '../util/time';
import { loadVendor } from '../util/vendor';
import { RegexMemo } from './regex-memo';

/** The condition tree of a rule file (validated by rule.schema.json before compilation). */
export type Condition =
  | ({ all: Condition[] } & Annotated)
  | ({ any: Condition[] } & Annotated)
  | ({ not: Condition } & Annotated)
  | ({ some: string; where: Condition } & Annotated)
  | FieldTest;

/** Any condition node may name the references that explain it (what a reader should open when it matched). */
export interface Annotated {
  references?: string[];
}

export interface FieldTest extends Annotated {
  field: string;
  op: Operator;
  value?: unknown;
  caseInsensitive?: boolean;
}

export type Operator =
  | 'equals' | 'in' | 'contains' | 'startsWith' | 'endsWith' | 'regex' | 'cidr' | 'exists'
  | 'gt' | 'gte' | 'lt' | 'lte' | 'rangeCovers' | 'timeOfDay';

export type Predicate = (fields: Record<string, unknown>) => boolean;

/**
 * `validated`: the rule was checked when the bundle was built (see LoadOptions.trusted),
 * so what compiling would only check may wait for its first use (the time zone of a
 * timeOfDay test: the first Intl call initializes ICU, milliseconds of a cold start; a
 * regular expression: RE2 is loaded and compiles it at its first test).
 */
export interface CompileOptions {
  validated?: boolean;
}

/** A problem found while compiling, located by JSON pointer inside the rule file. */
export class ConditionError extends Error {
  constructor(readonly pointer: string, message: string) {
    super(message);
  }
}

/**
 * Compiles a condition tree into one closure, once, at load time: field paths are
 * split, constants lowered, regexes built on RE2 (linear time: no rule can make a
 * function hang on hostile input), CIDRs parsed.
 */
export function compileCondition(cond: Condition, pointer = '/condition', opts: CompileOptions = {}): Predicate {
  if ('all' in cond) {
    const parts = cond.all.map((c, i) => compileCondition(c, `${pointer}/all/${i}`, opts));
    if (parts.length === 1) return parts[0];
    return (f) => {
      for (const p of parts) if (!p(f)) return false;
      return true;
    };
  }
  if ('any' in cond) {
    // Each alternative is compiled on its own first (so a problem is reported where it is).
    let parts = cond.any.map((c, i) => compileCondition(c, `${pointer}/any/${i}`, opts));
    parts = mergeRegexAlternatives(cond.any, parts, pointer, opts);
    if (parts.length === 1) return parts[0];
    return (f) => {
      for (const p of parts) if (p(f)) return true;
      return false;
    };
  }
  if ('not' in cond) {
    const inner = compileCondition(cond.not, `${pointer}/not`, opts);
    return (f) => !inner(f);
  }
  if ('some' in cond) {
    // One element must satisfy the whole of `where` (its field paths relative to the
    // element): port 22 and 0.0.0.0/0 in the same security-group permission, not one in each.
    const where = compileCondition(cond.where, `${pointer}/where`, opts);
    try {
      return compileFieldPredicate(cond.some, (el) => el !== null && typeof el === 'object' && !Array.isArray(el) && where(el as Record<string, unknown>));
    } catch (e) {
      throw new ConditionError(`${pointer}/some`, (e as Error).message);
    }
  }
  return compileFieldTest(cond, pointer, opts);
}

/**
 * Regex alternatives of an `any` on the same field (and case mode) become one regular
 * expression `(?:a)|(?:b)|…`: one scan of the text instead of one per pattern, with
 * the same result (some alternative is found somewhere). Where RE2 refuses the union
 * (the same group name twice, say), the alternatives stay separate.
 */
function mergeRegexAlternatives(alternatives: Condition[], parts: Predicate[], pointer: string, opts: CompileOptions): Predicate[] {
  const groups = new Map<string, number[]>();
  alternatives.forEach((c, i) => {
    if (!('field' in c) || c.op !== 'regex' || typeof c.value !== 'string') return;
    const k = `${c.caseInsensitive === true}\u0000${c.field}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const replaced = new Set<number>();
  const merged: Predicate[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const first = alternatives[members[0]] as FieldTest;
    const union: FieldTest = { ...first, value: members.map((i) => `(?:${(alternatives[i] as FieldTest).value as string})`).join('|') };
    const at = `${pointer}/any/${members[0]}`;
    if (opts.validated) {
      // Compiled at its first test; should RE2 refuse it then, the alternatives are tested one by one.
      const separate = members.map((i) => parts[i]);
      let chosen: Predicate | undefined;
      const choose = (): Predicate => {
        try {
          return compileFieldTest(union, at, {});
        } catch {
          return (f) => separate.some((p) => p(f));
        }
      };
      merged.push((f) => (chosen ??= choose())(f));
    } else {
      try {
        merged.push(compileFieldTest(union, at, opts));
      } catch {
        continue;
      }
    }
    for (const i of members) replaced.add(i);
  }
  return [...parts.filter((_, i) => !replaced.has(i)), ...merged];
}

function compileFieldTest(test: FieldTest, pointer: string, opts: CompileOptions): Predicate {
  const check: ValueCheck = test.op === 'exists' ? (v) => v !== null : compileValueCheck(test, pointer, opts);
  let some: (root: unknown) => boolean;
  try {
    some = compileFieldPredicate(test.field, check);
  } catch (e) {
    throw new ConditionError(`${pointer}/field`, (e as Error).message);
  }
  if (test.op === 'exists' && test.value === false) return (f) => !some(f);
  return some;
}

type ValueCheck = (v: unknown) => boolean;

/**
 * Scalars compare by their text, so a rule's `true` matches ActionTrail's "true".
 * The detector's rule index reads values the same way, so it never disagrees with a condition.
 */
export function scalarText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
      return String(v);
    default:
      return undefined;
  }
}

function compileValueCheck(test: FieldTest, pointer: string, opts: CompileOptions): ValueCheck {
  const ci = test.caseInsensitive === true;
  const norm = ci ? (s: string) => s.toLowerCase() : (s: string) => s;
  const valuePointer = `${pointer}/value`;
  switch (test.op) {
    case 'equals': {
      const want = norm(scalarText(test.value) ?? '');
      return (v) => {
        const s = scalarText(v);
        return s !== undefined && norm(s) === want;
      };
    }
    case 'in': {
      const set = new Set((test.value as unknown[]).map((x) => norm(scalarText(x) ?? '')));
      return (v) => {
        const s = scalarText(v);
        return s !== undefined && set.has(norm(s));
      };
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const want = norm(scalarText(test.value) ?? '');
      const op = test.op;
      return (v) => {
        const s = scalarText(v);
        if (s === undefined) return false;
        const hay = norm(s);
        return op === 'contains' ? hay.includes(want) : op === 'startsWith' ? hay.startsWith(want) : hay.endsWith(want);
      };
    }
    case 'regex': {
      const compile = (): RE2JS => {
        const re2 = loadVendor<typeof import('../util/re2-vendor')>('re2', `${__dirname}/../util/re2-vendor`).RE2JS;
        try {
          return re2.compile(String(test.value), ci ? re2.CASE_INSENSITIVE : 0);
        } catch (e) {
          throw new ConditionError(valuePointer, `invalid regular expression: ${(e as Error).message}`);
        }
      };
      let re = opts.validated ? undefined : compile();
      const memo = new RegexMemo((s) => (re ??= compile()).matcher(s).find());
      return (v) => {
        const s = scalarText(v);
        return s !== undefined && memo.matches(s);
      };
    }
    case 'cidr': {
      const ranges = (Array.isArray(test.value) ? test.value : [test.value]).map((c, i) => {
        try {
          return ipaddr.parseCIDR(String(c));
        } catch {
          throw new ConditionError(Array.isArray(test.value) ? `${valuePointer}/${i}` : valuePointer, `not a CIDR range: "${String(c)}"`);
        }
      });
      return (v) => {
        if (typeof v !== 'string') return false;
        // A range as the value (a security group rule's SourceCidrIp): inside when all of it is.
        let prefix: number | undefined;
        let text = v;
        const slash = v.indexOf('/');
        if (slash > 0) {
          prefix = Number(v.slice(slash + 1));
          text = v.slice(0, slash);
          if (!Number.isInteger(prefix)) return false;
        }
        const s = canonicalIp(text);
        if (s === undefined) return false;
        const addr = ipaddr.parse(s);
        for (const [net, bits] of ranges) {
          if (net.kind() === addr.kind() && (prefix === undefined || prefix >= bits) && addr.match(net, bits)) return true;
        }
        return false;
      };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const bound = Number(test.value);
      const cmp = { gt: (n: number) => n > bound, gte: (n: number) => n >= bound, lt: (n: number) => n < bound, lte: (n: number) => n <= bound }[test.op];
      return (v) => {
        const s = scalarText(v);
        if (s === undefined || s.trim() === '') return false;
        const n = Number(s);
        return Number.isFinite(n) && cmp(n);
      };
    }
    case 'rangeCovers': {
      const ports = Array.isArray(test.value) ? (test.value as number[]) : [test.value as number];
      return (v) => {
        const range = parsePortRange(v);
        return range !== undefined && ports.some((p) => p >= range[0] && p <= range[1]);
      };
    }
    case 'timeOfDay':
      return compileTimeOfDay(test.value as TimeOfDaySpec, valuePointer, opts);
    default:
      throw new ConditionError(`${pointer}/op`, `unknown operator "${String(test.op)}"`);
  }
}

/**
 * Port ranges as Alibaba Cloud writes them: "22/22", "1/65535", "-1/-1" (all ports,
 * for ICMP/ALL rules), also "20-30" and a single port.
 */
export function parsePortRange(v: unknown): [number, number] | undefined {
  const s = scalarText(v)?.trim();
  if (s === undefined) return undefined;
  if (s === '-1/-1' || s === '-1') return [0, 65535];
  const m = /^(\d{1,5})(?:\s*[/-]\s*(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to ? [from, to] : [to, from];
}

interface TimeOfDaySpec {
  timezone: string;
  from: string;
  to: string;
  days?: string[];
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Whether a timestamp field falls within working hours: `[from, to)` local time in
 * `timezone` (IANA name or UTC offset), on `days`. A range whose end is before its
 * start runs over midnight (22:00-06:00).
 */
function compileTimeOfDay(spec: TimeOfDaySpec, pointer: string, opts: CompileOptions): ValueCheck {
  let clock = opts.validated ? undefined : localClock(spec.timezone, `${pointer}/timezone`);
  const local = (t: number) => (clock ??= localClock(spec.timezone, `${pointer}/timezone`))(t);
  const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));
  const from = minutes(spec.from);
  const to = minutes(spec.to);
  const days = spec.days ? new Set(spec.days) : undefined;
  return (v) => {
    const t = typeof v === 'number' ? v : typeof v === 'string' ? parseIsoTime(v) : NaN;
    if (!Number.isFinite(t)) return false;
    const { day, minute } = local(t);
    if (days && !days.has(day)) return false;
    return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
  };
}

/** Day and minute of the day of an instant in a zone (exported for tests). */
export function localClock(timezone: string, pointer: string): (t: number) => { day: string; minute: number } {
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(timezone);
  if (offset || timezone === 'UTC' || timezone === 'Z') {
    const ms = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
    return (t) => {
      const d = new Date(t + ms);
      return { day: DAY_NAMES[d.getUTCDay()], minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
    };
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    throw new ConditionError(pointer, `unknown time zone "${timezone}" (use an IANA name such as Asia/Shanghai, or an offset such as +08:00)`);
  }
  const exact = (t: number): { day: string; minute: number } => {
    let day = 'sun';
    let minute = 0;
    for (const part of format.formatToParts(t)) {
      if (part.type === 'weekday') day = part.value.slice(0, 3).toLowerCase();
      else if (part.type === 'hour') minute += Number(part.value) * 60;
      else if (part.type === 'minute') minute += Number(part.value);
    }
    return { day, minute };
  };
  // formatToParts costs microseconds. Zone offsets are whole quarter hours today, so a
  // quarter hour of UTC is one stretch of local clock: its start is formatted once, and
  // checked against its end (a transition, or an odd historical offset, inside the
  // quarter shows as a jump, and that quarter is formatted exactly).
  let quarter = NaN;
  let start: { day: string; minute: number } | undefined;
  return (t) => {
    const q = Math.floor(t / QUARTER_HOUR_MS);
    if (q !== quarter) {
      quarter = q;
      const first = exact(q * QUARTER_HOUR_MS);
      const last = exact((q + 1) * QUARTER_HOUR_MS - 1);
      start = last.day === first.day && last.minute === first.minute + 14 ? first : undefined;
    }
    if (start === undefined) return exact(t);
    return { day: start.day, minute: start.minute + Math.floor((t - q * QUARTER_HOUR_MS) / 60_000) };
  };
}

const QUARTER_HOUR_MS = 15 * 60_000;
