import { compileFirstOf } from '../util/field-path';

/** What a template may name besides fields: the count, the key, and a summary's distinct values. */
export type TemplateVars = { count: number; key: string; values?: string };

/**
 * `{{field.path}}` message templates, split once at load. Values are inserted as
 * plain text, bounded in length; each channel escapes the result for its own format.
 */
export function compileTemplate(template: string): (fields: Record<string, unknown>, vars: TemplateVars) => string {
  const parts: Array<string | ((f: Record<string, unknown>, v: TemplateVars) => string)> = [];
  let last = 0;
  // `{{path}}`, or `{{path ?? other.path}}` for the first that has a value.
  for (const m of template.matchAll(/\{\{\s*([^{}\s]+(?:\s*\?\?\s*[^{}\s]+)*)\s*\}\}/g)) {
    if (m.index! > last) parts.push(template.slice(last, m.index));
    const name = m[1];
    if (name === 'count') parts.push((_f, v) => String(v.count));
    else if (name === 'key') parts.push((_f, v) => v.key);
    else if (name === 'values') parts.push((_f, v) => v.values ?? '-');
    else {
      const get = compileFirstOf(name);
      parts.push((f) => show(get(f)));
    }
    last = m.index! + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return (fields, vars) => parts.map((p) => (typeof p === 'string' ? p : p(fields, vars))).join('');
}

const MAX_VALUE_CHARS = 200;

function show(v: unknown): string {
  if (v === undefined || v === null) return '-';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}
