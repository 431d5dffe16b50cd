import { stableId } from '../util/hash';

/**
 * Every kind of key secmon keeps in a StateStore, with its prefix and, where it is
 * fixed, how long it lives: the one registry, so that no two stages share a prefix
 * and a retention is changed in one place.
 */
export const DAY_MS = 86_400_000;

/**
 * How late an event may arrive, behind the latest event already evaluated for its
 * group, and still count: state is kept this much longer than its kind needs it, and
 * a threshold window remembers hits this much further back.
 */
export const LATE_DATA_ALLOWANCE_MS = 15 * 60_000;

export const STATE_KEYS = {
  /** Threshold window of a rule's group (lives as long as its window). */
  window: { prefix: 'w' },
  /** Sequence progress of a rule's group (lives as long as its window). */
  sequence: { prefix: 'q' },
  /** Values seen for a rule's group (twice the lookback). */
  newValue: { prefix: 'n' },
  /** Last activity of a rule's group (twice the silence). */
  dormancy: { prefix: 'z' },
  /** Open periods of an audit summary's group (until raised, kept a week past the period for a stalled stream). */
  summary: { prefix: 'm' },
  /** The streams' watermarks and the groups due at them (kinds with dueAt): one key. */
  due: { prefix: 'due', ttlMs: 30 * DAY_MS },
  /** Suppression of a rule and key: until when, and how many were held back (the count outlives the period). */
  suppression: { prefix: 's', heldCountTtlMs: 7 * DAY_MS },
  /** An alert id raised once: remembered so the same detection is never raised twice. */
  alertClaim: { prefix: 'a', ttlMs: 7 * DAY_MS },
  /** The detections of an evaluated delivery unit (an SLS cursor range), for its redelivery. */
  batch: { prefix: 'b', ttlMs: DAY_MS },
  /** An alert written to the dispatcher's log (no channels configured). */
  logDelivered: { prefix: 'd', ttlMs: 7 * DAY_MS },
  /** An alert delivered (or held for a digest) on one channel; while being sent, a claim with a lease. */
  delivered: { prefix: 'dl', ttlMs: 7 * DAY_MS, leaseMs: 60_000 },
  /** A rate-limited channel's messages of the last minute. */
  budget: { prefix: 'budget', ttlMs: 60_000 },
  /** Alerts a channel holds for its next digest. */
  digest: { prefix: 'digest', ttlMs: 7 * DAY_MS },
  /** One sender of a channel's digest at a time: a lease. */
  digestFlush: { prefix: 'digestfl', ttlMs: 60_000 },
  /** Silences set by people (secmon silence): all of them in one key, each with its end. */
  silences: { prefix: 'silences' },
  /** The incident of a rule and key. */
  incident: { prefix: 'inc', ttlMs: 90 * DAY_MS },
  /** The index of incident ids (id to rule and key), for listing and changing them by id. */
  incidentIndex: { prefix: 'incidx', ttlMs: 90 * DAY_MS },
} as const;

export type StateKeyKind = keyof typeof STATE_KEYS;

/** `prefix:part:part…` */
export function stateKey(kind: StateKeyKind, ...parts: string[]): string {
  return `${STATE_KEYS[kind].prefix}:${parts.join(':')}`;
}

/**
 * `prefix:{tag}:part:part…`: a key Redis Cluster places by its hash tag (the part in
 * braces), so that keys with one tag share a hash slot and can be read and written in
 * one atomic step. Every key of a rule's group carries the group's tag (groupTag).
 */
export function taggedKey(kind: StateKeyKind, tag: string, ...parts: string[]): string {
  return `${STATE_KEYS[kind].prefix}:{${tag}}:${parts.length === 2 ? `${parts[0]}:${parts[1]}` : parts.join(':')}`;
}

/**
 * The hash tag of a rule's group (a rule and its group key): eight hex digits of a
 * hash, so that the group's keys share a slot while different groups spread over the
 * cluster, and no text of an event (a user name with a brace) decides the placement.
 */
export function groupTag(ruleId: string, key: string): string {
  return stableId(ruleId, key).slice(0, 8);
}

/** The key of a rule's group of `kind` (window, sequence…), tagged with the group's tag. */
export function groupKey(kind: StateKeyKind, ruleId: string, key: string): string {
  return taggedKey(kind, groupTag(ruleId, key), ruleId, key);
}

/** All incidents and their index share one tag: listing them is one read, opening one updates both in one step. */
export const INCIDENTS_TAG = 'incidents';
