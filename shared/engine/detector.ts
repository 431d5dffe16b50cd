import { SecEvent, Source } from '../events/event';
import { CompiledRule } from '../rules/rule';
import { STATE_KEYS, groupKey, groupTag, stateKey, taggedKey } from '../state/keys';
import { StateStore, StateWrite, Transaction, TransactionResult } from '../state/store';
import { digestId } from '../util/hash';
import { isoTimestamp } from '../util/time';
import { Completion, Detection } from './detection';
import { asEvidence } from './evidence';
import { ArmedRule, GroupContext, LATE_DATA_ALLOWANCE_MS, streamOf } from './kind';
import { Silence, Silences, silenced } from './silences';

/** How often a detector reads the silences again. */
const SILENCE_REFRESH_MS = 10_000;
import { armRule } from './kinds';
import { INDEX_FIELDS, RuleIndex } from './rule-index';
import { Suppression } from './suppression';

/** A detection before suppression decides whether it is raised. */
interface Candidate {
  rule: CompiledRule;
  key: string;
  fields: Record<string, unknown>;
  completion: Completion;
  /** Suppression state key (match rules with suppress), made once per candidate. */
  sk?: string;
  /** Already decided (detections of stateful rules): the count of held-back detections it reports. */
  held?: number;
  /** The hash tag of its rule and key (see groupTag). */
  tag?: string;
  /** Its place in the batch, for an order of detections that does not depend on partitions. */
  ordinal?: number;
}

interface Group {
  armed: ArmedRule;
  key: string;
  /** The hash tag of the group's keys (see groupTag). */
  tag: string;
  /** Its names, the same strings in every batch (see GroupNameCache). */
  names: GroupName;
  sk?: string;
  /** Its place in the batch (after the match rules' candidates). */
  ordinal?: number;
  /** The events that hit the group, in arrival order, and beside each the value its kind recorded. */
  events: SecEvent[];
  values: Array<string | number | null>;
  /** For kinds with dueAt: the stream's latest event time before each event (see GroupHits). */
  marks?: number[];
}

interface RuleGroups {
  byKey: Map<string, Group>;
  /** The group of the rule's latest hit. */
  last: Group | undefined;
}

export interface ProcessOptions {
  /**
   * Identity of a delivery unit that may be redelivered (an SLS shard's cursor range).
   * A batch seen before is not evaluated again: its first evaluation's detections are
   * returned, so a retry after a failed dispatch re-sends them and nothing is counted twice.
   */
  batchId?: string;
  /**
   * How what completes with time (an audit summary's periods) completes:
   * - `watermark` (default; Function Compute, a replay into Redis): when its stream's
   *   event time has passed it by the late-data allowance; an event for a period due
   *   before it arrived is late and counted nowhere.
   * - `defer` (a replay on the memory store, whose state ends with it): at the end of
   *   the input, whatever the order of the files; nothing is late.
   * - `end`: this batch ends the input: everything open completes now.
   */
  timed?: 'watermark' | 'defer' | 'end';
}

/**
 * The streams' watermarks and the groups of kinds with dueAt that are due at them:
 * `[due, rule id, group key]`, in one key read by every batch of a detector that has
 * such rules.
 */
interface DueIndex {
  wm: Record<string, number>;
  groups: DueEntry[];
}
type DueEntry = [due: number, ruleId: string, key: string];

/**
 * What one partition's transaction decided (kept as the batch's marker of that
 * partition, for a redelivery): its detections with their places in the batch, the
 * due-index entries of its groups it acted on, and those still due.
 */
interface PartitionResult {
  d: Detection[];
  o: number[];
  used: DueEntry[];
  due: DueEntry[];
}

/** The candidates and groups of a batch whose keys share a partition of the store. */
interface Partition {
  candidates: Candidate[];
  groups: Array<[string, Group]>;
  keys: Set<string>;
  used: DueEntry[];
}

/**
 * Evaluates batches of normalized events against rules. Matching is synchronous and
 * stateless, one event at a time as it is read (while it is still in the processor's
 * cache, and so that events no rule wants die young); everything stateful of a batch
 * happens in one StateStore transaction when the batch is finished, where each rule
 * kind's module advances the state of the groups the batch touched.
 */
