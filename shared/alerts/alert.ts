import { Detection } from '../engine/detection';
import { Evidence } from '../engine/evidence';
import { CompiledRule } from '../rules/rule';
import { Severity } from '../rules/severity';

export type { Evidence } from '../engine/evidence';

/** A detection as people and channels see it: the rule's title, severity, message, tags and runbook with it. */
export interface Alert {
  /** Stable for the same detection, so a retried delivery can be recognized. */
  id: string;
  rule: string;
  title: string;
  severity: Severity;
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
  tags: string[];
  references: string[];
  runbook?: string;
  evidence: Evidence[];
}

/** The alert of a detection of `rule`. */
export function alertOf(d: Detection, rule: CompiledRule): Alert {
  const def = rule.definition;
  return {
    id: d.id,
    rule: d.rule,
    title: def.title,
    severity: rule.severity,
    time: d.time,
    key: d.key,
    group: d.group,
    count: d.count,
    suppressed: d.suppressed,
    message: rule.render(d.evidence[0]?.fields ?? d.fields ?? {}, { count: d.count, key: d.key }),
    tags: def.tags ?? [],
    references: def.references ?? [],
    runbook: def.runbook,
    evidence: d.evidence,
  };
}
