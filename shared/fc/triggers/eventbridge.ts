import { InputError, SecEvent } from '../../events/event';
import { normalizeEventBridge } from '../../events/actiontrail';
import { stableId } from '../../util/hash';
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
  const events: SecEvent[] = [];
  let skipped = 0;
  items.forEach((item, i) => {
    try {
      if (item === null || typeof item !== 'object') throw new InputError(undefined, 'not a JSON object');
      events.push(normalizeEventBridge(item as Record<string, unknown>));
    } catch (e) {
      skipped++;
      log('error', 'EventBridge event skipped', { requestId, index: i, error: (e as Error).message });
    }
  });
  // EventBridge retries deliver the same event ids: they identify the batch.
  const ids = items.map((it) => String((it as { id?: unknown })?.id ?? '')).sort();
  const alerts = await rt.alerter.process(events, { batchId: `eb:${stableId(...ids)}` });
  await rt.dispatchAlerts(alerts);
  const summary = { events: events.length, skipped, alerts: alerts.length };
  log('info', 'EventBridge batch evaluated', { requestId, ...summary });
  return summary;
}
