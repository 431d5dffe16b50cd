import { SingleBar } from 'cli-progress';

/** Inputs smaller than this finish before a bar would be worth drawing. */
const MIN_BYTES_FOR_BAR = 8 * 1024 * 1024;

export interface Progress {
  update(bytes: number): void;
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

/** A byte-based progress bar on stderr, only when stderr is a terminal and the input is large. */
export function progressFor(totalBytes: number, enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY || totalBytes < MIN_BYTES_FOR_BAR) return NONE;
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'replaying [{bar}] {percentage}% | {value}/{total} MB | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  bar.start(mb(totalBytes), 0);
  let last = 0;
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      bar.update(Math.min(mb(bytes), mb(totalBytes)));
    },
    stop() {
      bar.stop();
    },
  };
}
