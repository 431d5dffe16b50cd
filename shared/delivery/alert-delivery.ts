import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Alert } from '../alerts/alert';
import { STATE_KEYS, stateKey } from '../state/keys';
import { StateStore } from '../state/store';
import { Channel, Digest, HeldAlert, SendContext } from './channels/channel';
import type { Incident } from '../alerts/incident';
import { DispatchConfig, RouteConfig } from './delivery-config';
import { DeliveryError, withRetries } from './retry';
import { IncidentBook } from './incident-books';
import { redact } from '../util/redact';
import { compareText } from '../util/compare';

/** Alerts in one digest message: a DingTalk markdown message stays far below its size limit. */
const DIGEST_MESSAGE_ALERTS = 25;
/**
 * Alerts a channel may hold; beyond, an alert is dead-lettered at once (never dropped).
 * The held alerts are one value, read and written whole by each hold: the bound keeps a
 * storm's cost in check (a list per channel in the store would lift it).
 */
const MAX_HELD = 2_000;

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const rank = (severity: string) => SEVERITY_RANK[severity] ?? 5;
/** Critical and high have a reserve of each channel's budget that lower severities cannot spend. */
const urgent = (severity: string) => rank(severity) <= 1;

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
  /** Being sent by another instance (its lease has not expired): left to it, or to a retry. */
  inFlight: number;
  /** Alerts that matched no route. */
  unrouted: number;
  incidentsOpened: number;
  incidentsUpdated: number;
  /** Local files that failed (incident file, dead-letter file), reported as they happened. */
  problems: number;
  /** Per channel: messages (alerts and digests) it took and messages it failed, with the last reason. */
  channels: Record<string, ChannelTally>;
}

export interface ChannelTally {
  delivered: number;
  failed: number;
  /** Why the last failure failed (secrets redacted). */
  reason?: string;
}

type Counter = Exclude<keyof DeliveryReport, 'channels'>;

export function emptyReport(): DeliveryReport {
  return { sent: 0, held: 0, digests: 0, digested: 0, duplicates: 0, deadLettered: 0, inFlight: 0, unrouted: 0, incidentsOpened: 0, incidentsUpdated: 0, problems: 0, channels: {} };
}

export function addReport(into: DeliveryReport, r: DeliveryReport): void {
  for (const k of Object.keys(into) as Array<keyof DeliveryReport>) if (k !== 'channels') into[k as Counter] += r[k as Counter];
  for (const [name, t] of Object.entries(r.channels)) {
    const c = (into.channels[name] ??= { delivered: 0, failed: 0 });
    c.delivered += t.delivered;
    c.failed += t.failed;
    if (t.reason !== undefined) c.reason = t.reason;
  }
}

/** Channels that failed every message they were given, with the last reason: what a person running a replay must be told. */
export function failedChannels(r: DeliveryReport): Array<{ channel: string; failed: number; reason?: string }> {
  return Object.entries(r.channels)
    .filter(([, t]) => t.failed > 0 && t.delivered === 0)
    .map(([channel, t]) => ({ channel, failed: t.failed, reason: t.reason }));
}

function tally(report: DeliveryReport, channel: string, ok: boolean, reason?: string): void {
  const t = (report.channels[channel] ??= { delivered: 0, failed: 0 });
  if (ok) t.delivered++;
  else {
    t.failed++;
    t.reason = reason;
  }
}

interface Budget {
  sent: number[];
}

