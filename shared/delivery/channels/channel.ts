import { Alert } from '../../alerts/alert';
import type { Incident } from '../../alerts/incident';

/** An alert held back by a rate limit, as a digest lists it, with the @-mentions of its routes. */
export type HeldAlert = Pick<Alert, 'id' | 'rule' | 'severity' | 'title' | 'time' | 'key' | 'count'> & {
  mentions?: string[];
  /** The title in the rule's other languages, by locale. */
  titles?: Record<string, string>;
};

/** A digest message: held alerts, most severe first (a long digest is sent as several). */
export interface Digest {
  count: number;
  alerts: HeldAlert[];
  /** This message's place when the held alerts took several (1-based), and how many. */
  part?: number;
  parts?: number;
}

export interface SendContext {
  /** Mobile numbers to @-mention (DingTalk). */
  mentions: string[];
  /** The incident the alert opened or joined: mail threads an incident's alerts under its first one. */
  incident?: { id: string; firstAlert: string };
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
