import { Source } from '../events/event';
import { Condition, Predicate } from './condition';
import { Severity } from './severity';
import type { TemplateVars } from './template';

export { SEVERITIES } from './severity';
export type { Severity } from './severity';

export type RuleKind = 'match' | 'threshold' | 'sequence' | 'newValue' | 'dormancy' | 'summary';

interface RuleDefinitionBase {
  $schema?: string;
  id: string;
  title: string;
  description: string;
  severity: Severity;
  enabled?: boolean;
  source: Source | Source[];
  condition: Condition;
  groupBy?: string[];
  suppress?: string;
  tags?: string[];
  references?: string[];
  runbook?: string;
  message?: string;
  exceptions?: RuleException[];
  requires?: string[];
  /** Title and message in other languages, by locale (`zh-CN`). */
  translations?: Record<string, { title: string; message?: string }>;
  tests: RuleTest[];
}

/** An exception: events whose `fields` match one tuple of `values` (compared with `comps`, equals by default) never count or alert. */
export interface RuleException {
  name: string;
  fields: string[];
  comps?: Array<'equals' | 'in' | 'cidr' | 'startsWith' | 'endsWith' | 'contains'>;
  /** Tuples of values, one per field; after list resolution a single-field list becomes one tuple per item. */
  values: unknown[][] | unknown[];
}

/** A rule file as written (after schema validation): one member per rule kind, each with its own parameters. */
export type RuleDefinition =
  | (RuleDefinitionBase & { kind: 'match' })
  | (RuleDefinitionBase & { kind: 'threshold'; threshold: { count: number; window: string; distinct?: string } })
  | (RuleDefinitionBase & { kind: 'sequence'; sequence: { window: string; steps: Array<{ name: string; condition: Condition; count?: number }> } })
  | (RuleDefinitionBase & { kind: 'newValue'; newValue: { field: string; lookback: string; maxValues?: number; alertOnFirstSeenGroup?: boolean } })
  | (RuleDefinitionBase & { kind: 'dormancy'; dormancy: { after: string } })
  | (RuleDefinitionBase & { kind: 'summary'; summary: { period: string; distinct?: string; maxValues?: number } });

/** The definition of one kind of rule. */
export type DefinitionOf<K extends RuleKind> = Extract<RuleDefinition, { kind: K }>;

export interface RuleTest {
  name: string;
  events: Array<Record<string, unknown> | string>;
  expect: { alerts: number; keys?: string[]; counts?: number[]; references?: string[] };
  /** Lists to run this test with, replacing the loaded ones of the same names. */
  lists?: Record<string, Array<string | number | boolean>>;
}

/** A rule ready to evaluate: everything that can be computed once is. */
interface CompiledRuleBase {
  id: string;
  file: string;
  severity: Severity;
  sources: readonly Source[];
  enabled: boolean;
  /** The rule's top-level condition. */
  matches: Predicate;
  /** Any condition of the rule by its JSON pointer (`/sequence/steps/0/condition`). */
  predicate(pointer: string): Predicate;
  /** Alert key of an event: the groupBy values joined with `|`, or `*` without groupBy. */
  keyOf(fields: Record<string, unknown>): string;
  /** The groupBy fields as one string: rules with the same one give an event the same key. */
  groupSignature: string;
  /** Whether an event, whose key is `key` (keyOf), has a value for every groupBy field (counting rules count only such events). */
  hasGroup(fields: Record<string, unknown>, key: string): boolean;
  /** The groupBy fields and their values, for the alert. */
  groupOf(fields: Record<string, unknown>): Record<string, unknown>;
  suppressMs?: number;
  render(fields: Record<string, unknown>, vars: TemplateVars): string;
  /** Title and message template per other locale. */
  translations: ReadonlyMap<string, { title: string; render(fields: Record<string, unknown>, vars: TemplateVars): string }>;
  /**
   * The references of an event: those of the conditions it matches that carry
   * `references` (in rule order), then the rule's own, without repeats.
   */
  references(fields: Record<string, unknown>): string[];
  /**
   * The rule as its own file writes it (no overrides), compiled with these lists
   * replacing the loaded ones: what its embedded tests run on.
   */
  asWritten?(lists?: Record<string, Array<string | number | boolean>>): CompiledRule;
}

/** A compiled rule: one member per kind, its definition that kind's. */
export type CompiledRule = { [K in RuleKind]: CompiledRuleBase & { kind: K; definition: DefinitionOf<K> } }[RuleKind];
