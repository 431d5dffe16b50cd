import { CompiledRule, RuleKind } from '../../rules/rule';
import { ArmedRule, RuleKindModule } from '../kind';
import { dormancyKind } from './dormancy';
import { matchKind } from './match';
import { newValueKind } from './new-value';
import { sequenceKind } from './sequence';
import { summaryKind } from './summary';
import { thresholdKind } from './threshold';

/** The rule kinds, by the name rule files give them. */
const KINDS: { [K in RuleKind]: RuleKindModule<K, never, never> } = {
  match: matchKind as RuleKindModule<'match', never, never>,
  threshold: thresholdKind as unknown as RuleKindModule<'threshold', never, never>,
  sequence: sequenceKind as unknown as RuleKindModule<'sequence', never, never>,
  newValue: newValueKind as unknown as RuleKindModule<'newValue', never, never>,
  dormancy: dormancyKind as unknown as RuleKindModule<'dormancy', never, never>,
  summary: summaryKind as unknown as RuleKindModule<'summary', never, never>,
};

/** A rule with its kind's module and its compiled parameters. */
export function armRule(rule: CompiledRule): ArmedRule {
  const module = KINDS[rule.definition.kind] as unknown as RuleKindModule<RuleKind, unknown, unknown>;
  return { rule, module, spec: module.compile(rule.definition as never, rule) };
}