export class Detector {
  private readonly bySource = new Map<Source, RuleIndex>();
  /** Rules whose kind completes with time (dueAt), by id. */
  private readonly timed = new Map<string, ArmedRule>();
  readonly rules: readonly CompiledRule[];
  private rulesDigest: string | undefined;

  constructor(
    rules: readonly CompiledRule[],
    readonly store: StateStore,
  ) {
    this.rules = rules;
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const armed = armRule(rule);
      if (armed.module.stateful && armed.module.dueAt !== undefined) this.timed.set(rule.id, armed);
      for (const source of rule.sources) {
        let index = this.bySource.get(source);
        if (!index) {
          index = new RuleIndex(INDEX_FIELDS[source]);
          this.bySource.set(source, index);
        }
        index.add(armed);
      }
    }
  }

  /**
   * The enabled rules' definitions in a few characters: a delivery unit evaluated under
   * other rules is another unit. Worked out when first asked (batch identities), not at
   * every start.
   */
  get fingerprint(): string {
    return (this.rulesDigest ??= digestId(...this.rules.filter((r) => r.enabled).map((r) => JSON.stringify(r.definition))));
  }

  /** Whether any enabled rule reads events of `source` (those of other sources need not be built). */
  evaluates(source: Source): boolean {
    return this.bySource.has(source);
  }

  private readonly names = new GroupNameCache();

  /** A new batch: `add` its events as they come, then `finish` it. */
  begin(): DetectionBatch {
    return new DetectionBatch(this.bySource, this.store, () => this.activeSilences(), this.timed, this.names);
  }

  private silenceCache?: { at: number; list: Promise<Silence[]> };

  /** The silences people set, read once every few seconds (they change by hand, rarely). */
  private activeSilences(): Promise<Silence[]> {
    const now = Date.now();
    if (!this.silenceCache || now - this.silenceCache.at > SILENCE_REFRESH_MS) {
      this.silenceCache = { at: now, list: new Silences(this.store).list().catch(() => []) };
    }
    return this.silenceCache.list;
  }

  /** Evaluates a whole batch at once. */
  async process(events: readonly SecEvent[], opts: ProcessOptions = {}): Promise<Detection[]> {
    const batch = this.begin();
    for (let i = 0; i < events.length; i++) batch.add(events[i]);
    return batch.finish(opts);
  }
}

/**
 * One batch of events being evaluated: what matched so far (detections of match
 * rules, hits of stateful rules grouped by rule and key) until `finish`.
 */
export class DetectionBatch {
  private readonly candidates: Candidate[] = [];
  /** Groups of stateful rules by state key. */
  private readonly groups = new Map<string, Group>();
  /** Per rule, its groups by key: the state key string is built once per group, not per hit. */
  private readonly byRule = new Map<ArmedRule, RuleGroups>();
  private now = 0;
  private earliest = Infinity;
  private finished = false;
  private added = 0;
  private firstId = '';
  private lastId = '';
  /** Per stream, the latest event time added so far (kept only when rules complete with time). */
  private readonly streamMax = new Map<string, number>();

  constructor(
    private readonly bySource: Map<Source, RuleIndex>,
    private readonly store: StateStore,
    private readonly silences: () => Promise<Silence[]> = async () => [],
    /** Rules whose kind completes with time (dueAt): every batch reads and advances what is due. */
    private readonly timed: ReadonlyMap<string, ArmedRule> = new Map(),
    private readonly names = new GroupNameCache(),
  ) {}

  /** Events added. */
  get size(): number {
    return this.added;
  }

  /** The batch's events in a few characters (count, first and last id): with its source, an identity for a redelivery. */
  get fingerprint(): string {
    return `${this.added}:${this.firstId}:${this.lastId}`;
  }

