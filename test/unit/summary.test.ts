import { Alert } from '../../shared/alerts/alert';
import { Alerter } from '../../shared/alerts/alerter';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { Detector, ProcessOptions } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { compileRule } from '../../shared/rules/load';
import { MemoryStateStore } from '../../shared/state/memory';
import { StateStore } from '../../shared/state/store';
import { ruleDef, tempDir } from '../helpers';
import * as path from 'node:path';

/** Logins summarized per host and user, hourly, with their source addresses. */
const logins = () =>
  compileRule(
    ruleDef({
      id: 'audit.logins',
      tags: ['audit'],
      condition: { field: 'event.action', op: 'equals', value: 'login' },
      kind: 'summary',
      groupBy: ['host.hostname', 'user.name'],
      summary: { period: '1h', distinct: 'source.ip', maxValues: 2 },
      message: '{{count}} login(s) as {{user.name}} from {{values}}',
    } as never),
    'audit.logins.json',
  );

let n = 0;
const login = (iso: string, user = 'deploy', ip = '10.0.0.5', host = 'web-01'): SecEvent =>
  normalizeSyslogLine(`${iso} ${host} sshd[${++n}]: Accepted publickey for ${user} from ${ip} port ${40000 + n} ssh2: ED25519 SHA256:k`, { year: 2026 })[0];
/** Any host line: it moves the host stream's watermark. */
const cron = (iso: string): SecEvent => normalizeSyslogLine(`${iso} web-09 sshd[${++n}]: Received disconnect from 192.0.2.9 port 1:11: bye`, { year: 2026 })[0];

async function run(batches: SecEvent[][], opts: ProcessOptions = {}, store: StateStore = new MemoryStateStore()): Promise<Alert[]> {
  const alerter = new Alerter(new Detector([logins()], store));
  const out: Alert[] = [];
  for (const b of batches) out.push(...(await alerter.process(b, opts)));
  return out;
}
const brief = (a: Alert) => `${a.key} ${a.count} ${a.summary?.from}..${a.summary?.to} [${a.summary?.values.join(',')}${a.summary?.more ? ',…' : ''}] ${a.message}`;

