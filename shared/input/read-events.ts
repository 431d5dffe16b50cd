import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { InputError, Origin, SecEvent } from '../events/event';
import { JsonShape, normalizeJsonRecord } from '../events/json-record';
import { normalizeSyslogLine } from '../events/syslog';
import { HeaderOptions } from '../events/syslog/header';
import { recordsOfDocument } from './json-document';

export const INPUT_FORMATS = ['auto', 'syslog', 'json', 'actiontrail', 'eventbridge', 'sls', 'ecs'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface ReadOptions {
  format: InputFormat;
  syslog: HeaderOptions;
  /** Lines per yielded chunk. */
  chunkLines?: number;
  /** Called with the number of bytes read so far (for progress bars). */
  onBytes?: (bytes: number) => void;
}

/** A slice of one input: the events it held and what could not be read. */
export interface InputChunk {
  events: SecEvent[];
  errors: InputError[];
  /** Input records (lines or document elements) this chunk covers. */
  records: number;
}

/** A whole document is parsed at once; anything bigger must be JSON lines. */
const MAX_DOCUMENT_CHARS = 256 * 1024 * 1024;
const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Streams the events of one file (or `-` for standard input), in chunks. JSON lines
 * and syslog are read line by line, so a file of any size is never held in memory.
 */
export async function* readEvents(path: string, opts: ReadOptions): AsyncGenerator<InputChunk> {
  const chunkLines = opts.chunkLines ?? 1000;
  const lines = lineSource(path, opts.onBytes);
  let mode: 'syslog' | 'jsonl' | undefined = opts.format === 'syslog' ? 'syslog' : undefined;
  const shape: JsonShape = jsonShapeOf(opts.format);
  let chunk: InputChunk = { events: [], errors: [], records: 0 };

  const iterator = lines[Symbol.asyncIterator]();
  for await (const { text, line } of { [Symbol.asyncIterator]: () => iterator }) {
    if (mode === undefined) {
      const first = text.replace(/^\ufeff/, '').trim();
      if (first === '') continue;
      mode = detectLineMode(first, opts.format);
      if (mode === undefined) {
        // A pretty-printed JSON document: gather the rest of it and parse it whole.
        yield await readDocument(path, line, text, iterator, shape, opts.syslog);
        return;
      }
    }
    const origin: Origin = { path, line };
    const body = line === 1 ? text.replace(/^\ufeff/, '') : text;
    if (body.trim() === '') continue;
    chunk.records++;
    try {
      if (body.length > MAX_LINE_CHARS) throw new InputError(origin, `line longer than ${MAX_LINE_CHARS} characters`);
      if (mode === 'syslog') {
        pushAll(chunk.events, normalizeSyslogLine(body, { ...opts.syslog, origin, position: `${path}:${line}` }));
      } else {
        let value: unknown;
        try {
          value = JSON.parse(body);
        } catch (e) {
          throw new InputError(origin, `malformed JSON: ${(e as Error).message}`);
        }
        pushAll(chunk.events, normalizeJsonRecord(value, origin, shape, opts.syslog));
      }
    } catch (e) {
      chunk.errors.push(asInputError(e, origin));
    }
    if (chunk.records >= chunkLines) {
      yield chunk;
      chunk = { events: [], errors: [], records: 0 };
    }
  }
  if (chunk.records > 0 || chunk.errors.length > 0) yield chunk;
}

function pushAll(into: SecEvent[], events: SecEvent[]): void {
  for (const e of events) into.push(e);
}

function asInputError(e: unknown, origin: Origin): InputError {
  if (e instanceof InputError) return e;
  return new InputError(origin, (e as Error).message ?? String(e));
}

function jsonShapeOf(format: InputFormat): JsonShape {
  switch (format) {
    case 'actiontrail':
    case 'eventbridge':
    case 'sls':
      return format;
    case 'ecs':
      return 'json';
    default:
      return 'auto';
  }
}

/** `jsonl` when the first line is a whole JSON value, undefined for a multi-line document, else `syslog`. */
function detectLineMode(first: string, format: InputFormat): 'syslog' | 'jsonl' | undefined {
  const looksJson = first.startsWith('{') || first.startsWith('[');
  if (!looksJson) {
    return format === 'auto' ? 'syslog' : 'jsonl';
  }
  if (first.startsWith('[')) return undefined;
  try {
    JSON.parse(first);
    return 'jsonl';
  } catch {
    return undefined;
  }
}

async function readDocument(
  path: string,
  firstLine: number,
  firstText: string,
  rest: AsyncIterator<{ text: string; line: number }>,
  shape: JsonShape,
  syslog: HeaderOptions,
): Promise<InputChunk> {
  const chunk: InputChunk = { events: [], errors: [], records: 0 };
  const parts = ['\n'.repeat(firstLine - 1), firstText];
  let size = firstText.length;
  for (let r = await rest.next(); !r.done; r = await rest.next()) {
    size += r.value.text.length + 1;
    if (size > MAX_DOCUMENT_CHARS) {
      chunk.errors.push(new InputError({ path, line: firstLine }, `JSON document larger than ${MAX_DOCUMENT_CHARS / 1048576} MB: convert it to JSON lines`));
      await rest.return?.();
      return chunk;
    }
    parts.push('\n', r.value.text);
  }
  let records;
  try {
    records = recordsOfDocument(parts.join('').replace(/^\ufeff/, ''));
  } catch (e) {
    chunk.errors.push(new InputError({ path, line: firstLine }, `malformed JSON document: ${(e as Error).message}`));
    return chunk;
  }
  for (const { value, line } of records) {
    const origin = { path, line };
    chunk.records++;
    try {
      pushAll(chunk.events, normalizeJsonRecord(value, origin, shape, syslog));
    } catch (e) {
      chunk.errors.push(asInputError(e, origin));
    }
  }
  return chunk;
}

/** Lines of a file (or standard input, gunzipped for `.gz`) with their 1-based numbers. */
async function* lineSource(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<{ text: string; line: number }> {
  const raw: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 256 * 1024 });
  if (onBytes) {
    let bytes = 0;
    raw.on('data', (b: Buffer | string) => {
      bytes += b.length;
      onBytes(bytes);
    });
  }
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    let line = 0;
    for await (const text of rl) {
      line++;
      yield { text, line };
    }
  } finally {
    rl.close();
    if (raw !== process.stdin) raw.destroy();
  }
}
