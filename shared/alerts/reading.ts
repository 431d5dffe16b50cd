import { Evidence, decisiveEvidence } from '../engine/evidence';
import type { RuleKind } from '../rules/rule';

/** What an evidence event is to the reader of an alert. */
export type EvidenceRole = 'first' | 'last-step' | 'decisive';

/**
 * The evidence a person reads, in time order: for a sequence the first event, the last
 * earlier step and the completing event; for a threshold or a summary the first and
 * the last; for the other kinds the decisive event. The rest stays in the alert (the webhook and
 * `--json` carry all of it).
 */
export function readerEvidence(kind: RuleKind | undefined, evidence: readonly Evidence[], time: string): Array<{ role: EvidenceRole; evidence: Evidence }> {
  const decisive = decisiveEvidence(evidence, time);
  if (decisive === undefined) return [];
  const at = evidence.lastIndexOf(decisive);
  const out: Array<{ role: EvidenceRole; evidence: Evidence }> = [];
  if ((kind === 'sequence' || kind === 'threshold' || kind === 'summary') && at > 0) out.push({ role: 'first', evidence: evidence[0] });
  if (kind === 'sequence' && at > 1) out.push({ role: 'last-step', evidence: evidence[at - 1] });
  out.push({ role: 'decisive', evidence: decisive });
  return out;
}

/** Facts shown of one event at most, and characters of one value. */
const MAX_FACTS = 14;
const MAX_VALUE = 160;

/**
 * The fields of an event worth reading, by the names rules use (the same in every
 * language), after what the alert's context shows already (who, from where, on which
 * host): for ActionTrail the call and its parameters; for a host log its line (the
 * `message` as the program wrote it) and what was read from it; for osquery the query
 * and its row.
 */
const FACTS_BY_SOURCE: Record<string, string[]> = {
  actiontrail: ['eventName', 'eventType', 'errorCode', 'errorMessage', 'requestParameters.*', 'additionalEventData.*', 'eventId'],
  osquery: ['osquery.name', 'osquery.action', 'host.hostname', 'osquery.columns.*'],
  posture: ['posture.check', 'user.name', 'cloud.account.id', 'message'],
};
const HOST_FACTS = ['message', 'host.hostname', 'user.name', 'user.effective.name', 'source.ip', 'event.action', 'process.command_line', 'log.file.path', 'log.file.line'];

/** `[field, value]` pairs of an event, bounded, values as text. */
export function keyFacts(e: Evidence): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (name: string, v: unknown) => {
    if (out.length >= MAX_FACTS || v === undefined || v === null || v === '') return;
    // Where an SLS trigger read the event is no place a person can open: the evidence link is.
    if (name === 'log.file.path' && typeof v === 'string' && v.startsWith('sls://')) return;
    const s = readable(v);
    out.push([name, s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s]);
  };
  for (const path of FACTS_BY_SOURCE[e.source] ?? HOST_FACTS) {
    if (path.endsWith('.*')) {
      const prefix = path.slice(0, -2);
      const obj = valueAt(e.fields, prefix);
      if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) for (const [k, v] of Object.entries(obj)) add(`${prefix}.${k}`, v);
    } else add(path, valueAt(e.fields, path));
  }
  return out;
}

/** A value as text that wraps on a narrow screen: objects and arrays with a space after each comma and colon. */
function readable(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(readable).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${k}: ${readable(x)}`).join(', ')}}`;
}

function valueAt(fields: Record<string, unknown>, path: string): unknown {
  // Literal dotted keys (an SLS export's `event.eventName`) first, then nested objects.
  if (path in fields) return fields[path];
  let cur: unknown = fields;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
