import * as path from 'node:path';
import { Alert } from '../../shared/alerts/alert';
import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { FileIncidentBook, IncidentFile, StoreIncidentBook } from '../../shared/delivery/incident-books';
import { applyAlert } from '../../shared/alerts/incident';
import { MemoryStateStore } from '../../shared/state/memory';
import { tempDir } from '../helpers';
import { LocalWebhook } from '../servers/webhook-receiver';

let n = 0;
function alert(o: Partial<Alert> = {}): Alert {
  n++;
  return { id: `a-${n}`, rule: 'sshd.brute-force-then-success', title: 'SSH brute force followed by a successful login', severity: 'high', time: `2026-11-23T14:0${n % 10}:00.000Z`, key: '192.0.2.200', group: {}, count: 6, suppressed: 0, message: 'm', tags: [], references: [], evidence: [], ...o };
}

describe('incidents', () => {
  test('an alert opens an incident; later alerts of the same rule and key attach while it is not resolved', () => {
    const first = applyAlert(undefined, alert(), 't0');
    expect(first).toMatchObject({ opened: true, incident: { status: 'open', alertCount: 1 } });
    const second = applyAlert(first.incident, alert({ severity: 'critical' }), 't1');
    expect(second).toMatchObject({ opened: false, incident: { id: first.incident.id, alertCount: 2, severity: 'critical' } });
    const afterResolve = applyAlert({ ...second.incident, status: 'resolved' }, alert(), 't2');
    expect(afterResolve.opened).toBe(true);
    expect(afterResolve.incident.id).not.toBe(first.incident.id);
  });

  test('the same alert delivered twice is attached once', () => {
    const a = alert();
    const first = applyAlert(undefined, a, 't0');
    expect(applyAlert(first.incident, a, 't1').incident.alertCount).toBe(1);
  });

  test('in the StateStore, concurrent dispatchers attach to one incident', async () => {
    const book = new StoreIncidentBook(new MemoryStateStore());
    const results = await Promise.all([book.record(alert()), book.record(alert()), book.record(alert())]);
    expect(results.filter((r) => r.opened)).toHaveLength(1);
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
  });

  test('the file book: open, attach, acknowledge, resolve, then a new incident', async () => {
    const file = new IncidentFile(path.join(tempDir(), 'incidents.jsonl'));
    const book = new FileIncidentBook(file);
    const opened = await book.record(alert());
    await book.record(alert());
    await book.setStatus(opened.incident.id, 'acknowledged', 'tester');
    expect((await book.record(alert())).incident).toMatchObject({ id: opened.incident.id, status: 'acknowledged', alertCount: 3 });
    await book.setStatus(opened.incident.id, 'resolved', 'tester');
    const next = await book.record(alert());
    expect(next.opened).toBe(true);
    const all = await file.all();
    expect([...all.values()].map((i) => i.status).sort()).toEqual(['open', 'resolved']);
  });
});

describe('routes that open incidents', () => {
  const hook = new LocalWebhook('secret');
  beforeAll(() => hook.start());
  afterAll(() => hook.stop());

  test('the ticket webhook is told once when an incident opens; attached alerts update the file', async () => {
    const dir = tempDir();
    const config = buildDispatchConfig(
      {
        channels: { tickets: { type: 'webhook', url: hook.url('/jira'), secret: { env: 'S' } }, inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') } },
        routes: [{ severities: ['high', 'critical'], channels: ['inbox'], incident: true }],
        incidents: { file: path.join(dir, 'incidents.jsonl'), channels: ['tickets'] },
        deadLetter: path.join(dir, 'dead.jsonl'),
      },
      'd.json',
      { S: 'secret' },
    );
    const file = new IncidentFile(config.incidents.file);
    const d = new AlertDelivery(config, new MemoryStateStore(), Date.now, async () => undefined, 'file', new FileIncidentBook(file));
    const report = await d.deliver([alert(), alert(), alert({ key: '192.0.2.201' })]);
    expect(report).toMatchObject({ incidentsOpened: 2, incidentsUpdated: 1, sent: 3 });
    expect(hook.received.filter((d) => d.doc.type === 'incident' && d.path === '/jira')).toHaveLength(2);
    expect([...(await file.all()).values()].map((i) => [i.key, i.alertCount]).sort()).toEqual([['192.0.2.200', 2], ['192.0.2.201', 1]]);
  });
});
