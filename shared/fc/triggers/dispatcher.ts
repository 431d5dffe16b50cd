import { parseAlertPayload } from '../handoff/alert-payload';
import { FunctionRuntime } from '../runtime';
import { log } from '../log';

/**
 * The dispatcher function: receives alerts by asynchronous invocation and delivers
 * each one once, through the channels and routes of SECMON_DISPATCH_CONFIG (or, without
 * one, as alert lines in its log). A delivery failure throws, so FC's async retries and
 * on-failure destination take over.
 */
export async function handleDispatch(payload: Buffer | string, rt: FunctionRuntime, requestId = ''): Promise<{ delivered: number; duplicates: number }> {
  if (isTimerEvent(payload)) {
    // Each minute (s.yaml): digests held by a rate limit go out as the budget allows.
    const report = rt.assembly.delivery ? await rt.assembly.delivery.flush(false) : undefined;
    log('info', 'held digests flushed', { requestId, ...(report ?? {}) });
    return { delivered: report?.digested ?? 0, duplicates: 0 };
  }
  let alerts;
  try {
    const parsed = parseAlertPayload(payload);
    alerts = parsed.alerts;
    for (const r of parsed.rejected) log('error', 'dispatcher item is not an alert; skipped', { requestId, ...r });
  } catch (e) {
    log('error', 'dispatcher payload rejected; dropped', { requestId, error: (e as Error).message });
    return { delivered: 0, duplicates: 0 };
  }
  const report = await rt.assembly.deliver(alerts);
  log('info', 'alerts dispatched', { requestId, ...report });
  return { delivered: report.sent + report.digested, duplicates: report.duplicates };
}

/** FC's timer trigger event: `{"triggerTime": …, "triggerName": …, "payload": …}`. */
function isTimerEvent(payload: Buffer | string): boolean {
  try {
    const doc = JSON.parse(payload.toString()) as Record<string, unknown> | null;
    return doc !== null && typeof doc === 'object' && typeof doc.triggerName === 'string' && typeof doc.triggerTime === 'string' && !('alerts' in doc);
  } catch {
    return false;
  }
}
