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
  return { id: e.id, time: e.time, source: e.source, fields: detach(e.fields) as Record<string, unknown> };
}

function detach(v: unknown): unknown {
  if (typeof v === 'string') {
    // V8 keeps substrings of 13 characters or more as views into their parent;
    // slicing a fresh concatenation makes a string of their own.
    return v.length >= 13 ? (' ' + v).slice(1) : v;
  }
  if (v === null || typeof v !== 'object') return v;
  // What holds no such substring is shared with the event, not copied (events are
  // never changed once normalized): most of an event's small objects, and the frozen
  // constants normalizers share between events (event.category).
  if (Object.isFrozen(v) || !holdsLongString(v)) return v;
  if (Array.isArray(v)) return v.map(detach);
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) out[k] = detach((v as Record<string, unknown>)[k]);
  return out;
}

function holdsLongString(v: unknown): boolean {
  if (typeof v === 'string') return v.length >= 13;
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (holdsLongString(v[i])) return true;
    return false;
  }
  for (const k in v as Record<string, unknown>) if (holdsLongString((v as Record<string, unknown>)[k])) return true;
  return false;
}