describe('audit summaries', () => {
  test('a period is raised once its stream has passed its end by the allowance, with the count, the distinct values and the first and last events', async () => {
    const hour = [login('2026-11-20T09:10:00Z'), login('2026-11-20T09:20:00Z', 'deploy', '10.0.0.6'), login('2026-11-20T09:50:00Z'), login('2026-11-20T09:55:00Z', 'deploy', '10.0.0.7')];
    const store = new MemoryStateStore();
    const alerter = new Alerter(new Detector([logins()], store));
    expect(await alerter.process(hour)).toEqual([]);
    // 10:14: within the allowance (15 minutes) after the period's end: not yet.
    expect(await alerter.process([cron('2026-11-20T10:14:00Z')])).toEqual([]);
    const [a] = await alerter.process([cron('2026-11-20T10:15:00Z')]);
    expect(brief(a)).toBe('web-01|deploy 4 2026-11-20T09:00:00.000Z..2026-11-20T10:00:00.000Z [10.0.0.5,10.0.0.6,…] 4 login(s) as deploy from 10.0.0.5, 10.0.0.6, …');
    expect(a.evidence.map((e) => e.time)).toEqual(['2026-11-20T09:10:00.000Z', '2026-11-20T09:55:00.000Z']);
    expect(a.time).toBe('2026-11-20T09:55:00.000Z');
    // Raised once.
    expect(await alerter.process([cron('2026-11-20T11:30:00Z')])).toEqual([]);
  });

  test('the same records at any batching; an event that arrives after its period was due counts nowhere', async () => {
    const arrival = [
      login('2026-11-20T09:10:00Z'),
      login('2026-11-20T09:40:00Z', 'ops', '10.0.0.9'),
      login('2026-11-20T10:05:00Z'),
      // 09:50 arrives after 10:05: within the allowance, it still counts for 09:00.
      login('2026-11-20T09:50:00Z'),
      cron('2026-11-20T10:20:00Z'),
      // 09:58 arrives after the stream passed 10:15: the 09:00 period was due, it is late.
      login('2026-11-20T09:58:00Z', 'ops', '10.0.0.9'),
      login('2026-11-20T10:30:00Z', 'ops', '10.0.0.9'),
      cron('2026-11-20T11:40:00Z'),
    ];
    const reference = (await run([arrival])).map(brief).sort();
    expect(reference).toEqual([
      'web-01|deploy 1 2026-11-20T10:00:00.000Z..2026-11-20T11:00:00.000Z [10.0.0.5] 1 login(s) as deploy from 10.0.0.5',
      'web-01|deploy 2 2026-11-20T09:00:00.000Z..2026-11-20T10:00:00.000Z [10.0.0.5] 2 login(s) as deploy from 10.0.0.5',
      'web-01|ops 1 2026-11-20T09:00:00.000Z..2026-11-20T10:00:00.000Z [10.0.0.9] 1 login(s) as ops from 10.0.0.9',
      'web-01|ops 1 2026-11-20T10:00:00.000Z..2026-11-20T11:00:00.000Z [10.0.0.9] 1 login(s) as ops from 10.0.0.9',
    ]);
    for (let size = 1; size <= arrival.length; size++) {
      const batches = Array.from({ length: Math.ceil(arrival.length / size) }, (_, i) => arrival.slice(i * size, (i + 1) * size));
      expect({ size, alerts: (await run(batches)).map(brief).sort() }).toEqual({ size, alerts: reference });
    }
  });

  test('a replay on the memory store raises every period at the end of its input, whatever the order of its files', async () => {
    const yesterday = [login('2026-11-19T22:10:00Z'), login('2026-11-19T22:20:00Z')];
    const today = [login('2026-11-20T09:10:00Z'), cron('2026-11-20T12:00:00Z')];
    // The newer file first: on the watermark, yesterday's logins would all be late.
    expect((await run([today, yesterday])).map(brief)).toEqual(['web-01|deploy 1 2026-11-20T09:00:00.000Z..2026-11-20T10:00:00.000Z [10.0.0.5] 1 login(s) as deploy from 10.0.0.5']);
    const alerter = new Alerter(new Detector([logins()], new MemoryStateStore()));
    const raised: Alert[] = [];
    for (const b of [today, yesterday]) raised.push(...(await alerter.process(b, { timed: 'defer' })));
    expect(raised).toEqual([]);
    raised.push(...(await alerter.begin().finish({ timed: 'end' })));
    expect(raised.map(brief).sort()).toEqual([
      'web-01|deploy 1 2026-11-20T09:00:00.000Z..2026-11-20T10:00:00.000Z [10.0.0.5] 1 login(s) as deploy from 10.0.0.5',
      'web-01|deploy 2 2026-11-19T22:00:00.000Z..2026-11-19T23:00:00.000Z [10.0.0.5] 2 login(s) as deploy from 10.0.0.5',
    ]);
  });

  test('an audit record reaches no channel unless a route asks for it by rule or by the tag audit', async () => {
    const [a] = await run([[login('2026-11-20T09:10:00Z'), cron('2026-11-20T11:00:00Z')]]);
    const dir = tempDir();
    const config = (routes: unknown[]) => buildDispatchConfig({ channels: { f: { type: 'file', path: path.join(dir, 'f.jsonl') } }, routes, deadLetter: path.join(dir, 'dead.jsonl') }, 'd.json', {});
    const routes = (r: unknown[]) => new AlertDelivery(config(r), new MemoryStateStore()).routesFor(a).length;
    expect(routes([{ channels: ['f'] }, { severities: ['low'], channels: ['f'] }, { rules: ['*'], channels: ['f'] }])).toBe(0);
    expect(routes([{ rules: ['audit.*'], channels: ['f'] }])).toBe(1);
    expect(routes([{ tags: ['audit'], channels: ['f'] }])).toBe(1);
  });
});