  /** Tests one event against the rules of its source. Synchronous: no I/O until `finish`. */
  add(event: SecEvent): void {
    if (this.finished) throw new Error('DetectionBatch.add after finish');
    if (this.added++ === 0) this.firstId = event.id;
    this.lastId = event.id;
    if (event.time > this.now) this.now = event.time;
    if (event.time < this.earliest) this.earliest = event.time;
    let stream: string | undefined;
    let streamBefore = -Infinity;
    if (this.timed.size > 0) {
      stream = streamOf(event.source);
      streamBefore = this.streamMax.get(stream) ?? -Infinity;
      if (event.time > streamBefore) this.streamMax.set(stream, event.time);
    }
    const index = this.bySource.get(event.source);
    if (index === undefined) return;
    const fields = event.fields;
    const { rules, check } = index.candidates(fields);
    // Rules grouping by the same fields (the brute-force rules, by source.ip) share the
    // event's key, and whether it has every groupBy value.
    let keyFor: string | undefined;
    let key = '';
    let grouped: boolean | undefined;
    for (let r = 0; r < rules.length; r++) {
      const armed = rules[r];
      const rule = armed.rule;
      if (check[r] && !rule.matches(fields)) continue;
      if (rule.groupSignature !== keyFor) {
        keyFor = rule.groupSignature;
        key = rule.keyOf(fields);
        grouped = undefined;
      }
      const kind = armed.module;
      if (!kind.stateful) {
        // Every property from the start: one object shape for every candidate and group (set later, not added).
        this.candidates.push({ rule, key, fields, completion: { t: event.time, count: 1, evidence: [event] }, sk: undefined, held: undefined, tag: undefined, ordinal: undefined });
        continue;
      }
      // A counting rule never lumps events that lack a groupBy value under one key `-`
      // (address-less sshd lines would merge different attackers into one).
      if (!(grouped ??= rule.hasGroup(fields, key))) continue;
      const value = kind.valueOf(armed.spec, fields);
      if (value === undefined) continue;
      let ruleGroups = this.byRule.get(armed);
      if (ruleGroups === undefined) {
        ruleGroups = { byKey: new Map(), last: undefined };
        this.byRule.set(armed, ruleGroups);
      }
      // Hits come in runs of one key (a brute force is many lines from one address).
      let group = ruleGroups.last;
      if (group === undefined || group.key !== key) {
        group = ruleGroups.byKey.get(key);
        if (group === undefined) {
          const names = this.names.of(armed, kind.state, key);
          group = { armed, key, tag: names.tag, names, sk: undefined, ordinal: undefined, events: [], values: [], marks: undefined };
          ruleGroups.byKey.set(key, group);
          this.groups.set(names.stateKey, group);
        }
        ruleGroups.last = group;
      }
      group.events.push(event);
      group.values.push(value);
      if (stream !== undefined && kind.dueAt !== undefined) (group.marks ??= []).push(streamBefore);
    }
  }

  /** Runs the batch's state transaction and returns its detections (each raised once). */
  async finish(opts: ProcessOptions = {}): Promise<Detection[]> {
    if (this.finished) throw new Error('DetectionBatch.finish called twice');
    this.finished = true;
    const { candidates, groups, now } = this;
    const silences = candidates.length > 0 || groups.size > 0 ? await this.silences() : [];
    // Rules that complete with time look at every batch (a stream's watermark may have made a period due).
    const mode = opts.timed ?? 'watermark';
    const timed = this.timed.size > 0 && (this.added > 0 || mode === 'end');
    if (!timed && candidates.length === 0 && groups.size === 0) return [];
    return this.evaluateStateful(candidates, groups, now, opts.batchId, silences, timed ? mode : undefined);
  }

  /** The watermark of each stream after this batch, from the stored ones (Infinity everywhere at the end of the input, -Infinity when deferred). */
  private watermarksAfter(stored: DueIndex | undefined, mode: 'watermark' | 'defer' | 'end'): (stream: string) => number {
    if (mode !== 'watermark') return () => (mode === 'end' ? Infinity : -Infinity);
    return (stream) => Math.max(stored?.wm[stream] ?? -Infinity, this.streamMax.get(stream) ?? -Infinity);
  }

