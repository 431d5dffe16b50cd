/**
 * Whole JSON documents (a pretty-printed array of ActionTrail records, a LookupEvents
 * answer `{"Events": [...]}`, one pretty-printed record). JSON.parse gives no
 * positions, so a linear scan finds the line on which each record starts, letting
 * errors and alerts point at it.
 */
export interface DocumentRecord {
  value: unknown;
  line: number;
}

export function recordsOfDocument(text: string): DocumentRecord[] {
  const doc: unknown = JSON.parse(text);
  if (Array.isArray(doc)) return zipLines(doc, elementStartLines(text, 1));
  if (doc !== null && typeof doc === 'object') {
    const events = (doc as Record<string, unknown>).Events;
    if (Array.isArray(events)) return zipLines(events, elementStartLines(text, 2));
  }
  return [{ value: doc, line: firstContentLine(text) }];
}

function zipLines(values: unknown[], lines: number[]): DocumentRecord[] {
  return values.map((value, i) => ({ value, line: lines[i] ?? 1 }));
}

function firstContentLine(text: string): number {
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return line;
  }
  return 1;
}

/** Line numbers where the elements of arrays nested at `depth` start (depth 1: the top-level array). */
function elementStartLines(text: string, depth: number): number[] {
  const lines: number[] = [];
  const stack: string[] = [];
  let line = 1;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    const inTargetArray = stack.length === depth && stack[stack.length - 1] === '[';
    if (expectValue && inTargetArray && c !== ']') lines.push(line);
    expectValue = false;
    switch (c) {
      case '"':
        inString = true;
        break;
      case '[':
        stack.push('[');
        expectValue = true;
        break;
      case '{':
        stack.push('{');
        break;
      case ']':
      case '}':
        stack.pop();
        break;
      case ',':
        expectValue = stack[stack.length - 1] === '[';
        break;
    }
  }
  return lines;
}
