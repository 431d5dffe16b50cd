// DingTalk OpenAPI calls through @alicloud/dingtalk, built as a vendor bundle (shared/util/vendor.ts):
// the access token (oauth2_1_0), group messages of an enterprise robot (robot_1_0) and to-do tasks (todo_1_0).
import { Config } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import OAuth2, { GetAccessTokenRequest } from '@alicloud/dingtalk/dist/oauth2_1_0/client';
import Robot, { OrgGroupSendHeaders, OrgGroupSendRequest } from '@alicloud/dingtalk/dist/robot_1_0/client';
import Todo, { CreateTodoTaskHeaders, CreateTodoTaskRequest } from '@alicloud/dingtalk/dist/todo_1_0/client';

export interface DingTalkApiOptions {
  appKey: string;
  appSecret: string;
  /** Default api.dingtalk.com over HTTPS; tests point it at a local server. */
  endpoint?: string;
  now?: () => number;
}

export interface DingTalkApi {
  /** A group message of a template (`sampleMarkdown`, `sampleActionCard`, `sampleActionCard2`) with its parameters. */
  groupSend(robotCode: string, openConversationId: string, msgKey: string, msgParam: Record<string, string>): Promise<void>;
  createTodo(operatorUnionId: string, t: { subject: string; description: string; executorIds: string[]; priority: number; sourceId: string }): Promise<string>;
}

export function createDingTalkApi(o: DingTalkApiOptions): DingTalkApi {
  const now = o.now ?? Date.now;
  const url = o.endpoint ? new URL(/^[a-z]+:\/\//i.test(o.endpoint) ? o.endpoint : `https://${o.endpoint}`) : undefined;
  const config = () => new Config({ endpoint: url?.host ?? 'api.dingtalk.com', protocol: url ? url.protocol.replace(':', '') : 'https' });
  const oauth = new OAuth2(config());
  const robot = new Robot(config());
  const todo = new Todo(config());
  const runtime = new RuntimeOptions({ connectTimeout: 5000, readTimeout: 10000 });
  let token: { value: string; expiresAt: number } | undefined;

  /** The app's access token, reused until five minutes before it expires (7,200 s). */
  async function accessToken(): Promise<string> {
    if (token && now() < token.expiresAt - 300_000) return token.value;
    const res = await oauth.getAccessToken(new GetAccessTokenRequest({ appKey: o.appKey, appSecret: o.appSecret }));
    const value = res.body?.accessToken;
    if (!value) throw new Error('DingTalk getAccessToken answered no token');
    token = { value, expiresAt: now() + Number(res.body?.expireIn ?? 7200) * 1000 };
    return value;
  }

  return {
    async groupSend(robotCode, openConversationId, msgKey, msgParam) {
      // The plain orgGroupSend sends no token: the ...WithOptions form with its Headers does.
      const headers = new OrgGroupSendHeaders({ xAcsDingtalkAccessToken: await accessToken() });
      const request = new OrgGroupSendRequest({ robotCode, openConversationId, msgKey, msgParam: JSON.stringify(msgParam) });
      await robot.orgGroupSendWithOptions(request, headers, runtime);
    },
    async createTodo(operatorUnionId, t) {
      const headers = new CreateTodoTaskHeaders({ xAcsDingtalkAccessToken: await accessToken() });
      const request = new CreateTodoTaskRequest({ subject: t.subject, description: t.description, executorIds: t.executorIds, priority: t.priority, sourceId: t.sourceId });
      const res = await todo.createTodoTaskWithOptions(operatorUnionId, request, headers, runtime);
      return String(res.body?.id ?? '');
    },
  };
}
