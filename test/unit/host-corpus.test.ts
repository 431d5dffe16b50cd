import { Alert } from '../../shared/alerts/alert';
import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { loadRules } from '../../shared/rules/load';
import { CompiledRule } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';
import { DISTRIBUTIONS, Distribution, keyOnlyScan, multiKeyClient } from '../corpus/hosts';

/**
 * Each distribution's lines (test/corpus/hosts.ts, written from the messages in
 * OpenSSH's, sudo's and su's source for the versions they ship) read as what they say,
 * and a bot against a key-only server, as each of them logs it, raises alerts.
 */
let rules: CompiledRule[];
beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  expect(loaded.problems).toEqual([]);
  rules = loaded.rules;
});

async function alertsOf(lines: string[]): Promise<Alert[]> {
  const events = lines.flatMap((l) => normalizeSyslogLine(l, { year: 2026 }));
  const batch = new Alerter(new Detector(rules, new MemoryStateStore())).begin();
  for (const e of events) batch.add(e);
  // The lines are the whole input: audit summaries complete at their end.
  return batch.finish({ timed: 'end' });
}
const rulesOf = (alerts: Alert[]) => [...new Set(alerts.map((a) => `${a.rule} ${a.key}`))].sort();

describe.each(DISTRIBUTIONS.map((d) => [`${d.name} (OpenSSH ${d.openssh})`, d] as [string, Distribution]))('%s', (_, d) => {
  test.each(d.lines.map(([program, message, expect], i) => [i, program, message, expect] as const))('line %i: %s %s', (i, program, message, want) => {
    const line = `${d.header(i, program === 'sshd' ? d.sessionProgram : program, 1000 + i)} ${message}`;
    const [e] = normalizeSyslogLine(line, { year: 2026 });
    const f = e.fields as any;
    expect(e.time).toBe(Date.UTC(2026, 10, 20, 10, 0, i) + (line.startsWith('2026-11-20T') && line[19] === '.' ? Number(line.slice(20, 23)) : 0));
    const got: Record<string, unknown> = { action: f.event.action };
    if (want.user !== undefined) got.user = f.user?.name;
    if (want.ip !== undefined) got.ip = f.source?.ip;
    if (want.attempt !== undefined) got.attempt = f.sshd?.attempt === true;
    expect(got).toEqual(want);
  });

  test('a bot trying root on a key-only server alerts', async () => {
    const alerts = await alertsOf(keyOnlyScan(d, '198.51.100.70', Array(12).fill('root')));
    expect(rulesOf(alerts)).toEqual([d.namesUserOnClose ? 'sshd.failed-auth-burst 198.51.100.70' : 'sshd.preauth-disconnect-burst 198.51.100.70']);
  });

  test('a bot trying many names on a key-only server alerts', async () => {
    const alerts = await alertsOf(keyOnlyScan(d, '198.51.100.71', ['admin', 'oracle', 'test', 'ubuntu', 'git', 'pi']));
    const expected = ['sshd.invalid-user-burst 198.51.100.71', 'sshd.password-spraying 198.51.100.71'];
    if (d.namesUserOnClose) expected.unshift('sshd.failed-auth-burst 198.51.100.71');
    expect(rulesOf(alerts)).toEqual(expected);
  });

  test('a bot trying one invalid name on a key-only server alerts', async () => {
    const alerts = await alertsOf(keyOnlyScan(d, '198.51.100.72', Array(10).fill('admin')));
    expect(rulesOf(alerts)).toEqual(d.namesUserOnClose ? ['sshd.failed-auth-burst 198.51.100.72', 'sshd.invalid-user-burst 198.51.100.72'] : ['sshd.invalid-user-burst 198.51.100.72', 'sshd.preauth-disconnect-burst 198.51.100.72']);
  });

  test('a CI runner offering several keys before the right one raises only its logins', async () => {
    const alerts = await alertsOf(multiKeyClient(d, '10.0.8.30', 6));
    expect(new Set(alerts.map((a) => a.rule))).toEqual(new Set(['sshd.successful-login']));
  });

  test('no alert of the whole corpus is keyed on a missing value', async () => {
    const lines = d.lines.map(([program, message], i) => `${d.header(i, program === 'sshd' ? d.sessionProgram : program, 1000 + i)} ${message}`);
    const all = await alertsOf([...lines, ...keyOnlyScan(d, '198.51.100.73', ['a', 'b', 'c', 'd', 'e', 'f'], 900)]);
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) expect(a.key.split('|')).not.toContain('-');
  });
});
