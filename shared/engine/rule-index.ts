import { Source } from '../events/event';
import { Condition, FieldTest, scalarText } from '../rules/condition';
import { ArmedRule } from './kind';

/**
 * The fields each source's rules are indexed on, most selective first: an event is
 * only tested against rules that can match its values of these fields.
 */
export const INDEX_FIELDS: Record<Source, string[]> = {
  actiontrail: ['eventName', 'userIdentity.type', 'eventType'],
  // The brute-force rules count `sshd.attempt` (failed attempts of any wording), with or without an action.
  sshd: ['event.action', 'sshd.attempt'],
  sudo: ['event.action'],
  su: ['event.action'],
  account: ['event.action'],
  syslog: ['event.action'],
  webserver: ['event.action'],
  osquery: ['osquery.name'],
  json: ['event.action'],
  posture: ['posture.check'],
};

/** Stands for a missing value (or one no equality test can match) in the candidate cache. */
const NO_VALUE = '\u0000';
/** Stands for values the index cannot tell (arrays, literal dotted keys): every rule filed under the field is a candidate. */
const ANY_VALUE = '\u0001';
/** Distinct value combinations remembered; beyond, candidates are computed each time. */
const MAX_CACHED = 10_000;

/** The rules to test an event against; `check[i]` false when the index lookup itself proved `rules[i]`'s whole condition. */
export interface Candidates {
  rules: ArmedRule[];
  check: boolean[];
}

interface CacheNode {
  found?: Candidates;
  next?: Map<string, CacheNode>;
}

/**
 * One way a condition can hold, as the index sees it: per index field, the values it
 * requires (undefined: any); `proven` when nothing else is tested, so that values
 * found in the index prove the condition.
 */
interface Alternative {
  required: Array<Set<string> | undefined>;
  proven: boolean;
}

/**
 * Rules of one source, pre-filtered by the values of a few fields. A rule whose
 * condition requires (at its top level) some of these fields to equal one of some
 * values is a candidate only for events whose values of those fields are among them
 * (all of them: a console sign-in rule that also requires a RAM user is not tested
 * against API calls of RAM users); a condition that is an `any` of such requirements
 * is a candidate for events that meet one of them (failed attempts, or a login); any
 * other rule is tested against every event of the source. The candidates of each
 * combination of values are computed once, in load order, and found again through a
 * tree of maps (one level per field), without building a key per event.
 */
export class RuleIndex {
  private readonly rules: ArmedRule[] = [];
  /** Per rule, the ways its condition can hold; undefined when the index cannot tell (every event is a candidate). */
  private readonly alternatives = new Map<ArmedRule, Alternative[] | undefined>();
  private readonly paths: string[][];
  /** Per field, its last two segments joined: the literal dotted key indexValue looks for. */
  private readonly tails: Array<string | undefined>;
  /** The values of the event being looked up (one slot per field, reused). */
  private readonly values: string[];
  private cache: CacheNode = {};
  private cached = 0;

  constructor(private readonly fields: string[]) {
    this.paths = fields.map((f) => f.split('.'));
    this.tails = this.paths.map((p) => (p.length >= 2 ? p.slice(-2).join('.') : undefined));
    this.values = fields.map(() => NO_VALUE);
  }

  add(rule: ArmedRule): void {
    const def = rule.rule.definition;
    // A rule with exceptions always runs its compiled condition (the exceptions are in it, not in `condition`).
    const exceptions = (def.exceptions?.length ?? 0) > 0;
    const alternatives = alternativesOf(def.condition, this.fields);
    this.rules.push(rule);
    // One way that requires nothing of the index: every event is a candidate.
    this.alternatives.set(
      rule,
      alternatives.some((a) => a.required.every((r) => r === undefined)) ? undefined : alternatives.map((a) => ({ required: a.required, proven: a.proven && !exceptions })),
    );
    this.cache = {};
    this.cached = 0;
  }

  candidates(fields: Record<string, unknown>): Candidates {
    const paths = this.paths;
    let node: CacheNode | undefined = this.cache;
    for (let i = 0; i < paths.length; i++) {
      const value = indexValue(fields, paths[i], this.tails[i]);
      this.values[i] = value;
      if (node === undefined) continue;
      let next: CacheNode | undefined = node.next?.get(value);
      if (next === undefined && this.cached < MAX_CACHED) {
        next = {};
        (node.next ??= new Map()).set(value, next);
      }
      node = next;
    }
    if (node === undefined) return this.merge();
    if (node.found === undefined) {
      node.found = this.merge();
      this.cached++;
    }
    return node.found;
  }

