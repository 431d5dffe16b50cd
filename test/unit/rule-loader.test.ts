import * as path from 'node:path';
import { compileRuleText, formatProblem, loadRules } from '../../shared/rules/load';
import { bundledRulesDir, resolveRuleDirs } from '../../shared/rules/bundled';
import { ruleDef, tempDir } from '../helpers';

const problemsOf = (doc: unknown) => compileRuleText(JSON.stringify(doc, null, 2), 'rules/x.json').problems.map(formatProblem);

describe('rule loading', () => {
  test('a valid rule compiles', () => {
    const r = compileRuleText(JSON.stringify(ruleDef()), 'rules/x.json');
    expect(r.problems).toEqual([]);
    expect(r.rule?.id).toBe('test.rule');
  });

  test('an unknown operator is reported with file, JSON pointer and the allowed values', () => {
    const doc = ruleDef({ condition: { all: [{ field: 'a', op: 'equals', value: 1 }, { field: 'b', op: 'equals', value: 2 }, { field: 'c', op: 'like' as never, value: 3 }] } });
    const problems = problemsOf(doc);
    expect(problems).toContain('rules/x.json: /condition/all/2/op: must be one of equals, in, contains, startsWith, endsWith, regex, cidr, exists, gt, gte, lt, lte, rangeCovers, timeOfDay');
  });

  test('unknown properties are rejected, at any depth', () => {
    expect(problemsOf({ ...ruleDef(), severty: 'high' })).toContain('rules/x.json: /severty: unknown property (not allowed by the rule schema) (did you mean "severity"?)');
    expect(problemsOf(ruleDef({ condition: { fild: 'x', op: 'exists' } as never }))).toEqual(
      expect.arrayContaining(['rules/x.json: /condition/fild: unknown property (not allowed by the rule schema) (did you mean "field"?)']),
    );
  });

  test('every problem of a file is reported, not only the first', () => {
    const problems = problemsOf({ ...ruleDef({ severity: 'urgent' as never }), id: 'Bad Id', tests: undefined });
    expect(problems).toEqual(
      expect.arrayContaining([
        'rules/x.json: /: missing required property "tests"',
        'rules/x.json: /severity: must be one of info, low, medium, high, critical',
        expect.stringMatching(/^rules\/x\.json: \/id: must be 3-81 characters/),
      ]),
    );
  });

  test('threshold rules need threshold parameters; match rules must not carry them', () => {
    expect(problemsOf(ruleDef({ kind: 'threshold' }))).toContain('rules/x.json: /: missing required property "threshold"');
    expect(problemsOf(ruleDef({ threshold: { count: 5, window: '5m' } }))).toContain('rules/x.json: /: threshold is only allowed with kind "threshold"');
    expect(problemsOf(ruleDef({ kind: 'threshold', threshold: { count: 5, window: '5 minutes' } }))).toContain(
      'rules/x.json: /threshold/window: must be a duration such as 30s, 5m, 1h or 7d',
    );
  });

  test('operator values are type-checked', () => {
    expect(problemsOf(ruleDef({ condition: { field: 'a', op: 'in', value: 'x' } }))).toContain('rules/x.json: /condition/value: must be array');
    expect(problemsOf(ruleDef({ condition: { field: 'a', op: 'gt', value: 'x' } }))).toContain('rules/x.json: /condition/value: must be number');
    expect(problemsOf(ruleDef({ condition: { field: 'a', op: 'equals' } }))).toContain('rules/x.json: /condition: missing required property "value"');
  });

  test('a source list with a bad item points at the item', () => {
    expect(problemsOf(ruleDef({ source: ['sshd', 'cloudtrail'] as never }))).toEqual(['rules/x.json: /source/1: must be one of actiontrail, sshd, sudo, su, account, syslog, webserver, osquery, json, posture']);
  });

  test('a condition mixing forms is refused', () => {
    expect(problemsOf(ruleDef({ condition: { field: 'a', op: 'exists', all: [{ field: 'b', op: 'exists' }] } as never }))).toEqual([
      'rules/x.json: /condition: a condition holds exactly one of all, any, not, some with where, or field with op (found all, field)',
    ]);
  });

  test('regex and CIDR values are checked at load', () => {
    expect(problemsOf(ruleDef({ condition: { any: [{ field: 'a', op: 'regex', value: '([a-z]' }] } }))[0]).toMatch(/^rules\/x\.json: \/condition\/any\/0\/value: invalid regular expression/);
    expect(problemsOf(ruleDef({ condition: { field: 'a', op: 'cidr', value: '300.1.1.1/8' } }))).toEqual(['rules/x.json: /condition/value: not a CIDR range: "300.1.1.1/8"']);
  });

  test('JSON syntax errors give line and column', () => {
    const problems = compileRuleText('{\n  "id": "x",\n  "title": oops\n}', 'rules/x.json').problems.map(formatProblem);
    expect(problems[0]).toMatch(/^rules\/x\.json: \/: invalid JSON at line 3, column 12/);
  });

  test('duplicate ids across files are an error; the other rules still load', async () => {
    const dir = tempDir({
      'a.json': JSON.stringify(ruleDef()),
      'sub/b.json': JSON.stringify(ruleDef()),
      'c.json': JSON.stringify(ruleDef({ id: 'test.other' })),
      'notes.txt': 'ignored',
    });
    const loaded = await loadRules([dir]);
    expect(loaded.rules.map((r) => r.id).sort()).toEqual(['test.other', 'test.rule']);
    expect(loaded.problems.map(formatProblem)).toEqual([`${path.join(dir, 'sub/b.json')}: /id: duplicate rule id "test.rule" (also in ${path.join(dir, 'a.json')}); to change a rule you do not own, write an override: {"override": "test.rule", …}`]);
  });

  test('a missing rule folder is a problem, not a crash', async () => {
    const loaded = await loadRules(['/nonexistent/rules']);
    expect(loaded.problems.map(formatProblem)).toEqual(['/nonexistent/rules: /: cannot read rules: ENOENT']);
  });

  test('a user folder replaces the bundled rules, or is added to them with @bundled', async () => {
    const dir = tempDir({ 'mine.json': JSON.stringify(ruleDef({ id: 'my.rule' })) });
    const only = await loadRules(resolveRuleDirs([dir]));
    expect(only.rules.map((r) => r.id)).toEqual(['my.rule']);
    const both = await loadRules(resolveRuleDirs(['@bundled', dir]));
    const bundled = await loadRules([bundledRulesDir()]);
    expect(both.rules.length).toBe(bundled.rules.length + 1);
    expect(both.problems).toEqual([]);
  });

  test('every bundled rule is valid', async () => {
    const loaded = await loadRules([bundledRulesDir()]);
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.rules.length).toBeGreaterThanOrEqual(8);
  });
});

