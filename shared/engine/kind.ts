import { SecEvent, Source } from '../events/event';
import { CompiledRule, DefinitionOf, RuleKind } from '../rules/rule';
import { StateKeyKind } from '../state/keys';
import { ownString } from '../util/own-string';
import { Completion } from './detection';

export { LATE_DATA_ALLOWANCE_MS } from '../state/keys';

/** A group's hits in one batch, in time order, and beside each event the value its kind recorded for it. */
export interface GroupHits {
  events: SecEvent[];
  values: Array<string | number | null>;
  /**
   * For kinds with `dueAt`: beside each event, the latest event time of its stream that
   * arrived before it in the batch (so that what was late is decided in arrival order,
   * the same at any batching).
   */
  marks?: number[];
}

/**
 * The streams whose event time moves together: host logs (one Logtail logstore, all
 * programs), ActionTrail, osquery, posture. A stream's watermark (its latest event
 * time evaluated) tells a kind with `dueAt` that a group's period is complete.
 */
export function streamOf(source: Source): string {
  return source === 'actiontrail' || source === 'osquery' || source === 'posture' || source === 'json' ? source : 'host';
}

/**
 * A group's state after a batch, and the latest event time for which it still matters:
 * the kind treats it as absent for any event after `until` (a window whose newest hit
 * has slid out, a sequence past its window, values older than the lookback's memory),
 * so a store may drop it then without changing any result.
 */
export interface GroupState<State> {
  value: State;
  until: number;
}

/** What a kind may ask of the detector while it advances one group. */
export interface GroupContext {
  /** Reports a completed detection (the event that completed it, if any); suppression decides whether it is raised. */
  emit(completion: Completion | undefined, event?: SecEvent): void;
  /** The watermark of the group's stream before this batch (-Infinity when none). */
  watermark(): number;
  /** Its watermark after this batch (Infinity at the end of a replay's input). */
  watermarkAfter(): number;
  /** Until when (event time) the group's detections are held back by suppression. */
  suppressedUntil(): number;
}

/**
 * One rule kind: how its parameters compile, and, for a stateful kind, what a
 * matching event records and how a group's state advances. Adding a kind is a module
 * implementing this, its line in `kinds/index.ts` and its branch of the rule schema.
 */
export type RuleKindModule<K extends RuleKind, Spec, State> =
  | { kind: K; stateful: false; compile(def: DefinitionOf<K>, rule: CompiledRule): Spec }
  | {
      kind: K;
      stateful: true;
      /** Where the group state lives (state/keys.ts). */
      state: StateKeyKind;
      compile(def: DefinitionOf<K>, rule: CompiledRule): Spec;
      /** What a matching event records for its group; undefined: the event does not count. */
      valueOf(spec: Spec, fields: Record<string, unknown>): string | number | null | undefined;
      /** Advances a group's stored state over its hits; the state to keep (null deletes, undefined leaves the key as it is). */
      advance(spec: Spec, stored: State | undefined, hits: GroupHits, ctx: GroupContext): GroupState<State> | null | undefined;
      /**
       * For a kind whose state completes with time rather than with an event (a period
       * ends): the watermark of its stream at which a group's state needs advancing
       * even without hits. The detector keeps these in an index and advances such
       * groups, with no hits, once their stream's watermark reaches it.
       */
      dueAt?(spec: Spec, state: State): number | undefined;
    };

/** A rule with its kind's module and compiled parameters. */
export interface ArmedRule {
  rule: CompiledRule;
  module: RuleKindModule<RuleKind, unknown, unknown>;
  spec: unknown;
}

/**
 * A distinct-count or new value as state keeps it: its text, of its own (a user name
 * captured from a syslog line would otherwise keep the line's input block alive for as
 * long as the window holds it).
 */
export function stateText(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : ownString(String(value));
}
