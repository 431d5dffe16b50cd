import { Detection, SummaryOf } from '../engine/detection';
import { Evidence, decisiveEvidence } from '../engine/evidence';
import { CompiledRule, RuleKind } from '../rules/rule';
import { Severity } from '../rules/severity';
import { AlertContext, contextOf } from './context';
import { AlertLink, DEFAULT_LINK_OPTIONS, LinkOptions, alertLinks } from './links';

export type { Evidence } from '../engine/evidence';
export type { AlertContext, AlertResource } from './context';
export type { AlertLink } from './links';

/** A rule's title and message in one more language. */
export interface AlertTranslation {
  title: string;
  message: string;
}

/** A detection as people and channels see it: the rule's title, severity, message, tags and runbook with it. */
export interface Alert {
  /** Stable for the same detection, so a retried delivery can be recognized. */
  id: string;
  rule: string;
  title: string;
  severity: Severity;
  /** The rule's kind: which evidence a reader is shown (see readerEvidence). */
  kind?: RuleKind;
  /** Event time of the detection (the event that completed it), ISO-8601. */
  time: string;
  /** Group key: the rule's groupBy values joined by `|` (`*` without groupBy). */
  key: string;
  group: Record<string, unknown>;
  /** Events this detection counted (1 for match rules; distinct values for distinct thresholds). */
  count: number;
  /** Alerts held back by suppression since the previous alert for this rule and key. */
  suppressed: number;
  message: string;
  /** Who, where and what, from the decisive event (absent in alerts of earlier versions). */
  context?: AlertContext;
  /** Console pages of the resources, the evidence, the references (absent in alerts of earlier versions). */
  links?: AlertLink[];
  /** Title and message in the other languages the rule has, by locale (`zh-CN`). */
  translations?: Record<string, AlertTranslation>;
  /** An audit summary's period (`from`, `to`) and the distinct values it saw (`more`: beyond those listed). */
  summary?: SummaryOf;
  tags: string[];
  /** The references of what matched first, then the rule's own. */
  references: string[];
  runbook?: string;
  evidence: Evidence[];
}

/**
 * The alert of a detection of `rule`. Its message, context and references are read
 * from the decisive event (the one that completed the detection), so that "brute force
 * then success" names the user who logged in, not the first user tried.
 */
export function alertOf(d: Detection, rule: CompiledRule, links: LinkOptions = DEFAULT_LINK_OPTIONS): Alert {
  const def = rule.definition;
  const decisive = decisiveEvidence(d.evidence, d.time);
  const fields = decisive?.fields ?? d.fields ?? {};
  const vars = { count: d.count, key: d.key, values: d.summary === undefined ? undefined : valuesText(d.summary) };
  const context = contextOf(decisive);
  const references = rule.references(fields);
  const alert: Alert = {
    id: d.id,
    rule: d.rule,
    title: def.title,
    severity: rule.severity,
    kind: rule.kind,
    time: d.time,
    key: d.key,
    group: d.group,
    count: d.count,
    suppressed: d.suppressed,
    message: rule.render(fields, vars),
    context,
    links: alertLinks(context, d.evidence, decisive, references, links),
    tags: def.tags ?? [],
    references,
    runbook: def.runbook,
    evidence: d.evidence,
  };
  if (d.summary !== undefined) alert.summary = d.summary;
  if (rule.translations.size > 0) {
    alert.translations = {};
    for (const [locale, t] of rule.translations) alert.translations[locale] = { title: t.title, message: t.render(fields, vars) };
  }
  return alert;
}

/** A summary's distinct values for a message: `a, b, c`, with `…` when it saw more than it kept. */
function valuesText(s: SummaryOf): string {
  if (s.values.length === 0) return '-';
  return `${s.values.join(', ')}${s.more ? ', …' : ''}`;
}