describe('bounds checked at load', () => {
  const threshold = (window: string, extra: Record<string, unknown> = {}) => ruleDef({ kind: 'threshold', groupBy: ['source.ip'], threshold: { count: 5, window }, ...extra });

  test('a duration beyond its maximum, or below its minimum, names the file and JSON path', () => {
    // 10^20 days: once passed validation, then made every Redis transaction fail (PX overflow).
    expect(problemsOf(threshold('99999999999999999999d'))).toEqual(['rules/x.json: /threshold/window: must be at most 7d']);
    expect(problemsOf(threshold('0s'))).toEqual(['rules/x.json: /threshold/window: must be at least 1s']);
    expect(problemsOf(threshold('5m', { suppress: '99999999999999999999d' }))).toEqual(['rules/x.json: /suppress: must be at most 30d']);
    expect(problemsOf(ruleDef({ kind: 'newValue', groupBy: ['user.name'], newValue: { field: 'source.ip', lookback: '366d' } }))).toEqual(['rules/x.json: /newValue/lookback: must be at most 365d']);
    expect(problemsOf(ruleDef({ kind: 'dormancy', groupBy: ['user.name'], dormancy: { after: '400d' } }))).toEqual(['rules/x.json: /dormancy/after: must be at most 365d']);
    const steps = [
      { name: 'a', condition: { field: 'event.action', op: 'equals' as const, value: 'auth-failed' } },
      { name: 'b', condition: { field: 'event.action', op: 'equals' as const, value: 'login' } },
    ];
    expect(problemsOf(ruleDef({ kind: 'sequence', groupBy: ['source.ip'], sequence: { window: '8d', steps } }))).toEqual(['rules/x.json: /sequence/window: must be at most 7d']);
  });

  test('the bounds themselves are accepted, and a malformed duration still says how to write one', () => {
    expect(problemsOf(threshold('7d', { suppress: '30d' }))).toEqual([]);
    expect(problemsOf(threshold('1s'))).toEqual([]);
    expect(problemsOf(threshold('5 minutes'))).toEqual(['rules/x.json: /threshold/window: must be a duration such as 30s, 5m, 1h or 7d']);
  });
});
