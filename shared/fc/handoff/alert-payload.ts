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

export function parseAlertPayload(event: Buffer | string): AlertPayload {
  const doc = JSON.parse(event.toString()) as unknown;
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as AlertPayload).alerts)) {
    throw new Error('dispatcher payload: expected {"alerts": [...]}');
  }
  return doc as AlertPayload;
}
