import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { Alert } from '../../shared/alerts/alert';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { MemoryStateStore } from '../../shared/state/memory';
import { tempDir } from '../helpers';
import { renderMarkdown } from '../markdown';
import { alertsOf } from '../pipeline';
import { LocalDingTalk, RobotMessage } from '../servers/dingtalk-server';
import { LocalSmtp } from '../servers/smtp';

/**
 * What an on-call engineer sees on a phone, in a real browser: the DingTalk message as a
 * maintained CommonMark renderer draws it (raw HTML allowed, bare URLs linked, as
 * DingTalk does) inside a chat bubble, and the email as sent, each 390 px wide (a
 * phone), from alerts the pipeline raised on the bundled samples and delivered through
 * the real channels to local servers. One screenshot per channel and language goes to
 * test-output/render/ (the README shows them).
 */
const CHROMIUM = process.env.SECMON_CHROMIUM ?? '/usr/bin/chromium';
const WIDTH = 390;
const OUT = path.join(__dirname, '..', '..', 'test-output', 'render');
const SAMPLES = path.join(__dirname, '..', '..', 'samples');

let browser: Browser;
let robot: LocalDingTalk;
let smtp: LocalSmtp;
let alerts: Alert[];
// Each delivery a minute and more after the last: the local robot holds DingTalk's 20-a-minute limit.
const clock = { t: Date.parse('2026-11-23T14:05:00Z') };
const now = () => clock.t;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the rendering tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji; .ci/run installs them), or SECMON_CHROMIUM set to another Chromium`);
  }
  mkdirSync(OUT, { recursive: true });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No network but loopback: Chromium's background services stay off.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
  robot = new LocalDingTalk('tok-render', 'SECrender', 'secmon', now);
  await robot.start();
  smtp = new LocalSmtp('alerts@example.com', 'render-pass');
  await smtp.start();
  alerts = await alertsOf(
    ['actiontrail/trail-2026-11-20.jsonl', 'hosts/bastion-compromise.log', 'osquery/osqueryd.results.log', 'sls/actiontrail-logstore-export.jsonl'].map((f) => path.join(SAMPLES, f)),
    { site: 'aliyun.com', trailLogstore: { project: 'audit-prod', logstore: 'actiontrail_audit' }, hostLogstore: { project: 'audit-prod', logstore: 'host-auth' } },
  );
});
afterAll(async () => {
  await browser?.close();
  await robot?.stop();
  await smtp?.stop();
});

const find = (rule: string, key?: string) => {
  const a = alerts.find((x) => x.rule === rule && (key === undefined || x.key === key));
  if (a === undefined) throw new Error(`no ${rule} alert on the samples`);
  return a;
};

/** Delivers one alert through the DingTalk robot and the mail channel of a locale, and returns what each received. */
async function deliver(alert: Alert, o: { locale?: 'en' | 'zh-CN'; mentions?: string[] } = {}): Promise<{ dingtalk: RobotMessage; html: string }> {
  robot.messages.length = 0;
  smtp.messages.length = 0;
  clock.t += 61_000;
  const presentation = { locale: o.locale ?? 'en', timezone: 'Asia/Shanghai' };
  const config = buildDispatchConfig(
    {
      channels: {
        robot: { type: 'dingtalk', webhook: { env: 'DT_WEBHOOK' }, secret: { env: 'DT_SECRET' }, keyword: 'secmon', ...presentation },
        mail: { type: 'email', host: '127.0.0.1', port: smtp.port, secure: false, user: { env: 'SMTP_USER' }, pass: { env: 'SMTP_PASS' }, from: 'secmon <alerts@example.com>', to: ['oncall@example.com'], ...presentation },
      },
      routes: [{ channels: ['robot', 'mail'], mentions: o.mentions }],
      deadLetter: path.join(tempDir(), 'dead.jsonl'),
      retry: { attempts: 1, baseDelayMs: 0 },
    },
    'render.json',
    { DT_WEBHOOK: robot.webhook, DT_SECRET: 'SECrender', SMTP_USER: 'alerts@example.com', SMTP_PASS: 'render-pass' },
    now,
  );
  const report = await new AlertDelivery(config, new MemoryStateStore(), now, async () => undefined).deliver([alert]);
  expect(report).toMatchObject({ sent: 2, deadLettered: 0 });
  return { dingtalk: robot.messages[0], html: smtp.messages[0].html as string };
}

/** A DingTalk chat bubble: the markdown rendered, an actionCard's buttons under it. Like DingTalk's, the bubble wraps long words. */
function dingtalkPage(m: RobotMessage): string {
  const buttons = m.buttons.map((b) => `<a class="btn" href="${b.url.replace(/"/g, '&quot;')}">${b.title.replace(/</g, '&lt;')}</a>`).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{margin:0;background:#eef0f3;font:15px/1.5 -apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;color:#171a1d}
