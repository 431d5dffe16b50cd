import * as path from 'node:path';
import { buildDispatchConfig } from '../../shared/delivery/delivery-config';
import { AlertDelivery } from '../../shared/delivery/alert-delivery';
import { StoreIncidentBook } from '../../shared/delivery/incident-books';
import { MemoryStateStore } from '../../shared/state/memory';
import { Alert } from '../../shared/alerts/alert';
import { LocalDingTalkOpenApi } from '../servers/dingtalk-openapi';
import { tempDir } from '../helpers';

let api: LocalDingTalkOpenApi;
beforeAll(async () => {
  api = new LocalDingTalkOpenApi('ding-app-key', 'ding-app-secret');
  await api.start();
});
afterAll(() => api.stop());

let n = 0;
const alert = (o: Partial<Alert> = {}): Alert => ({
  id: `e-${++n}`, rule: 'actiontrail.trail-changed', title: 'ActionTrail trail stopped', severity: 'critical', time: '2026-11-23T04:06:30.000Z', key: 'audit-trail',
  group: {}, count: 1, suppressed: 0, message: 'StopLogging on trail audit-trail by [bob](http://evil)', tags: [], references: [], runbook: 'Restart logging.', evidence: [], ...o,
});

test('the enterprise robot sends group messages with a cached access token; new incidents become to-do tasks', async () => {
  const dir = tempDir();
  const config = buildDispatchConfig(
    {
      channels: {
        group: { type: 'dingtalk-app', appKey: { env: 'DK' }, appSecret: { env: 'DS' }, robotCode: 'dingrobot123', openConversationId: 'cidSecOps==', endpoint: api.endpoint },
        todo: { type: 'dingtalk-todo', appKey: { env: 'DK' }, appSecret: { env: 'DS' }, operatorUnionId: 'union-ops', executorUnionIds: ['union-alice'], endpoint: api.endpoint },
      },
      routes: [{ channels: ['group'], incident: true }],
      incidents: { channels: ['todo'] },
      deadLetter: path.join(dir, 'dead.jsonl'),
      retry: { attempts: 2, baseDelayMs: 1 },
    },
    'd.json',
    { DK: 'ding-app-key', DS: 'ding-app-secret' },
  );
  const d = new AlertDelivery(config, new MemoryStateStore(), Date.now, async () => undefined, 'file', new StoreIncidentBook(new MemoryStateStore()));
  const report = await d.deliver([alert(), alert(), alert({ key: 'backup-trail' })]);
  expect(report).toMatchObject({ sent: 3, deadLettered: 0, incidentsOpened: 2, incidentsUpdated: 1 });
  expect(api.groupMessages).toHaveLength(3);
  expect(api.groupMessages[0]).toMatchObject({ robotCode: 'dingrobot123', openConversationId: 'cidSecOps==', msgKey: 'sampleMarkdown' });
  expect(api.groupMessages[0].msgParam.text).not.toContain('](http');
  // One token for both channels' first calls at most, reused afterwards.
  expect(api.tokenRequests.length).toBeLessThanOrEqual(2);
  expect(api.todos.map((t) => [t.unionId, t.priority, t.executorIds])).toEqual([
    ['union-ops', 40, ['union-alice']],
    ['union-ops', 40, ['union-alice']],
  ]);
  expect(api.todos[0].subject).toContain('CRITICAL actiontrail.trail-changed');
});

test('a wrong app secret dead-letters with the reason, not the secret', async () => {
  const dir = tempDir();
  const config = buildDispatchConfig(
    { channels: { group: { type: 'dingtalk-app', appKey: { env: 'DK' }, appSecret: { env: 'DS' }, robotCode: 'r', openConversationId: 'c', endpoint: api.endpoint } }, routes: [{ channels: ['group'] }], deadLetter: path.join(dir, 'dead.jsonl'), retry: { attempts: 2, baseDelayMs: 1 } },
    'd.json',
    { DK: 'ding-app-key', DS: 'wrong-app-secret-value' },
  );
  const d = new AlertDelivery(config, new MemoryStateStore(), Date.now, async () => undefined);
  expect((await d.deliver([alert()])).deadLettered).toBe(1);
  const dead = require('node:fs').readFileSync(path.join(dir, 'dead.jsonl'), 'utf8') as string;
  expect(dead).toContain('invalidClientIdOrSecret');
  expect(dead).not.toContain('wrong-app-secret-value');
});

test('the enterprise robot sends an alert with links as an actionCard template: two buttons, or one', async () => {
  const dir = tempDir();
  const config = buildDispatchConfig(
    { channels: { group: { type: 'dingtalk-app', appKey: { env: 'DK' }, appSecret: { env: 'DS' }, robotCode: 'r', openConversationId: 'c', endpoint: api.endpoint, locale: 'zh-CN' } }, routes: [{ channels: ['group'] }], deadLetter: path.join(dir, 'dead.jsonl') },
    'd.json',
    { DK: 'ding-app-key', DS: 'ding-app-secret' },
  );
  const d = new AlertDelivery(config, new MemoryStateStore(), Date.now, async () => undefined);
  const consoleLink = { kind: 'console' as const, type: 'ACS::ActionTrail::Trail', id: 'audit-trail', url: 'https://actiontrail.console.aliyun.com/cn-hangzhou/trails/audit-trail' };
  const evidenceLink = { kind: 'evidence' as const, type: 'actiontrail-events', id: 'EV-9', url: 'https://actiontrail.console.aliyun.com/cn-hangzhou/event-list' };
  api.groupMessages.length = 0;
  await d.deliver([alert({ links: [consoleLink, evidenceLink] }), alert({ links: [evidenceLink] })]);
  expect(api.groupMessages.map((m) => m.msgKey)).toEqual(['sampleActionCard2', 'sampleActionCard']);
  expect(api.groupMessages[0].msgParam).toMatchObject({ actionTitle1: '在控制台打开', actionURL1: consoleLink.url, actionTitle2: '查看证据', actionURL2: evidenceLink.url });
  expect(api.groupMessages[1].msgParam).toMatchObject({ singleTitle: '查看证据', singleURL: evidenceLink.url });
  expect(api.groupMessages[0].msgParam.text).toContain('严重');
});
