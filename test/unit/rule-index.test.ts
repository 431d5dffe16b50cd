import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import { SecEvent, Source } from '../../shared/events/event';
import { INDEX_FIELDS, RuleIndex } from '../../shared/engine/rule-index';
import { armRule } from '../../shared/engine/kinds';
import { readEvents } from '../../shared/local/input/read-events';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { loadRules } from '../../shared/rules/load';
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
