import { createHmac } from 'node:crypto';
import { Alert } from '../../alerts/alert';
import { DingTalkStyle, dingtalkAlert, dingtalkDigest } from '../render/dingtalk';
import { Presentation, viewOf } from '../render/view';
import { DeliveryError } from '../retry';
import { Channel, Digest, SendContext } from './channel';
import { postJson, redactedUrl } from './http';

/**
 * DingTalk custom robot (group webhook) with signing: every request carries a fresh
 * `timestamp` and `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
 * DingTalk answers HTTP 200 with an `errcode`: 0 is delivered; 310000 (signature,
 * keyword or timestamp refused) is a configuration error, not retried; 130101 (more
 * than 20 messages a minute) is retried later, but the dispatcher's per-robot budget
 * is there so that it never happens. `msgUuid` is the alert id, so DingTalk drops a
 * retried message it already showed. Alerts go as an actionCard with buttons (open in
 * console, open the evidence), or as markdown when the route @-mentions someone
 * (DingTalk mentions only in text and markdown), see DingTalkStyle.
 */
export class DingTalkRobot implements Channel {
  readonly type = 'dingtalk';

  constructor(
    readonly name: string,
    private readonly webhook: string,
    private readonly secret: string,
    private readonly keyword: string | undefined,
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly presentation: Presentation = { locale: 'en', timezone: 'UTC' },
    private readonly style: DingTalkStyle = 'auto',
  ) {}

  get secretValues(): readonly string[] {
    return [this.webhook, new URL(this.webhook, 'https://invalid.example').searchParams.get('access_token') ?? '', this.secret];
  }

  async send(alert: Alert, ctx: SendContext): Promise<void> {
    const m = dingtalkAlert(viewOf(alert, this.presentation), { mentions: ctx.mentions, keyword: this.keyword, style: this.style });
    const body =
      m.msgtype === 'actionCard'
        ? { msgtype: 'actionCard', actionCard: { title: m.title, text: m.text, btnOrientation: '1', btns: m.buttons.map((b) => ({ title: b.title, actionURL: b.url })) } }
        : { msgtype: 'markdown', markdown: { title: m.title, text: m.text }, at: { atMobiles: ctx.mentions, isAtAll: false } };
    await this.post(alert.id, body);
  }

  async sendDigest(digest: Digest, ctx: SendContext): Promise<void> {
    const { title, text } = dingtalkDigest(digest, this.presentation, { mentions: ctx.mentions, keyword: this.keyword });
    await this.post(`digest-${digest.alerts[0]?.id ?? ''}-${digest.count}`, { msgtype: 'markdown', markdown: { title, text }, at: { atMobiles: ctx.mentions, isAtAll: false } });
  }

  private async post(msgUuid: string, message: Record<string, unknown>): Promise<void> {
    const timestamp = String(this.now());
    const sign = createHmac('sha256', this.secret).update(`${timestamp}\n${this.secret}`).digest('base64');
    const sep = this.webhook.includes('?') ? '&' : '?';
    const url = `${this.webhook}${sep}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
    const { text: answer } = await postJson(url, JSON.stringify({ ...message, msgUuid }));
    let errcode: number | undefined;
    let errmsg = '';
    try {
      const doc = JSON.parse(answer) as { errcode?: number; errmsg?: string };
      errcode = doc.errcode;
      errmsg = doc.errmsg ?? '';
    } catch {
      throw new DeliveryError(`DingTalk ${redactedUrl(this.webhook)}: answer is not JSON`, true);
    }
    if (errcode === 0) return;
    if (errcode === 310000) {
      throw new DeliveryError(`DingTalk robot "${this.name}" refused the message (310000: signature, keyword or timestamp; check the secret, the keyword and the clock): ${errmsg}`, false);
    }
    if (errcode === 130101) throw new DeliveryError(`DingTalk robot "${this.name}" is rate limited (130101)`, true);
    throw new DeliveryError(`DingTalk robot "${this.name}" answered errcode ${errcode}: ${errmsg}`, errcode === undefined || errcode < 0);
  }
}
