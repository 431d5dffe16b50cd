import type { HeaderOptions } from './syslog/header';

/**
 * A normalized event: what every source becomes before rules see it.
 *
 * `fields` is what rule conditions test. ActionTrail records keep their native field
 * names; host events use Elastic Common Schema names (nested objects). `fields.id` and,
 * for events read from files, `fields.log.file.{path,line}` are always present.
 */
export const SOURCES = ['actiontrail', 'sshd', 'sudo', 'su', 'account', 'syslog', 'webserver', 'osquery', 'json', 'posture'] as const;
export type Source = (typeof SOURCES)[number];

export interface SecEvent {
  source: Source;
  /** Stable identity used for deduplication (ActionTrail eventId, or a hash of a log line's position and content). */
  id: string;
  /** Event time, epoch milliseconds. Windows and suppression run on this clock. */
  time: number;
  fields: Record<string, unknown>;
  /**
   * Of a syslog line read from a file: the line, and the options it was read with,
   * which read it again into this same event. A sequence that keeps the event as
   * evidence keeps these instead (see LineEvidence). Absent otherwise.
   */
  line?: string;
  reading?: HeaderOptions;
}

/** Where normalizers put events: an array, or a consumer that takes them one by one. */
export interface EventSink {
  push(event: SecEvent): unknown;
  /**
   * Optional. Asked before `count` events of `source` are built, by a normalizer that
   * knows the source first (syslog: from the program name): true when the sink has no
   * use for them (no rule reads the source), in which case it counts them and nothing
   * is built. The record is still read in full, so a malformed one is still an error.
   */
  discard?(source: Source, count: number): boolean;
}

/** Where a raw record came from, so that errors and alerts can point at it. One per record: it becomes the event's `log.file` as it is. */
export interface Origin {
  path: string;
  line: number;
}

/** A record that could not be normalized: reported with its origin and skipped. */
export class InputError extends Error {
  constructor(
    readonly origin: Origin | undefined,
    message: string,
  ) {
    super(origin ? `${origin.path}:${origin.line}: ${message}` : message);
    this.name = 'InputError';
  }
}
