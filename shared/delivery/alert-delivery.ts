import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Alert } from '../alerts/alert';
import { STATE_KEYS, stateKey } from '../state/keys';
import { StateStore } from '../state/store';
import { Channel, Digest } from './channels/channel';
import { DispatchConfig, RouteConfig } from './delivery-config';
import { DeliveryError, withRetries } from './retry';
import { IncidentBook } from './incident-books';
import { redact } from '../util/redact';

const DIGEST_LIMIT = 30;

export interface DeliveryReport {
  /** Sent on their own. */
  sent: number;
  /** Held back by a rate limit (to go out in a digest). */
  held: number;
  /** Digest messages sent, and the alerts they carried. */
  digests: number;
  digested: number;
  /** Already delivered to that channel before (a retry): skipped. */
  duplicates: number;
  deadLettered: number;
  /** Alerts that matched no route. */
  unrouted: number;
  incidentsOpened: number;
  incidentsUpdated: number;
  /** Local files that failed (incident file, dead-letter file), reported as they happened. */
  problems: number;
}

export function emptyReport(): DeliveryReport {
  return { sent: 0, held: 0, digests: 0, digested: 0, duplicates: 0, deadLettered: 0, unrouted: 0, incidentsOpened: 0, incidentsUpdated: 0, problems: 0 };
}

export function addReport(into: DeliveryReport, r: DeliveryReport): void {
  for (const k of Object.keys(into) as Array<keyof DeliveryReport>) into[k] += r[k];
}

interface Budget {
  sent: number[];
}

/**
 * Delivers alerts to the channels their routes choose. Per channel: an alert already
 * delivered there is skipped (retried invocations send nothing twice); rate-limited
 * channels (DingTalk robots: 20 messages a minute, then a 10-minute block) spend a
 * budget kept in the StateStore, so it holds across function instances, and what
 * exceeds it is held and sent as one digest once the budget allows; failures are
 * retried with backoff, and what still fails goes to the dead-letter file with the
 * reason. Nothing is dropped without a trace.
 */
