import { SecEvent, Source } from '../events/event';
import { Severity } from '../rules/rule';
import { isoTimestamp } from '../util/time';

/** One event shown with an alert, so a responder sees what happened without a search. */
export interface Evidence {
  id: string;
  time: string;
  source: Source;
  fields: Record<string, unknown>;
}

export interface Alert {
  /** Stable for the same detection, so a retried delivery can be recognized. */
  id: string;
  rule: string;
  title: string;
  severity: Severity;
  /** Event time of the detection (the event that completed it), ISO-8601. */
  time: string;
  /** Group key: the rule's groupBy values joined by `|` (`*` without groupBy). */
  key: string;
  group: Record<string, unknown>;
  /** Events this detection counted (1 for match rules; distinct values for distinct thresholds). */
  count: number;
  /** Alerts held back by suppression since the previous alert for this rule and key. */
  suppressed: number;
  message: string;
  tags: string[];
  references: string[];
  runbook?: string;
  evidence: Evidence[];
}

export const EVIDENCE_LIMIT = 5;

/** Evidence, or the event it will be made from if a detection using it is raised. */
export type EvidenceRef = Evidence | SecEvent;

export function asEvidence(ref: EvidenceRef): Evidence {
  return typeof ref.time === 'number' ? toEvidence(ref as SecEvent) : (ref as Evidence);
}

export function toEvidence(e: SecEvent): Evidence {
  return { id: e.id, time: isoTimestamp(e.time), source: e.source, fields: e.fields };
}

/**
 * A copy of evidence that outlives its batch (kept in a threshold window): an event's
 * strings are slices of the input block they were read from, and holding one would
 * keep the whole block it was read with (32 KB) in memory.
 */
export function detachEvidence(e: Evidence): Evidence {
  return { id: e.id, time: e.time, source: e.source, fields: detachObject(e.fields) as Record<string, unknown> };
}

/**
 * V8 keeps substrings of 13 characters or more as views into their parent; shorter
 * ones are copies already.
 */
const SLICE_MIN = 13;

/** A string of its own: slicing a fresh concatenation copies the characters. */
function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Copy on write, in one pass: the object itself when nothing in it holds a long
 * string (most of an event's small objects, and the frozen constants normalizers
 * share between events, such as event.category), else a copy with those parts
 * replaced. Events are never changed once normalized, so sharing is safe.
 */
function detachObject(v: Record<string, unknown>): unknown {
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const d = detachPart(v[i]);
      if (d !== UNCHANGED) (out ??= v.slice())[i] = d;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in v) {
    const d = detachPart(v[k]);
    // The spread copies every key as an own property first, so even a key named
    // `__proto__` (from JSON input) is assigned as a key, never as the prototype.
    if (d !== UNCHANGED) (out ??= { ...v })[k] = d;
  }
  return out ?? v;
}

const UNCHANGED = Symbol('unchanged');

/** The detached form of a part, or UNCHANGED (a copied string equals its original, so identity cannot tell). */
function detachPart(x: unknown): unknown {
  if (typeof x === 'string') return x.length >= SLICE_MIN ? ownCopy(x) : UNCHANGED;
  if (x === null || typeof x !== 'object' || Object.isFrozen(x)) return UNCHANGED;
  const d = detachObject(x as Record<string, unknown>);
  return d === x ? UNCHANGED : d;
}
