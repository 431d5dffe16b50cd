import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer, replyJson } from './loopback-http';

/** The parameters of the robot message templates secmon sends (DingTalk's "types of messages sent by robots"). */
const TEMPLATE_PARAMS: Record<string, string[]> = {
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
};

/**
 * The DingTalk OpenAPI (api.dingtalk.com) on 127.0.0.1, for what secmon calls:
 * POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn};
 * POST /v1.0/robot/groupMessages/send and POST /v1.0/todo/users/{unionId}/tasks, both
 * refused (401) without the header x-acs-dingtalk-access-token holding a valid token.
 */
export class LocalDingTalkOpenApi extends LoopbackHttpServer {
  readonly tokenRequests: number[] = [];
  readonly groupMessages: Array<{ robotCode: string; openConversationId: string; msgKey: string; msgParam: Record<string, string> & { title: string; text: string } }> = [];
  readonly todos: Array<{ unionId: string; subject: string; description: string; executorIds: string[]; priority: number; sourceId: string }> = [];
  private readonly tokens = new Set<string>();

  constructor(
    private readonly appKey: string,
    private readonly appSecret: string,
  ) {
    super();
  }

  protected handle(req: IncomingMessage, bytes: Buffer, res: ServerResponse): void {
    const body = bytes.toString('utf8');
    const reply = (status: number, doc: unknown) => replyJson(res, status, doc);
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
      const param = JSON.parse(doc.msgParam) as Record<string, unknown>;
      const needs = TEMPLATE_PARAMS[doc.msgKey as string];
      if (needs === undefined) return reply(400, { code: 'invalidParameter.msgKey', message: `unknown msgKey ${doc.msgKey}` });
      const missing = needs.filter((k) => typeof param[k] !== 'string' || param[k] === '');
      if (missing.length > 0) return reply(400, { code: 'invalidParameter.msgParam', message: `msgParam of ${doc.msgKey} lacks ${missing.join(', ')}` });
      this.groupMessages.push({ ...doc, msgParam: param });
      return reply(200, { processQueryKey: `pq-${this.groupMessages.length}` });
    }
    const todo = /^\/v1\.0\/todo\/users\/([^/]+)\/tasks$/.exec(url.pathname);
    if (req.method === 'POST' && todo) {
      this.todos.push({ unionId: decodeURIComponent(todo[1]), ...doc });
      return reply(200, { id: `task-${this.todos.length}`, subject: doc.subject });
    }
    reply(404, { code: 'NotFound', message: url.pathname });
  }

}
