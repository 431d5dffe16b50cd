import { Origin, SecEvent, Source } from '../events/event';
import { normalizeSyslogLine } from '../events/syslog';
import { HeaderOptions } from '../events/syslog/header';
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
export type EvidenceRef = SecEvent | LineEvidence | Evidence | string;

export function asEvidence(ref: EvidenceRef): Evidence {
  if (typeof ref === 'string') return JSON.parse(ref) as Evidence;
  if (ref instanceof LineEvidence) return toEvidence(ref.event());
  return typeof ref.time === 'number' ? toEvidence(ref as SecEvent) : (ref as Evidence);
}

export function toEvidence(e: SecEvent): Evidence {
  return { id: e.id, time: isoTimestamp(e.time), source: e.source, fields: e.fields };
}

/**
 * An event read from a syslog line of a file, kept as its line: a string and a few
 * values instead of the event's dozen objects. A sequence keeps the newest events of
 * every group that may still complete (six per attacking address for brute force then
 * success) for as long as the group may, and seldom completes; V8 copied each of those
 * object graphs at every young-generation collection while it waited. Read again, with
 * the options it was first read with, into the same event when a detection shows it,
 * and written to a state store as that event, so stored state reads as before.
 */
export class LineEvidence {
  constructor(
    readonly id: string,
    readonly time: number,
    private readonly source: Source,
    private readonly line: string,
    private readonly origin: Origin,
    private readonly reading: HeaderOptions,
  ) {}

  event(): SecEvent {
    // A line can hold several events (rsyslog's `message repeated N times`): the one with this id.
    const e = normalizeSyslogLine(this.line, { ...this.reading, origin: this.origin }).find((x) => x.id === this.id);
    if (e !== undefined) return { source: e.source, id: e.id, time: e.time, fields: e.fields };
    // Reading is deterministic, so this is not expected; should it happen, the alert
    // still shows the line and where it came from rather than failing its batch.
    return { source: this.source, id: this.id, time: this.time, fields: { id: this.id, '@timestamp': isoTimestamp(this.time), message: this.line, log: { file: this.origin } } };
  }

  toJSON(): SecEvent {
    return this.event();
  }
}

/** An event as state keeps it as evidence past its batch: its line when it has one (see LineEvidence), else itself. */
export function keptEvidence(ref: EvidenceRef): EvidenceRef {
  if (typeof ref !== 'object' || ref instanceof LineEvidence || typeof ref.time !== 'number') return ref;
  const e = ref as SecEvent;
  const origin = (e.fields.log as { file?: Origin } | undefined)?.file;
  if (e.line === undefined || e.reading === undefined || origin === undefined) return e;
  return new LineEvidence(e.id, e.time, e.source, e.line, origin, e.reading);
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
