import { InputError, SecEvent } from '../events/event';
import { Detector } from '../engine/detector';
import { Alert } from '../engine/alert';
import { InputFormat, readEvents } from '../input/read-events';
import { HeaderOptions } from '../events/syslog/header';

export interface ReplaySummary {
  files: number;
  records: number;
  events: number;
  skipped: number;
  alerts: number;
  alertsByRule: Map<string, number>;
}

export interface ReplayOptions {
  format: InputFormat;
  syslog: HeaderOptions;
  /** Lines per evaluated batch (default 1000). */
  chunkLines?: number;
  onAlert(alert: Alert): void | Promise<void>;
  onSkipped(error: InputError): void;
  onBytes?(bytes: number): void;
  /** Sees each chunk's events before evaluation (used by `parse`). */
  onEvents?(events: SecEvent[]): void;
}

/**
 * The local edge of the pipeline: files in, normalized events, detections out.
 * The same Detector runs in the Function Compute handlers.
 */
export async function replayFiles(files: string[], detector: Detector | undefined, opts: ReplayOptions): Promise<ReplaySummary> {
  const summary: ReplaySummary = { files: files.length, records: 0, events: 0, skipped: 0, alerts: 0, alertsByRule: new Map() };
  let bytesBefore = 0;
  let bytesInFile = 0;
  for (const file of files) {
    const onBytes = opts.onBytes && ((b: number) => {
      bytesInFile = b;
      opts.onBytes!(bytesBefore + b);
    });
    for await (const chunk of readEvents(file, { format: opts.format, syslog: opts.syslog, onBytes, chunkLines: opts.chunkLines })) {
      summary.records += chunk.records;
      summary.events += chunk.events.length;
      summary.skipped += chunk.errors.length;
      for (const err of chunk.errors) opts.onSkipped(err);
      opts.onEvents?.(chunk.events);
      if (!detector || chunk.events.length === 0) continue;
      for (const alert of await detector.process(chunk.events)) {
        summary.alerts++;
        summary.alertsByRule.set(alert.rule, (summary.alertsByRule.get(alert.rule) ?? 0) + 1);
        const pending = opts.onAlert(alert);
        if (pending) await pending;
      }
    }
    bytesBefore += bytesInFile;
    bytesInFile = 0;
  }
  return summary;
}
