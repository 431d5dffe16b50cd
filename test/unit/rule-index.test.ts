import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import { SecEvent, Source } from '../../shared/events/event';
import { INDEX_FIELDS, RuleIndex } from '../../shared/engine/rule-index';
import { armRule } from '../../shared/engine/kinds';
import { readEvents } from '../../shared/local/input/read-events';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { compileRule, loadRules } from '../../shared/rules/load';
import { Condition } from '../../shared/rules/condition';
import { ruleDef } from '../helpers';
import { CompiledRule } from '../../shared/rules/rule';
import { DISTRIBUTIONS } from '../corpus/hosts';

/**
 * The index only saves work: every rule an event matches is among its candidates, and
 * a candidate it marks as proven (no check) does match. Checked for every bundled rule
 * against every sample event and every line of the host corpus, and on the cases the
 * index decides from the values it looks up.
 */
let rules: CompiledRule[];
let events: SecEvent[];
beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  expect(loaded.problems).toEqual([]);
  rules = loaded.rules.filter((r) => r.enabled);
  events = [];
  const root = path.join(__dirname, '..', '..', 'samples');
  for (const dir of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, dir))) {
      for await (const chunk of readEvents(path.join(root, dir, file), { format: 'auto', syslog: { year: 2026 } })) events.push(...chunk.events);
    }
  }
  for (const d of DISTRIBUTIONS) {
    d.lines.forEach(([program, message], i) => events.push(...normalizeSyslogLine(`${d.header(i, program === 'sshd' ? d.sessionProgram : program, 1000 + i)} ${message}`, { year: 2026 })));
  }
});

function indexOf(source: Source): RuleIndex {
  const index = new RuleIndex(INDEX_FIELDS[source]);
  for (const rule of rules) if (rule.sources.includes(source)) index.add(armRule(rule));
  return index;
}

const candidateIds = (index: RuleIndex, fields: Record<string, unknown>) => {
  const { rules: found, check } = index.candidates(fields);
  return found.map((r, i) => `${r.rule.id}${check[i] ? '?' : ''}`);
};

test('every rule an event matches is a candidate, and every candidate it does not check matches', () => {
  const indexes = new Map<Source, RuleIndex>();
  let skipped = 0;
  expect(events.length).toBeGreaterThan(300);
  for (const e of events) {
    let index = indexes.get(e.source);
    if (index === undefined) indexes.set(e.source, (index = indexOf(e.source)));
    const { rules: found, check } = index.candidates(e.fields);
    for (const rule of rules) {
      if (!rule.sources.includes(e.source)) continue;
      const at = found.findIndex((a) => a.rule === rule);
      if (rule.matches(e.fields)) expect([e.id, rule.id, at >= 0]).toEqual([e.id, rule.id, true]);
      if (at >= 0 && !check[at]) expect([e.id, rule.id, rule.matches(e.fields)]).toEqual([e.id, rule.id, true]);
      if (at < 0) skipped++;
    }
  }
  // The index does leave rules out.
  expect(skipped).toBeGreaterThan(events.length);
});

test('sshd: the brute-force rules are candidates for attempts and logins only, proven by the lookup', () => {
  const index = indexOf('sshd');
  const line = (message: string) => normalizeSyslogLine(`Nov 20 10:00:00 web-01 sshd[1]: ${message}`, { year: 2026 })[0].fields;
  const bruteForce = ['sshd.brute-force-then-success', 'sshd.failed-auth-burst', 'sshd.password-spraying'];
  const failed = candidateIds(index, line('Failed password for root from 198.51.100.7 port 4711 ssh2'));
  expect(bruteForce.filter((id) => failed.includes(id))).toEqual(bruteForce);
  const login = candidateIds(index, line('Accepted publickey for deploy from 10.0.0.5 port 4711 ssh2: ED25519 SHA256:abc'));
  expect(login).toContain('sshd.brute-force-then-success');
  expect(login).not.toContain('sshd.failed-auth-burst');
  // A session opened or a disconnect is no attempt: none of them is tested.
  for (const other of [line('pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)'), line('Received disconnect from 10.0.0.5 port 4711:11: disconnected by user')]) {
    expect(candidateIds(index, other).filter((id) => bruteForce.includes(id.replace('?', '')))).toEqual([]);
  }
  // A record carrying the field as a literal dotted key (as SLS flattens names) is still tested.
  const flattened = { event: { action: 'other' }, 'sshd.attempt': true, source: { ip: '198.51.100.7' } };
  expect(candidateIds(index, flattened)).toEqual(expect.arrayContaining(['sshd.failed-auth-burst?']));
});

