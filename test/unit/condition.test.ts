import { Condition, compileCondition, parsePortRange } from '../../shared/rules/condition';
import { compileFieldPath, compileFieldPredicate as compileFieldPredicateFor, compileFirstValue } from '../../shared/util/field-path';

const ev = {
  eventName: 'AuthorizeSecurityGroup',
  userIdentity: { type: 'ram-user', userName: 'Bob' },
  additionalEventData: { isMFAChecked: 'false' },
  requestParameters: { PortRange: '20/30', SourceCidrIp: '0.0.0.0/0', 'Permissions.1.PortRange': '3389/3389', Permissions: [{ PortRange: '80/80' }, { PortRange: '22/22' }] },
  source: { ip: '198.51.100.23', port: 4100 },
  count: '12',
  tags: ['a', 'b'],
  nothing: null,
};
const t = (c: Condition) => compileCondition(c)(ev);

describe('field paths', () => {
  test('nested objects, array fan-out, numeric index, literal dotted keys', () => {
    expect(compileFieldPath('userIdentity.userName')(ev)).toEqual(['Bob']);
    expect(compileFieldPath('requestParameters.Permissions.PortRange')(ev)).toEqual(['80/80', '22/22']);
    expect(compileFieldPath('requestParameters.Permissions.1.PortRange')(ev)).toEqual(['22/22']);
    expect(compileFieldPath('tags')(ev)).toEqual(['a', 'b']);
    expect(compileFieldPath('requestParameters.missing.deep')(ev)).toEqual([]);
    expect(compileFieldPath('a.b')({ 'a.b': 1 })).toEqual([1]);
    expect(() => compileFieldPath('a..b')).toThrow('empty segment');
  });
  test('a field test and a first value find the values the field path reads, on every shape a record may have', () => {
    // compileFieldPredicate walks plain objects in code written for its path and falls
    // back to the general walk: it must agree with compileFieldPath (a separate walk) on
    // arrays, indices, literal dotted keys, missing and odd segments, and keys that need escaping.
    const records: unknown[] = [
      ev,
      { a: { b: { c: 'x' } } },
      { a: [{ b: { c: 'x' } }, { b: { c: 'y' } }] },
      { a: { b: [{ c: 'y' }, { c: 'x' }] } },
      { a: { 'b.c': 'x' } },
      { 'a.b.c': 'x' },
      { a: { b: null } },
      { a: { b: 'x' } },
      { a: { b: { c: ['y', 'x'] } } },
      { a: [[{ b: { c: 'x' } }]] },
      { 'we"ird': { "ke'y\\": 'x' }, 'line\u2028sep': { '</script>': 'x' } },
      JSON.parse('{"__proto__": {"polluted": "x"}, "constructor": {"name": "x"}}'),
      null,
      'x',
    ];
    const paths = ['a', 'a.b', 'a.b.c', 'a.1.b.c', 'a.b.0.c', 'requestParameters.Permissions.PortRange', 'requestParameters.Permissions.1.PortRange', 'userIdentity.type', 'we"ird.ke\'y\\\\', 'line\u2028sep.</script>', '__proto__.polluted', 'constructor.name', 'a.b.c.d.e'];
    const isX = (v: unknown) => v === 'x' || v === '22/22' || v === 'ram-user';
    for (const path of paths) {
      const test = compileCondition({ field: path, op: 'exists' });
      const some = compileFieldPath(path);
      const named = compileFieldPredicateFor(path, isX);
      // Group keys and distinct values: the first value, by a walk written out the same way.
      const first = compileFirstValue(path);
      for (const r of records) {
        expect([path, r, named(r)]).toEqual([path, r, some(r).some(isX)]);
        // Twice: the second test runs the walk made at the first.
        expect([path, r, named(r)]).toEqual([path, r, some(r).some(isX)]);
        expect([path, r, first(r)]).toEqual([path, r, some(r)[0]]);
        expect([path, r, first(r)]).toEqual([path, r, some(r)[0]]);
        expect([path, r, test(r as Record<string, unknown>)]).toEqual([path, r, some(r).some((v) => v !== null)]);
      }
    }
  });
});

