import { SecEvent, Source } from '../events/event';
import { CompiledRule } from '../rules/rule';
import { Condition, scalarText } from '../rules/condition';
import { StateStore, StateWrite } from '../state/store';
import { stableId } from '../util/hash';
import { ownString } from '../util/own-string';
import { isoTimestamp } from '../util/time';
import { Alert, DetachedEvidence, EvidenceRef, asEvidence, detachEvidence, isBatchEvent } from '../alerts/alert';
import { DormancyState, NewValueState, SequenceState, dormancyStep, emptySequence, newValueStep, sequenceStep } from './kinds/stateful';
import { Detection, WindowState, addHit, emptyWindow } from './kinds/threshold';

/** A detection before suppression decides whether it becomes an alert. */
interface Candidate {
  rule: CompiledRule;
  key: string;
  fields: Record<string, unknown>;
  detection: Detection;
  /** Suppression state key (match rules with suppress), made once per candidate. */
  sk?: string;
  /** Already decided (detections of stateful rules): the count of held-back alerts it reports. */
  held?: number;
}

interface ThresholdGroup {
  rule: CompiledRule;
  key: string;
  sk?: string;
  /** The events that hit the group, in arrival order (no object per hit). */
  events: SecEvent[];
  /** Beside each event: the distinct-count value (threshold), the value (newValue), or the bit mask of the sequence steps it matches. */
  aux: Array<string | number | undefined>;
}

interface RuleGroups {
  /** The rule's state keys without the group key (`w:<rule id>:`). */
  prefix: string;
  byKey: Map<string, ThresholdGroup>;
  /** The group of the rule's latest hit. */
  last: ThresholdGroup | undefined;
}

const SUPPRESSED_COUNT_TTL_MS = 7 * 86_400_000;
/** How long an alert id is remembered, so the same detection is never raised twice. */
const ALERT_DEDUP_TTL_MS = 7 * 86_400_000;
/** How long the alerts of an evaluated batch are kept for a redelivery of that batch. */
const BATCH_MARKER_TTL_MS = 86_400_000;

export interface ProcessOptions {
  /**
   * Identity of a delivery unit that may be redelivered (an SLS shard's cursor range).
   * A batch seen before is not evaluated again: its first evaluation's alerts are
   * returned, so a retry after a failed dispatch re-sends them and nothing is counted twice.
   */
  batchId?: string;
}

interface SuppressionState {
  until: number;
  suppressed: number;
}

/**
 * Evaluates batches of normalized events against compiled rules. Matching is
 * synchronous and stateless, one event at a time as it is read (while it is still in
 * the processor's cache, and so that events no rule wants die young); everything
 * stateful of a batch (threshold windows, suppression) happens in one StateStore
 * transaction when the batch is finished.
 */
export class Detector {
  private readonly bySource = new Map<Source, RuleIndex>();

  constructor(
    readonly rules: readonly CompiledRule[],
    readonly store: StateStore,
  ) {
    for (const rule of rules) {
      if (!rule.enabled) continue;
      for (const source of rule.sources) {
        let index = this.bySource.get(source);
        if (!index) {
          index = new RuleIndex(INDEX_FIELDS[source]);
          this.bySource.set(source, index);
        }
        index.add(rule);
      }
    }
  }

  /** Whether any enabled rule reads events of `source` (those of other sources need not be built). */
  evaluates(source: Source): boolean {
    return this.bySource.has(source);
  }

  /** A new batch: `add` its events as they come, then `finish` it. */
  begin(): DetectionBatch {
    return new DetectionBatch(this.bySource, this.store);
  }

  /** Evaluates a whole batch at once. */
  async process(events: readonly SecEvent[], opts: ProcessOptions = {}): Promise<Alert[]> {
    const batch = this.begin();
    for (let i = 0; i < events.length; i++) batch.add(events[i]);
    return batch.finish(opts);
  }
}

/**
 * One batch of events being evaluated: what matched so far (alerts of match rules,
 * hits of stateful rules grouped by rule and key) until `finish`.
 */
export class DetectionBatch {
  private readonly candidates: Candidate[] = [];
  /** Groups of stateful rules by state key. */
  private readonly groups = new Map<string, ThresholdGroup>();
  /** Per rule, its groups by key: the state key string is built once per group, not per hit. */
  private readonly byRule = new Map<CompiledRule, RuleGroups>();
  private now = 0;
  private finished = false;
  private added = 0;

