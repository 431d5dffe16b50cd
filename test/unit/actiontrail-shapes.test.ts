import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { normalizeJsonRecord } from '../../shared/events/json-record';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { loadRules } from '../../shared/rules/load';
import { CompiledRule } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';

import { Rec, SHAPES, clone } from '../actiontrail-shapes';

/**
 * Every bundled ActionTrail rule fires on every documented shape of its events: each
 * rule's own test records, rewritten the ways Alibaba Cloud delivers them
 * (test/actiontrail-shapes.ts), must give the same alerts.
 */

let rules: CompiledRule[];
beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  rules = loaded.rules.filter((r) => r.sources.includes('actiontrail'));
});

async function alertsOf(rule: CompiledRule, records: Rec[]): Promise<Array<{ key: string; count: number }>> {
  const events: SecEvent[] = records.flatMap((r, i) => normalizeJsonRecord(clone(r), { path: `${rule.id}.json`, line: i + 1 }, 'auto', { year: 2026 }));
  const alerts = await new Alerter(new Detector([{ ...rule, enabled: true }], new MemoryStateStore())).process(events);
  return alerts.map((a) => ({ key: a.key, count: a.count }));
}

test('there are ActionTrail rules to check, with tests of their own', () => {
  expect(rules.length).toBeGreaterThanOrEqual(20);
  for (const r of rules) expect(r.definition.tests.length).toBeGreaterThan(0);
});

test('every bundled ActionTrail rule gives its tests’ outcome in every shape its events arrive in', async () => {
  const failures: string[] = [];
  let checked = 0;
  for (const rule of rules) {
    for (const t of rule.definition.tests) {
      const records = t.events.filter((e): e is Rec => typeof e === 'object' && e !== null);
      if (records.length !== t.events.length) continue;
      const tested = rule.asWritten ? rule.asWritten(t.lists) : rule;
      const expected = await alertsOf(tested, records);
      // The test's own expectation holds for the records as written…
      if (expected.length !== t.expect.alerts) failures.push(`${rule.id} "${t.name}": ${expected.length} alert(s) as written, expected ${t.expect.alerts}`);
      for (const shape of SHAPES) {
        if (!records.every(shape.applies)) continue;
        checked++;
        // …and for every shape they arrive in: the same alerts, keys and counts.
        const got = await alertsOf(tested, records.map(shape.convert));
        if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${rule.id} "${t.name}" as ${shape.name}: ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(150);
});

test('no alert key of a bundled ActionTrail rule degrades to "-" on the documented shapes', async () => {
  const degraded: string[] = [];
  for (const rule of rules) {
    for (const t of rule.definition.tests) {
      const records = t.events.filter((e): e is Rec => typeof e === 'object' && e !== null);
      for (const shape of SHAPES) {
        if (!records.every(shape.applies)) continue;
        for (const a of await alertsOf(rule.asWritten ? rule.asWritten(t.lists) : rule, records.map(shape.convert))) {
          if (a.key.split('|').includes('-')) degraded.push(`${rule.id} "${t.name}" as ${shape.name}: key ${a.key}`);
        }
      }
    }
  }
  expect(degraded).toEqual([]);
});
