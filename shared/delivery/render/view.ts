import { Alert, AlertLink } from '../../alerts/alert';
import { EvidenceRole, keyFacts, readerEvidence } from '../../alerts/reading';
import type { Locale } from '../../config/config';
import type { Severity } from '../../rules/severity';
import { Zone, zoneOf } from '../../util/zone';
import { Words, wordsFor } from './locale';
import { readerTime, shortTime } from './time';

/** How a channel presents alerts: its language and the time zone of its readers. */
export interface Presentation {
  locale: Locale;
  /** An IANA name or a UTC offset (checked when the configuration is read). */
  timezone: string;
}

export const DEFAULT_PRESENTATION: Presentation = { locale: 'en', timezone: 'UTC' };

/** A labelled link, labels in the channel's language. */
export interface ViewLink {
  kind: AlertLink['kind'];
  label: string;
  url: string;
}

/**
 * An alert as a channel shows it, every text still raw (each channel escapes for its
 * own format): title and message in the channel's language, the time on the reader's
 * clock with the UTC instant, the context as labelled facts, the evidence a reader
 * needs as its key fields, and the links.
 */
export interface AlertView {
  words: Words;
  rule: string;
  severity: Severity;
  severityLabel: string;
  title: string;
  message: string;
  time: string;
  /** Who, where, what: `[label, value]`, values attacker-controlled. */
  context: Array<[string, string]>;
  /** Rule, key, count, id: `[label, value]`. */
  identity: Array<[string, string]>;
  evidence: Array<{ role: EvidenceRole; label: string; time: string; facts: Array<[string, string]> }>;
  /** The first console link and the evidence link: a message's buttons. */
  console?: ViewLink;
  evidenceLink?: ViewLink;
  links: ViewLink[];
  runbook?: string;
}

const zones = new Map<string, Zone>();
function zone(name: string): Zone {
  let z = zones.get(name);
  if (z === undefined) zones.set(name, (z = zoneOf(name)));
  return z;
}

export function viewOf(a: Alert, p: Presentation): AlertView {
  const words = wordsFor(p.locale);
  const z = zone(p.timezone);
  const translated = p.locale === 'en' ? undefined : a.translations?.[p.locale];
  const c = a.context;
  const context: Array<[string, string]> = [];
  const add = (label: string, v: string | undefined) => {
    if (v !== undefined && v !== '') context.push([label, v]);
  };
  if (c) {
    const who = c.principal?.name ?? c.principal?.id;
    add(words.who, who === undefined ? undefined : c.principal?.type ? `${who} (${c.principal.type})` : who);
    add(words.sourceIp, c.sourceIp);
    add(words.host, c.host);
    add(words.targetUser, c.targetUser);
    add(words.action, c.action === undefined ? undefined : c.service ? `${c.service}:${c.action}` : c.action);
    add(words.command, c.command);
    add(words.process, c.command === undefined ? c.process : undefined);
    add(words.account, c.account);
    add(words.region, c.region);
    add(words.resources, c.resources.length === 0 ? undefined : c.resources.map((r) => r.id).join(', '));
    add(words.userAgent, c.userAgent);
  }
  if (a.summary) {
    add(words.period, `${shortTime(a.summary.from, z)} – ${shortTime(a.summary.to, z, a.summary.from)}`);
    add(words.values, `${a.summary.values.join(', ')}${a.summary.more ? ', …' : ''}`);
  }
  const identity: Array<[string, string]> = [
    [words.rule, a.rule],
    [words.key, a.key],
    [words.count, a.suppressed > 0 ? `${a.count} (${words.heldBefore(a.suppressed)})` : String(a.count)],
    [words.alertId, a.id],
  ];
  const links: ViewLink[] = (a.links ?? []).map((l) => ({ kind: l.kind, url: l.url, label: linkLabel(l, words) }));
  if (a.links === undefined) for (const url of a.references) links.push({ kind: 'reference', url, label: words.reference });
  return {
    words,
    rule: a.rule,
    severity: a.severity,
    severityLabel: words.severity[a.severity] ?? a.severity,
    title: translated?.title ?? a.title,
    message: translated?.message ?? a.message,
    time: readerTime(a.time, z),
    context,
    identity,
    // The decisive event in full; the first event and the last earlier step by their first fact (the log line, the call).
    evidence: readerEvidence(a.kind, a.evidence, a.time).map(({ role, evidence }) => ({ role, label: words.roles[role], time: shortTime(evidence.time, z, a.time), facts: role === 'decisive' ? keyFacts(evidence) : keyFacts(evidence).slice(0, 1) })),
    console: links.find((l) => l.kind === 'console'),
    evidenceLink: links.find((l) => l.kind === 'evidence'),
    links,
    runbook: a.runbook,
  };
}

function linkLabel(l: AlertLink, words: Words): string {
  if (l.kind === 'reference') return `${words.reference}${words.colon}${l.url.replace(/^https:\/\/(www\.)?/, '').replace(/\/$/, '')}`;
  const type = words.linkTypes[l.type ?? ''] ?? l.type ?? '';
  return l.id ? `${type} ${l.id}` : type;
}