  constructor(
    private readonly bySource: Map<Source, RuleIndex>,
    private readonly store: StateStore,
  ) {}

  /** Events added. */
  get size(): number {
    return this.added;
  }

  /** Tests one event against the rules of its source. Synchronous: no I/O until `finish`. */
  add(event: SecEvent): void {
    if (this.finished) throw new Error('DetectionBatch.add after finish');
    this.added++;
    if (event.time > this.now) this.now = event.time;
    const index = this.bySource.get(event.source);
    if (index === undefined) return;
    const fields = event.fields;
    const { rules, check } = index.candidates(fields);
    // Rules grouping by the same fields (the brute-force rules, by source.ip) share the event's key.
    let keyFor: string | undefined;
    let key = '';
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      if (check[r] && !rule.matches(fields)) continue;
      if (rule.groupSignature !== keyFor) {
        keyFor = rule.groupSignature;
        key = rule.keyOf(fields);
      }
      if (rule.definition.kind === 'match') {
        this.candidates.push({ rule, key, fields, detection: { t: event.time, count: 1, evidence: [event] } });
        continue;
      }
      let v: string | undefined;
      let steps = 0;
      if (rule.threshold?.distinct !== undefined) {
        const value = rule.threshold.distinct(fields);
        if (value === undefined || value === null) continue;
        v = stateText(value);
      } else if (rule.newValue) {
        const value = rule.newValue.value(fields);
        if (value === undefined || value === null || value === '') continue;
        v = stateText(value);
      } else if (rule.sequence) {
        const seq = rule.sequence.steps;
        for (let i = 0; i < seq.length; i++) if (seq[i].matches(fields)) steps |= 1 << i;
        if (steps === 0) continue;
      }
      let ruleGroups = this.byRule.get(rule);
      if (ruleGroups === undefined) {
        ruleGroups = { prefix: `${STATE_PREFIX[rule.definition.kind]}:${rule.id}:`, byKey: new Map(), last: undefined };
        this.byRule.set(rule, ruleGroups);
      }
      // Hits come in runs of one key (a brute force is many lines from one address).
      let group = ruleGroups.last;
      if (group === undefined || group.key !== key) {
        group = ruleGroups.byKey.get(key);
        if (group === undefined) {
          group = { rule, key, events: [], aux: [] };
          ruleGroups.byKey.set(key, group);
          this.groups.set(ruleGroups.prefix + key, group);
        }
        ruleGroups.last = group;
      }
      group.events.push(event);
      if (rule.definition.kind !== 'dormancy') group.aux.push(rule.sequence ? steps : v);
    }
  }

  /** Runs the batch's state transaction and returns its alerts (each raised once). */
  async finish(opts: ProcessOptions = {}): Promise<Alert[]> {
    if (this.finished) throw new Error('DetectionBatch.finish called twice');
    this.finished = true;
    const { candidates, groups, now } = this;
    if (opts.batchId === undefined && groups.size === 0 && !candidates.some((c) => c.rule.suppressMs !== undefined)) {
      return this.firstSeen(candidates.map((c) => toAlert(c, 0)), now);
    }
    const { alerts, replayed } = await this.evaluateStateful(candidates, groups, now, opts.batchId);
    return replayed ? alerts : this.firstSeen(alerts, now);
  }

  /** Drops alerts already raised (same detection replayed, or seen by another instance). */
  private async firstSeen(alerts: Alert[], now: number): Promise<Alert[]> {
    if (alerts.length === 0) return alerts;
    const fresh = await this.store.claim(alerts.map((a) => `a:${a.id}`), now, ALERT_DEDUP_TTL_MS);
    return alerts.filter((_, i) => fresh[i]);
  }

  private async evaluateStateful(
    matched: Candidate[],
    groups: Map<string, ThresholdGroup>,
    now: number,
    batchId: string | undefined,
  ): Promise<{ alerts: Alert[]; replayed: boolean }> {
    const batchKey = batchId === undefined ? undefined : `b:${batchId}`;
    const keys = new Set<string>(groups.keys());
    if (batchKey) keys.add(batchKey);
    for (const c of matched) if (c.rule.suppressMs !== undefined) keys.add((c.sk = suppressionKey(c.rule, c.key)));
    for (const g of groups.values()) if (g.rule.suppressMs !== undefined) keys.add((g.sk = suppressionKey(g.rule, g.key)));

    return this.store.transact<{ alerts: Alert[]; replayed: boolean }>([...keys], now, (current) => {
      const writes = new Map<string, StateWrite | null>();
      if (batchKey && current.has(batchKey)) {
        return { writes, result: { alerts: current.get(batchKey) as Alert[], replayed: true } };
      }
      const candidates = [...matched];
      // What stays in a window outlives this batch and is detached; an event held by
      // several rules' windows is detached once. Evidence of earlier batches is detached
      // already.
      const detached = new Map<SecEvent, DetachedEvidence>();
      const detach = (ref: EvidenceRef): EvidenceRef => {
        if (!isBatchEvent(ref)) return ref;
        let d = detached.get(ref);
        if (d === undefined) {
          d = detachEvidence(ref);
          detached.set(ref, d);
        }
        return d;
      };
      // Suppression per state key: what it is at the start of the batch, changed in
      // place (`current` is this transaction's own copy) as detections are decided.
      const suppression = new Map<string, SuppressionState | null>();
      /** Whether a detection at `t` is raised (the count it reports as held back) or held back (undefined). */
      const decide = (sk: string, t: number, period: number): number | undefined => {
        let s = suppression.get(sk);
        if (s === undefined) {
          s = (current.get(sk) as SuppressionState | undefined) ?? null;
          suppression.set(sk, s);
        }
        if (s !== null && t < s.until) {
          s.suppressed++;
          return undefined;
        }
        const held = s?.suppressed ?? 0;
        if (s === null) suppression.set(sk, { until: t + period, suppressed: 0 });
        else {
          s.until = t + period;
          s.suppressed = 0;
        }
        return held;
      };
      /** Until when a group's detections are held back (read only: an unchanged state is not written back). */
      const suppressedUntil = (group: ThresholdGroup): number => {
        if (group.sk === undefined) return -Infinity;
        const s = suppression.has(group.sk) ? suppression.get(group.sk) : (current.get(group.sk) as SuppressionState | undefined);
        return s?.until ?? -Infinity;
      };
      for (const [stateKey, group] of groups) {
        const rule = group.rule;
        const period = rule.suppressMs;
        // A group's detections come in time order and its suppression key is its own,
        // so they are decided here: held-back ones never become candidates.
        const emit = (d: Detection | undefined, event: SecEvent) => {
          if (d === undefined) return;
          const held = period === undefined ? 0 : decide(group.sk!, d.t, period);
          if (held !== undefined) candidates.push({ rule, key: group.key, fields: event.fields, detection: d, held });
        };
        const { events, aux } = group;
        inTimeOrder(events, aux);
        const n = events.length;
        if (rule.threshold) {
          const spec = rule.threshold;
          const distinct = spec.distinct !== undefined;
          const state = (current.get(stateKey) as WindowState | undefined) ?? emptyWindow();
          for (let i = 0; i < n; i++) {
            const e = events[i];
            emit(addHit(state, e.time, e.id, aux[i] as string | undefined, e, spec.count, spec.windowMs, distinct), e);
          }
          // An entry's window completes within windowMs of it: if that is still inside the
          // suppression period, the detection will be held back and its evidence never shown.
          const until = suppressedUntil(group);
          for (const entry of state.h) if (entry[2] !== null) entry[2] = entry[0] + spec.windowMs < until ? null : detach(entry[2]);
          writes.set(stateKey, state.h.length === 0 ? null : { value: state, ttlMs: spec.windowMs });
        } else if (rule.sequence) {
          const spec = rule.sequence;
          const stored = current.get(stateKey) as SequenceState | undefined;
          const state = stored ?? emptySequence();
          let completed = false;
          for (let i = 0; i < n; i++) {
            const e = events[i];
            const d = sequenceStep(state, e.time, e.id, aux[i] as number, e, spec);
            if (d) completed = true;
            emit(d, e);
          }
          // A group that had no state and none of whose events started the sequence (a
          // login with no failures before it, most logins) has nothing worth keeping.
          if (stored === undefined && !completed && state.stage === 0 && state.n === 0) continue;
          // Likewise a sequence completes within windowMs of its start.
          const until = suppressedUntil(group);
          if (state.start + spec.windowMs < until) state.ev.length = 0;
          for (let i = 0; i < state.ev.length; i++) state.ev[i] = detach(state.ev[i]);
          writes.set(stateKey, { value: state, ttlMs: spec.windowMs });
        } else if (rule.newValue) {
          let state = current.get(stateKey) as NewValueState | undefined;
          for (let i = 0; i < n; i++) {
            const e = events[i];
            const r = newValueStep(state, { t: e.time, value: aux[i] as string, evidence: e }, rule.newValue);
            state = r.state;
            emit(r.detection, e);
          }
          // Kept for twice the lookback: a group back after a long absence has history, so its values count as new.
          writes.set(stateKey, { value: state, ttlMs: rule.newValue.lookbackMs * 2 });
        } else if (rule.dormancy) {
          let state = current.get(stateKey) as DormancyState | undefined;
          for (let i = 0; i < n; i++) {
            const r = dormancyStep(state, { t: events[i].time, evidence: events[i] }, rule.dormancy.afterMs);
            state = r.state;
            emit(r.detection, events[i]);
          }
          // Silence is only noticed if the last activity is remembered longer than the silence.
          writes.set(stateKey, { value: state, ttlMs: rule.dormancy.afterMs * 2 });
        }
      }

      candidates.sort((a, b) => a.detection.t - b.detection.t);
      const alerts: Alert[] = [];
      for (const c of candidates) {
        const period = c.rule.suppressMs;
        // Match rules' candidates are decided in time order here.
        const held = c.held ?? (period === undefined ? 0 : decide(c.sk!, c.detection.t, period));
        if (held !== undefined) alerts.push(toAlert(c, held));
      }
      for (const [sk, s] of suppression) {
        // Held-back alerts are reported by the next alert, so their count outlives the period.
        if (s !== null) writes.set(sk, { value: s, ttlMs: Math.max(0, s.until - now) + (s.suppressed > 0 ? SUPPRESSED_COUNT_TTL_MS : 1000) });
      }
      if (batchKey) writes.set(batchKey, { value: alerts, ttlMs: BATCH_MARKER_TTL_MS });
      return { writes, result: { alerts, replayed: false } };
    });
  }
}

