import { Source } from '../events/event';
import { Condition, Predicate } from './condition';

export type RuleKind = 'match' | 'threshold' | 'sequence' | 'newValue' | 'dormancy';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A rule file as written (after schema validation). */
export interface RuleDefinition {
  $schema?: string;
  id: string;
  title: string;
  description: string;
  severity: Severity;
  enabled?: boolean;
  source: Source | Source[];
  condition: Condition;
  kind: RuleKind;
  groupBy?: string[];
  threshold?: { count: number; window: string; distinct?: string };
  sequence?: { window: string; steps: Array<{ name: string; condition: Condition; count?: number }> };
  newValue?: { field: string; lookback: string; maxValues?: number; alertOnFirstSeenGroup?: boolean };
  dormancy?: { after: string };
  suppress?: string;
  tags?: string[];
  references?: string[];
  runbook?: string;
  message?: string;
  tests: RuleTest[];
}

export interface RuleTest {
  name: string;
  events: Array<Record<string, unknown> | string>;
  expect: { alerts: number; keys?: string[]; counts?: number[] };
}

export interface ThresholdSpec {
  count: number;
  windowMs: number;
  /** The distinct-count field's (first) value of an event. */
  distinct?: (fields: Record<string, unknown>) => unknown;
}

/** A rule ready to evaluate: everything that can be computed once is. */
export interface CompiledRule {
  id: string;
  file: string;
  definition: RuleDefinition;
  severity: Severity;
  sources: readonly Source[];
  enabled: boolean;
  matches: Predicate;
  /** Alert key of an event: the groupBy values joined with `|`, or `*` without groupBy. */
  keyOf(fields: Record<string, unknown>): string;
  /** The groupBy fields as one string: rules with the same one give an event the same key. */
  groupSignature: string;
  /** The groupBy fields and their values, for the alert. */
  groupOf(fields: Record<string, unknown>): Record<string, unknown>;
  threshold?: ThresholdSpec;
  sequence?: { windowMs: number; steps: Array<{ name: string; count: number; matches: Predicate }> };
  newValue?: { value: (fields: Record<string, unknown>) => unknown; lookbackMs: number; maxValues: number; alertOnFirstSeenGroup: boolean };
  dormancy?: { afterMs: number };
  suppressMs?: number;
  render(fields: Record<string, unknown>, vars: { count: number; key: string }): string;
}