describe('operators', () => {
  test('equals compares scalars by text, with an optional case-insensitive flag', () => {
    expect(t({ field: 'additionalEventData.isMFAChecked', op: 'equals', value: false })).toBe(true);
    expect(t({ field: 'userIdentity.userName', op: 'equals', value: 'bob' })).toBe(false);
    expect(t({ field: 'userIdentity.userName', op: 'equals', value: 'bob', caseInsensitive: true })).toBe(true);
    expect(t({ field: 'userIdentity', op: 'equals', value: '[object Object]' })).toBe(false);
  });
  test('in', () => {
    expect(t({ field: 'eventName', op: 'in', value: ['RevokeSecurityGroup', 'AuthorizeSecurityGroup'] })).toBe(true);
    expect(t({ field: 'eventName', op: 'in', value: ['authorizesecuritygroup'] })).toBe(false);
    expect(t({ field: 'eventName', op: 'in', value: ['authorizesecuritygroup'], caseInsensitive: true })).toBe(true);
  });
  test('contains, startsWith, endsWith', () => {
    expect(t({ field: 'eventName', op: 'contains', value: 'SecurityGroup' })).toBe(true);
    expect(t({ field: 'eventName', op: 'startsWith', value: 'Authorize' })).toBe(true);
    expect(t({ field: 'eventName', op: 'endsWith', value: 'group', caseInsensitive: true })).toBe(true);
    expect(t({ field: 'eventName', op: 'endsWith', value: 'group' })).toBe(false);
  });
  test('regex runs on RE2 and finds anywhere unless anchored', () => {
    expect(t({ field: 'eventName', op: 'regex', value: 'Security(Group|Rule)' })).toBe(true);
    expect(t({ field: 'eventName', op: 'regex', value: '^authorize', caseInsensitive: true })).toBe(true);
    expect(t({ field: 'eventName', op: 'regex', value: '^Group' })).toBe(false);
  });
  test('a catastrophic-backtracking regex returns on hostile input', () => {
    // A backtracking engine (JavaScript's own) would not return here in years; RE2 is linear.
    const match = compileCondition({ field: 'x', op: 'regex', value: '^(a+)+$' });
    expect(match({ x: `${'a'.repeat(64)}!` })).toBe(false);
    expect(match({ x: 'a'.repeat(64) })).toBe(true);
  });
  test('an invalid regex is a compile error at its JSON pointer', () => {
    expect(() => compileCondition({ all: [{ field: 'x', op: 'regex', value: '(' }] })).toThrow(/invalid regular expression/);
    try {
      compileCondition({ all: [{ field: 'x', op: 'regex', value: '(?<=a)b' }] });
      throw new Error('no error');
    } catch (e) {
      expect((e as { pointer: string }).pointer).toBe('/condition/all/0/value');
    }
  });
  test('a rule validated at build compiles its regexes at their first test, with the same results', () => {
    const anyOf = (validated: boolean) =>
      compileCondition(
        { any: [{ field: 'cmd', op: 'regex', value: '(^|/)rm\\s+-rf\\s+/' }, { field: 'cmd', op: 'regex', value: '(^|/)mkfs' }, { field: 'cmd', op: 'regex', value: '^SHRED', caseInsensitive: true }] },
        '/condition',
        { validated },
      );
    const lines = ['rm -rf /', '/usr/sbin/mkfs.ext4 /dev/vdb', 'shred -u key', 'ls -l', 'echo rm -rf /tmp'];
    const eager = anyOf(false);
    const lazy = anyOf(true);
    expect(lines.map((cmd) => lazy({ cmd }))).toEqual(lines.map((cmd) => eager({ cmd })));
    expect(lines.map((cmd) => lazy({ cmd }))).toEqual([true, true, true, false, false]);
    // Compiled at the first test, not before: an expression RE2 refuses (which the build
    // would have caught) fails there, and not at load.
    const later = compileCondition({ field: 'cmd', op: 'regex', value: '(?<=a)b' }, '/condition', { validated: true });
    expect(later({ other: 'x' })).toBe(false);
    expect(() => later({ cmd: 'ab' })).toThrow(/invalid regular expression/);
  });
  test('alternatives RE2 refuses as one expression (a group name twice) are tested one by one, validated or not', () => {
    const cond: Condition = { any: [{ field: 'x', op: 'regex', value: '(?P<n>ab)c' }, { field: 'x', op: 'regex', value: '(?P<n>xy)z' }] };
    for (const validated of [false, true]) {
      const match = compileCondition(cond, '/condition', { validated });
      expect([match({ x: 'abc' }), match({ x: 'xyz' }), match({ x: 'ab' })]).toEqual([true, true, false]);
    }
  });
  test('cidr matches IPv4 and IPv6 and refuses mixed families', () => {
    expect(t({ field: 'source.ip', op: 'cidr', value: '198.51.100.0/24' })).toBe(true);
    expect(t({ field: 'source.ip', op: 'cidr', value: ['10.0.0.0/8', '192.168.0.0/16'] })).toBe(false);
    expect(compileCondition({ field: 'ip', op: 'cidr', value: '2001:db8::/32' })({ ip: '2001:db8:4f::7' })).toBe(true);
    expect(compileCondition({ field: 'ip', op: 'cidr', value: '2001:db8::/32' })({ ip: '198.51.100.23' })).toBe(false);
    expect(compileCondition({ field: 'ip', op: 'cidr', value: '203.0.113.0/24' })({ ip: '::ffff:203.0.113.9' })).toBe(true);
    expect(compileCondition({ field: 'ip', op: 'cidr', value: '203.0.113.0/24' })({ ip: 'not-an-ip' })).toBe(false);
    expect(() => compileCondition({ field: 'ip', op: 'cidr', value: ['10.0.0.0/8', '10.0.0.0/33'] })).toThrow('not a CIDR range: "10.0.0.0/33"');
  });
  test('exists (null counts as absent)', () => {
    expect(t({ field: 'source.port', op: 'exists' })).toBe(true);
    expect(t({ field: 'nothing', op: 'exists' })).toBe(false);
    expect(t({ field: 'errorCode', op: 'exists', value: false })).toBe(true);
  });
  test('numeric comparisons accept numeric strings and ignore non-numbers', () => {
    expect(t({ field: 'count', op: 'gt', value: 10 })).toBe(true);
    expect(t({ field: 'count', op: 'lte', value: 11 })).toBe(false);
    expect(t({ field: 'source.port', op: 'gte', value: 4100 })).toBe(true);
    expect(t({ field: 'eventName', op: 'lt', value: 100 })).toBe(false);
  });
  test('rangeCovers reads Alibaba Cloud port ranges', () => {
    expect(t({ field: 'requestParameters.PortRange', op: 'rangeCovers', value: 22 })).toBe(true);
    expect(t({ field: 'requestParameters.PortRange', op: 'rangeCovers', value: [80, 443] })).toBe(false);
    expect(t({ field: 'requestParameters.Permissions.PortRange', op: 'rangeCovers', value: 22 })).toBe(true);
    expect(parsePortRange('-1/-1')).toEqual([0, 65535]);
    expect(parsePortRange('3389')).toEqual([3389, 3389]);
    expect(parsePortRange('22-25')).toEqual([22, 25]);
    expect(parsePortRange('abc')).toBeUndefined();
  });
  test('all / any / not compose', () => {
    expect(t({ all: [{ field: 'eventName', op: 'equals', value: 'AuthorizeSecurityGroup' }, { not: { field: 'userIdentity.type', op: 'equals', value: 'root-account' } }] })).toBe(true);
    expect(t({ any: [{ field: 'eventName', op: 'equals', value: 'x' }, { field: 'eventName', op: 'equals', value: 'y' }] })).toBe(false);
    expect(t({ not: { any: [{ field: 'eventName', op: 'equals', value: 'x' }] } })).toBe(true);
  });
});

