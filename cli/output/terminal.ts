import pc from 'picocolors';
import { Alert } from '../../shared/alerts/alert';
import { Severity } from '../../shared/rules/rule';
import { DEFAULT_PRESENTATION, viewOf } from '../../shared/delivery/render/view';
import { readerEvidence } from '../../shared/alerts/reading';

/**
 * Text from events (user names, commands, user agents) is attacker-controlled: on a
 * terminal, control characters could move the cursor, rewrite earlier lines or set
 * the window title. They are shown as \xNN instead.
 */
export function safeText(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/\n/g, '\\n');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

export function colors(enabled: boolean): Colors {
  const c = pc.createColors(enabled);
  return { bold: c.bold, dim: c.dim, red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan, magenta: c.magenta };
}

function paintSeverity(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bold(c.magenta(label));
    case 'high':
      return c.bold(c.red(label));
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    default:
      return c.dim(label);
  }
}

/** A few lines per alert: what, why, who and where, the count and where to look. */
export function formatAlert(a: Alert, c: Colors): string {
  // Where the events a reader needs are: the first, the last earlier step, the decisive one.
  const where = readerEvidence(a.kind, a.evidence, a.time)
    .map(({ evidence: e }) => (e.fields.log as { file?: { path?: string; line?: number } } | undefined)?.file)
    .filter((f): f is { path: string; line: number } => f?.path !== undefined)
    .slice(0, 3)
    .map((f) => `${f.path}:${f.line}`);
  const extra = [`count ${a.count}`];
  if (a.suppressed > 0) extra.push(`${a.suppressed} suppressed before`);
  const lines = [
    `${paintSeverity(c, a.severity)} ${c.bold(a.rule)}  ${c.dim(a.time)}  ${c.dim('key')} ${safeText(a.key, 120)}`,
    `         ${safeText(a.message)}`,
  ];
  // Who, from where, on what: the context the channels show too (without the user agent, long on a terminal).
  const view = viewOf(a, DEFAULT_PRESENTATION);
  const context = view.context.filter(([label]) => label !== view.words.userAgent && label !== view.words.action);
  if (context.length > 0) lines.push(`         ${c.dim(context.map(([k, v]) => `${k.toLowerCase()} ${safeText(v, 120)}`).join(' · '))}`);
  lines.push(`         ${c.dim(`${extra.join(', ')}${where.length ? `; at ${where.map((w) => safeText(w, 200)).join(', ')}` : ''}`)}`);
  if (view.console) lines.push(`         ${c.dim(`console ${safeText(view.console.url, 300)}`)}`);
  return lines.join('\n');
}

/** NDJSON line of an alert (for `--json`): the contract of DESIGN §6. */
export function alertJson(a: Alert): string {
  return JSON.stringify(a);
}
