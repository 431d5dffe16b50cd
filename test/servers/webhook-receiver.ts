import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:http';

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

export class LocalWebhook {
  readonly received: WebhookDelivery[] = [];
  readonly refused: string[] = [];
  private server?: Server;
  port = 0;

  constructor(
    private readonly secret: string,
    private readonly onDelivery?: (d: WebhookDelivery) => void,
    private readonly now: () => number = Date.now,
  ) {}

  url(path = '/hooks/secmon'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
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
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
