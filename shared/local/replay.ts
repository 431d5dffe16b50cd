import { InputError, SecEvent, Source } from '../events/event';
import { Alert } from '../alerts/alert';
import { AlertBatch, Alerter } from '../alerts/alerter';
import { InputFormat, readEvents } from './input/read-events';
import { LineTooLongError } from './input/line-reader';
import { resolve as resolvePath } from 'node:path';
import { HeaderOptions } from '../events/syslog/header';
import { digestId } from '../util/hash';

export interface ReplaySummary {
  files: number;
  /** Files (or the rest of a file) that could not be read: reported, and the others read. */
  filesSkipped: number;
  records: number;
  events: number;
  skipped: number;
  alerts: number;
  alertsByRule: Map<string, number>;
}

export interface ReplayOptions {
  format: InputFormat;
  syslog: HeaderOptions;
  /** Lines per evaluated batch: one state transaction each (default 1000). */
  chunkLines?: number;
  onAlert(alert: Alert): void | Promise<void>;
  onSkipped(error: InputError): void;
  onBytes?(bytes: number): void;
  /**
   * Give each batch an identity (its file, records and events), as Function Compute's
   * cursor ranges are: with a persistent store, a replay run again after a crash gets
   * the detections of the batches the first run committed, instead of finding them
   * claimed and printing nothing (see the README's "Exactly once").
   */
  batchIds?: boolean;
  /** Sees each chunk's events before evaluation (used by `parse`). */
  onEvents?(events: SecEvent[]): void;
  /**
   * The input's end is the end of the state (the memory store): what completes with
   * time (audit summaries' periods) completes after the last file, whatever the order
   * of the files. With a persistent store it completes on the watermark, as in the
   * functions: a later replay or the functions go on from it.
   */
  endOfInput?: boolean;
}

/**
 * Lines read and normalized at a time. Their events are matched right away, while
 * they are still in the processor's cache, and the ones no rule wants die young;
 * only the state transaction waits for a whole batch (`chunkLines`).
 */
export const READ_LINES = 128;

/** Lines per state transaction with the embedded memory store (the CLI's default; see the README's performance section). */
export const MEMORY_BATCH_LINES = 1024;

/** Lines per state transaction with Redis, where a transaction costs round trips. */
export const REDIS_BATCH_LINES = 1000;

/**
 * The local edge of the pipeline: files in, normalized events, detections out.
 * The same Alerter runs in the Function Compute handlers.
 */
export async function replayFiles(files: string[], alerter: Alerter | undefined, opts: ReplayOptions): Promise<ReplaySummary> {
  const summary: ReplaySummary = { files: files.length, filesSkipped: 0, records: 0, events: 0, skipped: 0, alerts: 0, alertsByRule: new Map() };
  const batchLines = opts.chunkLines ?? 1000;
  let bytesBefore = 0;
  let bytesInFile = 0;
  let batch: AlertBatch | undefined;
  let linesInBatch = 0;
  let file = '';
  /** Records of the current file before the current batch. */
  let recordsBefore = 0;
  let recordsInFile = 0;
  const finishBatch = async () => {
    if (!batch) return;
    const done = batch;
    batch = undefined;
    linesInBatch = 0;
    const from = recordsBefore;
    recordsBefore = recordsInFile;
    if (done.size === 0) return;
    // The file's records, the events they gave and the rules: replayed again under other rules, a batch is evaluated afresh.
    const batchId = opts.batchIds && file !== '-' ? `replay:${digestId(resolvePath(file), from, recordsInFile, done.fingerprint, alerter!.fingerprint)}` : undefined;
    await raise(await done.finish({ batchId, timed: opts.endOfInput ? 'defer' : 'watermark' }));
  };
  const raise = async (alerts: Alert[]) => {
    for (const alert of alerts) {
      summary.alerts++;
      summary.alertsByRule.set(alert.rule, (summary.alertsByRule.get(alert.rule) ?? 0) + 1);
      const pending = opts.onAlert(alert);
      if (pending) await pending;
    }
  };
  // Events go straight from the normalizer to the batch (unless `onEvents` wants them).
  const sink = alerter && !opts.onEvents
    ? {
        push(event: SecEvent) {
          summary.events++;
          (batch ??= alerter.begin()).add(event);
        },
        // Events of a source no rule reads (cron and other programs' syslog lines) are
        // counted, not built.
        discard(source: Source, count: number) {
          if (alerter.evaluates(source)) return false;
          summary.events += count;
          return true;
        },
      }
    : undefined;
  for (file of files) {
    recordsBefore = 0;
    recordsInFile = 0;
    const onBytes = opts.onBytes && ((b: number) => {
      bytesInFile = b;
      opts.onBytes!(bytesBefore + b);
    });
    try {
      for await (const chunk of readEvents(file, { format: opts.format, syslog: opts.syslog, onBytes, chunkLines: Math.min(READ_LINES, batchLines), sink })) {
        summary.records += chunk.records;
        recordsInFile += chunk.records;
        summary.events += chunk.events.length;
        summary.skipped += chunk.errors.length;
        for (const err of chunk.errors) opts.onSkipped(err);
        opts.onEvents?.(chunk.events);
        if (!alerter) continue;
        batch ??= alerter.begin();
        for (const event of chunk.events) batch.add(event);
        linesInBatch += chunk.records;
        if (linesInBatch >= batchLines) await finishBatch();
      }
    } catch (e) {
      if (!isReadError(e)) throw e;
      // A file that cannot be opened, or breaks off (a truncated .gz): what was read of it is evaluated, the next file read.
      summary.filesSkipped++;
      const read = recordsInFile > 0 ? `the ${recordsInFile} record(s) before it are evaluated, the rest of the file skipped` : 'file skipped';
      opts.onSkipped(new InputError(undefined, `${file}: cannot read (${readErrorText(e)}): ${read}`));
    }
    // A batch never spans files: each file's alerts are out before the next one is read.
    await finishBatch();
    bytesBefore += bytesInFile;
    bytesInFile = 0;
  }
  if (alerter && opts.endOfInput) await raise(await alerter.begin().finish({ timed: 'end' }));
  return summary;
}

/** Errors of reading a file (opening, decompressing, an endless line), as opposed to evaluating it (a state store failure). */
function isReadError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return (typeof code === 'string' && (code.startsWith('E') || code.startsWith('Z_'))) || e instanceof LineTooLongError;
}

function readErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const message = (e as Error).message ?? String(e);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
