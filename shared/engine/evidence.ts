import { SecEvent, Source } from '../events/event';
import { isoTimestamp } from '../util/time';

/** One event shown with a detection, so a responder sees what happened without a search. */
export interface Evidence {
  id: string;
  time: string;
  source: Source;
  fields: Record<string, unknown>;
}

/*
 * A detection's evidence is what its reader needs, no more: a match's event; a
 * threshold's first and completing hits; a sequence's first event, last earlier step
 * and completing event (see alerts/reading.ts): fewer events kept across batches (each
 * detached, see DetachedEvidence), smaller alerts.
 */

/**
 * Evidence that outlives its batch (kept in a window or sequence across batches): an
 * Evidence object, its time fixed as text, that shares the event's fields. Nothing
 * mutates an event's fields once it is normalized, and an event holds only its own
 * record (a line is decoded into a string of its own, a JSON record parsed into its
 * own objects; see line-reader.ts), so holding its fields costs that record and no
 * more. The Redis store writes it inside the state's JSON; a string (the JSON text of
 * an Evidence, as earlier versions stored it) still reads back.
 */
export type DetachedEvidence = Evidence | string;

/** Evidence, the event it will be made from if a detection using it is raised, or detached evidence. */
export type EvidenceRef = Evidence | SecEvent | string;

export function asEvidence(ref: EvidenceRef): Evidence {
  if (typeof ref === 'string') return JSON.parse(ref) as Evidence;
  return typeof ref.time === 'number' ? toEvidence(ref as SecEvent) : (ref as Evidence);
}

export function toEvidence(e: SecEvent): Evidence {
  return { id: e.id, time: isoTimestamp(e.time), source: e.source, fields: e.fields };
}

/** Whether a reference is an event of the batch being evaluated (not yet detached). */
export function isBatchEvent(ref: EvidenceRef): ref is SecEvent {
  return typeof ref !== 'string' && typeof ref.time === 'number';
}

/** The detached form of evidence (see DetachedEvidence); evidence detached already is returned as it is. */
export function detachEvidence(ref: EvidenceRef): DetachedEvidence {
  return isBatchEvent(ref) ? toEvidence(ref) : ref;
}

/**
 * The event that decided a detection: the one that completed it (the login after the
 * burst, the hit that reached the threshold). Every kind keeps it last among its
 * evidence when it kept it, at the detection's time; otherwise the latest evidence.
 */
export function decisiveEvidence(evidence: readonly Evidence[], time: string): Evidence | undefined {
  for (let i = evidence.length - 1; i >= 0; i--) if (evidence[i].time === time) return evidence[i];
  return evidence[evidence.length - 1];
}