  /**
   * Everything stateful of the batch, one transaction per partition of the store (a
   * Redis Cluster hash slot) that its groups and candidates touch, all run at once.
   * Each group's state, suppression and alert claims share its hash tag, so a group is
   * decided atomically with all its keys; groups are independent of each other, so the
   * detections do not depend on how they are partitioned. Rules that complete with
   * time read the due index first, and update it after (see mergeDueIndex).
   */
  private async evaluateStateful(matched: Candidate[], groups: Map<string, Group>, now: number, batchId: string | undefined, silences: Silence[], timed?: 'watermark' | 'defer' | 'end'): Promise<Detection[]> {
    const store = this.store;
    // A rule with a silence keeps a held-back count per key even without a suppression period.
    const silencedRules = new Set(silences.map((s) => s.rule));
    const counts = (rule: CompiledRule) => rule.suppressMs !== undefined || silencedRules.has(rule.id);
    const dueKey = timed === undefined ? undefined : stateKey('due', 'index');
    // A batch whose first evaluation advanced groups come due pinned them in a manifest (see pinDue).
    const manifestKey = timed === undefined || batchId === undefined ? undefined : taggedKey('batch', groupTag('batch', batchId), batchId, 'due');
    const [dueIndex, pinned] = await Promise.all([
      dueKey === undefined ? undefined : (store.read(dueKey, now) as Promise<DueIndex | undefined>),
      manifestKey === undefined ? undefined : (store.read(manifestKey, now) as Promise<DueEntry[] | undefined>),
    ]);
    // Only on the watermark is anything late: deferred, or at the end, every event counts.
    const wmBefore = (stream: string) => (timed === 'watermark' ? (dueIndex?.wm[stream] ?? -Infinity) : -Infinity);
    const wmAfter = this.watermarksAfter(dueIndex, timed ?? 'watermark');

    // Groups of rules that complete with time and are due, with no hits in this batch, are advanced too.
    const indexed: Array<[DueEntry, string]> = [];
    const dropped: DueEntry[] = [];
    let due: DueEntry[] = [];
    for (const entry of dueIndex?.groups ?? []) {
      const [at, ruleId, key] = entry;
      const armed = this.timed.get(ruleId);
      // An entry of a rule that no longer completes with time (removed, or changed) is dropped.
      if (armed === undefined || !armed.module.stateful) {
        dropped.push(entry);
        continue;
      }
      const k = groupKey(armed.module.state, ruleId, key);
      indexed.push([entry, k]);
      if (at <= ruleWatermark(armed, wmAfter) && !groups.has(k)) due.push(entry);
    }
    if (pinned !== undefined) due = pinned;
    else if (manifestKey !== undefined && due.length > 0) due = await this.pinDue(manifestKey, now, due);
    const advanced = new Map(groups);
    for (const [, ruleId, key] of due) {
      const armed = this.timed.get(ruleId);
      if (armed === undefined || !armed.module.stateful) continue;
      const names = this.names.of(armed, armed.module.state, key);
      if (!advanced.has(names.stateKey)) advanced.set(names.stateKey, { armed, key, tag: names.tag, names, sk: undefined, ordinal: undefined, events: [], values: [], marks: [] });
    }

    const partitions = new Map<number, Partition>();
    const partitionOf = (tag: string) => {
      const p = store.partitionOf(tag);
      let part = partitions.get(p);
      if (part === undefined) partitions.set(p, (part = { candidates: [], groups: [], keys: new Set(), used: [] }));
      return part;
    };
    for (let i = 0; i < matched.length; i++) {
      const c = matched[i];
      c.ordinal = i;
      c.tag = groupTag(c.rule.id, c.key);
      const part = partitionOf(c.tag);
      part.candidates.push(c);
      if (counts(c.rule)) part.keys.add((c.sk = suppressionKey(c.rule, c.tag, c.key)));
    }
    let ordinal = matched.length;
    for (const [k, group] of advanced) {
      group.ordinal = ordinal++;
      const part = partitionOf(group.tag);
      part.groups.push([k, group]);
      part.keys.add(k);
      if (counts(group.armed.rule)) part.keys.add((group.sk = group.names.sk ??= suppressionKey(group.armed.rule, group.tag, group.key)));
    }
    // Each partition takes the index entries of its groups out, and puts back those still due.
    for (const [entry, k] of indexed) {
      const group = advanced.get(k);
      if (group !== undefined) partitionOf(group.tag).used.push(entry);
    }

    const ctx = { silences, counts, wmBefore, wmAfter, timed, now };
    const transactions: Array<Transaction<PartitionResult>> = [];
    for (const [p, part] of partitions) {
      // The batch's marker of this partition: a redelivered batch gets this partition's first decisions back.
      const batchKey = batchId === undefined ? undefined : taggedKey('batch', store.partitionTag(p), batchId);
      if (batchKey !== undefined) part.keys.add(batchKey);
      transactions.push({ keys: [...part.keys], update: (current) => this.evaluatePartition(part, current, batchKey, ctx) });
    }
    const results = await store.transactAll(transactions, now, { earliest: this.earliest });
    if (dueKey !== undefined) await this.updateDueIndex(dueKey, now, dueIndex, [...dropped, ...results.flatMap((r) => r.used)], results.flatMap((r) => r.due));

    // One order, whatever the partitions: by time, then by place in the batch.
    const ordered: Array<[Detection, number]> = [];
    for (const r of results) for (let i = 0; i < r.d.length; i++) ordered.push([r.d[i], r.o[i]]);
    ordered.sort((a, b) => (a[0].time < b[0].time ? -1 : a[0].time > b[0].time ? 1 : a[1] - b[1]));
    return ordered.map((x) => x[0]);
  }

