import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * The part every local service of the tests shares: an HTTP server on 127.0.0.1 (a
 * free port unless one is given) that reads each request's body whole and hands it
 * to `handle`. Nothing here listens anywhere but loopback.
 */
export abstract class LoopbackHttpServer {
  port = 0;
  private server?: Server;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected abstract handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void;

  private readonly extra: Server[] = [];

  async start(port = 0): Promise<void> {
    this.server = await this.listen(port);
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Another port answered by the same handler (a request's `socket.localPort` tells which); its endpoint. */
  async alsoListen(): Promise<string> {
    const server = await this.listen(0);
    this.extra.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async listen(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  }

  async stop(): Promise<void> {
    await Promise.all([this.server, ...this.extra].map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
  }
}

/** A JSON answer. */
export function replyJson(res: ServerResponse, status: number, doc: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(doc));
}
