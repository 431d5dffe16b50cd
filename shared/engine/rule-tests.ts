import { InputError, SecEvent } from '../events/event';
import { normalizeJsonRecord } from '../events/json-record';
import { normalizeSyslogLine } from '../events/syslog';
import { Detector } from './detector';
import { MemoryStateStore } from '../state/memory';
import { decisiveEvidence } from './evidence';
import { CompiledRule } from '../rules/rule';

export interface RuleTestResult {
  rule: string;
  file: string;
  test: string;
  ok: boolean;
  /** Why it failed, in a sentence that names the JSON pointer of the test. */
  failure?: string;
}

/**
 * Runs a rule's embedded tests: each test's events go through the same normalizers
 * and Detector as replay, on a fresh memory store, with only this rule loaded (a
 * disabled rule is still tested), as its own file writes it (overrides are a team's
 * tuning, not what the rule's tests prove) and with the test's lists. Syslog test
 * lines without a year take the current one.
 */
export async function runRuleTests(rule: CompiledRule): Promise<RuleTestResult[]> {
  const results: RuleTestResult[] = [];
  const tests = rule.definition.tests;
  for (let i = 0; i < tests.length; i++) {
    const test = tests[i];
    const pointer = `/tests/${i}`;
    const base = { rule: rule.id, file: rule.file, test: test.name };
    let events: SecEvent[];
    try {
      events = normalizeTestEvents(test.events, rule.file, pointer);
    } catch (e) {
      results.push({ ...base, ok: false, failure: (e as Error).message });
      continue;
    }
    let tested: CompiledRule;
    try {
      tested = rule.asWritten ? rule.asWritten(test.lists) : rule;
    } catch (e) {
      results.push({ ...base, ok: false, failure: `${pointer}/lists: ${(e as Error).message}` });
      continue;
    }
    const detector = new Detector([{ ...tested, enabled: true }], new MemoryStateStore());
    // The end of the test's events is the end of its input: audit summaries complete.
    const alerts = await detector.process(events, { timed: 'end' });
    const problems: string[] = [];
    if (alerts.length !== test.expect.alerts) {
      problems.push(`expected ${test.expect.alerts} alert(s), got ${alerts.length}${alerts.length ? ` (keys: ${alerts.map((a) => a.key).join(', ')})` : ''}`);
    }
    const keys = alerts.map((a) => a.key);
    if (test.expect.keys && JSON.stringify(test.expect.keys) !== JSON.stringify(keys)) {
      problems.push(`expected keys ${JSON.stringify(test.expect.keys)}, got ${JSON.stringify(keys)}`);
    }
    const counts = alerts.map((a) => a.count);
    if (test.expect.counts && JSON.stringify(test.expect.counts) !== JSON.stringify(counts)) {
      problems.push(`expected counts ${JSON.stringify(test.expect.counts)}, got ${JSON.stringify(counts)}`);
    }
    if (test.expect.references && alerts.length > 0) {
      // The references a reader is shown for the last alert's decisive event: what matched first.
      const last = alerts[alerts.length - 1];
      const decisive = decisiveEvidence(last.evidence, last.time);
      const got = tested.references(decisive?.fields ?? last.fields ?? {}).slice(0, test.expect.references.length);
      if (JSON.stringify(got) !== JSON.stringify(test.expect.references)) problems.push(`expected references ${JSON.stringify(test.expect.references)} first, got ${JSON.stringify(got)}`);
    }
    results.push(problems.length === 0 ? { ...base, ok: true } : { ...base, ok: false, failure: `${pointer} "${test.name}": ${problems.join('; ')}` });
  }
  return results;
}

function normalizeTestEvents(raw: Array<Record<string, unknown> | string>, file: string, pointer: string): SecEvent[] {
  const year = new Date().getUTCFullYear();
  const events: SecEvent[] = [];
  raw.forEach((item, j) => {
    const origin = { path: file, line: 0 };
    try {
      const evs =
        typeof item === 'string'
          ? normalizeSyslogLine(item, { year, position: `${pointer}/events/${j}` })
          : normalizeJsonRecord(structuredClone(item), undefined, 'auto', { year });
      events.push(...evs);
    } catch (e) {
      const msg = e instanceof InputError ? e.message.replace(`${origin.path}:0: `, '') : (e as Error).message;
      throw new Error(`${pointer}/events/${j}: ${msg}`);
    }
  });
  return events;
}
