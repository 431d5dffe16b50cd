import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Lines of a file (or stdin, gunzipped for `.gz`), a block at a time: every block
 * (256 KB) is split and its lines decoded synchronously, so the cost per line is a
 * decode, not a promise. LF and CRLF endings; a last line without an ending counts.
 */
export interface LineBlock {
  /** 1-based number of the first line in `lines`. */
  firstLine: number;
  lines: string[];
}

/** Where bytes come from: a stream (standard input, a gunzipped file), or the blocks of a plain file. */
export type InputSource = Readable | Iterable<Buffer>;

/** Bytes read at a time from a plain file. */
const BLOCK_BYTES = 256 * 1024;

export function openInput(path: string, onBytes?: (bytes: number) => void): InputSource {
  if (path !== '-' && !path.endsWith('.gz')) return fileBlocks(path, onBytes);
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: BLOCK_BYTES });
  if (onBytes) {
    let bytes = 0;
    raw.on('data', (b: Buffer | string) => {
      bytes += b.length;
      onBytes(bytes);
    });
  }
  return path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/**
 * A plain file's bytes, a block at a time, read synchronously: from the page cache a
 * block costs tens of microseconds, where a stream's round trip through the thread pool
 * for each one left the replay waiting (idle) between blocks. One buffer is reused:
 * lines are decoded into strings of their own, and a partial line is copied.
 */
function* fileBlocks(path: string, onBytes?: (bytes: number) => void): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, BLOCK_BYTES, null);
      if (n === 0) return;
      bytes += n;
      onBytes?.(bytes);
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** A line with no end in sight: the file cannot be read on from there. */
export class LineTooLongError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineTooLongError';
  }
}

/** Beyond this, a line without an end is not input secmon can use (and would exhaust memory). */
const MAX_CARRY_BYTES = 256 * 1024 * 1024;

export async function* readLineBlocks(input: InputSource): AsyncGenerator<LineBlock> {
  // The bytes of a line begun in earlier chunks (copies: a file's block buffer is reused).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let lineNo = 1;
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      const lines: string[] = [];
      let start = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
        if (carryBytes > 0) {
          carry.push(bytes.subarray(0, nl));
          lines.push(decodeLine(Buffer.concat(carry), 0, carryBytes + nl));
          carry = [];
          carryBytes = 0;
        } else lines.push(decodeLine(bytes, start, nl));
        start = nl + 1;
      }
      if (start < bytes.length) {
        carry.push(Buffer.from(bytes.subarray(start)));
        carryBytes += bytes.length - start;
        if (carryBytes > MAX_CARRY_BYTES) throw new LineTooLongError(`line ${lineNo + lines.length} is longer than ${MAX_CARRY_BYTES / 1048576} MB`);
      }
      if (lines.length === 0) continue;
      yield { firstLine: lineNo, lines };
      lineNo += lines.length;
    }
    if (carryBytes > 0) yield { firstLine: lineNo, lines: [decodeLine(Buffer.concat(carry), 0, carryBytes)] };
  } finally {
    if (input instanceof Readable) {
      if (input !== process.stdin) input.destroy();
    } else (input as Generator<Buffer>).return?.(undefined);
  }
}

/**
 * One line's text, without its CR. Each line is decoded on its own (a newline byte is
 * never inside a UTF-8 sequence), so it is a string of its own: an event holding a
 * field of it holds that line, not the block it was read in.
 */
function decodeLine(bytes: Buffer, start: number, end: number): string {
  if (end > start && bytes[end - 1] === 13) end--;
  return bytes.toString('utf8', start, end);
}
