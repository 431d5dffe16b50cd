import { SecEvent, Source } from '../events/event';
import { CompiledRule } from '../rules/rule';
import { Condition } from '../rules/condition';
import { StateStore, StateWrite } from '../state/store';
import { stableId } from '../util/hash';
import { Alert, EvidenceRef, asEvidence, detachEvidence } from './alert';
import { DormancyState, NewValueState, SequenceState, dormancyStep, emptySequence, newValueStep, sequenceStep } from './kinds';
import { Detection, WindowState, addHit, emptyWindow } from './threshold';

/** A detection before suppression decides whether it becomes an alert. */
interface Candidate {
  rule: CompiledRule;
  key: string;
  fields: Record<string, unknown>;
  detection: Detection;
}

interface ThresholdGroup {
  rule: CompiledRule;
  key: string;
  stateKey: string;
  fields: Record<string, unknown>;
  /** `v`: the distinct-count value (threshold) or the value (newValue); `steps`: the sequence steps the event matches. */
  hits: Array<{ t: number; v?: string; steps?: number[]; event: SecEvent }>;
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
 * synchronous and stateless; everything stateful of one batch (threshold windows,
 * suppression) happens in a single StateStore transaction.
 */
export class Detector {
  private readonly bySource = new Map<Source, RuleIndex>();

  constructor(
    readonly rules: readonly CompiledRule[],
    private readonly store: StateStore,
  ) {
    for (const rule of rules) {
      if (!rule.enabled) continue;
      for (const source of rule.sources) {
        let index = this.bySource.get(source);
        if (!index) {
          index = new RuleIndex(INDEX_FIELD[source]);
          this.bySource.set(source, index);
        }
        index.add(rule);
      }
    }
  }

