import type { Transporter } from 'nodemailer';
import { Alert } from '../../alerts/alert';
import { emailAlert, emailDigest } from '../render/email';
import { DEFAULT_PRESENTATION, Presentation, viewOf } from '../render/view';
import { DeliveryError } from '../retry';
import { Channel, Digest, SendContext } from './channel';
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
 * port 465, TLS): one message per alert, with HTML and plain-text parts (see
 * render/email.ts), or a digest when the channel's per-minute budget is spent. Alert
 * text goes into the HTML part escaped and into the Subject on one line, so it cannot
 * add markup or headers. Critical and high alerts are marked high priority; the
 * alerts of one incident are threaded.
 */
const messageId = (id: string) => `<${id}@secmon>`;

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
    private readonly presentation: Presentation = DEFAULT_PRESENTATION,
  ) {
    this.perMinute = o.perMinute;
  }

  async send(alert: Alert, ctx?: SendContext): Promise<void> {
    const { subject, html, text } = emailAlert(viewOf(alert, this.presentation), alert.key);
    const urgent = alert.severity === 'critical' || alert.severity === 'high';
    // An incident's alerts thread under its first one (References/In-Reply-To), whose Message-ID is its alert id.
    const root = ctx?.incident !== undefined && ctx.incident.firstAlert !== alert.id ? messageId(ctx.incident.firstAlert) : undefined;
    await this.mail({ subject, text, html, messageId: messageId(alert.id), priority: urgent ? 'high' : 'normal', inReplyTo: root, references: root });
  }

  async sendDigest(digest: Digest): Promise<void> {
    const { subject, html, text } = emailDigest(digest, this.presentation);
    await this.mail({ subject, text, html, messageId: messageId(`digest-${digest.alerts[0]?.id ?? ''}`) });
  }

  private async mail(m: { subject: string; text: string; html: string; messageId: string; priority?: 'high' | 'normal'; inReplyTo?: string; references?: string }): Promise<void> {
    this.transport ??= await this.createTransport();
    try {
      // nodemailer's `priority: 'high'` writes X-Priority: 1 (Highest), X-MSMail-Priority: High and Importance: High.
      await this.transport.sendMail({ from: this.o.from, to: this.o.to, ...m });
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
