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
 * and completing event (see alerts/reading.ts): fewer events kept across batches,
 * smaller alerts.
 */

/**
 * Evidence as windows and sequences keep it: the event itself, made into Evidence only
 * for a detection that is raised. Kept across batches as it is: nothing modifies an
 * event once it is normalized, and an event holds only its own record (a line is
 * decoded into a string of its own, a JSON record parsed into objects of its own; see
 * line-reader.ts), so keeping it costs that record and no more. The Redis store
 * writes it inside the state's JSON and reads back the same shape. Earlier versions
 * stored Evidence objects, or their JSON text: both still read back.
 */
export type EvidenceRef = SecEvent | Evidence | string;

export function asEvidence(ref: EvidenceRef): Evidence {
  if (typeof ref === 'string') return JSON.parse(ref) as Evidence;
  return typeof ref.time === 'number' ? toEvidence(ref as SecEvent) : (ref as Evidence);
}

export function toEvidence(e: SecEvent): Evidence {
  return { id: e.id, time: isoTimestamp(e.time), source: e.source, fields: e.fields };
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
