import { InputError } from '../../events/event';
import { normalizeEventBridge } from '../../events/actiontrail';
import { digestId } from '../../util/hash';
import { FunctionRuntime } from '../runtime';
import { log } from '../log';
import { InvocationSummary } from './summary';

/**
 * EventBridge trigger: one CloudEvent, or an array of them when the trigger batches,
 * each carrying an ActionTrail record in `data`. EventBridge delivers write events
 * only (`<service>:ActionTrail:ApiCall|ConsoleOperation|AliyunServiceEvent`): console
 * sign-ins must come through the trail delivered to SLS.
 */
export async function handleEventBridgeEvent(payload: Buffer | string, rt: FunctionRuntime, requestId = ''): Promise<InvocationSummary> {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString());
  } catch (e) {
    // Retrying cannot fix a payload that is not JSON: report it and finish.
    log('error', 'EventBridge payload is not JSON; dropped', { requestId, error: (e as Error).message, bytes: payload.length });
    return { events: 0, skipped: 1, alerts: 0 };
  }
  const items = Array.isArray(doc) ? doc : [doc];
  // Each event is matched as it is normalized; one that cannot be (a poison record) is
  // reported and skipped, so a retry of the batch is never needed for it.
  const batch = rt.alerter.begin();
  let skipped = 0;
  items.forEach((item, i) => {
    try {
      if (item === null || typeof item !== 'object') throw new InputError(undefined, 'not a JSON object');
      batch.add(normalizeEventBridge(item as Record<string, unknown>));
    } catch (e) {
      skipped++;
      log('error', 'EventBridge event skipped', { requestId, index: i, id: typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id : undefined, error: (e as Error).message });
    }
  });
  // EventBridge retries deliver the same event ids: they identify the batch; an event
  // without one is identified by its content (else every id-less batch of one size
  // would look like a redelivery of the first).
  const ids = items.map((it) => (typeof (it as { id?: unknown })?.id === 'string' && (it as { id: string }).id !== '' ? (it as { id: string }).id : `content:${digestId(JSON.stringify(it) ?? String(it))}`)).sort();
  const alerts = await batch.finish({ batchId: `eb:${digestId(...ids)}` });
  await rt.dispatchAlerts(alerts);
  const summary = { events: batch.size, skipped, alerts: alerts.length };
  log('info', 'EventBridge batch evaluated', { requestId, ...summary });
  return summary;
}
