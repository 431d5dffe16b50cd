import { RegexMemo } from '../../shared/rules/regex-memo';
import { compileCondition } from '../../shared/rules/condition';

describe('RegexMemo', () => {
  test('asks the test once per short value and answers what it answered', () => {
    const asked: string[] = [];
    const memo = new RegexMemo((s) => {
      asked.push(s);
      return s.startsWith('Forbidden');
    });
    const values = ['', 'Forbidden.RAM', '', 'NoPermission', 'Forbidden.RAM', ''];
    expect(values.map((v) => memo.matches(v))).toEqual([false, true, false, false, true, false]);
    expect(asked).toEqual(['', 'Forbidden.RAM', 'NoPermission']);
  });

  test('a long value is tested every time and never remembered', () => {
    let calls = 0;
    const memo = new RegexMemo(() => ++calls > 0);
    const long = 'x'.repeat(RegexMemo.MAX_LENGTH + 1);
    memo.matches(long);
    memo.matches(long);
    expect(calls).toBe(2);
    expect(memo.size).toBe(0);
  });

  test('never holds more than MAX_ENTRIES values, however many distinct values arrive', () => {
    const memo = new RegexMemo((s) => s.endsWith('7'));
    let peak = 0;
    for (let i = 0; i < RegexMemo.MAX_ENTRIES * 3 + 5; i++) {
      expect(memo.matches(`user-${i}`)).toBe(String(i).endsWith('7'));
      peak = Math.max(peak, memo.size);
    }
    expect(peak).toBe(RegexMemo.MAX_ENTRIES);
  });
});

describe('a regex condition answers the same on repeated values', () => {
  test('a value seen before gets the same answer as the first time, for each of two tests of one field', () => {
    const forbidden = compileCondition({ field: 'errorCode', op: 'regex', value: '^(Forbidden|Forbidden\\..*|.*\\.NoPermission)$' });
    const anyCase = compileCondition({ field: 'errorCode', op: 'regex', value: '^forbidden$', caseInsensitive: true });
    const codes = ['', 'Forbidden', 'Forbidden.RAM', 'Ecs.NoPermission', 'NoPermissionX', 'FORBIDDEN', ''];
    const want = [[false, false], [true, true], [true, false], [true, false], [false, false], [false, true], [false, false]];
    for (let round = 0; round < 3; round++) {
      expect(codes.map((c) => [forbidden({ errorCode: c }), anyCase({ errorCode: c })])).toEqual(want);
    }
  });
});
