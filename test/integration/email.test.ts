import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { MemoryStateStore } from '../../shared/state/memory';
import { Alert } from '../../shared/alerts/alert';
import { LocalSmtp } from '../servers/smtp';
import { tempDir } from '../helpers';
import * as path from 'node:path';

let smtp: LocalSmtp;
beforeAll(async () => {
  smtp = new LocalSmtp('alerts@example.com', 'smtp-pass-do-not-log');
  await smtp.start();
});
afterAll(() => smtp.stop());

const clock = { t: Date.parse('2026-11-23T14:03:05Z') };
function dispatcher(perMinute?: number) {
  const doc = {
    channels: { mail: { type: 'email', host: '127.0.0.1', port: smtp.port, secure: false, user: { env: 'SMTP_USER' }, pass: { env: 'SMTP_PASS' }, from: 'secmon <alerts@example.com>', to: ['oncall@example.com'], ...(perMinute ? { perMinute } : {}) } },
    routes: [{ channels: ['mail'] }],
    deadLetter: path.join(tempDir(), 'dead.jsonl'),
    retry: { attempts: 3, baseDelayMs: 1 },
  };
  const config = buildDispatchConfig(doc, 'd.json', { SMTP_USER: 'alerts@example.com', SMTP_PASS: 'smtp-pass-do-not-log' });
  return new AlertDelivery(config, new MemoryStateStore(), () => clock.t, async () => undefined);
}

const hostile = 'eve<script>alert(1)</script>\r\nBcc: victim@example.com';
function alert(i: number): Alert {
  return {
    id: `mail-${i}-${Math.random()}`, rule: 'sudo.dangerous-command', title: 'Dangerous command run with sudo', severity: 'high', time: '2026-11-23T14:03:05.000Z',
    key: `bastion-02|${hostile}`, group: {}, count: 1, suppressed: 0, message: `${hostile} ran rm -rf /`, tags: [], references: [], runbook: 'Isolate the host.', evidence: [],
  };
}

test('an alert arrives as one message with HTML and text parts; hostile values cannot add headers or markup', async () => {
  smtp.messages.length = 0;
  const report = await dispatcher().deliver([alert(1)]);
  expect(report.sent).toBe(1);
  const [m] = smtp.messages;
  expect(m.subject).toMatch(/^\[secmon\] HIGH sudo\.dangerous-command: bastion-02\|eve<script>/);
  expect(m.headers.get('bcc')).toBeUndefined();
  expect(m.text).toContain('Isolate the host.');
  expect(m.html).toContain('eve&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(m.html).not.toContain('<script>');
});

test('a temporary SMTP refusal is retried and the alert delivered once', async () => {
  smtp.messages.length = 0;
  smtp.failNext = 1;
  const report = await dispatcher().deliver([alert(2)]);
  expect(report).toMatchObject({ sent: 1, deadLettered: 0 });
  expect(smtp.messages).toHaveLength(1);
});

test('past the per-minute budget, alerts are mailed as a digest', async () => {
  smtp.messages.length = 0;
  const d = dispatcher(2);
  const report = await d.deliver([alert(3), alert(4), alert(5), alert(6)]);
  expect(report.sent).toBe(2);
  expect(report.held).toBe(2);
  expect(smtp.messages.map((m) => m.subject)).toEqual([expect.stringMatching(/^\[secmon\] HIGH/), expect.stringMatching(/^\[secmon\] HIGH/)]);
  clock.t += 61_000;
  const later = await d.flush(false);
  expect(later).toMatchObject({ digests: 1, digested: 2 });
  expect(smtp.messages[2].subject).toBe('[secmon] digest: 2 alert(s), most severe high');
  expect(smtp.messages[2].text).toContain('sudo.dangerous-command');
});