  async process(events: readonly SecEvent[], opts: ProcessOptions = {}): Promise<Alert[]> {
    const candidates: Candidate[] = [];
    const groups = new Map<string, ThresholdGroup>();
    // Per rule, its groups by key: the state key string is built once per group, not per hit.
    const byRule = new Map<CompiledRule, Map<string, ThresholdGroup>>();
    for (const event of events) {
      const index = this.bySource.get(event.source);
      if (index === undefined) continue;
      for (const rule of index.candidates(event.fields)) {
        if (!rule.matches(event.fields)) continue;
        const key = rule.keyOf(event.fields);
        if (rule.definition.kind === 'match') {
          candidates.push({ rule, key, fields: event.fields, detection: { t: event.time, count: 1, evidence: [event] } });
          continue;
        }
        let v: string | undefined;
        let steps: number[] | undefined;
        if (rule.threshold?.distinct !== undefined) {
          const values = rule.threshold.distinct(event.fields);
          if (values.length === 0 || values[0] === null) continue;
          v = typeof values[0] === 'object' ? JSON.stringify(values[0]) : String(values[0]);
        } else if (rule.newValue) {
          const value = rule.newValue.value(event.fields);
          if (value === undefined || value === null || value === '') continue;
          v = typeof value === 'object' ? JSON.stringify(value) : String(value);
        } else if (rule.sequence) {
          steps = [];
          rule.sequence.steps.forEach((step, i) => {
            if (step.matches(event.fields)) steps!.push(i);
          });
          if (steps.length === 0) continue;
        }
        let ruleGroups = byRule.get(rule);
        if (ruleGroups === undefined) {
          ruleGroups = new Map();
          byRule.set(rule, ruleGroups);
        }
        let group = ruleGroups.get(key);
        if (group === undefined) {
          const stateKey = `${STATE_PREFIX[rule.definition.kind]}:${rule.id}:${key}`;
          group = { rule, key, stateKey, fields: event.fields, hits: [] };
          ruleGroups.set(key, group);
          groups.set(stateKey, group);
        }
        group.hits.push({ t: event.time, v, steps, event });
      }
    }
    const now = maxTime(events);
    if (opts.batchId === undefined && groups.size === 0 && !candidates.some((c) => c.rule.suppressMs !== undefined)) {
      return this.firstSeen(candidates.map((c) => this.toAlert(c, 0)), now);
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
    for (const c of matched) if (c.rule.suppressMs !== undefined) keys.add(suppressionKey(c.rule, c.key));
    for (const g of groups.values()) if (g.rule.suppressMs !== undefined) keys.add(suppressionKey(g.rule, g.key));

    return this.store.transact<{ alerts: Alert[]; replayed: boolean }>([...keys], now, (current) => {
      const writes = new Map<string, StateWrite | null>();
      if (batchKey && current.has(batchKey)) {
        return { writes, result: { alerts: current.get(batchKey) as Alert[], replayed: true } };
      }
      const candidates = [...matched];
      for (const [stateKey, group] of groups) {
        const rule = group.rule;
        const emit = (d: Detection | undefined, event: SecEvent) => {
          if (d) candidates.push({ rule, key: group.key, fields: event.fields, detection: d });
        };
        group.hits.sort((a, b) => a.t - b.t);
        const added = new Set(group.hits.map((h) => h.event.id));
        const detach = (ref: EvidenceRef) => (typeof ref.time === 'number' && added.has(ref.id) ? detachEvidence(asEvidence(ref)) : ref);
        if (rule.threshold) {
          const spec = rule.threshold;
          const state = (current.get(stateKey) as WindowState | undefined) ?? emptyWindow();
          for (const hit of group.hits) {
            emit(addHit(state, { t: hit.t, id: hit.event.id, v: hit.v, evidence: hit.event }, spec.count, spec.windowMs, spec.distinct !== undefined), hit.event);
          }
          // What stays in the window outlives this batch: detach the evidence this batch added.
          for (const entry of state.h) if (entry[2] !== null) entry[2] = detach(entry[2]);
          writes.set(stateKey, state.h.length === 0 ? null : { value: state, ttlMs: spec.windowMs });
        } else if (rule.sequence) {
          const spec = rule.sequence;
          const state = (current.get(stateKey) as SequenceState | undefined) ?? emptySequence();
          for (const hit of group.hits) emit(sequenceStep(state, { t: hit.t, id: hit.event.id, steps: hit.steps!, evidence: hit.event }, spec), hit.event);
          state.ev = state.ev.map(detach);
          writes.set(stateKey, { value: state, ttlMs: spec.windowMs });
        } else if (rule.newValue) {
          let state = current.get(stateKey) as NewValueState | undefined;
          for (const hit of group.hits) {
            const r = newValueStep(state, { t: hit.t, value: hit.v!, evidence: hit.event }, rule.newValue);
            state = r.state;
            emit(r.detection, hit.event);
          }
          // Kept for twice the lookback: a group back after a long absence has history, so its values count as new.
          writes.set(stateKey, { value: state, ttlMs: rule.newValue.lookbackMs * 2 });
        } else if (rule.dormancy) {
          let state = current.get(stateKey) as DormancyState | undefined;
          for (const hit of group.hits) {
            const r = dormancyStep(state, { t: hit.t, evidence: hit.event }, rule.dormancy.afterMs);
            state = r.state;
            emit(r.detection, hit.event);
          }
          // Silence is only noticed if the last activity is remembered longer than the silence.
          writes.set(stateKey, { value: state, ttlMs: rule.dormancy.afterMs * 2 });
        }
      }

      candidates.sort((a, b) => a.detection.t - b.detection.t);
      const alerts: Alert[] = [];
      const suppression = new Map<string, SuppressionState | null>();
      for (const c of candidates) {
        const period = c.rule.suppressMs;
        if (period === undefined) {
          alerts.push(this.toAlert(c, 0));
          continue;
        }
        const sk = suppressionKey(c.rule, c.key);
        const s = suppression.has(sk) ? suppression.get(sk)! : ((current.get(sk) as SuppressionState | undefined) ?? null);
        if (s !== null && c.detection.t < s.until) {
          suppression.set(sk, { until: s.until, suppressed: s.suppressed + 1 });
          continue;
        }
        alerts.push(this.toAlert(c, s?.suppressed ?? 0));
        suppression.set(sk, { until: c.detection.t + period, suppressed: 0 });
      }
      for (const [sk, s] of suppression) {
        // Held-back alerts are reported by the next alert, so their count outlives the period.
        if (s !== null) writes.set(sk, { value: s, ttlMs: Math.max(0, s.until - now) + (s.suppressed > 0 ? SUPPRESSED_COUNT_TTL_MS : 1000) });
      }
      if (batchKey) writes.set(batchKey, { value: alerts, ttlMs: BATCH_MARKER_TTL_MS });
      return { writes, result: { alerts, replayed: false } };
    });
  }

  private toAlert(c: Candidate, suppressed: number): Alert {
    const { rule, key, detection } = c;
    const def = rule.definition;
    const evidence = detection.evidence.map(asEvidence);
    const time = new Date(detection.t).toISOString();
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
}

/** Key prefixes of each kind's state in the store. */
const STATE_PREFIX: Record<string, string> = { threshold: 'w', sequence: 'q', newValue: 'n', dormancy: 'z' };

/** The field each source's rules are indexed on: an event is only tested against rules that can match it. */
const INDEX_FIELD: Record<Source, string> = {
  actiontrail: 'eventName',
  sshd: 'event.action',
  sudo: 'event.action',
  account: 'event.action',
  syslog: 'event.action',
  webserver: 'event.action',
  osquery: 'osquery.name',
  json: 'event.action',
  posture: 'posture.check',
};

/**
 * Rules of one source, pre-filtered by the value of one field. A rule whose condition
 * requires (at its top level) that field to equal one of some values is filed under
 * those values; any other rule is tested against every event of the source.
 */
class RuleIndex {
  private readonly byValue = new Map<string, CompiledRule[]>();
  private readonly always: CompiledRule[] = [];
  private readonly cache = new Map<string, CompiledRule[]>();
  private readonly order = new Map<CompiledRule, number>();
  private readonly segments: string[];

  constructor(private readonly field: string) {
    this.segments = field.split('.');
  }

  add(rule: CompiledRule): void {
    this.order.set(rule, this.order.size);
    const values = requiredValues(rule.definition.condition, this.field);
    if (values === undefined) this.always.push(rule);
    else for (const v of values) this.byValue.set(v, [...(this.byValue.get(v) ?? []), rule]);
    this.cache.clear();
  }

  candidates(fields: Record<string, unknown>): CompiledRule[] {
    let node: unknown = fields;
    for (const seg of this.segments) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    if (typeof node !== 'string' && typeof node !== 'number') return this.byValue.size === 0 ? this.always : this.merged(undefined);
    return this.merged(String(node));
  }

  /** Rules for a value, in load order, computed once per value. */
  private merged(value: string | undefined): CompiledRule[] {
    const key = value ?? '\u0000';
    let list = this.cache.get(key);
    if (!list) {
      const hits = new Set(value === undefined ? [] : (this.byValue.get(value) ?? []));
      list = [...this.always, ...hits].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
      if (this.cache.size < 10_000) this.cache.set(key, list);
    }
    return list;
  }
}

/** Values a condition requires `field` to have (top-level equals/in, case-sensitive), if it does. */
function requiredValues(cond: Condition, field: string): string[] | undefined {
  const tests = 'all' in cond ? cond.all : [cond];
  for (const t of tests) {
    if (!('field' in t) || t.field !== field || t.caseInsensitive) continue;
    if (t.op === 'equals' && (typeof t.value === 'string' || typeof t.value === 'number')) return [String(t.value)];
    if (t.op === 'in' && Array.isArray(t.value)) return t.value.map((v) => String(v));
  }
  return undefined;
}

function suppressionKey(rule: CompiledRule, key: string): string {
  return `s:${rule.id}:${key}`;
}

function maxTime(events: readonly SecEvent[]): number {
  let t = 0;
  for (const e of events) if (e.time > t) t = e.time;
  return t;
}