function toAlert(c: Candidate, suppressed: number): Alert {
  const { rule, key, detection } = c;
  const def = rule.definition;
  const evidence = detection.evidence.map(asEvidence);
  const time = isoTimestamp(detection.t);
  return {
    id: stableId(rule.id, key, detection.t, evidence[0]?.id ?? ''),
    rule: rule.id,
    title: def.title,
    severity: rule.severity,
    time,
    key,
    group: rule.groupOf(c.fields),
    count: detection.count,
    suppressed,
    message: rule.render(evidence[0]?.fields ?? c.fields, { count: detection.count, key }),
    tags: def.tags ?? [],
    references: def.references ?? [],
    runbook: def.runbook,
    evidence,
  };
}

/**
 * Puts a group's events (and their aux values) in time order, stably. Events usually
 * arrive in order, so this is mostly one pass that finds nothing to do.
 */
function inTimeOrder(events: SecEvent[], aux: Array<string | number | undefined>): void {
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) if (events[i].time < events[i - 1].time) sorted = false;
  if (sorted) return;
  const order = events.map((_, i) => i).sort((a, b) => events[a].time - events[b].time || a - b);
  const e = order.map((i) => events[i]);
  const x = aux.length === 0 ? aux : order.map((i) => aux[i]);
  // Copied back element by element: a spread of a large group would exceed the call stack.
  for (let i = 0; i < e.length; i++) events[i] = e[i];
  if (x !== aux) for (let i = 0; i < x.length; i++) aux[i] = x[i];
}

