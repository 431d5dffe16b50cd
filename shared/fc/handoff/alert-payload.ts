import { Alert } from '../../alerts/alert';

/** FC async invocations take at most 128 KB; leave room for headers. */
export const MAX_ASYNC_PAYLOAD_BYTES = 120 * 1024;

export interface AlertPayload {
  alerts: Alert[];
}

/**
 * Splits alerts into invocation payloads under the size limit. An alert too large on
 * its own (huge evidence) keeps its first evidence event only, then its message.
 */
export function packAlerts(alerts: Alert[], maxBytes = MAX_ASYNC_PAYLOAD_BYTES): Buffer[] {
  const payloads: Buffer[] = [];
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length) payloads.push(Buffer.from(`{"alerts":[${batch.join(',')}]}`));
    batch = [];
    size = 0;
  };
  for (const alert of alerts) {
    let json = JSON.stringify(alert);
    if (Buffer.byteLength(json) > maxBytes - 20) json = JSON.stringify({ ...alert, evidence: alert.evidence.slice(0, 1), evidenceTruncated: true });
    if (Buffer.byteLength(json) > maxBytes - 20) json = JSON.stringify({ ...alert, evidence: [], evidenceTruncated: true });
    const bytes = Buffer.byteLength(json) + 1;
    if (size + bytes > maxBytes - 20) flush();
    batch.push(json);
    size += bytes;
  }
  flush();
  return payloads;
}

/** One item of a payload that is not an alert: its index and why, for the log. */
export interface RejectedItem {
  index: number;
  reason: string;
  /** What can be told of it without its content (rule and key when present). */
  rule?: string;
  key?: string;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low', 'info']);

/** Why an item cannot be delivered as an alert, or undefined when it can. */
function notAnAlert(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'not an object';
  const a = item as Record<string, unknown>;
  if (typeof a.id !== 'string' || a.id === '') return 'no id (an alert without an id cannot be delivered once)';
  if (typeof a.rule !== 'string' || a.rule === '') return 'no rule';
  if (typeof a.severity !== 'string' || !SEVERITIES.has(a.severity)) return 'no valid severity';
  if (typeof a.time !== 'string' || typeof a.key !== 'string') return 'no time or key';
  return undefined;
}

/**
 * The alerts of a dispatcher payload, and the items that are not alerts (reported
 * and skipped: the others are still delivered, and a payload that can never succeed
 * is not retried by FC for ever). Throws only when the payload itself is not
 * `{"alerts": [...]}`.
 */
export function parseAlertPayload(event: Buffer | string): AlertPayload & { rejected: RejectedItem[] } {
  const doc = JSON.parse(event.toString()) as unknown;
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as AlertPayload).alerts)) {
    throw new Error('dispatcher payload: expected {"alerts": [...]}');
  }
  const alerts: Alert[] = [];
  const rejected: RejectedItem[] = [];
  (doc as { alerts: unknown[] }).alerts.forEach((item, index) => {
    const reason = notAnAlert(item);
    if (reason === undefined) {
      const a = item as Alert;
      alerts.push({ ...a, tags: Array.isArray(a.tags) ? a.tags : [], references: Array.isArray(a.references) ? a.references : [], evidence: Array.isArray(a.evidence) ? a.evidence : [] });
      return;
    }
    const o = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    rejected.push({ index, reason, rule: typeof o.rule === 'string' ? o.rule : undefined, key: typeof o.key === 'string' ? o.key : undefined });
  });
  return { alerts, rejected };
}
