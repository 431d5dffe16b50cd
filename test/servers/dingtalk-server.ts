import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

/**
 * A DingTalk custom robot on 127.0.0.1, as its documentation describes: POST
 * /robot/send?access_token=…&timestamp=…&sign=…, the signature checked against the
 * robot's secret, the timestamp within an hour, a custom keyword required, errcode in
 * an HTTP 200 answer; more than 20 messages in a minute answer 130101 and block the
 * robot for 10 minutes. `fail` injects HTTP failures.
 */
export interface RobotMessage {
  msgtype: 'markdown' | 'actionCard';
  title: string;
  text: string;
  atMobiles: string[];
  /** An actionCard's buttons (`btns`, or `singleTitle`/`singleURL`). */
  buttons: Array<{ title: string; url: string }>;
  msgUuid?: string;
}

interface RobotBody {
  msgtype: string;
  markdown?: { title: string; text: string };
  actionCard?: { title: string; text: string; btnOrientation?: string; singleTitle?: string; singleURL?: string; btns?: Array<{ title: string; actionURL: string }> };
  at?: { atMobiles?: string[] };
  msgUuid?: string;
}

export class LocalDingTalk extends LoopbackHttpServer {
  readonly messages: RobotMessage[] = [];
  readonly answers: number[] = [];
  private readonly sentAt: number[] = [];
  private blockedUntil = 0;
  /** Answer the next N requests with HTTP 500. */
  fail = 0;
  /** Messages not to answer (the sender waits until it times out or dies). */
  stall?: (m: RobotMessage) => boolean;
  /** Messages sent again with a msgUuid already shown (DingTalk drops them). */
  repeatedUuids = 0;
  private readonly uuids = new Set<string>();

  constructor(
    readonly accessToken: string,
    readonly secret: string,
    readonly keyword: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get webhook(): string {
    return `http://127.0.0.1:${this.port}/robot/send?access_token=${this.accessToken}`;
  }

  protected handle(req: IncomingMessage, bytes: Buffer, res: ServerResponse): void {
    const body = bytes.toString('utf8');
    const answer = (errcode: number, errmsg: string) => {
      this.answers.push(errcode);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode, errmsg }));
    };
    if (this.fail > 0) {
      this.fail--;
      res.writeHead(500);
      res.end('upstream error');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/robot/send' || url.searchParams.get('access_token') !== this.accessToken) return answer(300001, 'token is not exist');
    const timestamp = url.searchParams.get('timestamp') ?? '';
    const expected = createHmac('sha256', this.secret).update(`${timestamp}\n${this.secret}`).digest('base64');
    if (url.searchParams.get('sign') !== expected) return answer(310000, 'sign not match');
    if (Math.abs(this.now() - Number(timestamp)) > 3_600_000) return answer(310000, 'invalid timestamp');
    const msg = JSON.parse(body) as RobotBody;
    // markdown: {title, text}; actionCard: {title, text, singleTitle+singleURL or btns[{title, actionURL}]}. @-mentions work in markdown only.
    const content = msg.msgtype === 'markdown' ? msg.markdown : msg.msgtype === 'actionCard' ? msg.actionCard : undefined;
    if (content === undefined || typeof content.title !== 'string' || typeof content.text !== 'string') return answer(40035, 'missing or unknown msgtype content');
    const card = msg.actionCard;
    const buttons = card === undefined ? [] : card.singleTitle !== undefined ? [{ title: card.singleTitle, url: card.singleURL ?? '' }] : (card.btns ?? []).map((b) => ({ title: b.title, url: b.actionURL }));
    if (card !== undefined && (buttons.length === 0 || buttons.some((b) => !b.title || !b.url))) return answer(40035, 'actionCard needs singleTitle and singleURL, or btns with title and actionURL');
    if (!content.text.includes(this.keyword) && !content.title.includes(this.keyword)) return answer(310000, 'keywords not in content');
    const now = this.now();
    if (now < this.blockedUntil) return answer(130101, 'send too fast, blocked');
    while (this.sentAt.length && this.sentAt[0] <= now - 60_000) this.sentAt.shift();
    if (this.sentAt.length >= 20) {
      this.blockedUntil = now + 600_000;
      return answer(130101, 'send too fast, exceed 20 times per minute');
    }
    this.sentAt.push(now);
    // DingTalk shows a message whose msgUuid it has seen once only.
    if (msg.msgUuid !== undefined && this.uuids.has(msg.msgUuid)) {
      this.repeatedUuids++;
      return answer(0, 'ok');
    }
    if (msg.msgUuid !== undefined) this.uuids.add(msg.msgUuid);
    const message: RobotMessage = { msgtype: msg.msgtype as RobotMessage['msgtype'], title: content.title, text: content.text, atMobiles: msg.msgtype === 'markdown' ? (msg.at?.atMobiles ?? []) : [], buttons, msgUuid: msg.msgUuid };
    this.messages.push(message);
    // A stalled answer: the message was taken, its sender never hears back (a test kills it meanwhile).
    if (this.stall?.(message)) return;
    answer(0, 'ok');
  }

}
