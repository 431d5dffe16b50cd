import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { MemoryStateStore } from '../../shared/state/memory';
import { Alert } from '../../shared/alerts/alert';
import { LocalSmtp } from '../servers/smtp';
import { tempDir } from '../helpers';
import { StoreIncidentBook } from '../../shared/delivery/incident-books';
import { alertsOf } from '../pipeline';
import * as path from 'node:path';

let smtp: LocalSmtp;
beforeAll(async () => {
  smtp = new LocalSmtp('alerts@example.com', 'smtp-pass-do-not-log');
  await smtp.start();
});
afterAll(() => smtp.stop());

const clock = { t: Date.parse('2026-11-23T14:03:05Z') };
function dispatcher(perMinute?: number, more: { channel?: Record<string, unknown>; incident?: boolean } = {}) {
  const doc = {
    channels: { mail: { type: 'email', host: '127.0.0.1', port: smtp.port, secure: false, user: { env: 'SMTP_USER' }, pass: { env: 'SMTP_PASS' }, from: 'secmon <alerts@example.com>', to: ['oncall@example.com'], ...(perMinute ? { perMinute } : {}), ...more.channel } },
    routes: [{ channels: ['mail'], incident: more.incident }],
    deadLetter: path.join(tempDir(), 'dead.jsonl'),
    retry: { attempts: 3, baseDelayMs: 1 },
  };
  const config = buildDispatchConfig(doc, 'd.json', { SMTP_USER: 'alerts@example.com', SMTP_PASS: 'smtp-pass-do-not-log' });
  const store = new MemoryStateStore();
  return new AlertDelivery(config, store, () => clock.t, async () => undefined, 'file', new StoreIncidentBook(store, () => clock.t));
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
  expect(m.subject).not.toMatch(/[\r\n]/);
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

test('critical and high alerts are marked urgent (X-Priority, Importance); others are not', async () => {
  smtp.messages.length = 0;
  await dispatcher().deliver([alert(7), { ...alert(8), severity: 'medium' }]);
  const [high, medium] = smtp.messages;
  // The header lines as they came over SMTP.
  const header = (m: (typeof smtp.messages)[number], name: string) => m.headerLines.find((h) => h.key === name)?.line;
  expect(header(high, 'x-priority')).toMatch(/^X-Priority: 1/i);
  expect(header(high, 'importance')).toMatch(/^Importance: High/i);
  expect(header(medium, 'x-priority')).toBeUndefined();
  expect(header(medium, 'importance')).toBeUndefined();
});

test("an incident's alerts are threaded: each later one answers the first (In-Reply-To, References) under the same subject", async () => {
  smtp.messages.length = 0;
  const d = dispatcher(undefined, { incident: true });
  const first = { ...alert(9), key: 'bastion-02|eve' };
  const second = { ...alert(10), key: 'bastion-02|eve' };
  await d.deliver([first]);
  await d.deliver([second]);
  const [a, b] = smtp.messages;
  expect(a.messageId).toBe(`<${first.id}@secmon>`);
  expect(a.inReplyTo).toBeUndefined();
  expect(b.messageId).toBe(`<${second.id}@secmon>`);
  expect(b.inReplyTo).toBe(a.messageId);
  expect([b.references].flat()).toEqual([a.messageId]);
  expect(b.subject).toBe(a.subject);
});

test('a real alert reads as a phone mail: banner, key facts, the decisive log line, links; attacker URLs defanged, bidi made visible', async () => {
  smtp.messages.length = 0;
  const alerts = await alertsOf([path.join(__dirname, '..', '..', 'samples', 'hosts', 'bastion-compromise.log')], { site: 'aliyun.com', hostLogstore: { project: 'audit-prod', logstore: 'host-auth' } });
  const dangerous = alerts.find((a) => a.rule === 'sudo.dangerous-command')!;
  // A user name with a right-to-left override, as an attacker could choose it.
  const hostile = { ...dangerous, id: 'bidi-1', message: `${dangerous.message} by ev\u202Eil` };
  await dispatcher(undefined, { channel: { timezone: 'Asia/Shanghai' } }).deliver([hostile]);
  const [m] = smtp.messages;
  expect(m.html).toContain('max-width:640px');
  // The decisive event as its fields, the command with its URL defanged (never a link), in HTML and text.
  for (const body of [m.html as string, m.text!]) {
    expect(body).toContain('hxxp://192[.]0[.]2[.]200/kinsing.sh');
    expect(body).not.toContain('http://192.0.2.200');
    expect(body).toContain('‹U+202E›');
    expect(body).not.toContain('\u202E');
    // Local time with the UTC instant beside it.
    expect(body).toContain('2026-11-23 22:03:05 UTC+08:00 · 2026-11-23T14:03:05Z');
  }
  const hrefs = [...(m.html as string).matchAll(/href="([^"]+)"/g)].map((x) => x[1].replace(/&amp;/g, '&'));
  expect(hrefs.every((h) => h.startsWith('https://sls.console.aliyun.com/') || h.startsWith('https://attack.mitre.org/'))).toBe(true);
  expect(hrefs.some((h) => h.startsWith('https://sls.console.aliyun.com/lognext/project/audit-prod/logsearch/host-auth?'))).toBe(true);
});

test('a zh-CN channel writes the rule title and message in Chinese, labels too', async () => {
  smtp.messages.length = 0;
  const alerts = await alertsOf([path.join(__dirname, '..', '..', 'samples', 'hosts', 'bastion-compromise.log')]);
  const burst = alerts.find((a) => a.rule === 'sshd.brute-force-then-success')!;
  expect(burst.translations?.['zh-CN']?.title).toBeDefined();
  await dispatcher(undefined, { channel: { locale: 'zh-CN', timezone: 'Asia/Shanghai' } }).deliver([burst]);
  const [m] = smtp.messages;
  expect(m.subject).toMatch(/^\[secmon\] 严重 sshd\.brute-force-then-success: 192\.0\.2\.200$/);
  expect(m.html).toContain(burst.translations!['zh-CN'].title);
  expect(m.html).toContain(burst.translations!['zh-CN'].message);
  expect(m.text).toContain('决定性事件');
  expect(m.text).toContain('Accepted password for root from 192.0.2.200 port 52130 ssh2');
});

test('a zh-CN digest lists the held alerts by their Chinese titles, on the channel clock', async () => {
  smtp.messages.length = 0;
  const d = dispatcher(1, { channel: { locale: 'zh-CN', timezone: 'Asia/Shanghai' } });
  const zh = (i: number): Alert => ({ ...alert(i), translations: { 'zh-CN': { title: '通过 sudo 执行了危险命令', message: '危险命令' } } });
  await d.deliver([zh(11), zh(12)]);
  clock.t += 61_000;
  await d.flush(false);
  const digest = smtp.messages[1];
  expect(digest.subject).toBe('[secmon] 汇总：1 条告警，最高 高危');
  expect(digest.text).toContain('2026-11-23 22:03:05 UTC+08:00 · 2026-11-23T14:03:05Z · 高危 · 通过 sudo 执行了危险命令 · sudo.dangerous-command');
});
