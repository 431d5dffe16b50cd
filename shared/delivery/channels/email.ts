import type { Transporter } from 'nodemailer';
import { Alert } from '../../alerts/alert';
import { headerText, htmlText } from '../escape';
import { DeliveryError } from '../retry';
import { Channel, Digest } from './channel';
import { loadVendor } from '../../util/vendor';

export interface EmailOptions {
  host: string;
  port: number;
  /** TLS from the first byte (DirectMail: smtpdm.aliyun.com:465). */
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
  to: string[];
  perMinute?: number;
}

/**
 * Email over SMTP with nodemailer (Alibaba Cloud DirectMail: smtpdm.aliyun.com,
 * port 465, TLS): one message per alert, with HTML and plain-text parts, or a digest
 * when the channel's per-minute budget is spent. Alert text goes into the HTML part
 * escaped and into the Subject on one line, so it cannot add markup or headers.
 */
export class EmailChannel implements Channel {
  readonly type = 'email';
  readonly perMinute?: number;
  private transport?: Transporter;

  get secretValues(): readonly string[] {
    return [this.o.pass ?? ''];
  }

  constructor(
    readonly name: string,
    private readonly o: EmailOptions,
  ) {
    this.perMinute = o.perMinute;
  }

  async send(alert: Alert): Promise<void> {
    const subject = `[secmon] ${alert.severity.toUpperCase()} ${alert.rule}: ${headerText(alert.key, 80)}`;
    const facts: Array<[string, string]> = [
      ['Rule', alert.rule],
      ['Severity', alert.severity],
      ['Time', alert.time],
      ['Key', alert.key],
      ['Count', `${alert.count}${alert.suppressed ? ` (+${alert.suppressed} suppressed before)` : ''}`],
    ];
    const text = [
      alert.title,
      '',
      alert.message,
      '',
      ...facts.map(([k, v]) => `${k}: ${v}`),
      '',
      alert.runbook ? `What to do: ${alert.runbook}` : '',
      ...alert.evidence.slice(0, 3).map((e) => `Evidence: ${e.time} ${JSON.stringify(e.fields).slice(0, 300)}`),
    ].join('\n');
    const html = `<h2>${htmlText(alert.title, 200)}</h2>
<p><strong>${htmlText(alert.message, 500)}</strong></p>
<table>${facts.map(([k, v]) => `<tr><th align="left">${k}</th><td>${htmlText(v, 200)}</td></tr>`).join('')}</table>
${alert.runbook ? `<p><em>What to do:</em> ${htmlText(alert.runbook, 1000)}</p>` : ''}
<ul>${alert.evidence.slice(0, 3).map((e) => `<li><code>${htmlText(`${e.time} ${JSON.stringify(e.fields)}`, 300)}</code></li>`).join('')}</ul>`;
    await this.mail(subject, text, html, alert.id);
  }

  async sendDigest(digest: Digest): Promise<void> {
    const part = digest.parts !== undefined && digest.parts > 1 ? ` (${digest.part}/${digest.parts})` : '';
    const subject = `[secmon] digest${part}: ${digest.count} alert(s), most severe ${digest.alerts[0]?.severity ?? ''}`;
    const row = (a: Digest['alerts'][number]) => `${a.time} ${a.severity.toUpperCase()} ${a.rule} ${a.key} (${a.count}) ${a.id}`;
    const text = digest.alerts.map(row).join('\n');
    const html = `<ul>${digest.alerts.map((a) => `<li>${htmlText(row(a), 300)}</li>`).join('')}</ul>`;
    await this.mail(subject, text, html, `digest-${digest.alerts[0]?.id ?? ''}`);
  }

  private async mail(subject: string, text: string, html: string, id: string): Promise<void> {
    this.transport ??= await this.createTransport();
    try {
      await this.transport.sendMail({ from: this.o.from, to: this.o.to, subject, text, html, messageId: `<${id}@secmon>` });
    } catch (e) {
      const err = e as { responseCode?: number; message: string };
      // 5xx answers (bad recipient, authentication refused) will not change on a retry.
      const permanent = err.responseCode !== undefined && err.responseCode >= 500;
      throw new DeliveryError(`SMTP ${this.o.host}:${this.o.port}: ${err.message.replace(this.o.pass ?? '\u0000', '***')}`, !permanent);
    }
  }

  private async createTransport(): Promise<Transporter> {
    const { nodemailer } = loadVendor<typeof import('./nodemailer-client')>('nodemailer-client', `${__dirname}/nodemailer-client`);
    return nodemailer.createTransport({
      host: this.o.host,
      port: this.o.port,
      secure: this.o.secure,
      auth: this.o.user ? { user: this.o.user, pass: this.o.pass ?? '' } : undefined,
      connectionTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }
}
