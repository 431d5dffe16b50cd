import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/**
 * Lines of a file (or stdin, gunzipped for `.gz`), a block at a time: every block
 * (256 KB) is decoded and split synchronously, so the cost per line is a slice, not a
 * promise. LF and CRLF endings; a last line without an ending counts.
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
 * the decoder copies what it keeps.
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
const MAX_CARRY_CHARS = 256 * 1024 * 1024;

export async function* readLineBlocks(input: InputSource): AsyncGenerator<LineBlock> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 1;
  try {
    for await (const chunk of input) {
      // The chunk is split alone and the carried partial line joined to its first line
      // only: split flattens a concatenated block first, which copied every byte again.
      const lines = (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer)).split('\n');
      if (carry.length > 0) lines[0] = carry + lines[0];
      carry = lines.pop() ?? '';
      if (carry.length > MAX_CARRY_CHARS) throw new LineTooLongError(`line ${lineNo + lines.length} is longer than ${MAX_CARRY_CHARS / 1048576} MB`);
      if (lines.length === 0) continue;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
      }
      yield { firstLine: lineNo, lines };
      lineNo += lines.length;
    }
    const rest = carry + decoder.end();
    if (rest.length > 0) yield { firstLine: lineNo, lines: [rest.endsWith('\r') ? rest.slice(0, -1) : rest] };
  } finally {
    if (input instanceof Readable) {
      if (input !== process.stdin) input.destroy();
    } else (input as Generator<Buffer>).return?.(undefined);
  }
}
