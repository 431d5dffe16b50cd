import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Alert } from '../../shared/alerts/alert';
import { buildDispatchConfig, DispatchConfigError } from '../../shared/delivery/delivery-config';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { MemoryStateStore } from '../../shared/state/memory';
import { LocalDingTalk } from '../servers/dingtalk-server';
import { LocalWebhook } from '../servers/webhook-receiver';
import { tempDir } from '../helpers';
import { renderMarkdown } from '../markdown';

const clock = { t: Date.parse('2026-11-20T10:00:00Z') };
const now = () => clock.t;
const noSleep = async () => undefined;

let robot: LocalDingTalk;
const hook = new LocalWebhook('hook-secret', undefined, now);

beforeAll(async () => {
  robot = new LocalDingTalk('tok-123', 'SECsecret-robot', 'secmon', now);
  await robot.start();
  await hook.start();
});
afterAll(async () => {
  await robot.stop();
  await hook.stop();
});
beforeEach(() => {
  robot.messages.length = 0;
  robot.answers.length = 0;
  hook.received.length = 0;
});

const env = { DT_WEBHOOK: '', DT_SECRET: 'SECsecret-robot', HOOK_SECRET: 'hook-secret' };
function dispatcher(overrides: Record<string, unknown> = {}, envOverrides: Record<string, string> = {}) {
  const dir = tempDir();
  const doc = {
    channels: {
      ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon' },
      soar: { type: 'webhook', url: hook.url(), secret: { env: 'HOOK_SECRET' } },
    },
    routes: [
      { name: 'urgent', severities: ['high', 'critical'], channels: ['ops', 'soar'], mentions: ['13800000001'] },
      { name: 'ssh', rules: ['sshd.*'], channels: ['ops'] },
    ],
    deadLetter: path.join(dir, 'dead.jsonl'),
    retry: { attempts: 3, baseDelayMs: 1 },
    ...overrides,
  };
  const config = buildDispatchConfig(doc, 'dispatch.json', { ...env, DT_WEBHOOK: robot.webhook, ...envOverrides }, now);
  return { d: new AlertDelivery(config, new MemoryStateStore(), now, noSleep), deadLetter: doc.deadLetter as string };
}

let n = 0;
function alert(o: Partial<Alert> = {}): Alert {
  n++;
  return {
    id: `alert-${n}`,
    rule: 'sshd.failed-auth-burst',
    title: 'SSH brute force',
    severity: 'high',
    time: new Date(clock.t).toISOString(),
    key: '198.51.100.23',
    group: { 'source.ip': '198.51.100.23' },
    count: 5,
    suppressed: 0,
    message: '5 failed SSH logins from 198.51.100.23',
    tags: [],
    references: ['https://attack.mitre.org/techniques/T1110/001/'],
    runbook: 'Block the address.',
    evidence: [],
    ...o,
  };
}

