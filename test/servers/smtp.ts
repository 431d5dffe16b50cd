import { SMTPServer } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';

/** A real SMTP server (the smtp-server package) on 127.0.0.1 that checks a login and keeps what it receives. */
export class LocalSmtp {
  readonly messages: ParsedMail[] = [];
  /** Reject the next N messages with a 451 (temporary) answer. */
  failNext = 0;
  private server?: SMTPServer;
  port = 0;

  constructor(
    private readonly user: string,
    private readonly pass: string,
  ) {}

  async start(port = 0): Promise<void> {
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, cb) => {
        if (auth.username === this.user && auth.password === this.pass) cb(null, { user: auth.username });
        else cb(new Error('535 authentication failed'));
      },
      onData: (stream, _session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (this.failNext > 0) {
            this.failNext--;
            const err = new Error('451 try again later') as Error & { responseCode: number };
            err.responseCode = 451;
            return cb(err);
          }
          this.messages.push(await simpleParser(Buffer.concat(chunks)));
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server!.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
