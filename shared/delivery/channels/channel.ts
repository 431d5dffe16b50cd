import { Alert } from '../../alerts/alert';
import type { Incident } from '../../alerts/incident';

/** A digest: alerts held back by a rate limit, summarized in one message. */
export interface Digest {
  count: number;
  /** The first held alerts (bounded), oldest first. */
  alerts: Array<Pick<Alert, 'id' | 'rule' | 'severity' | 'title' | 'time' | 'key' | 'count'>>;
}

export interface SendContext {
  /** Mobile numbers to @-mention (DingTalk). */
  mentions: string[];
}

export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Messages a minute this channel may send (undefined: no limit). */
  readonly perMinute?: number;
  /** The secrets the channel holds (token, password, signing secret): never in an error it causes. */
  readonly secretValues?: readonly string[];
  send(alert: Alert, ctx: SendContext): Promise<void>;
  sendDigest?(digest: Digest, ctx: SendContext): Promise<void>;
  /** A ticket sink: told when an incident opens. */
  sendIncident?(incident: Incident): Promise<void>;
}