describe('alert delivery', () => {
  test('routes: a high alert reaches DingTalk (signed, with mentions) and the webhook (HMAC signed)', async () => {
    const { d } = dispatcher();
    const report = await d.deliver([alert()]);
    expect(report).toMatchObject({ sent: 2, deadLettered: 0 });
    expect(robot.messages).toHaveLength(1);
    expect(robot.messages[0].atMobiles).toEqual(['13800000001']);
    expect(robot.messages[0].text).toContain('@13800000001');
    expect(robot.messages[0].msgUuid).toBe(`alert-${n}`);
    // The receiver accepted it: the signature verified.
    expect(hook.refused).toEqual([]);
    expect(hook.received.map((d) => d.doc.alert?.id)).toEqual([`alert-${n}`]);
  });

  test('a webhook whose secret does not match the receiver is refused (401): dead-lettered at once, not retried', async () => {
    const { d, deadLetter } = dispatcher({ routes: [{ channels: ['soar'] }] }, { HOOK_SECRET: 'not-the-receivers-secret' });
    expect(await d.deliver([alert()])).toMatchObject({ sent: 0, deadLettered: 1 });
    expect(hook.refused).toHaveLength(1);
    const text = readFileSync(deadLetter, 'utf8');
    expect(text).toContain('HTTP 401');
    expect(text).not.toContain('not-the-receivers-secret');
    hook.refused.length = 0;
  });

  test('an info alert of another rule matches no route', async () => {
    const { d } = dispatcher();
    expect((await d.deliver([alert({ severity: 'info', rule: 'sudo.command' })])).unrouted).toBe(1);
    expect(robot.messages).toHaveLength(0);
  });

  test('hostile field values cannot add links, images, mentions or markup to the DingTalk message', async () => {
    const { d } = dispatcher();
    const evil = '[click me](http://evil.example/x) ![img](http://evil.example/i.png) @13999999999 <a href="x">**bold**</a> `code` _em_ ~~gone~~ &#64; # head\n- list';
    await d.deliver([alert({ severity: 'medium', message: `login by ${evil}`, key: evil, title: evil })]);
    const html = renderMarkdown(robot.messages[0].text);
    // Rendered by a CommonMark renderer that passes HTML and links bare URLs: no link but
    // secmon's own reference, no image, no HTML element, no emphasis or code of the attacker's.
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(['https://attack.mitre.org/techniques/T1110/001/']);
    expect(html).not.toMatch(/<img|<code|<em>|<s>|<del>|<h[1-6]>[^<]*head/);
    // Bold are the message line and the alert's heading only, never the attacker's **bold**.
    expect([...html.matchAll(/<strong>(.*?)<\/strong>/g)].map((m) => m[1].startsWith('login by ') || m[1] === 'Alert')).toEqual([true, true]);
    expect(robot.messages[0].text).not.toContain('@13999999999');
    // What a reader sees is the attacker's text itself, every character of it shown.
    const text = html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(text).toContain('[click me](hxxp://evil[.]example/x) ![img](hxxp://evil[.]example/i.png) ＠13999999999 <a href="x">**bold**</a> `code` _em_ ~~gone~~ &#64; # head - list');
  });

  test('DingTalk: an actionCard with buttons to the console and the evidence, unless the route mentions someone (markdown, links inline)', async () => {
    const links: Alert['links'] = [
      { kind: 'console', type: 'ACS::ECS::SecurityGroup', id: 'sg-1', url: 'https://ecs.console.aliyun.com/securityGroupDetail/region/cn-hangzhou/groupId/sg-1/detail/intranetIngress' },
      { kind: 'evidence', type: 'sls-query', id: 'EV-1', url: 'https://sls.console.aliyun.com/lognext/project/audit/logsearch/trail?encode=base64&queryString=ZXZlbnQ%3D' },
    ];
    const { d } = dispatcher();
    // medium: the ssh route, no mentions.
    await d.deliver([alert({ severity: 'medium', links })]);
    expect(robot.messages[0]).toMatchObject({ msgtype: 'actionCard', buttons: [{ title: 'Open in console', url: links[0].url }, { title: 'Open the evidence', url: links[1].url }] });
    expect(robot.messages[0].text).not.toContain('](https://ecs.console');
    // high: the urgent route mentions the on-call, which only markdown carries.
    await d.deliver([alert({ links })]);
    expect(robot.messages[1]).toMatchObject({ msgtype: 'markdown', atMobiles: ['13800000001'], buttons: [] });
    expect(robot.messages[1].text).toContain(`[Security group sg-1](${links[0].url})`);
    // A channel may ask for markdown always.
    const { d: plain } = dispatcher({ channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', style: 'markdown' } }, routes: [{ channels: ['ops'] }] });
    await plain.deliver([alert({ severity: 'medium', links })]);
    expect(robot.messages[2].msgtype).toBe('markdown');
  });

  test('a channel that fails twice then recovers delivers once', async () => {
    const { d } = dispatcher({ routes: [{ channels: ['ops'] }] });
    robot.fail = 2;
    const report = await d.deliver([alert()]);
    expect(report).toMatchObject({ sent: 1, deadLettered: 0 });
    expect(robot.messages).toHaveLength(1);
  });

  test('a channel that never recovers dead-letters the alert with the reason', async () => {
    const { d, deadLetter } = dispatcher({ routes: [{ channels: ['ops'] }] });
    robot.fail = 10;
    const a = alert();
    const report = await d.deliver([a]);
    robot.fail = 0;
    expect(report).toMatchObject({ sent: 0, deadLettered: 1 });
    const [line] = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ channel: 'ops', reason: 'HTTP 500', alert: { id: a.id } });
  });

  test('310000 (wrong secret) is a configuration error: dead-lettered at once, not retried, secret not shown', async () => {
    const { d, deadLetter } = dispatcher({ routes: [{ channels: ['ops'] }] }, { DT_SECRET: 'SECwrong-secret' });
    await d.deliver([alert()]);
    expect(robot.answers).toEqual([310000]);
    const text = readFileSync(deadLetter, 'utf8');
    expect(text).toContain('310000');
    expect(text).not.toContain('SECwrong-secret');
  });

  test('a retried delivery sends nothing twice', async () => {
    const { d } = dispatcher({ routes: [{ channels: ['ops'] }] });
    const a = alert();
    await d.deliver([a]);
    const again = await d.deliver([a]);
    expect(again).toMatchObject({ sent: 0, duplicates: 1 });
    expect(robot.messages).toHaveLength(1);
  });

  test('a storm of 500 alerts in a minute never provokes 130101, and every alert is in a message or a digest', async () => {
    // A fresh minute for the robot (earlier tests sent messages at this clock time).
    clock.t += 11 * 60_000;
    const { d } = dispatcher({ routes: [{ channels: ['ops'] }] });
    let sent = 0;
    let digested = 0;
    for (let i = 0; i < 500; i++) {
      clock.t += 120; // 500 alerts over 60 seconds
      const r = await d.deliver([alert({ key: `203.0.113.${i % 250}` })]);
      sent += r.sent;
      digested += r.digested;
    }
    // The minute after: held alerts go out as digests as the budget frees up.
    for (let s = 0; s < 120 && digested + sent < 500; s++) {
      clock.t += 1000;
      digested += (await d.flush(false)).digested;
    }
    expect(robot.answers.filter((a) => a !== 0)).toEqual([]);
    expect(sent + digested).toBe(500);
    expect(robot.messages.length).toBeLessThanOrEqual(40);
    expect(robot.messages.some((m) => /digest: \d+ alert/.test(m.text))).toBe(true);
  });

  test('every held alert is named in a digest, by id; digests name the most severe first', async () => {
    clock.t += 11 * 60_000;
    const { d } = dispatcher({ routes: [{ channels: ['ops'] }] });
    const storm = Array.from({ length: 120 }, (_, i) => alert({ key: `203.0.113.${i}`, severity: i % 10 === 0 ? 'critical' : 'low' }));
    await d.deliver(storm);
    for (let s = 0; s < 30; s++) {
      clock.t += 61_000;
      await d.flush(false);
    }
    const shown = robot.messages.map((m) => `${m.msgUuid} ${m.text}`).join('\n');
    for (const a of storm) expect(shown).toContain(a.id);
    const digests = robot.messages.filter((m) => /digest/.test(m.text));
    expect(digests.length).toBeGreaterThan(1);
    // Critical ones were sent first, on their own or at the head of the first digest.
    const firstDigest = digests[0].text.split('\n').filter((l) => l.startsWith('- '));
    expect(firstDigest.length).toBeLessThanOrEqual(25);
    expect(robot.answers.filter((a) => a !== 0)).toEqual([]);
  });

  test('critical and high are never held behind lower severities: a reserve of the budget is theirs', async () => {
    clock.t += 11 * 60_000;
    const { d } = dispatcher({ routes: [{ channels: ['ops'] }], channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 8 } } });
    const info = await d.deliver(Array.from({ length: 12 }, (_, i) => alert({ severity: 'info', rule: 'sshd.successful-login', key: `k${i}` })));
    // 8 a minute, 2 of them kept for critical and high.
    expect(info).toMatchObject({ sent: 6, held: 6 });
    const critical = alert({ severity: 'critical', rule: 'sshd.brute-force-then-success' });
    expect(await d.deliver([critical])).toMatchObject({ sent: 1, held: 0 });
    expect(robot.messages.some((m) => m.msgUuid === critical.id)).toBe(true);
  });

  test('a digest carries the @-mentions of the routes of the alerts it holds', async () => {
    clock.t += 11 * 60_000;
    const { d } = dispatcher({
      routes: [{ severities: ['high', 'critical'], channels: ['ops'], mentions: ['13800000009'] }],
      channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 2 } },
    });
    await d.deliver(Array.from({ length: 5 }, (_, i) => alert({ key: `m${i}` })));
    clock.t += 61_000;
    await d.flush(false);
    const digest = robot.messages.find((m) => /digest/.test(m.text))!;
    expect(digest.atMobiles).toEqual(['13800000009']);
    expect(digest.text).toContain('@13800000009');
  });

  test('a digest that cannot be sent is dead-lettered whole (every id, rule, key, time), and only then let go', async () => {
    clock.t += 11 * 60_000;
    const { d, deadLetter } = dispatcher({ routes: [{ channels: ['ops'] }], channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 2 } } });
    const held = Array.from({ length: 6 }, (_, i) => alert({ key: `h${i}`, severity: 'medium' }));
    await d.deliver(held);
    clock.t += 61_000;
    robot.fail = 100;
    const r = await d.flush(false);
    robot.fail = 0;
    expect(r.deadLettered).toBeGreaterThan(0);
    const dead = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.digest);
    const named = dead.flatMap((l) => l.digest.alerts);
    for (const a of named) expect(a).toEqual(expect.objectContaining({ id: expect.any(String), rule: 'sshd.failed-auth-burst', key: expect.any(String), time: expect.any(String) }));
    // Two were sent on their own (2 a minute: too few for a reserve), four were held: all four dead-lettered.
    expect(named.map((a: { id: string }) => a.id).sort()).toEqual(held.slice(2).map((a) => a.id).sort());
    // Dead-lettered, they are let go: nothing is held any more.
    clock.t += 61_000;
    expect(await d.flush(false)).toMatchObject({ digests: 0, deadLettered: 0 });
  });

  test('a replay that waits for a budget says for which channel, how many alerts and about how long', async () => {
    clock.t += 11 * 60_000;
    const start = clock.t;
    const config = buildDispatchConfig(
      { channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 4 } }, routes: [{ channels: ['ops'] }], deadLetter: path.join(tempDir(), 'dead.jsonl'), retry: { attempts: 1, baseDelayMs: 0 } },
      'dispatch.json',
      { ...env, DT_WEBHOOK: robot.webhook },
      now,
    );
    // The replay's sleep: each second of waiting is a second of the clock.
    const d = new AlertDelivery(config, new MemoryStateStore(), now, async (ms) => void (clock.t += ms));
    await d.deliver(Array.from({ length: 7 }, (_, i) => alert({ key: `203.0.113.${i}` })));
    clock.t = start + 20_000;
    const said: string[] = [];
    const r = await d.flush(true, (m) => said.push(m));
    expect(r.digested).toBe(3);
    // The four sent at the start free their slots a minute later: about 40 s after the flush began.
    expect(said[0]).toBe("waiting about 40 s for channel ops's rate limit (4 a minute) to send 3 held alert(s) in a digest");
    expect(said.length).toBeGreaterThanOrEqual(2);
    expect(said.every((m) => /^waiting about \d+ s for channel ops/.test(m))).toBe(true);
  });

  test('in Function Compute a digest that fails stays held, and the next flush sends it', async () => {
    clock.t += 11 * 60_000;
    const dir = tempDir();
    const doc = {
      channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 2 } },
      routes: [{ channels: ['ops'] }],
      deadLetter: path.join(dir, 'dead.jsonl'),
      retry: { attempts: 1, baseDelayMs: 1 },
    };
    const d = new AlertDelivery(buildDispatchConfig(doc, 'dispatch.json', { ...env, DT_WEBHOOK: robot.webhook }, now), new MemoryStateStore(), now, noSleep, 'throw');
    const held = Array.from({ length: 5 }, (_, i) => alert({ key: `f${i}`, severity: 'medium' }));
    await d.deliver(held);
    clock.t += 61_000;
    robot.fail = 1;
    await expect(d.flush(false)).rejects.toThrow(/HTTP 500/);
    clock.t += 61_000;
    const r = await d.flush(false);
    // perMinute 2 (too few for a reserve): two sent, three held.
    expect(r.digested).toBe(3);
    const shown = robot.messages.map((m) => `${m.msgUuid} ${m.text}`).join('\n');
    for (const a of held) expect(shown).toContain(a.id);
  });

  test('a channel holding 2,000 alerts dead-letters the next one at once, with what identifies it', async () => {
    clock.t += 11 * 60_000;
    const { d, deadLetter } = dispatcher({ routes: [{ channels: ['ops'] }], channels: { ops: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', perMinute: 1 } } });
    const r = await d.deliver(Array.from({ length: 2_004 }, (_, i) => alert({ key: `cap-${i}`, severity: 'low' })));
    // One sent (1 a minute), 2,000 held, the rest dead-lettered.
    expect(r).toMatchObject({ sent: 1, held: 2_000, deadLettered: 3 });
    const dead = readFileSync(deadLetter, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead.map((l) => [l.reason, l.alert.key])).toEqual([2001, 2002, 2003].map((i) => ['digest of channel ops already holds 2000 alerts', `cap-${i}`]));
  });

  test('configuration errors name the file, the field and the missing variable', () => {
    expect(() => buildDispatchConfig({ channels: { ops: { type: 'dingtalk', webhook: { env: 'NOPE' }, secret: { env: 'DT_SECRET' } } }, routes: [{ channels: ['ops', 'pager'] }] }, 'd.json', env)).toThrow(
      /d\.json: \/channels\/ops\/webhook: environment variable NOPE is not set[\s\S]*d\.json: \/routes\/0\/channels: no channel named "pager"/,
    );
    expect(() => buildDispatchConfig({ channels: { ops: { type: 'dingtalk', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=plain', secret: { env: 'DT_SECRET' } } }, routes: [{ channels: ['ops'] }] }, 'd.json', env)).toThrow(DispatchConfigError);
  });
});
