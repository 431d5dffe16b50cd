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

export function toEvidence(e: SecEvent): Evidence {
  return { id: e.id, time: isoTimestamp(e.time), source: e.source, fields: e.fields };
}

/**
 * A copy of evidence that outlives its batch (kept in a threshold window): an event's
 * strings are slices of the input block they were read from, and holding one would
 * keep the whole block in memory.
 */
export function detachEvidence(e: Evidence): Evidence {
  return JSON.parse(JSON.stringify(e)) as Evidence;
}