/**
 * Delivers alerts to the channels their routes choose, most severe first. Per channel
 * and alert, a claim with a lease is taken before sending (concurrent dispatchers on
 * one payload send it once; a crashed sender's claim expires and a retry sends it) and
 * made lasting after. Rate-limited channels (DingTalk robots: 20 messages a minute,
 * then a 10-minute block) spend a budget kept in the StateStore, so it holds across
 * instances, with a reserve for critical and high; what exceeds it is held and sent in
 * digests (every held alert, most severe first, with its routes' @-mentions) when the
 * budget allows: after each delivery and on the dispatcher's timer. A held alert
 * leaves the store only once its digest was sent or dead-lettered. Failures are
 * retried with backoff; what still fails goes to the dead-letter file with the
 * reason (in FC: fails the invocation). Nothing is dropped without a trace.
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
    /** How long a claim to send an alert on a channel holds if its sender dies (at least a send with its retries). */
    private readonly leaseMs: number = STATE_KEYS.delivered.leaseMs,
  ) {}

  /** Where undeliverable alerts go (the CLI). */
  get deadLetterFile(): string {
    return this.config.deadLetter;
  }

  /**
   * The routes of an alert: all the criteria a route gives must match. Audit records
   * (tag `audit`: the summaries of logins and sudo commands) go only to routes that ask
   * for them by rule id (a prefix too) or by the tag `audit`: by default they reach no
   * channel, and are kept where undelivered alerts are (the function log, `--json`).
   */
  routesFor(alert: Alert): RouteConfig[] {
    const audit = alert.tags.includes('audit');
    return this.config.routes.filter((r) => {
      if (r.severities && !r.severities.includes(alert.severity)) return false;
      const byRule = r.rules?.some((p) => (p.endsWith('*') ? alert.rule.startsWith(p.slice(0, -1)) : alert.rule === p));
      if (r.rules && !byRule) return false;
      if (r.tags && !r.tags.some((t) => alert.tags.includes(t))) return false;
      if (audit && !(r.rules !== undefined && r.rules.some((p) => p !== '*')) && !r.tags?.includes('audit')) return false;
      return true;
    });
  }

  async deliver(alerts: Alert[]): Promise<DeliveryReport> {
    const report = emptyReport();
    // Severity first: a batch's critical alerts take the budget before its info ones.
    const ordered = alerts.map((a, i) => [a, i] as const).sort(([a, i], [b, j]) => rank(a.severity) - rank(b.severity) || i - j).map(([a]) => a);
    for (const alert of ordered) {
      const routes = this.routesFor(alert);
      if (routes.length === 0) {
        report.unrouted++;
        continue;
      }
      let incident: SendContext['incident'];
      if (this.incidents && routes.some((r) => r.incident)) {
        try {
          const opened = await this.recordIncident(alert, report);
          incident = { id: opened.id, firstAlert: opened.alerts[0] ?? alert.id };
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
        await this.deliverOne(channel, alert, { mentions: [...new Set(mentions)], incident }, report);
      }
    }
    for (const channel of this.config.channels.values()) await this.flushDigest(channel, report);
    if (report.inFlight > 0 && this.undeliverable === 'throw') {
      // Another instance is sending them; if it died, its leases expire and FC's retry of this invocation sends them.
      throw new DeliveryError(`${report.inFlight} alert(s) are being sent by another instance: retry after the lease`, true);
    }
    return report;
  }

  /**
   * Sends held digests: the dispatcher's timer (each minute) and, waiting for the
   * budget when `wait`, the CLI at the end of a replay (saying what it waits for).
   */
  async flush(wait: boolean, waiting: (message: string) => void = this.problem): Promise<DeliveryReport> {
    const report = emptyReport();
    for (const channel of this.config.channels.values()) {
      for (let tries = 0; tries < 130; tries++) {
        const held = await this.heldCount(channel);
        if (held === 0) break;
        await this.flushDigest(channel, report);
        const left = await this.heldCount(channel);
        if (!wait || left === 0) break;
        // Said when the wait starts and every quarter minute, with how long is left.
        if (tries % 15 === 0) {
          const held = await this.heldAlerts(channel);
          const first = held.reduce((a, b) => (rank(b.severity) < rank(a.severity) ? b : a), held[0]);
          const seconds = Math.max(1, Math.ceil((await this.budgetFreeIn(channel, first.severity)) / 1000));
          waiting(`waiting about ${seconds} s for channel ${channel.name}'s rate limit (${channel.perMinute} a minute) to send ${left} held alert(s) in a digest`);
        }
        await (this.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(1000);
      }
    }
    return report;
  }

  private async deliverOne(channel: Channel, alert: Alert, ctx: SendContext, report: DeliveryReport): Promise<void> {
    const claim = await this.claimSend(channel, alert);
    if (claim === 'done') {
      report.duplicates++;
      return;
    }
    if (claim === 'in-flight') {
      report.inFlight++;
      if (this.undeliverable === 'file') this.problem(`alert ${alert.id} on channel ${channel.name} is being sent by another process: left to it`);
      return;
    }
    if (channel.perMinute !== undefined && !(await this.takeBudget(channel, alert.severity))) {
      if (await this.hold(channel, alert, ctx.mentions)) {
        await this.settleSend(channel, alert, true);
        report.held++;
      } else {
        await this.settleSend(channel, alert, false);
        await this.deadLetter(channel.name, `digest of channel ${channel.name} already holds ${MAX_HELD} alerts`, { alert });
        report.deadLettered++;
      }
      return;
    }
    try {
      await withRetries(() => channel.send(alert, ctx), { ...this.config.retry, sleep: this.sleep });
    } catch (e) {
      // Not sent: the claim goes, so a retry (FC) or a later run sends it.
      await this.settleSend(channel, alert, false);
      tally(report, channel.name, false, this.redacted(channel.name, (e as Error).message));
      await this.deadLetter(channel.name, (e as Error).message, { alert });
      report.deadLettered++;
      return;
    }
    await this.settleSend(channel, alert, true);
    tally(report, channel.name, true);
    report.sent++;
  }

  /**
   * Claims the sending of an alert on a channel: `mine` (sent by this call), `done`
   * (sent or held before), or `in-flight` (another sender's lease holds). One atomic
   * step, so of concurrent dispatchers exactly one sends.
   */
  private async claimSend(channel: Channel, alert: Alert): Promise<'mine' | 'done' | 'in-flight'> {
    const key = stateKey('delivered', channel.name, alert.id);
    const now = this.now();
    return this.store.transact([key], now, (cur) => {
      const v = cur.get(key) as { sending?: number } | true | undefined;
      if (v !== undefined && (typeof v !== 'object' || v.sending === undefined)) return { writes: new Map(), result: 'done' as const };
      if (v !== undefined && typeof v === 'object' && v.sending! > now) return { writes: new Map(), result: 'in-flight' as const };
      return { writes: new Map([[key, { value: { sending: now + this.leaseMs }, ttlMs: this.leaseMs }]]), result: 'mine' as const };
    });
  }

  /** After the send: lasting when it was sent (or held), released when it failed. */
  private async settleSend(channel: Channel, alert: Alert, delivered: boolean): Promise<void> {
    const key = stateKey('delivered', channel.name, alert.id);
    await this.store.transact([key], this.now(), () => ({ writes: new Map([[key, delivered ? { value: true, ttlMs: STATE_KEYS.delivered.ttlMs } : null]]), result: undefined }));
  }

  private async recordIncident(alert: Alert, report: DeliveryReport): Promise<Incident> {
    const { incident, opened } = await this.incidents!.record(alert);
    if (!opened) {
      report.incidentsUpdated++;
      return incident;
    }
    report.incidentsOpened++;
    for (const name of this.config.incidents.channels) {
      const channel = this.config.channels.get(name)!;
      if (!channel.sendIncident) continue;
      try {
        await withRetries(() => channel.sendIncident!(incident), { ...this.config.retry, sleep: this.sleep });
        tally(report, name, true);
      } catch (e) {
        tally(report, name, false, this.redacted(name, (e as Error).message));
        await this.deadLetter(name, (e as Error).message, { incident });
      }
    }
    return incident;
  }

  /**
   * Takes one message slot of the channel's per-minute budget, if one is free for the
   * severity: critical and high may use every slot, the others all but a reserve (a
   * quarter, rounded down), so an urgent alert is never held behind a minute of info ones.
   */
  private async takeBudget(channel: Channel, severity: string): Promise<boolean> {
    const key = stateKey('budget', channel.name);
    const now = this.now();
    const limit = this.budgetLimit(channel, severity);
    return this.store.transact([key], now, (cur) => {
      const sent = ((cur.get(key) as Budget | undefined)?.sent ?? []).filter((t) => t > now - 60_000);
      if (sent.length >= limit) return { writes: new Map([[key, { value: { sent }, ttlMs: STATE_KEYS.budget.ttlMs }]]), result: false };
      sent.push(now);
      return { writes: new Map([[key, { value: { sent }, ttlMs: STATE_KEYS.budget.ttlMs }]]), result: true };
    });
  }

  /** Milliseconds until the channel's budget has a slot again for `severity` (0: it has one now). */
  private async budgetFreeIn(channel: Channel, severity: string): Promise<number> {
    const key = stateKey('budget', channel.name);
    const now = this.now();
    const sent = await this.store.transact([key], now, (cur) => ({ writes: new Map(), result: ((cur.get(key) as Budget | undefined)?.sent ?? []).filter((t) => t > now - 60_000) }));
    const limit = this.budgetLimit(channel, severity);
    if (sent.length < limit) return 0;
    sent.sort((a, b) => a - b);
    return Math.max(0, sent[sent.length - limit] + 60_000 - now);
  }

  /** Slots a minute of the channel's budget that `severity` may use. A channel of fewer than 4 a minute has no room for a reserve: every severity may use it all. */
  private budgetLimit(channel: Channel, severity: string): number {
    return urgent(severity) ? channel.perMinute! : channel.perMinute! - Math.floor(channel.perMinute! / 4);
  }

  /** Adds an alert to the channel's held alerts; false when it already holds MAX_HELD. */
  private async hold(channel: Channel, alert: Alert, mentions: string[]): Promise<boolean> {
    const key = stateKey('digest', channel.name);
    return this.store.transact([key], this.now(), (cur) => {
      const held = (cur.get(key) as HeldAlert[] | undefined) ?? [];
      if (held.some((h) => h.id === alert.id)) return { writes: new Map(), result: true };
      if (held.length >= MAX_HELD) return { writes: new Map(), result: false };
      const titles = alert.translations === undefined ? undefined : Object.fromEntries(Object.entries(alert.translations).map(([locale, t]) => [locale, t.title]));
      held.push({ id: alert.id, rule: alert.rule, severity: alert.severity, title: alert.title, titles, time: alert.time, key: alert.key, count: alert.count, mentions });
      return { writes: new Map([[key, { value: held, ttlMs: STATE_KEYS.digest.ttlMs }]]), result: true };
    });
  }

  private async heldAlerts(channel: Channel): Promise<HeldAlert[]> {
    const key = stateKey('digest', channel.name);
    return this.store.transact([key], this.now(), (cur) => ({ writes: new Map(), result: (cur.get(key) as HeldAlert[] | undefined) ?? [] }));
  }

  private async heldCount(channel: Channel): Promise<number> {
    return (await this.heldAlerts(channel)).length;
  }

  /** Removes alerts from the held ones, once their digest was sent or dead-lettered. */
  private async release(channel: Channel, ids: Set<string>): Promise<void> {
    const key = stateKey('digest', channel.name);
    await this.store.transact([key], this.now(), (cur) => {
      const left = ((cur.get(key) as HeldAlert[] | undefined) ?? []).filter((h) => !ids.has(h.id));
      return { writes: new Map([[key, left.length === 0 ? null : { value: left, ttlMs: STATE_KEYS.digest.ttlMs }]]), result: undefined };
    });
  }

  /**
   * Sends what a channel holds, most severe first, in digest messages of at most
   * DIGEST_MESSAGE_ALERTS, each as its budget allows; one sender at a time (a lease).
   * A held alert is removed only after its message was sent or dead-lettered.
   */
  private async flushDigest(channel: Channel, report: DeliveryReport): Promise<void> {
    const held = await this.heldAlerts(channel);
    if (held.length === 0) return;
    const lease = stateKey('digestFlush', channel.name);
    const [mine] = await this.store.claim([lease], this.now(), STATE_KEYS.digestFlush.ttlMs);
    if (!mine) return;
    try {
      const ordered = [...held].sort((a, b) => rank(a.severity) - rank(b.severity) || compareText(a.time, b.time));
      const parts = Math.ceil(ordered.length / DIGEST_MESSAGE_ALERTS);
      for (let p = 0; p < parts; p++) {
        const alerts = ordered.slice(p * DIGEST_MESSAGE_ALERTS, (p + 1) * DIGEST_MESSAGE_ALERTS);
        if (channel.perMinute !== undefined && !(await this.takeBudget(channel, alerts[0].severity))) return;
        const digest: Digest = { count: alerts.length, alerts, part: p + 1, parts };
        const mentions = [...new Set(alerts.flatMap((a) => a.mentions ?? []))];
        try {
          if (!channel.sendDigest) throw new DeliveryError(`channel ${channel.name} cannot send digests`, false);
          await withRetries(() => channel.sendDigest!(digest, { mentions }), { ...this.config.retry, sleep: this.sleep });
          tally(report, channel.name, true);
          report.digests++;
          report.digested += alerts.length;
        } catch (e) {
          tally(report, channel.name, false, this.redacted(channel.name, (e as Error).message));
          // In FC deadLetter throws: the alerts stay held for the retry or the next timer.
          await this.deadLetter(channel.name, (e as Error).message, { digest });
          report.deadLettered += alerts.length;
        }
        await this.release(channel, new Set(alerts.map((a) => a.id)));
      }
    } finally {
      await this.store.transact([lease], this.now(), () => ({ writes: new Map([[lease, null]]), result: undefined }));
    }
  }

  /** An error's text without the secrets of the channel that caused it. */
  private redacted(channel: string, why: string): string {
    return redact(why, this.config.channels.get(channel)?.secretValues);
  }

  private async deadLetter(channel: string, why: string, what: object): Promise<void> {
    const reason = this.redacted(channel, why);
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