  /** The candidates for the values in `this.values`, in load order. */
  private merge(): Candidates {
    const rules: ArmedRule[] = [];
    const check: boolean[] = [];
    for (const rule of this.rules) {
      const alternatives = this.alternatives.get(rule);
      if (alternatives === undefined) {
        rules.push(rule);
        check.push(true);
        continue;
      }
      let possible = false;
      let proven = false;
      for (const alt of alternatives) {
        let ok = true;
        // Every requirement checked against a known value: the lookup itself proved them.
        let decided = true;
        for (let i = 0; i < alt.required.length && ok; i++) {
          const values = alt.required[i];
          if (values === undefined) continue;
          if (this.values[i] === ANY_VALUE) decided = false;
          else ok = values.has(this.values[i]);
        }
        if (!ok) continue;
        possible = true;
        if (decided && alt.proven) proven = true;
      }
      if (!possible) continue;
      rules.push(rule);
      check.push(!proven);
    }
    return { rules, check };
  }
}

/**
 * An event's value of an index field, as conditions compare it (scalars by their
 * text). Where a condition would look further (into arrays, or for a literal dotted
 * key when an object on the way is missing), ANY_VALUE.
 */
function indexValue(fields: Record<string, unknown>, path: string[], tail: string | undefined): string {
  let node: unknown = fields;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    if (Array.isArray(node)) return ANY_VALUE;
    const next = (node as Record<string, unknown>)[path[i]];
    if (next === undefined || next === null || typeof next !== 'object' || i === last) {
      if (i < last) {
        if (next !== undefined) return NO_VALUE;
        // Missing next to the last segment, the one literal key that could stand for the rest (`sshd.attempt` where no `sshd` is) is looked up.
        if (i === last - 1 && tail !== undefined) {
          const literal = (node as Record<string, unknown>)[tail];
          return literal === undefined ? NO_VALUE : ANY_VALUE;
        }
        return ANY_VALUE;
      }
      node = next;
      break;
    }
    node = next;
  }
  return scalarText(node) ?? (Array.isArray(node) ? ANY_VALUE : NO_VALUE);
}

/** Beyond this many ways, a condition is left unindexed (its every event a candidate). */
const MAX_ALTERNATIVES = 64;

/**
 * The ways a condition can hold, as the index sees them: the condition in disjunctive
 * form, each of its tests that is not an equality of an index field read as "may be
 * true" (so the ways found cover every event that matches). A way made only of index
 * equalities is proven: those values, found, make the condition true.
 */
function alternativesOf(cond: Condition, fields: string[]): Alternative[] {
  const anything = (): Alternative[] => [{ required: fields.map(() => undefined), proven: false }];
  if ('field' in cond) {
    const at = fields.indexOf(cond.field);
    const values = at < 0 ? undefined : equalityValues(cond);
    if (values === undefined) return anything();
    const required: Array<Set<string> | undefined> = fields.map(() => undefined);
    required[at] = new Set(values);
    return [{ required, proven: true }];
  }
  if ('any' in cond) {
    const ways = cond.any.flatMap((c) => alternativesOf(c, fields));
    return ways.length === 0 || ways.length > MAX_ALTERNATIVES ? anything() : ways;
  }
  if ('all' in cond) {
    let ways: Alternative[] = [{ required: fields.map(() => undefined), proven: true }];
    for (const c of cond.all) {
      const next: Alternative[] = [];
      const of = alternativesOf(c, fields);
      for (const a of ways) for (const b of of) next.push(conjoin(a, b));
      if (next.length > MAX_ALTERNATIVES) return anything();
      ways = next;
    }
    return ways;
  }
  // `not` and `some`: may hold for any values of the index fields.
  return anything();
}

/**
 * Both ways at once: the values a field may have are those both allow. None may be
 * left: a field of one value then meets neither, while an array (whose elements the
 * tests fan out over) is looked up as any value and still meets both.
 */
function conjoin(a: Alternative, b: Alternative): Alternative {
  const required: Array<Set<string> | undefined> = [];
  for (let i = 0; i < a.required.length; i++) {
    const x = a.required[i], y = b.required[i];
    required.push(x === undefined || y === undefined ? (x ?? y) : new Set([...x].filter((v) => y.has(v))));
  }
  return { required, proven: a.proven && b.proven };
}

/** The values an equality test (equals or in, on scalars, case-sensitive) requires, as text. */
function equalityValues(t: FieldTest): string[] | undefined {
  if (t.caseInsensitive) return undefined;
  const values = t.op === 'equals' ? [t.value] : t.op === 'in' && Array.isArray(t.value) ? t.value : [];
  const texts = values.map(scalarText);
  return texts.length > 0 && texts.every((x) => x !== undefined) ? (texts as string[]) : undefined;
}
