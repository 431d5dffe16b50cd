import ruleSchema from '../../rules/rule.schema.json';
import dispatchSchema from '../../shared/delivery/dispatch.schema.json';
import { SEVERITIES, higherSeverity, severityRank } from '../../shared/rules/severity';

/** Every `enum` in a JSON schema that lists severities. */
function severityEnums(node: unknown): unknown[][] {
  if (node === null || typeof node !== 'object') return [];
  const own = Array.isArray((node as { enum?: unknown }).enum) && ((node as { enum: unknown[] }).enum.includes('critical')) ? [(node as { enum: unknown[] }).enum] : [];
  return [...own, ...Object.values(node).flatMap(severityEnums)];
}

test('the schemas list the severities in the one order', () => {
  const enums = [...severityEnums(ruleSchema), ...severityEnums(dispatchSchema)];
  expect(enums.length).toBeGreaterThanOrEqual(2);
  for (const e of enums) expect(e).toEqual([...SEVERITIES]);
});

test('ranks and the higher of two severities follow that order', () => {
  expect(SEVERITIES.map(severityRank)).toEqual([0, 1, 2, 3, 4]);
  expect(severityRank('urgent')).toBe(-1);
  expect(higherSeverity('low', 'critical')).toBe('critical');
  expect(higherSeverity('high', 'medium')).toBe('high');
});
