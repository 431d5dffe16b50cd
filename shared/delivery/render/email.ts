import { Digest } from '../channels/channel';
import { defang, headerText, htmlText, htmlUrl, plainText } from '../escape';
import { zoneOf } from '../../util/zone';
import { wordsFor } from './locale';
import { readerTime } from './time';
import { AlertView, Presentation, ViewLink } from './view';

/** Banner colours by severity (white text on each passes WCAG AA). */
const BANNER: Record<string, string> = { critical: '#8b1a1a', high: '#b3470b', medium: '#8a6d00', low: '#1f5f99', info: '#555555' };

export interface EmailBody {
  subject: string;
  html: string;
  text: string;
}

/** The Subject: severity, rule and key, one line (no header injection), the same for every alert of a rule and key (mail clients thread on it). */
export function emailSubject(v: AlertView, key: string): string {
  return `[secmon] ${v.severityLabel} ${v.rule}: ${headerText(key, 80)}`;
}

const cell = 'padding:6px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top;';
const valueCell = `${cell}word-break:break-word;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;`;

function factRows(facts: Array<[string, string]>, max = 300): string {
  return facts.map(([k, v]) => `<tr><th align="left" style="${cell}font-weight:600;color:#444;font-size:13px;word-break:break-word;overflow-wrap:anywhere;">${htmlText(k, 60)}</th><td style="${valueCell}">${htmlText(v, max)}</td></tr>`).join('');
}

function button(l: ViewLink | undefined, label: string): string {
  const href = l === undefined ? undefined : htmlUrl(l.url);
  if (href === undefined) return '';
  return `<a href="${href}" style="display:inline-block;margin:4px 8px 4px 0;padding:8px 14px;background:#1f5f99;color:#ffffff;text-decoration:none;border-radius:4px;font-size:14px;">${htmlText(label, 60)}</a>`;
}

/**
 * One alert as a mail for a phone: a severity banner, the message, a key-facts table,
 * the evidence as readable rows (the decisive event first), buttons to the console and
 * the evidence, the runbook and references. Styles are inline (mail clients drop
 * style sheets), the layout is one column at most 640 px wide, and long values wrap
 * instead of widening the page. Every value from an event is escaped and its URLs
 * defanged; only links built by secmon are clickable.
 */
export function emailAlert(v: AlertView, key: string): EmailBody {
  const w = v.words;
  const table = (rows: string) => `<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="border-collapse:collapse;table-layout:fixed;width:100%;"><colgroup><col style="width:34%"><col></colgroup>${rows}</table>`;
  const evidence = [...v.evidence]
    .reverse()
    .map((e) => `<h3 style="margin:18px 0 6px;font-size:15px;">${htmlText(e.label, 40)} <span style="font-weight:normal;color:#666;">${htmlText(e.time, 40)}</span></h3>${table(factRows(e.facts))}`)
    .join('');
  const references = v.links.filter((l) => l.kind === 'reference');
  const otherLinks = v.links.filter((l) => l.kind !== 'reference' && l !== v.console && l !== v.evidenceLink);
  const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${htmlText(v.title, 120)}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4;">
<div style="max-width:640px;margin:0 auto;background:#ffffff;font-family:-apple-system,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',sans-serif;color:#1a1a1a;line-height:1.45;">
<div style="background:${BANNER[v.severity] ?? '#555555'};color:#ffffff;padding:12px 16px;font-size:14px;font-weight:700;letter-spacing:0.04em;">${htmlText(v.severityLabel, 20)} · ${htmlText(v.rule, 100)}</div>
<div style="padding:12px 16px;">
<h2 style="margin:0 0 8px;font-size:18px;">${htmlText(v.title, 200)}</h2>
<p style="margin:0 0 8px;font-size:16px;font-weight:600;word-break:break-word;overflow-wrap:anywhere;">${htmlText(v.message, 500)}</p>
<p style="margin:0 0 12px;color:#555;font-size:13px;">${htmlText(v.time, 80)}</p>
<div>${button(v.console, w.openInConsole)}${button(v.evidenceLink, w.openEvidence)}</div>
${table(factRows([...v.context, ...v.identity]))}
<h3 style="margin:18px 0 6px;font-size:15px;">${htmlText(w.evidence, 40)}</h3>
${evidence}
${v.runbook ? `<h3 style="margin:18px 0 6px;font-size:15px;">${htmlText(w.whatToDo, 40)}</h3><p style="margin:0;word-break:break-word;">${htmlText(v.runbook, 1000)}</p>` : ''}
${otherLinks.length + references.length > 0 ? `<h3 style="margin:18px 0 6px;font-size:15px;">${htmlText(w.references, 40)}</h3><ul style="margin:0;padding-left:18px;">${[...otherLinks, ...references].map((l) => (htmlUrl(l.url) ? `<li style="word-break:break-word;"><a href="${htmlUrl(l.url)}">${htmlText(l.label, 160)}</a></li>` : '')).join('')}</ul>` : ''}
</div></div></body></html>`;
  const line = ([k, val]: [string, string]) => `${plainText(k, 60)}${w.colon}${defang(plainText(val, 300))}`;
  const text = [
    `${v.severityLabel} · ${plainText(v.title, 200)}`,
    defang(plainText(v.message, 500)),
    v.time,
    '',
    ...[...v.context, ...v.identity].map(line),
    ...[...v.evidence].reverse().flatMap((e) => ['', `${e.label} · ${e.time}`, ...e.facts.map(line)]),
    ...(v.runbook ? ['', `${w.whatToDo}${w.colon}${plainText(v.runbook, 1000)}`] : []),
    ...(v.links.length > 0 ? ['', ...v.links.map((l) => `${plainText(l.label, 160)}${w.colon}${l.url}`)] : []),
  ].join('\n');
  return { subject: emailSubject(v, key), html, text };
}

/** A digest mail: every held alert as a row, most severe first. */
export function emailDigest(d: Digest, p: Presentation): EmailBody {
  const words = wordsFor(p.locale);
  const zone = zoneOf(p.timezone);
  const part = d.parts !== undefined && d.parts > 1 ? ` (${d.part}/${d.parts})` : '';
  const rows = d.alerts.map((a) => [readerTime(a.time, zone), words.severity[a.severity] ?? a.severity, a.titles?.[p.locale] ?? a.title, a.rule, a.key, String(a.count), a.id]);
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"></head><body style="margin:0;font-family:sans-serif;">
<div style="max-width:640px;margin:0 auto;padding:12px 16px;"><h2 style="font-size:17px;">${htmlText(words.digestHeading(d.count, part), 200)}</h2>
<ul style="padding-left:18px;">${rows.map((r) => `<li style="margin-bottom:6px;word-break:break-word;overflow-wrap:anywhere;">${r.map((x) => htmlText(x, 200)).join(' · ')}</li>`).join('')}</ul></div></body></html>`;
  const top = d.alerts[0]?.severity;
  return { subject: `[secmon] ${headerText(words.digestSubject(d.count, part, top === undefined ? '' : (words.severity[top] ?? top).toLowerCase()), 120)}`, html, text: rows.map((r) => r.map((x) => defang(plainText(x, 200))).join(' · ')).join('\n') };
}
