/** The severities, lowest first: the one definition of their order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** 0 for info up to 4 for critical; -1 for a value that is no severity. */
export function severityRank(s: string): number {
  return (SEVERITIES as readonly string[]).indexOf(s);
}

/** The higher of two severities. */
export function higherSeverity(a: Severity, b: Severity): Severity {
  return severityRank(b) > severityRank(a) ? b : a;
}