  /** One partition's transaction: its groups advanced, its candidates decided, its alert ids claimed. */
  private evaluatePartition(
    part: Partition,
    current: Map<string, unknown>,
    batchKey: string | undefined,
    { silences, counts, wmBefore, wmAfter, timed, now }: { silences: Silence[]; counts: (rule: CompiledRule) => boolean; wmBefore: (stream: string) => number; wmAfter: (stream: string) => number; timed?: 'watermark' | 'defer' | 'end'; now: number },
  ): TransactionResult<PartitionResult> {
    const writes = new Map<string, StateWrite | null>();
    // A batch evaluated before: this partition's decisions again (the dispatcher delivers each once).
    if (batchKey && current.has(batchKey)) return { writes, result: current.get(batchKey) as PartitionResult };
    const candidates = [...part.candidates];
    const suppression = new Suppression(current);
    const stillDue: DueEntry[] = [];
    for (const [stateKey, group] of part.groups) {
      const { armed } = group;
      const kind = armed.module;
      if (!kind.stateful) continue;
      const rule = armed.rule;
      const sk = counts(rule) ? (group.sk ??= suppressionKey(rule, group.tag, group.key)) : undefined;
      const period = rule.suppressMs;
      // A group's detections come in time order and its suppression key is its own,
      // so they are decided here: held-back ones never become candidates.
      const groupCtx: GroupContext = {
        emit(completion, event) {
          if (completion === undefined) return;
          if (sk !== undefined && silenced(silences, rule.id, group.key, completion.t)) return suppression.holdBack(sk, completion.t);
          const held = period === undefined ? (sk === undefined ? 0 : suppression.takeHeld(sk, completion.t)) : suppression.decide(sk!, completion.t, period);
          // A completion with no event of this batch (a period come due) renders from its last evidence.
          const fields = event?.fields ?? (completion.evidence.length > 0 ? asEvidence(completion.evidence[completion.evidence.length - 1]).fields : {});
          if (held !== undefined) candidates.push({ rule, key: group.key, fields, completion, sk: undefined, held, tag: group.tag, ordinal: group.ordinal });
        },
        suppressedUntil: () => (sk === undefined ? -Infinity : suppression.until(sk)),
        watermark: () => ruleWatermark(armed, wmBefore),
        watermarkAfter: () => ruleWatermark(armed, wmAfter),
      };
      if (timed !== 'watermark') group.marks = undefined;
      inTimeOrder(group.events, group.values, group.marks);
      const kept = kind.advance(armed.spec, current.get(stateKey), group, groupCtx);
      if (kept !== undefined) writes.set(stateKey, kept === null ? null : { value: kept.value, ttlMs: ttlUntil(kept.until, now) });
      if (kind.dueAt !== undefined) {
        const state = kept === undefined ? current.get(stateKey) : kept?.value;
        const due = state === undefined || state === null ? undefined : kind.dueAt(armed.spec, state);
        if (due !== undefined) stillDue.push([due, rule.id, group.key]);
      }
    }

    // In time order; at one time, in the order of the batch (candidates of a group are in time order already).
    candidates.sort((a, b) => a.completion.t - b.completion.t || a.ordinal! - b.ordinal!);
    const detections: Detection[] = [];
    const ordinals: number[] = [];
    const tags: string[] = [];
    for (const c of candidates) {
      const period = c.rule.suppressMs;
      // Match rules' candidates are decided in time order here.
      if (c.held === undefined && c.sk !== undefined && silenced(silences, c.rule.id, c.key, c.completion.t)) {
        suppression.holdBack(c.sk, c.completion.t);
        continue;
      }
      const held = c.held ?? (period === undefined ? (c.sk === undefined ? 0 : suppression.takeHeld(c.sk, c.completion.t)) : suppression.decide(c.sk!, c.completion.t, period));
      if (held === undefined) continue;
      detections.push(toDetection(c, held));
      ordinals.push(c.ordinal!);
      tags.push(c.tag!);
    }
    suppression.write(writes, (until) => ttlUntil(until, now));
    const result: PartitionResult = { d: detections, o: ordinals, used: part.used, due: stillDue };
    if (batchKey) writes.set(batchKey, { value: result, ttlMs: STATE_KEYS.batch.ttlMs });
    // State and alert-id claims commit in one step: a crash between them could
    // otherwise keep a window's or suppression's change and lose its alert.
    return {
      writes,
      result,
      claim: {
        keys: detections.map((d, i) => taggedKey('alertClaim', tags[i], d.id)),
        ttlMs: STATE_KEYS.alertClaim.ttlMs,
        settle: (fresh) => ({ ...result, d: detections.filter((_, i) => fresh[i]), o: ordinals.filter((_, i) => fresh[i]) }),
      },
    };
  }

