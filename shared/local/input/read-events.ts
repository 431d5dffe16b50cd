import { EventSink, InputError, Origin, SecEvent } from '../../events/event';
import { JsonShape, normalizeJsonRecord, normalizeJsonRecordInto } from '../../events/json-record';
import { SyslogContext, normalizeSyslogLineInto } from '../../events/syslog';
import { HeaderOptions } from '../../events/syslog/header';
import { isWebServerErrorLine } from '../../events/webserver';
import { textNestsWithin } from '../../events/limits';
import { recordsOfDocument } from './json-document';
import { LineBlock, linesOf, openInput, readLineBlocks } from './line-reader';

export const INPUT_FORMATS = ['auto', 'syslog', 'json', 'actiontrail', 'eventbridge', 'sls', 'osquery', 'ecs'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface ReadOptions {
  format: InputFormat;
  syslog: HeaderOptions;
  /** Lines per yielded chunk. */
  chunkLines?: number;
  /** Called with the number of bytes read so far (for progress bars). */
  onBytes?: (bytes: number) => void;
  /**
   * Takes each event as soon as it is normalized (while it is still in the processor's
   * cache) instead of collecting it in the chunk: chunks then carry errors and counts only.
   */
  sink?: EventSink;
}

/** A slice of one input: the events it held (unless a sink took them) and what could not be read. */
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
  const blocks = readLineBlocks(openInput(path, opts.onBytes));
  // `auto`: each line by its own first character; `syslog` / `jsonl`: as --format forces.
  let mode: 'auto' | 'syslog' | 'jsonl' | undefined;
  const shape: JsonShape = jsonShapeOf(opts.format);
  // One context object reused for every line (no allocation per line).
  // Lines read the same way each time: a year, or the reference time a year is inferred
  // from, is fixed for the file (now, at its start, when neither is given).
  const reading: HeaderOptions = opts.syslog.year !== undefined || opts.syslog.referenceTime !== undefined ? opts.syslog : { ...opts.syslog, referenceTime: Date.now() };
  const syslogBase: SyslogContext = { ...reading, replay: reading };
  let chunk: InputChunk = { events: [], errors: [], records: 0 };
  let out: EventSink = opts.sink ?? chunk.events;

  try {
    for await (const block of blocks) {
      for (let k = 0; k < block.count; k++) {
        const line = block.firstLine + k;
        let text = block.line(k);
        if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        // RFC 7464 JSON text sequences (`journalctl -o json-seq`): a record separator before each record.
        if (text.charCodeAt(0) === 0x1e) text = text.slice(1);
        if (mode === undefined) {
          const first = text.trim();
          if (first === '') continue;
          if (startsDocument(first, opts.format)) {
            // A pretty-printed JSON document: gather the rest of it and parse it whole.
            yield await readDocument(path, line, [text, ...linesOf(block, k + 1)], blocks, shape, opts.syslog);
            return;
          }
          mode = opts.format === 'auto' ? 'auto' : opts.format === 'syslog' ? 'syslog' : 'jsonl';
        }
        if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) continue;
        const origin: Origin = { path, line };
        chunk.records++;
        try {
          if (text.length > MAX_LINE_CHARS) throw new InputError(origin, `line of ${text.length} characters is longer than the ${MAX_LINE_CHARS} allowed: skipped`);
          // Each record's own format: a JSON line in a syslog file is JSON, a text line in a JSON-lines file is text.
          if (mode === 'syslog' || (mode === 'auto' && !isJsonLine(text))) {
            syslogBase.origin = origin;
            normalizeSyslogLineInto(text, syslogBase, out);
          } else {
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch (e) {
              throw new InputError(origin, `malformed JSON: ${(e as Error).message}`);
            }
            const shallow = textNestsWithin(text);
            // A line holding an array (a compact LookupEvents page) is one record per element.
            if (Array.isArray(value)) {
              for (const item of value) {
                try {
                  normalizeJsonRecordInto(item, origin, shape, opts.syslog, out, shallow);
                } catch (e) {
                  chunk.errors.push(asInputError(e, origin));
                }
              }
            } else normalizeJsonRecordInto(value, origin, shape, opts.syslog, out, shallow);
          }
        } catch (e) {
          chunk.errors.push(asInputError(e, origin));
        }
        if (chunk.records >= chunkLines) {
          yield chunk;
          chunk = { events: [], errors: [], records: 0 };
          out = opts.sink ?? chunk.events;
        }
      }
    }
  } catch (e) {
    // The file broke off (a truncated .gz, a read error): what was read of it counts, then the error is the caller's.
    if (chunk.records > 0 || chunk.errors.length > 0) yield chunk;
    throw e;
  }
  if (chunk.records > 0 || chunk.errors.length > 0) yield chunk;
}

function pushAll(into: EventSink, events: SecEvent[]): void {
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
    case 'osquery':
      return format;
    case 'ecs':
      return 'json';
    default:
      return 'auto';
  }
}

/** Whether a line is a JSON record (in `auto` mode): it starts with `{`, or is an array of records (`[{`…). */
function isJsonLine(text: string): boolean {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  const c = text.charCodeAt(i);
  if (c === 123) return true; // {
  return c === 91 && ARRAY_OF_RECORDS.test(text.slice(i)) && !isWebServerErrorLine(text.slice(i));
}

/** `[` then `{`: an array of records; `[Fri Nov 20 …]` (Apache) or `[   81.23]` (journalctl -o short-monotonic) is text. */
const ARRAY_OF_RECORDS = /^\[\s*\{/;

/**
 * Whether the first non-empty line opens a multi-line JSON document: a lone `{` or `[`
 * (as pretty-printers write them), a `[` line that is no whole JSON value and no web
 * server log line, or a `{` line left open (`{"Events": [`). A first line that is a
 * broken JSON record is one bad record, not a document: the lines after it are read.
 */
function startsDocument(first: string, format: InputFormat): boolean {
  if (format === 'syslog') return false;
  if (first === '{' || first === '[') return true;
  const open = first.startsWith('[') ? ARRAY_OF_RECORDS.test(first) && !isWebServerErrorLine(first) : first.startsWith('{') && /[[{]$/.test(first);
  if (!open) return false;
  try {
    JSON.parse(first);
    return false;
  } catch {
    return true;
  }
}

async function readDocument(
  path: string,
  firstLine: number,
  firstLines: string[],
  rest: AsyncGenerator<LineBlock>,
  shape: JsonShape,
  syslog: HeaderOptions,
): Promise<InputChunk> {
  const chunk: InputChunk = { events: [], errors: [], records: 0 };
  const parts = ['\n'.repeat(firstLine - 1), firstLines.join('\n')];
  let size = parts[1].length;
  for await (const block of rest) {
    const text = linesOf(block).join('\n');
    size += text.length + 1;
    if (size > MAX_DOCUMENT_CHARS) {
      chunk.errors.push(new InputError({ path, line: firstLine }, `JSON document larger than ${MAX_DOCUMENT_CHARS / 1048576} MB: convert it to JSON lines`));
      await rest.return(undefined);
      return chunk;
    }
    parts.push('\n', text);
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

