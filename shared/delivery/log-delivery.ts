import { Alert } from '../alerts/alert';
import { STATE_KEYS, stateKey } from '../state/keys';
import { StateStore } from '../state/store';

/** Where the dispatcher sends an alert. Channels (DingTalk, email, webhook) implement this. */
export interface AlertSink {
  send(alert: Alert): Promise<void>;
}

/**
 * Writes each alert as one JSON line to the function's log (FC ships it to the SLS
 * logstore of `logConfig`), where it can be searched and alerted on.
 */
export class LogSink implements AlertSink {
  constructor(private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  async send(alert: Alert): Promise<void> {
    // The function log's shape (shared/fc/log.ts): an ECS line whose level is `alert`.
    const { message, ...rest } = alert;
    this.write(JSON.stringify({ '@timestamp': new Date().toISOString(), 'log.level': 'alert', message, ...rest }));
  }
}


/**
 * Sends alerts not delivered before: a retried invocation (FC async retry, a
 * redelivered trigger batch re-sending its alerts) does not send an alert twice.
 */
export async function deliverAlerts(alerts: Alert[], store: StateStore, sink: AlertSink, now = Date.now()): Promise<{ delivered: number; duplicates: number }> {
  if (alerts.length === 0) return { delivered: 0, duplicates: 0 };
  const fresh = await store.claim(alerts.map((a) => stateKey('logDelivered', a.id)), now, STATE_KEYS.logDelivered.ttlMs);
  let delivered = 0;
  for (let i = 0; i < alerts.length; i++) {
    if (!fresh[i]) continue;
    await sink.send(alerts[i]);
    delivered++;
  }
  return { delivered, duplicates: alerts.length - delivered };
}
