import { createServer, Server } from 'node:http';

/**
 * The DingTalk OpenAPI (api.dingtalk.com) on 127.0.0.1, for what secmon calls:
 * POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn};
 * POST /v1.0/robot/groupMessages/send and POST /v1.0/todo/users/{unionId}/tasks, both
 * refused (401) without the header x-acs-dingtalk-access-token holding a valid token.
 */
export class LocalDingTalkOpenApi {
  readonly tokenRequests: number[] = [];
  readonly groupMessages: Array<{ robotCode: string; openConversationId: string; msgKey: string; msgParam: { title: string; text: string } }> = [];
  readonly todos: Array<{ unionId: string; subject: string; description: string; executorIds: string[]; priority: number; sourceId: string }> = [];
  private readonly tokens = new Set<string>();
  private server?: Server;
  port = 0;

  constructor(
    private readonly appKey: string,
    private readonly appSecret: string,
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const reply = (status: number, doc: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(doc));
        };
        const url = new URL(req.url ?? '/', 'http://local');
        const doc = body ? JSON.parse(body) : {};
        if (req.method === 'POST' && url.pathname === '/v1.0/oauth2/accessToken') {
          this.tokenRequests.push(Date.now());
          if (doc.appKey !== this.appKey || doc.appSecret !== this.appSecret) return reply(400, { code: 'invalidClientIdOrSecret', message: 'wrong appKey or appSecret' });
          const token = `tok-${this.tokenRequests.length}`;
          this.tokens.add(token);
          return reply(200, { accessToken: token, expireIn: 7200 });
        }
        // The SDK writes the header value as a JSON string (with quotes); accept both forms.
        const raw = String(req.headers['x-acs-dingtalk-access-token'] ?? '');
        const token = raw.startsWith('"') ? JSON.parse(raw) : raw;
        if (!this.tokens.has(token)) return reply(401, { code: 'InvalidAuthentication', message: 'access token missing or invalid' });
        if (req.method === 'POST' && url.pathname === '/v1.0/robot/groupMessages/send') {
          this.groupMessages.push({ ...doc, msgParam: JSON.parse(doc.msgParam) });
          return reply(200, { processQueryKey: `pq-${this.groupMessages.length}` });
        }
        const todo = /^\/v1\.0\/todo\/users\/([^/]+)\/tasks$/.exec(url.pathname);
        if (req.method === 'POST' && todo) {
          this.todos.push({ unionId: decodeURIComponent(todo[1]), ...doc });
          return reply(200, { id: `task-${this.todos.length}`, subject: doc.subject });
        }
        reply(404, { code: 'NotFound', message: url.pathname });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
