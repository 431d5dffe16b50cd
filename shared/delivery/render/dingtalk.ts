import { Digest } from '../channels/channel';
import { markdownText, markdownUrl } from '../escape';
import { wordsFor } from './locale';
import { readerTime } from './time';
import { AlertView, Presentation, ViewLink } from './view';
import { zoneOf } from '../../util/zone';

const SEVERITY_MARK: Record<string, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

/**
 * How a DingTalk message is sent: `actionCard` (the text with buttons: open in console,
 * open the evidence) or `markdown` (the same text, the links inline). DingTalk
 * @-mentions only work in text and markdown messages, so `auto` sends an actionCard
 * unless the route mentions someone or the alert has no link to put on a button.
 */
export type DingTalkStyle = 'auto' | 'markdown' | 'actionCard';

export interface DingTalkMessage {
  msgtype: 'markdown' | 'actionCard';
  /** The notification preview: no attacker-controlled text. */
  title: string;
  text: string;
  buttons: Array<{ title: string; url: string }>;
}

function item(label: string, value: string, colon: string, max = 200): string {
  return `- ${markdownText(label, 60)}${colon}${markdownText(value, max)}`;
}

function link(l: ViewLink): string | undefined {
  const url = markdownUrl(l.url);
  return url === undefined ? undefined : `[${markdownText(l.label, 120)}](${url})`;
}

/**
 * An alert for a phone: severity and title, the message, the time on the reader's
 * clock, who/where/what, the decisive event's key fields (and the first event and the
 * last earlier step where the kind has them), what to do, then the links.
 */
export function dingtalkAlert(v: AlertView, o: { mentions: string[]; keyword?: string; style: DingTalkStyle }): DingTalkMessage {
  const buttons: Array<{ title: string; url: string }> = [];
  for (const [l, title] of [[v.console, v.words.openInConsole], [v.evidenceLink, v.words.openEvidence]] as const) {
    const url = l === undefined ? undefined : markdownUrl(l.url);
    if (url !== undefined) buttons.push({ title, url });
  }
  const card = o.style === 'actionCard' || (o.style === 'auto' && o.mentions.length === 0 && buttons.length > 0);
  const lines: string[] = [
    `#### ${SEVERITY_MARK[v.severity] ?? ''} ${markdownText(v.severityLabel, 20)} · ${markdownText(v.title, 120)}`,
    '',
    `**${markdownText(v.message, 400)}**`,
    '',
    `${v.words.time}${v.words.colon}${markdownText(v.time, 80)}`,
    '',
    ...v.context.map(([label, value]) => item(label, value, v.words.colon, label === v.words.userAgent ? 160 : 200)),
  ];
  for (const e of [...v.evidence].reverse()) {
    lines.push('', `**${markdownText(e.label, 40)}** · ${markdownText(e.time, 40)}`, ...e.facts.map(([k, val]) => item(k, val, ': ', 160)));
  }
  lines.push('', `**${markdownText(v.words.alert, 40)}**`, ...v.identity.map(([label, value]) => item(label, value, v.words.colon, 120)));
  if (v.runbook) lines.push('', `${markdownText(v.words.whatToDo, 40)}${v.words.colon}${markdownText(v.runbook, 600)}`);
  // On a card the console and evidence links are its buttons; the references stay in the text.
  const inline = v.links.filter((l) => !card || l.kind === 'reference').map(link).filter((s): s is string => s !== undefined);
  if (inline.length > 0) lines.push('', inline.join(' · '));
  if (!card && o.mentions.length > 0) lines.push('', o.mentions.map((m) => `@${m}`).join(' '));
  if (o.keyword) lines.push('', o.keyword);
  return { msgtype: card ? 'actionCard' : 'markdown', title: `${SEVERITY_MARK[v.severity] ?? ''} ${v.severityLabel} ${v.rule}`, text: lines.join('\n'), buttons: card ? buttons : [] };
}

/** A digest: every held alert on one line (severity, title, key, local time, id), most severe first. */
export function dingtalkDigest(d: Digest, p: Presentation, o: { mentions: string[]; keyword?: string }): { title: string; text: string } {
  const words = wordsFor(p.locale);
  const zone = zoneOf(p.timezone);
  const part = d.parts !== undefined && d.parts > 1 ? ` (${d.part}/${d.parts})` : '';
  const lines = d.alerts.map(
    (a) => `- ${SEVERITY_MARK[a.severity] ?? ''} ${markdownText(words.severity[a.severity] ?? a.severity, 20)} ${markdownText(a.titles?.[p.locale] ?? a.title, 80)} · ${markdownText(a.key, 60)} · ${markdownText(readerTime(a.time, zone), 60)} · ${markdownText(a.id, 20)}`,
  );
  const text = [`#### ${markdownText(words.digestHeading(d.count, part), 200)}`, '', ...lines];
  if (o.mentions.length > 0) text.push('', o.mentions.map((m) => `@${m}`).join(' '));
  if (o.keyword) text.push('', o.keyword);
  return { title: words.digestTitle(d.count, part), text: text.join('\n') };
}