/** Key prefixes of each kind's state in the store. */
const STATE_PREFIX: Record<string, string> = { threshold: 'w', sequence: 'q', newValue: 'n', dormancy: 'z' };

/**
 * The fields each source's rules are indexed on, most selective first: an event is
 * only tested against rules that can match its values of these fields.
 */
const INDEX_FIELDS: Record<Source, string[]> = {
  actiontrail: ['eventName', 'userIdentity.type', 'eventType'],
  sshd: ['event.action'],
  sudo: ['event.action'],
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
interface Candidates {
  rules: CompiledRule[];
  check: boolean[];
}

interface CacheNode {
  found?: Candidates;
  next?: Map<string, CacheNode>;
}

/**
 * Rules of one source, pre-filtered by the values of a few fields. A rule whose
 * condition requires (at its top level) some of these fields to equal one of some
 * values is a candidate only for events whose values of those fields are among them
 * (all of them: a console sign-in rule that also requires a RAM user is not tested
 * against API calls of RAM users); any other rule is tested against every event of
 * the source. The candidates of each combination of values are computed once, in load
 * order, and found again through a tree of maps (one level per field), without
 * building a key per event.
 */
class RuleIndex {
  private readonly rules: CompiledRule[] = [];
  /** Per rule, per index field: the values its condition requires, if it requires any. */
  private readonly required = new Map<CompiledRule, Array<Set<string> | undefined>>();
  /** Rules whose condition is nothing but equality tests of index fields. */
  private readonly proven = new Set<CompiledRule>();
  private readonly paths: string[][];
  /** The values of the event being looked up (one slot per field, reused). */
  private readonly values: string[];
  private cache: CacheNode = {};
  private cached = 0;

  constructor(private readonly fields: string[]) {
    this.paths = fields.map((f) => f.split('.'));
    this.values = fields.map(() => NO_VALUE);
  }

  add(rule: CompiledRule): void {
    const cond = rule.definition.condition;
    const required = this.fields.map((f) => {
      const values = requiredValues(cond, f);
      return values === undefined ? undefined : new Set(values);
    });
    this.rules.push(rule);
    this.required.set(rule, required);
    if (onlyIndexedTests(cond, this.fields)) this.proven.add(rule);
    this.cache = {};
    this.cached = 0;
  }

  candidates(fields: Record<string, unknown>): Candidates {
    const paths = this.paths;
    let node: CacheNode | undefined = this.cache;
    for (let i = 0; i < paths.length; i++) {
      const value = indexValue(fields, paths[i]);
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
    const rules: CompiledRule[] = [];
    const check: boolean[] = [];
    for (const rule of this.rules) {
      const required = this.required.get(rule)!;
      let possible = true;
      // Every requirement checked against a known value: the lookup itself proved them.
      let decided = true;
      for (let i = 0; i < required.length && possible; i++) {
        const values = required[i];
        if (values === undefined) continue;
        if (this.values[i] === ANY_VALUE) decided = false;
        else possible = values.has(this.values[i]);
      }
      if (!possible) continue;
      rules.push(rule);
      check.push(!(decided && this.proven.has(rule)));
    }
    return { rules, check };
  }
}

/**
 * An event's value of an index field, as conditions compare it (scalars by their
 * text). Where a condition would look further (into arrays, or for a literal dotted
 * key when an object on the way is missing), ANY_VALUE.
 */
function indexValue(fields: Record<string, unknown>, path: string[]): string {
  let node: unknown = fields;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    if (Array.isArray(node)) return ANY_VALUE;
    const next = (node as Record<string, unknown>)[path[i]];
    if (next === undefined || next === null || typeof next !== 'object' || i === last) {
      if (i < last) return next === undefined ? ANY_VALUE : NO_VALUE;
      node = next;
      break;
    }
    node = next;
  }
  return scalarText(node) ?? (Array.isArray(node) ? ANY_VALUE : NO_VALUE);
}

/** Whether a condition is nothing but tests that requiredValues reads (equals/in of index fields, alone or in an `all`). */
function onlyIndexedTests(cond: Condition, fields: string[]): boolean {
  const tests = 'all' in cond ? cond.all : [cond];
  if (tests.length === 0 || !tests.every((t) => 'field' in t && fields.includes(t.field) && requiredValues(t, t.field) !== undefined)) return false;
  // requiredValues reads the first test of a field: a second test of the same field is left to the condition.
  return new Set(tests.map((t) => ('field' in t ? t.field : ''))).size === tests.length;
}

/** Values a condition requires `field` to have (top-level equals/in on scalars, case-sensitive), as text, if it does. */
function requiredValues(cond: Condition, field: string): string[] | undefined {
  const tests = 'all' in cond ? cond.all : [cond];
  for (const t of tests) {
    if (!('field' in t) || t.field !== field || t.caseInsensitive) continue;
    const values = t.op === 'equals' ? [t.value] : t.op === 'in' && Array.isArray(t.value) ? t.value : [];
    const texts = values.map(scalarText);
    if (texts.length > 0 && texts.every((x) => x !== undefined)) return texts as string[];
  }
  return undefined;
}

/**
 * A distinct-count or new value as the state keeps it: its text, of its own (a user
 * name captured from a syslog line would otherwise keep the line's input block alive
 * for as long as the window holds it).
 */
function stateText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : ownString(String(value));
}

function suppressionKey(rule: CompiledRule, key: string): string {
  return `s:${rule.id}:${key}`;
}