  /**
   * Which groups come due a batch advances depends on the due index when it is
   * evaluated, and so which partitions it touches. Its first evaluation writes them
   * down before committing anything (the first writer's list stands), and a redelivery
   * advances the same ones: the same partitions, whose markers give back what the first
   * evaluation decided. A batch that advances none needs no manifest: its partitions
   * follow from its events alone.
   */
  private pinDue(manifestKey: string, now: number, due: DueEntry[]): Promise<DueEntry[]> {
    return this.store.transact(
      [manifestKey],
      now,
      (current) => {
        const first = current.get(manifestKey) as DueEntry[] | undefined;
        if (first !== undefined) return { writes: new Map(), result: first };
        return { writes: new Map([[manifestKey, { value: due, ttlMs: STATE_KEYS.batch.ttlMs }]]), result: due };
      },
      { earliest: this.earliest },
    );
  }

  /**
   * The due index after the batch: the entries its partitions acted on leave, those
   * still due enter, the watermarks advance. Its own transaction, after the
   * partitions': a crash between leaves entries of groups already advanced (read
   * again, found not due, dropped) and loses none, since each partition's marker keeps
   * what it would put here for a redelivery. Concurrent detectors may each enter a
   * group; the earliest entry is kept.
   *
   * Written when its groups change or a watermark moves: a watermark stored late would
   * leave a period due by the events already seen open, and what a later batch raises
   * would depend on which batches came before. A batch that changes nothing against
   * the index it read does not read it again.
   */
  private async updateDueIndex(dueKey: string, now: number, read: DueIndex | undefined, used: DueEntry[], due: DueEntry[]): Promise<void> {
    const gone = new Set(used.map((e) => JSON.stringify(e)));
    const moves = (wm: Record<string, number> | undefined) => [...this.streamMax].some(([stream, t]) => !(t <= (wm?.[stream] ?? -Infinity)));
    if (read !== undefined && !moves(read.wm) && sameGroups(read.groups, mergeDue(read.groups, gone, due))) return;
    await this.store.transact(
      [dueKey],
      now,
      (current) => {
        const stored = current.get(dueKey) as DueIndex | undefined;
        const groups = mergeDue(stored?.groups ?? [], gone, due);
        if (stored !== undefined && !moves(stored.wm) && sameGroups(stored.groups, groups)) return { writes: new Map(), result: undefined };
        const wm: Record<string, number> = { ...(stored?.wm ?? {}) };
        for (const [stream, t] of this.streamMax) if (!(t <= (wm[stream] ?? -Infinity))) wm[stream] = t;
        return { writes: new Map([[dueKey, { value: { wm, groups } satisfies DueIndex, ttlMs: STATE_KEYS.due.ttlMs }]]), result: undefined };
      },
      { earliest: this.earliest },
    );
  }
}

