import { compileRule } from '../../shared/rules/load';
import { runRuleTests } from '../../shared/engine/rule-tests';
import { ruleDef } from '../helpers';

const line = (ip: string) => `2026-11-20T10:00:00Z h sshd[1]: Failed password for root from ${ip} port 1 ssh2`;

describe('rule tests', () => {
  test('passing and failing expectations are told apart, with the test pointer', async () => {
    const rule = compileRule(
      ruleDef({
        groupBy: ['source.ip'],
        tests: [
          { name: 'right', events: [line('198.51.100.1')], expect: { alerts: 1, keys: ['198.51.100.1'], counts: [1] } },
          { name: 'wrong count', events: [line('198.51.100.1')], expect: { alerts: 2 } },
          { name: 'wrong key', events: [line('198.51.100.1')], expect: { alerts: 1, keys: ['10.0.0.1'] } },
          { name: 'bad event', events: [line('198.51.100.1'), 'garbage'], expect: { alerts: 1 } },
        ],
      }),
      'rules/t.json',
    );
    const results = await runRuleTests(rule);
    expect(results.map((r) => [r.test, r.ok])).toEqual([
      ['right', true],
      ['wrong count', false],
      ['wrong key', false],
      ['bad event', false],
    ]);
    expect(results[1].failure).toBe('/tests/1 "wrong count": expected 2 alert(s), got 1 (keys: 198.51.100.1)');
    expect(results[2].failure).toBe('/tests/2 "wrong key": expected keys ["10.0.0.1"], got ["198.51.100.1"]');
    expect(results[3].failure).toMatch(/^\/tests\/3\/events\/1: not a syslog line/);
  });

  test('a disabled rule is still tested', async () => {
    const rule = compileRule(ruleDef({ enabled: false }), 'rules/t.json');
    expect((await runRuleTests(rule)).every((r) => r.ok)).toBe(true);
  });
});
