import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

/**
 * A webhook receiver on 127.0.0.1 that verifies secmon's signature the way a
 * receiver should: `X-Secmon-Signature: sha256=HMAC-SHA256(secret, timestamp + "." + body)`
 * with `X-Secmon-Timestamp` no older than five minutes. Unsigned or stale requests get
 * 401 and are not kept.
 */
export interface WebhookDelivery {
  path: string;
  body: string;
  doc: { type: string; alert?: { id: string; rule: string; key: string }; incident?: { id: string }; digest?: { count: number } };
}

export class LocalWebhook extends LoopbackHttpServer {
  readonly received: WebhookDelivery[] = [];
  readonly refused: string[] = [];

  constructor(
    private readonly secret: string,
    private readonly onDelivery?: (d: WebhookDelivery) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  url(path = '/hooks/secmon'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  protected handle(req: IncomingMessage, bytes: Buffer, res: ServerResponse): void {
    const body = bytes.toString('utf8');
    const timestamp = String(req.headers['x-secmon-timestamp'] ?? '');
    const given = Buffer.from(String(req.headers['x-secmon-signature'] ?? ''));
    const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex')}`);
    const fresh = Math.abs(this.now() / 1000 - Number(timestamp)) < 300;
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || !fresh) {
      this.refused.push(req.url ?? '');
      res.writeHead(401);
      res.end();
      return;
    }
    const delivery = { path: req.url ?? '', body, doc: JSON.parse(body) };
    this.received.push(delivery);
    this.onDelivery?.(delivery);
    res.writeHead(204);
    res.end();
  }

}