/** The index's groups without the entries `gone` (as JSON), with those `due` added: one entry per group, its earliest, in one order. */
function mergeDue(stored: readonly DueEntry[], gone: ReadonlySet<string>, due: readonly DueEntry[]): DueEntry[] {
  const earliest = new Map<string, DueEntry>();
  for (const e of [...stored.filter((x) => !gone.has(JSON.stringify(x))), ...due]) {
    const k = `${e[1]}\n${e[2]}`;
    const seen = earliest.get(k);
    if (seen === undefined || e[0] < seen[0]) earliest.set(k, e);
  }
  return [...earliest.values()].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
}

function sameGroups(a: readonly DueEntry[], b: readonly DueEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e[0] === b[i][0] && e[1] === b[i][1] && e[2] === b[i][2]);
}

/** A rule's watermark: the latest of its sources' streams'. */
function ruleWatermark(armed: ArmedRule, of: (stream: string) => number): number {
  let wm = -Infinity;
  for (const source of armed.rule.sources) wm = Math.max(wm, of(streamOf(source)));
  return wm;
}

/** The TTL (after the batch's latest event) of state that matters until event time `until`. */
function ttlUntil(until: number, now: number): number {
  return Math.max(0, until - now) + LATE_DATA_ALLOWANCE_MS;
}

function toDetection(c: Candidate, suppressed: number): Detection {
  const { rule, key, completion } = c;
  const evidence = completion.evidence.map(asEvidence);
  const detection: Detection = {
    id: digestId(rule.id, key, completion.t, evidence[0]?.id ?? ''),
    rule: rule.id,
    key,
    group: rule.groupOf(c.fields),
    time: isoTimestamp(completion.t),
    count: completion.count,
    suppressed,
    evidence,
  };
  if (evidence.length === 0) detection.fields = c.fields;
  const summary = completion.summary;
  if (summary !== undefined) detection.summary = { from: isoTimestamp(summary.from), to: isoTimestamp(summary.to), values: summary.values, ...(summary.more ? { more: true } : {}) };
  return detection;
}

/**
 * Puts a group's events (and their values) in time order, stably. Events usually
 * arrive in order, so this is mostly one pass that finds nothing to do.
 */
function inTimeOrder(events: SecEvent[], values: Array<string | number | null>, marks?: number[]): void {
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) if (events[i].time < events[i - 1].time) sorted = false;
  if (sorted) return;
  const order = events.map((_, i) => i).sort((a, b) => events[a].time - events[b].time || a - b);
  const e = order.map((i) => events[i]);
  const x = order.map((i) => values[i]);
  const m = marks && order.map((i) => marks[i]);
  // Copied back element by element: a spread of a large group would exceed the call stack.
  for (let i = 0; i < e.length; i++) {
    events[i] = e[i];
    values[i] = x[i];
    if (m) marks![i] = m[i];
  }
}

/** A group's hash tag and state key, and its suppression key once asked for. */
interface GroupName {
  tag: string;
  stateKey: string;
  sk?: string;
}

/**
 * The names of the groups hit lately, by rule and key: the tag, the state key and the
 * suppression key of a group that batch after batch hits are the same strings each
 * time (hashed once, by the first map that looks them up) rather than new ones built
 * and hashed again for each batch. Forgets them all past MAX_NAMED groups.
 */
class GroupNameCache {
  private readonly byRule = new Map<ArmedRule, Map<string, GroupName>>();
  private size = 0;

  of(armed: ArmedRule, state: Parameters<typeof taggedKey>[0], key: string): GroupName {
    let keys = this.byRule.get(armed);
    let names = keys?.get(key);
    if (names !== undefined) return names;
    if (this.size >= MAX_NAMED) {
      this.byRule.clear();
      this.size = 0;
      keys = undefined;
    }
    if (keys === undefined) this.byRule.set(armed, (keys = new Map()));
    const tag = groupTag(armed.rule.id, key);
    names = { tag, stateKey: taggedKey(state, tag, armed.rule.id, key) };
    keys.set(key, names);
    this.size++;
    return names;
  }
}
const MAX_NAMED = 20_000;

function suppressionKey(rule: CompiledRule, tag: string, key: string): string {
  return taggedKey('suppression', tag, rule.id, key);
}
