import { Alert } from '../../alerts/alert';
import { loadVendor } from '../../util/vendor';
import type { Severity } from '../../rules/severity';
import type { DingTalkApi, DingTalkApiOptions, createDingTalkApi } from './dingtalk-openapi';
import { plainText } from '../escape';
import { DingTalkStyle, dingtalkAlert, dingtalkDigest } from '../render/dingtalk';
import { DEFAULT_PRESENTATION, Presentation, viewOf } from '../render/view';
import { DeliveryError } from '../retry';
import type { Incident } from '../../alerts/incident';
import { Channel, Digest, SendContext } from './channel';

function api(o: DingTalkApiOptions): DingTalkApi {
  const { createDingTalkApi: create } = loadVendor<{ createDingTalkApi: typeof createDingTalkApi }>('dingtalk-openapi', `${__dirname}/dingtalk-openapi`);
  return create(o);
}

/** SDK errors carry DingTalk's code; 4xx other than 429 will not succeed on a retry. */
function asDeliveryError(what: string, e: unknown): DeliveryError {
  const err = e as { statusCode?: number; code?: string; message?: string; data?: { statusCode?: number } };
  const status = err.statusCode ?? err.data?.statusCode;
  const retryable = status === undefined || status >= 500 || status === 429;
  return new DeliveryError(`${what}: ${err.code ?? ''} ${(err.message ?? String(e)).slice(0, 200)}`.trim(), retryable);
}

/**
 * DingTalk enterprise (app) robot: group messages through the OpenAPI (`robot_1_0`
 * orgGroupSend) with an access token from `oauth2_1_0`, cached until it expires.
 * No rate budget of 20 a minute applies; the same message (and escaping) as the custom robot.
 */
export class DingTalkAppRobot implements Channel {
  readonly type = 'dingtalk-app';
  private client?: DingTalkApi;

  constructor(
    readonly name: string,
    private readonly o: DingTalkApiOptions & { robotCode: string; openConversationId: string },
    private readonly presentation: Presentation = DEFAULT_PRESENTATION,
    private readonly style: DingTalkStyle = 'auto',
  ) {}

  get secretValues(): readonly string[] {
    return [this.o.appSecret];
  }

  /** As the custom robot's, through the templates of orgGroupSend: one button (sampleActionCard), two (sampleActionCard2), or markdown. */
  async send(alert: Alert, ctx: SendContext): Promise<void> {
    const m = dingtalkAlert(viewOf(alert, this.presentation), { mentions: ctx.mentions, style: this.style });
    const [first, second] = m.buttons;
    const [msgKey, msgParam]: [string, Record<string, string>] =
      m.msgtype === 'markdown' || first === undefined
        ? ['sampleMarkdown', { title: m.title, text: m.text }]
        : second === undefined
          ? ['sampleActionCard', { title: m.title, text: m.text, singleTitle: first.title, singleURL: first.url }]
          : ['sampleActionCard2', { title: m.title, text: m.text, actionTitle1: first.title, actionURL1: first.url, actionTitle2: second.title, actionURL2: second.url }];
    await this.call('orgGroupSend', (c) => c.groupSend(this.o.robotCode, this.o.openConversationId, msgKey, msgParam));
  }

  async sendDigest(digest: Digest, ctx: SendContext): Promise<void> {
    const { title, text } = dingtalkDigest(digest, this.presentation, { mentions: ctx.mentions });
    await this.call('orgGroupSend', (c) => c.groupSend(this.o.robotCode, this.o.openConversationId, 'sampleMarkdown', { title, text }));
  }

  private async call(what: string, f: (c: DingTalkApi) => Promise<unknown>): Promise<void> {
    this.client ??= api(this.o);
    try {
      await f(this.client);
    } catch (e) {
      throw asDeliveryError(`DingTalk ${what} (${this.name})`, e);
    }
  }
}

const PRIORITY: Record<Severity, number> = { critical: 40, high: 30, medium: 20, low: 10, info: 10 };

/** A DingTalk to-do task for each new incident (`todo_1_0` createTodoTask), assigned to the responders. */
export class DingTalkTodo implements Channel {
  readonly type = 'dingtalk-todo';
  private client?: DingTalkApi;

  constructor(
    readonly name: string,
    private readonly o: DingTalkApiOptions & { operatorUnionId: string; executorUnionIds: string[] },
  ) {}

  get secretValues(): readonly string[] {
    return [this.o.appSecret];
  }

  async send(): Promise<void> {
    throw new DeliveryError(`channel ${this.name} (dingtalk-todo) takes incidents only: list it under incidents.channels`, false);
  }

  async sendIncident(incident: Incident): Promise<void> {
    this.client ??= api(this.o);
    const subject = `[secmon] ${incident.severity.toUpperCase()} ${incident.rule} ${plainText(incident.key, 60)}`;
    const description = `${incident.title}\n${incident.id}, first seen ${incident.firstSeen}, ${incident.alertCount} alert(s).`;
    try {
      await this.client.createTodo(this.o.operatorUnionId, { subject, description, executorIds: this.o.executorUnionIds, priority: PRIORITY[incident.severity] ?? 20, sourceId: incident.id });
    } catch (e) {
      throw asDeliveryError(`DingTalk createTodoTask (${this.name})`, e);
    }
  }
}