export class AlertDelivery {
  constructor(
    private readonly config: DispatchConfig,
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
    private readonly sleep?: (ms: number) => Promise<void>,
    /**
     * `file`: undeliverable alerts go to the dead-letter file (CLI). `throw`: they fail
     * the call (Function Compute), so FC's async retries and on-failure destination
     * take over; what was delivered is not sent again on the retry.
     */
    private readonly undeliverable: 'file' | 'throw' = 'file',
    /** Where incidents live: the local file (CLI) or the StateStore (FC). */
    private readonly incidents?: IncidentBook,
    /**
     * With `file`: told of what could not be kept (the incident file cannot be read,
     * the dead-letter file cannot be written), with what was done instead, so that a
     * broken local file never ends the delivery of the other alerts.
     */
    private readonly problem: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {}

  routesFor(alert: Alert): RouteConfig[] {
    return this.config.routes.filter((r) => {
      if (r.severities && !r.severities.includes(alert.severity)) return false;
      if (r.rules && !r.rules.some((p) => (p.endsWith('*') ? alert.rule.startsWith(p.slice(0, -1)) : alert.rule === p))) return false;
      if (r.tags && !r.tags.some((t) => alert.tags.includes(t))) return false;
      return true;
    });
  }

  async deliver(alerts: Alert[]): Promise<DeliveryReport> {
    const report = emptyReport();
    for (const alert of alerts) {
      const routes = this.routesFor(alert);
      if (routes.length === 0) {
        report.unrouted++;
        continue;
      }
      if (this.incidents && routes.some((r) => r.incident)) {
        try {
          await this.recordIncident(alert, report);
        } catch (e) {
          if (this.undeliverable === 'throw') throw e;
          report.problems++;
          this.problem(`incident not recorded for alert ${alert.id} (${alert.rule}): ${(e as Error).message}; the alert is still delivered`);
        }
      }
      // One delivery per channel, with the mentions of every route that chose it.
      const byChannel = new Map<string, string[]>();
      for (const r of routes) for (const c of r.channels) byChannel.set(c, [...(byChannel.get(c) ?? []), ...(r.mentions ?? [])]);
      for (const [name, mentions] of byChannel) {
        const channel = this.config.channels.get(name)!;
        await this.deliverOne(channel, alert, [...new Set(mentions)], report);
      }
    }
    for (const channel of this.config.channels.values()) await this.flushDigest(channel, report);
    return report;
  }

  /** Sends held digests, waiting for the budget when `wait` (the CLI, at the end of a replay). */
  async flush(wait: boolean): Promise<DeliveryReport> {
    const report = emptyReport();
    for (const channel of this.config.channels.values()) {
      for (let tries = 0; tries < 70; tries++) {
        const held = await this.peekDigest(channel);
        if (!held) break;
        await this.flushDigest(channel, report);
        if (!wait || !(await this.peekDigest(channel))) break;
        await (this.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(1000);
      }
    }
    return report;
  }

  private async deliverOne(channel: Channel, alert: Alert, mentions: string[], report: DeliveryReport): Promise<void> {
    const deliveredKey = stateKey('delivered', channel.name, alert.id);
    const already = await this.store.transact([deliveredKey], this.now(), (cur) => ({ writes: new Map(), result: cur.has(deliveredKey) }));
    if (already) {
      report.duplicates++;
      return;
    }
    if (channel.perMinute !== undefined && !(await this.takeBudget(channel))) {
      await this.hold(channel, alert);
      report.held++;
      return;
    }
    try {
      await withRetries(() => channel.send(alert, { mentions }), { ...this.config.retry, sleep: this.sleep });
      await this.store.claim([deliveredKey], this.now(), STATE_KEYS.delivered.ttlMs);
      report.sent++;
    } catch (e) {
      await this.deadLetter(channel.name, (e as Error).message, { alert });
      report.deadLettered++;
    }
  }

  private async recordIncident(alert: Alert, report: DeliveryReport): Promise<void> {
    const { incident, opened } = await this.incidents!.record(alert);
    if (!opened) {
      report.incidentsUpdated++;
      return;
    }
    report.incidentsOpened++;
    for (const name of this.config.incidents.channels) {
      const channel = this.config.channels.get(name)!;
      if (!channel.sendIncident) continue;
      try {
        await withRetries(() => channel.sendIncident!(incident), { ...this.config.retry, sleep: this.sleep });
      } catch (e) {
        await this.deadLetter(name, (e as Error).message, { incident });
      }
    }
  }

  /** Takes one message slot of the channel's per-minute budget, if one is free. */
  private async takeBudget(channel: Channel): Promise<boolean> {
    const key = stateKey('budget', channel.name);
    const now = this.now();
    return this.store.transact([key], now, (cur) => {
      const sent = ((cur.get(key) as Budget | undefined)?.sent ?? []).filter((t) => t > now - 60_000);
      if (sent.length >= channel.perMinute!) return { writes: new Map([[key, { value: { sent }, ttlMs: STATE_KEYS.budget.ttlMs }]]), result: false };
      sent.push(now);
      return { writes: new Map([[key, { value: { sent }, ttlMs: STATE_KEYS.budget.ttlMs }]]), result: true };
    });
  }

  private async hold(channel: Channel, alert: Alert): Promise<void> {
    const key = stateKey('digest', channel.name);
    await this.store.transact([key], this.now(), (cur) => {
      const d = (cur.get(key) as Digest | undefined) ?? { count: 0, alerts: [] };
      d.count++;
      if (d.alerts.length < DIGEST_LIMIT) d.alerts.push({ id: alert.id, rule: alert.rule, severity: alert.severity, title: alert.title, time: alert.time, key: alert.key, count: alert.count });
      return { writes: new Map([[key, { value: d, ttlMs: STATE_KEYS.digest.ttlMs }]]), result: undefined };
    });
  }

  private async peekDigest(channel: Channel): Promise<boolean> {
    const key = stateKey('digest', channel.name);
    return this.store.transact([key], this.now(), (cur) => ({ writes: new Map(), result: cur.has(key) }));
  }

  /** Sends what a channel holds as one digest, if its budget has a slot. */
  private async flushDigest(channel: Channel, report: DeliveryReport): Promise<void> {
    const key = stateKey('digest', channel.name);
    if (!(await this.peekDigest(channel))) return;
    if (channel.perMinute !== undefined && !(await this.takeBudget(channel))) return;
    const digest = await this.store.transact([key], this.now(), (cur) => ({ writes: new Map([[key, null]]), result: cur.get(key) as Digest | undefined }));
    if (!digest) return;
    try {
      if (!channel.sendDigest) throw new DeliveryError(`channel ${channel.name} cannot send digests`, false);
      await withRetries(() => channel.sendDigest!(digest, { mentions: [] }), { ...this.config.retry, sleep: this.sleep });
      report.digests++;
      report.digested += digest.count;
    } catch (e) {
      await this.deadLetter(channel.name, (e as Error).message, { digest });
      report.deadLettered += digest.count;
    }
  }

  private async deadLetter(channel: string, why: string, what: object): Promise<void> {
    const reason = redact(why, this.config.channels.get(channel)?.secretValues);
    if (this.undeliverable === 'throw') throw new DeliveryError(`channel ${channel}: ${reason}`, true);
    const line = JSON.stringify({ time: new Date(this.now()).toISOString(), channel, reason, ...what });
    try {
      await mkdir(path.dirname(this.config.deadLetter), { recursive: true });
      await appendFile(this.config.deadLetter, `${line}\n`);
    } catch (e) {
      // The last place it can go: the person running the replay sees it whole.
      this.problem(`cannot write the dead letter to ${this.config.deadLetter} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); it follows here:\n${line}`);
    }
  }
}
