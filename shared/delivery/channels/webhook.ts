import { createHmac } from 'node:crypto';
import { Alert } from '../../alerts/alert';
import { Channel, Digest } from './channel';
import type { Incident } from '../../alerts/incident';
import { postJson } from './http';

/**
 * A JSON POST of the alert for Jira, ServiceNow or any automation. The receiver
 * verifies `X-Secmon-Signature: sha256=<hex>`, an HMAC-SHA256 with the shared secret
 * of `<X-Secmon-Timestamp>.<body>`, and rejects old timestamps to stop replays.
 */
export class WebhookChannel implements Channel {
  readonly type = 'webhook';

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  get secretValues(): readonly string[] {
    return [this.url, this.secret];
  }

  async send(alert: Alert): Promise<void> {
    await this.post(JSON.stringify({ type: 'alert', alert }));
  }

  async sendIncident(incident: Incident): Promise<void> {
    await this.post(JSON.stringify({ type: 'incident', incident }));
  }

  async sendDigest(digest: Digest): Promise<void> {
    await this.post(JSON.stringify({ type: 'digest', digest }));
  }

  private async post(body: string): Promise<void> {
    const timestamp = String(Math.floor(this.now() / 1000));
    const signature = createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex');
    await postJson(this.url, body, { 'x-secmon-timestamp': timestamp, 'x-secmon-signature': `sha256=${signature}` });
  }
}