describe('regex alternatives', () => {
  test('an any of regexes on one field matches exactly what the separate patterns match', () => {
    const alternatives = ['^rm\\s', '(?i)mkfs', 'dd\\s.*of=/dev/', 'x$'];
    const merged = compileCondition({ any: alternatives.map((value) => ({ field: 'c', op: 'regex' as const, value })) });
    const separate = alternatives.map((value) => compileCondition({ field: 'c', op: 'regex', value }));
    for (const c of ['rm -rf /', 'sudo rm x', 'MKFS.ext4 /dev/sda', 'dd if=a of=/dev/sda', 'ls', 'box', 'BOX', 'boxy', 'the rm ']) {
      expect([c, merged({ c })]).toEqual([c, separate.some((p) => p({ c }))]);
    }
  });

  test('patterns RE2 cannot join (a group name used twice) still work separately', () => {
    const p = compileCondition({ any: [{ field: 'c', op: 'regex', value: '(?P<n>a)b' }, { field: 'c', op: 'regex', value: '(?P<n>c)d' }] });
    expect([p({ c: 'ab' }), p({ c: 'cd' }), p({ c: 'ad' })]).toEqual([true, true, false]);
  });
});

describe('the some quantifier: one element satisfies the whole sub-condition', () => {
  const open = compileCondition({
    some: 'requestParameters.Permissions',
    where: { all: [{ field: 'SourceCidrIp', op: 'equals', value: '0.0.0.0/0' }, { field: 'PortRange', op: 'rangeCovers', value: 22 }] },
  } as never);
  test('one element holding both matches; the two facts in different elements do not', () => {
    expect(open({ requestParameters: { Permissions: [{ SourceCidrIp: '10.0.0.0/8', PortRange: '443/443' }, { SourceCidrIp: '0.0.0.0/0', PortRange: '22/22' }] } })).toBe(true);
    expect(open({ requestParameters: { Permissions: [{ SourceCidrIp: '0.0.0.0/0', PortRange: '443/443' }, { SourceCidrIp: '10.0.0.0/8', PortRange: '22/22' }] } })).toBe(false);
  });
  test('a single object counts as one element; scalars and a missing field match nothing', () => {
    expect(open({ requestParameters: { Permissions: { SourceCidrIp: '0.0.0.0/0', PortRange: '1/65535' } } })).toBe(true);
    expect(open({ requestParameters: { Permissions: ['0.0.0.0/0', '22/22'] } })).toBe(false);
    expect(open({ requestParameters: {} })).toBe(false);
  });
  test('quantifiers nest, and a bad path is reported at /some', () => {
    const nested = compileCondition({ some: 'groups', where: { some: 'members', where: { field: 'role', op: 'equals', value: 'admin' } } } as never);
    expect(nested({ groups: [{ members: [{ role: 'dev' }] }, { members: [{ role: 'dev' }, { role: 'admin' }] }] })).toBe(true);
    expect(nested({ groups: [{ members: [{ role: 'dev' }] }] })).toBe(false);
    expect(() => compileCondition({ some: 'a..b', where: { field: 'x', op: 'exists' } } as never)).toThrow(expect.objectContaining({ pointer: '/condition/some' }));
  });
});