describe('conditions of any shape, on events of any shape', () => {
  // Random conditions over two index fields (`event.action`, `sshd.attempt`) and one
  // other, nested in all, any and not, against events where each field is a value,
  // another value, an array of values, missing, or a literal dotted key.
  let seed = 20261205;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const VALUES = ['login', 'auth-failed', 'other'];
  const leaf = (): Condition => {
    const field = ['event.action', 'sshd.attempt', 'user.name'][rand(3)];
    const values = field === 'sshd.attempt' ? [true, 'true', false] : VALUES;
    switch (rand(5)) {
      case 0:
        return { field, op: 'in', value: [values[rand(3)], values[rand(3)]] };
      case 1:
        return { field, op: 'exists', value: true };
      case 2:
        return { field, op: 'equals', value: String(values[rand(3)]).toUpperCase(), caseInsensitive: true };
      default:
        return { field, op: 'equals', value: values[rand(3)] };
    }
  };
  const condition = (depth: number): Condition => {
    if (depth === 0 || rand(3) === 0) return leaf();
    const kids = () => Array.from({ length: 1 + rand(3) }, () => condition(depth - 1));
    switch (rand(4)) {
      case 0:
        return { any: kids() };
      case 1:
        return { not: condition(depth - 1) };
      default:
        return { all: kids() };
    }
  };
  const value = (of: unknown[]): unknown => {
    switch (rand(5)) {
      case 0:
        return undefined;
      case 1:
        return [of[rand(of.length)], of[rand(of.length)]];
      default:
        return of[rand(of.length)];
    }
  };
  const event = (): Record<string, unknown> => {
    const fields: Record<string, unknown> = { event: { action: value(VALUES) }, user: { name: value(VALUES) } };
    const attempt = value([true, false, 'true']);
    if (rand(4) === 0) fields['sshd.attempt'] = attempt;
    else if (attempt !== undefined) fields.sshd = { attempt };
    if (rand(6) === 0) fields.event = undefined;
    return fields;
  };

  test('each match is a candidate and each unchecked candidate matches, for 400 rules on 300 events', () => {
    const compiled = Array.from({ length: 400 }, (_, i) => {
      const exceptions = rand(8) === 0 ? [{ name: 'x', fields: ['event.action'], values: [VALUES[rand(3)]] }] : undefined;
      return compileRule(ruleDef({ id: `r.${i}`, condition: condition(3), exceptions } as never), `r${i}.json`);
    });
    const index = new RuleIndex(INDEX_FIELDS.sshd);
    for (const rule of compiled) index.add(armRule(rule));
    const events = Array.from({ length: 300 }, event);
    let candidates = 0;
    let unchecked = 0;
    for (const fields of events) {
      const { rules: found, check } = index.candidates(fields);
      candidates += found.length;
      for (const rule of compiled) {
        const at = found.findIndex((a) => a.rule === rule);
        if (rule.matches(fields)) expect([JSON.stringify(rule.definition.condition), JSON.stringify(fields), at >= 0]).toEqual([JSON.stringify(rule.definition.condition), JSON.stringify(fields), true]);
        if (at >= 0 && !check[at]) {
          unchecked++;
          expect([JSON.stringify(rule.definition.condition), JSON.stringify(fields), rule.matches(fields)]).toEqual([JSON.stringify(rule.definition.condition), JSON.stringify(fields), true]);
        }
      }
    }
    // The index both leaves rules out and proves some.
    expect(candidates).toBeLessThan(0.8 * 400 * 300);
    expect(unchecked).toBeGreaterThan(1000);
  });
});