.bubble{margin:12px;padding:12px 14px;background:#fff;border-radius:8px;overflow-wrap:anywhere}
.btns{display:flex;border-top:1px solid #e5e6e8;margin:10px -14px -12px}.btn{flex:1;text-align:center;padding:10px;color:#0089ff;text-decoration:none}
.btn+.btn{border-left:1px solid #e5e6e8} h4{margin:0 0 6px} ul{padding-left:18px;margin:4px 0}</style></head>
<body><div class="bubble" id="message">${renderMarkdown(m.text)}${buttons ? `<div class="btns">${buttons}</div>` : ''}</div></body></html>`;
}

async function open(html: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: WIDTH, height: 800, deviceScaleFactor: 1 });
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the functions below run in the page, where the DOM is (tsconfig has no DOM types). */
/** The page's visible text, and whether anything sticks out sideways. */
async function inspect(page: Page): Promise<{ text: string; overflow: number; hrefs: string[]; images: number }> {
  return page.evaluate(() => {
    const { document, window } = globalThis as any;
    return {
      text: document.body.innerText,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      hrefs: [...document.querySelectorAll('a')].map((a: any) => a.getAttribute('href') ?? ''),
      images: document.querySelectorAll('img').length,
    };
  });
}

/** Selects the rendered text of the element that shows `needle` (as a person would before copying) and returns what a copy gets. */
async function copyOf(page: Page, needle: string): Promise<string> {
  return page.evaluate((n) => {
    const { document, window } = globalThis as any;
    const elements = [...document.querySelectorAll('li, td, p, h4, span')].filter((e: any) => e.innerText.includes(n));
    const target = elements.sort((a: any, b: any) => a.innerText.length - b.innerText.length)[0];
    if (target === undefined) return '';
    const range = document.createRange();
    range.selectNodeContents(target);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString() as string;
  }, needle);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

describe('alerts on a phone, rendered in Chromium at 390 px', () => {
  test('a cloud alert: who, where, the resource and the call, with buttons to the console and to the event', async () => {
    const alert = find('actiontrail.security-group-open-admin-port', 'sg-bp1fg655nh68xyz9');
    const { dingtalk, html } = await deliver(alert);
    expect(dingtalk.msgtype).toBe('actionCard');
    for (const [name, doc] of [['dingtalk-cloud', dingtalkPage(dingtalk)], ['email-cloud', html]] as const) {
      const page = await open(doc);
      const seen = await inspect(page);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      for (const fact of ['Security group opened SSH or RDP to the internet', 'bob (ram-user)', '198.51.100.140', '1234567890123456', 'cn-hangzhou', 'sg-bp1fg655nh68xyz9', 'AuthorizeSecurityGroup', '22/22', '0.0.0.0/0', 'UTC+08:00']) {
        expect(seen.text).toContain(fact);
      }
      expect(seen.hrefs).toContain('https://ecs.console.aliyun.com/securityGroupDetail/region/cn-hangzhou/groupId/sg-bp1fg655nh68xyz9/detail/intranetIngress');
      expect(seen.hrefs.some((h) => h.startsWith('https://sls.console.aliyun.com/lognext/project/audit-prod/logsearch/actiontrail_audit?'))).toBe(true);
      await shoot(page, name);
      await page.close();
    }
  });

  test('a host alert shows the login that completed the brute force, not only the failures', async () => {
    const alert = find('sshd.brute-force-then-success');
    const { dingtalk, html } = await deliver(alert, { mentions: ['13800000001'] });
    // The route @-mentions the on-call: a markdown message (DingTalk mentions only there).
    expect(dingtalk.msgtype).toBe('markdown');
    expect(dingtalk.atMobiles).toEqual(['13800000001']);
    for (const [name, doc] of [['dingtalk-host', dingtalkPage(dingtalk)], ['email-host', html]] as const) {
      const page = await open(doc);
      const seen = await inspect(page);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      expect(seen.text).toContain('Accepted password for root from 192.0.2.200 port 52130 ssh2');
      expect(seen.text).toContain('Failed password for root from 192.0.2.200');
      expect(seen.text).toContain('bastion-02');
      expect(seen.text).toMatch(/Decisive event/);
      await shoot(page, name);
      await page.close();
    }
  });

  test('identifiers copied out of the rendered messages are the originals', async () => {
    const keys = find('osquery.ssh-keys-changed');
    expect(keys.key).toBe('web-01|pack_secmon_authorized_keys|0');
    const signin = find('actiontrail.console-signin-without-mfa', 'carol');
    for (const [alert, identifier] of [
      [keys, 'web-01|pack_secmon_authorized_keys|0'],
      [signin, 'carol@1234567890123456.onaliyun.com'],
    ] as const) {
      const { dingtalk, html } = await deliver(alert);
      for (const doc of [dingtalkPage(dingtalk), html]) {
        const page = await open(doc);
        expect(await copyOf(page, identifier)).toContain(identifier);
        await page.close();
      }
    }
  });

  test('attacker text opens no link, image or markup, and hides nothing behind bidi or zero-width characters', async () => {
    const base = find('sudo.dangerous-command');
    const evil = 'ev\u202Eil\u200B [click](http://evil.example/x) ![i](http://evil.example/i.png) <img src=x onerror=alert(1)> **b** @13999999999';
    const alert: Alert = { ...base, id: 'hostile-1', message: `${base.message} ${evil}`, key: `bastion-02|${evil}`, context: { ...base.context!, principal: { name: evil } } };
    const { dingtalk, html } = await deliver(alert);
    for (const doc of [dingtalkPage(dingtalk), html]) {
      const page = await open(doc);
      const seen = await inspect(page);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      expect(seen.images).toBe(0);
      expect(seen.hrefs.filter((h) => !h.startsWith('https://sls.console.aliyun.com/') && !h.startsWith('https://attack.mitre.org/'))).toEqual([]);
      expect(seen.text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/);
      expect(seen.text).toContain('ev‹U+202E›il‹U+200B›');
      expect(seen.text).toContain('hxxp://evil[.]example/x');
      expect(seen.text).toContain('<img src=x onerror=alert(1)>');
      await page.close();
    }
  });

  test('a zh-CN channel shows the Chinese title and message, labels in Chinese, times in the reader zone', async () => {
    // Another id: DingTalk shows a msgUuid once, and the English test sent this alert already.
    const alert = { ...find('actiontrail.security-group-open-admin-port', 'sg-bp1fg655nh68xyz9'), id: 'zh-CN-render' };
    const { dingtalk, html } = await deliver(alert, { locale: 'zh-CN' });
    for (const [name, doc] of [['dingtalk-zh-CN', dingtalkPage(dingtalk)], ['email-zh-CN', html]] as const) {
      const page = await open(doc);
      const seen = await inspect(page);
      expect(seen.overflow).toBeLessThanOrEqual(0);
      expect(seen.text).toContain('安全组向互联网开放了 SSH 或 RDP');
      expect(seen.text).toContain('bob 将 sg-bp1fg655nh68xyz9 的 SSH 或 RDP 向互联网开放');
      expect(seen.text).toContain('高危');
      expect(seen.text).toContain('2026-11-20 11:05:42 UTC+08:00 · 2026-11-20T03:05:42Z');
      await shoot(page, name);
      await page.close();
    }
    writeFileSync(path.join(OUT, 'README.txt'), 'Screenshots written by test/e2e/rendering.test.ts: what DingTalk and email show on a 390 px phone.\n');
  });
});
