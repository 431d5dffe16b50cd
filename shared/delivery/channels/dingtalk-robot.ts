import { createHmac } from 'node:crypto';
import { Alert } from '../../alerts/alert';
import type { Severity } from '../../rules/severity';
import { dingtalkText } from '../escape';
import { DeliveryError } from '../retry';
import { Channel, Digest, SendContext } from './channel';
import { postJson, redactedUrl } from './http';

const SEVERITY_MARK: Record<Severity, string> = { critical: '🟥 CRITICAL', high: '🟧 HIGH', medium: '🟨 MEDIUM', low: '🟦 LOW', info: '⬜ INFO' };

/**
 * DingTalk custom robot (group webhook) with signing: every request carries a fresh
 * `timestamp` and `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
 * DingTalk answers HTTP 200 with an `errcode`: 0 is delivered; 310000 (signature,
 * keyword or timestamp refused) is a configuration error, not retried; 130101 (more
 * than 20 messages a minute) is retried later, but the dispatcher's per-robot budget
 * is there so that it never happens. `msgUuid` is the alert id, so DingTalk drops a
 * retried message it already showed.
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
  ) {}

  get secretValues(): readonly string[] {
    return [this.webhook, new URL(this.webhook, 'https://invalid.example').searchParams.get('access_token') ?? '', this.secret];
  }

  async send(alert: Alert, ctx: SendContext): Promise<void> {
    await this.post(alert.id, this.alertTitle(alert), this.alertText(alert, ctx), ctx);
  }

  async sendDigest(digest: Digest, ctx: SendContext): Promise<void> {
    const lines = digest.alerts.map((a) => `- ${SEVERITY_MARK[a.severity] ?? a.severity} ${dingtalkText(a.title, 80)} · ${dingtalkText(a.key, 60)} · ${a.time} · \`${dingtalkText(a.id, 20)}\``);
    const part = digest.parts !== undefined && digest.parts > 1 ? ` (${digest.part}/${digest.parts})` : '';
    const text = [
      `### secmon digest${part}: ${digest.count} alert(s) held back by the rate limit, most severe first`,
      ...lines,
      ctx.mentions.length > 0 ? ctx.mentions.map((m) => `@${m}`).join(' ') : '',
      this.keyword ? `\n${this.keyword}` : '',
    ].filter(Boolean).join('\n');
    await this.post(`digest-${digest.alerts[0]?.id ?? ''}-${digest.count}`, `secmon digest (${digest.count})`, text, ctx);
  }

  /** The title is a notification preview: no attacker-controlled text in it. */
  private alertTitle(a: Alert): string {
    return `${SEVERITY_MARK[a.severity] ?? a.severity} ${a.rule}`;
  }

  private alertText(a: Alert, ctx: SendContext): string {
    const evidence = a.evidence.slice(0, 3).map((e) => {
      const where = (e.fields.log as { file?: { path?: string; line?: number } } | undefined)?.file;
      return `- ${e.time}${where?.path ? ` · ${dingtalkText(where.path, 120)}:${where.line}` : ''}`;
    });
    return [
      `### ${SEVERITY_MARK[a.severity] ?? a.severity} ${dingtalkText(a.title, 120)}`,
      `**${dingtalkText(a.message, 400)}**`,
      '',
      `- rule: ${dingtalkText(a.rule, 100)}`,
      `- key: ${dingtalkText(a.key, 120)}`,
      `- time: ${a.time}`,
      `- count: ${a.count}${a.suppressed ? ` (+${a.suppressed} suppressed before)` : ''}`,
      ...(evidence.length ? ['', 'evidence:', ...evidence] : []),
      ...(a.runbook ? ['', `runbook: ${dingtalkText(a.runbook, 600)}`] : []),
      ...(a.references[0] && /^https:\/\/[\w.-]+\//.test(a.references[0]) ? [`[reference](${a.references[0].replace(/[()\s]/g, '')})`] : []),
      ...(ctx.mentions.length ? ['', ctx.mentions.map((m) => `@${m}`).join(' ')] : []),
      ...(this.keyword ? ['', this.keyword] : []),
    ].join('\n');
  }

  private async post(msgUuid: string, title: string, text: string, ctx: SendContext): Promise<void> {
    const timestamp = String(this.now());
    const sign = createHmac('sha256', this.secret).update(`${timestamp}\n${this.secret}`).digest('base64');
    const sep = this.webhook.includes('?') ? '&' : '?';
    const url = `${this.webhook}${sep}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
    const body = JSON.stringify({ msgtype: 'markdown', markdown: { title, text }, at: { atMobiles: ctx.mentions, isAtAll: false }, msgUuid });
    const { text: answer } = await postJson(url, body);
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
