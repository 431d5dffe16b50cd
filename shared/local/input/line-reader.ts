import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Lines of a file (or stdin, gunzipped for `.gz`), a block at a time: every block
 * (256 KB) is split synchronously, so the cost per line is a decode, not a promise.
 * A line is decoded only when it is read, into a string of its own: the block's lines
 * are not all held as strings at once (which the garbage collector would copy while
 * they wait), and an event holding a field of one line holds that line, not its block.
 * LF and CRLF endings; a last line without an ending counts.
 */
export interface LineBlock {
  /** 1-based number of the first line. */
  firstLine: number;
  /** How many lines the block holds. */
  count: number;
  /** The text of line `i` (0-based) without its ending, decoded at each call; valid until the next block is read. */
  line(i: number): string;
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
      const block = new BufferLines(lineNo, bytes);
      let start = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
        if (carryBytes > 0) {
          carry.push(bytes.subarray(0, nl));
          block.first = decodeLine(Buffer.concat(carry), 0, carryBytes + nl);
          carry = [];
          carryBytes = 0;
        }
        block.ends.push(nl);
        start = nl + 1;
      }
      if (start < bytes.length) {
        carry.push(Buffer.from(bytes.subarray(start)));
        carryBytes += bytes.length - start;
        if (carryBytes > MAX_CARRY_BYTES) throw new LineTooLongError(`line ${lineNo + block.count} is longer than ${MAX_CARRY_BYTES / 1048576} MB`);
      }
      if (block.count === 0) continue;
      yield block;
      lineNo += block.count;
    }
    if (carryBytes > 0) {
      const last = new BufferLines(lineNo, Buffer.alloc(0));
      last.first = decodeLine(Buffer.concat(carry), 0, carryBytes);
      last.ends.push(0);
      yield last;
    }
  } finally {
    if (input instanceof Readable) {
      if (input !== process.stdin) input.destroy();
    } else (input as Generator<Buffer>).return?.(undefined);
  }
}

/** The lines of one chunk: where each ends in it; the first one whole when it began in earlier chunks. */
class BufferLines implements LineBlock {
  /** Offset of each line's LF (the last line of the input: the chunk's end). */
  readonly ends: number[] = [];
  /** The first line, when it began in an earlier chunk (decoded from the bytes carried). */
  first: string | undefined;

  constructor(
    readonly firstLine: number,
    private readonly bytes: Buffer,
  ) {}

  get count(): number {
    return this.ends.length;
  }

  line(i: number): string {
    if (i === 0) return this.first ?? decodeLine(this.bytes, 0, this.ends[0]);
    return decodeLine(this.bytes, this.ends[i - 1] + 1, this.ends[i]);
  }
}

/** Every line of a block, as strings (for what must keep them past the block). */
export function linesOf(block: LineBlock, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < block.count; i++) lines.push(block.line(i));
  return lines;
}

/**
 * One line's text, without its CR. Each line is decoded on its own (a newline byte is
 * never inside a UTF-8 sequence), so it is a string of its own.
 */
function decodeLine(bytes: Buffer, start: number, end: number): string {
  if (end > start && bytes[end - 1] === 13) end--;
  return bytes.toString('utf8', start, end);
}
