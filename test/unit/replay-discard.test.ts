import * as path from 'node:path';
import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { normalizeSyslogLineInto } from '../../shared/events/syslog';
import { compileRule } from '../../shared/rules/load';
import { MemoryStateStore } from '../../shared/state/memory';
import { replayFiles } from '../../shared/local/replay';
import { ruleDef, tempDir } from '../helpers';

const lines = [
  '2026-11-20T10:00:00.000Z web-01 CRON[100]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
  '2026-11-20T10:00:01.000Z web-01 sshd[200]: Failed password for root from 198.51.100.7 port 40000 ssh2',
  '2026-11-20T10:00:02.000Z web-01 systemd[1]: message repeated 3 times: [ Started Session 7 of user deploy. ]',
  'Feb 30 10:11:12 web-01 CRON[101]: a date that does not exist',
  '2026-11-20T10:00:03.000Z web-01 sshd[201]: Failed password for root from 198.51.100.7 port 40001 ssh2',
];

async function replay(rules = [compileRule(ruleDef({ groupBy: ['source.ip'] }), 'rules/t.json')]) {
  const dir = tempDir({ 'auth.log': lines.join('\n') + '\n' });
  const errors: string[] = [];
  const alerts: string[] = [];
  const summary = await replayFiles([path.join(dir, 'auth.log')], new Alerter(new Detector(rules, new MemoryStateStore())), {
    format: 'auto',
    syslog: { year: 2026 },
    onAlert: (a) => void alerts.push(a.evidence[0].id),
    onSkipped: (e) => void errors.push(e.message),
  });
  return { summary, errors, alerts };
}

describe('events of sources no rule reads', () => {
  test('are counted but not built; malformed lines of those programs are still reported', async () => {
    const { summary, errors, alerts } = await replay();
    // A cron line, three repeated systemd ones and two sshd ones.
    expect([summary.records, summary.events, summary.skipped, summary.alerts]).toEqual([5, 6, 1, 2]);
    expect(errors).toEqual([expect.stringMatching(/auth\.log:4: syslog timestamp "Feb 30 10:11:12" is not a valid date/)]);
    expect(alerts).toHaveLength(2);
  });

  test('are built and evaluated as soon as a rule reads their source', async () => {
    const generic = compileRule(ruleDef({ id: 'syslog.all', source: 'syslog', condition: { field: 'process.name', op: 'exists' } }), 'rules/s.json');
    const { summary } = await replay([generic]);
    expect([summary.events, summary.alerts]).toEqual([6, 4]);
    const detector = new Detector([generic], new MemoryStateStore());
    expect([detector.evaluates('syslog'), detector.evaluates('sshd')]).toEqual([true, false]);
  });

  test('the syslog normalizer asks its sink before building, with the count of a repeated line', () => {
    const pushed: SecEvent[] = [];
    const asked: Array<[string, number]> = [];
    const sink = { push: (e: SecEvent) => pushed.push(e), discard: (source: string, n: number) => (asked.push([source, n]), source !== 'sshd') };
    for (const line of [lines[0], lines[1], lines[2]]) normalizeSyslogLineInto(line, { year: 2026 }, sink);
    expect(asked).toEqual([['syslog', 1], ['sshd', 1], ['syslog', 3]]);
    expect(pushed.map((e) => e.source)).toEqual(['sshd']);
    expect(() => normalizeSyslogLineInto(lines[3], { year: 2026 }, sink)).toThrow(/not a valid date/);
  });
});
