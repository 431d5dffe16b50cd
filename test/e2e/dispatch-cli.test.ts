import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { tempDir } from '../helpers';
import { LocalDingTalk } from '../servers/dingtalk-server';
import { LocalWebhook } from '../servers/webhook-receiver';

let robot: LocalDingTalk;
const hook = new LocalWebhook('cli-hook-secret');
beforeAll(async () => {
  robot = new LocalDingTalk('cli-token', 'SECcli-secret', 'secmon');
  await robot.start();
  await hook.start();
});
afterAll(async () => {
  await robot.stop();
  await hook.stop();
});

test('replay --dispatch --config delivers through the routes: DingTalk for high and critical, a webhook and a file for all', async () => {
  const dir = tempDir();
  const config = path.join(dir, 'dispatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      channels: {
        dt: { type: 'dingtalk', webhook: { env: 'T_DT_WEBHOOK' }, secret: { env: 'T_DT_SECRET' }, keyword: 'secmon' },
        hook: { type: 'webhook', url: hook.url(), secret: { env: 'T_HOOK_SECRET' } },
        inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') },
      },
      routes: [
        { severities: ['high', 'critical'], channels: ['dt'] },
        { channels: ['hook', 'inbox'] },
      ],
      deadLetter: path.join(dir, 'dead.jsonl'),
    }),
  );
  const r = await runCli(['replay', 'samples/hosts/bastion-compromise.log', '--year', '2026', '--json', '--dispatch', '--config', config], {
    env: { T_DT_WEBHOOK: robot.webhook, T_DT_SECRET: 'SECcli-secret', T_HOOK_SECRET: 'cli-hook-secret' },
  });
  expect(r.status).toBe(0);
  const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const urgent = alerts.filter((a) => a.severity === 'high' || a.severity === 'critical');
  expect(robot.messages.map((m) => m.msgUuid).sort()).toEqual(urgent.map((a) => a.id).sort());
  expect(hook.refused).toEqual([]);
  // Audit summaries go to no channel unless a route asks for them: these routes do not.
  const routed = alerts.filter((a) => !a.tags.includes('audit'));
  expect(routed.length).toBeLessThan(alerts.length);
  expect(hook.received.map((d) => d.doc.alert?.id).sort()).toEqual(routed.map((a) => a.id).sort());
  expect(readFileSync(path.join(dir, 'inbox.jsonl'), 'utf8').trim().split('\n')).toHaveLength(routed.length);
  expect(r.stderr).toMatch(/Delivery\n\s+sent\s+\d+/);
  expect(r.stderr).toMatch(/dead-lettered\s+0/);
});

test('--dispatch without a configuration, or with a missing secret, is bad usage', async () => {
  expect((await runCli(['replay', 'samples/hosts/secure', '--dispatch'])).status).toBe(2);
  const r = await runCli(['replay', 'samples/hosts/secure', '--dispatch', '--config', 'examples/dispatch.json']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('examples/dispatch.json: /channels/secops-dingtalk/webhook: environment variable SECMON_DINGTALK_WEBHOOK is not set');
});

test('secmon incidents lists, acknowledges and resolves the incidents a replay opened', async () => {
  const dir = tempDir();
  const config = path.join(dir, 'dispatch.json');
  const incidents = path.join(dir, 'incidents.jsonl');
  writeFileSync(
    config,
    JSON.stringify({
      channels: { inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') } },
      routes: [{ severities: ['critical'], channels: ['inbox'], incident: true }],
      incidents: { file: incidents },
      deadLetter: path.join(dir, 'dead.jsonl'),
    }),
  );
  const replay = await runCli(['replay', 'samples/hosts/bastion-compromise.log', '--year', '2026', '--dispatch', '--config', config]);
  expect(replay.status).toBe(0);
  expect(replay.stdout).toMatch(/incidents\s+1 opened/);
  const list = await runCli(['incidents', 'list', '--file', incidents, '--json']);
  const [inc] = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(inc).toMatchObject({ rule: 'sshd.brute-force-then-success', key: '192.0.2.200', status: 'open' });
  expect((await runCli(['incidents', 'ack', inc.id, '--file', incidents, '--by', 'alice'])).stdout).toBe(`${inc.id} is acknowledged (by alice)\n`);
  expect((await runCli(['incidents', 'ack', inc.id, '--file', incidents, '--by', 'alice'])).stdout).toBe(`${inc.id} is already acknowledged\n`);
  // Without --by the OS user name is recorded.
  const resolved = await runCli(['incidents', 'resolve', inc.id, '--file', incidents]);
  expect(resolved.stdout).toBe(`${inc.id} is resolved (by ${userInfo().username})\n`);
  const human = await runCli(['incidents', 'list', '--file', incidents]);
  expect(human.stdout).toContain(`${inc.id}  resolved`);
  expect(human.stdout).toContain(`resolved by ${userInfo().username} at `);
  const [after] = (await runCli(['incidents', 'list', '--file', incidents, '--json', '--status', 'resolved'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(after.history.map((h: { status: string; by: string }) => [h.status, h.by])).toEqual([
    ['acknowledged', 'alice'],
    ['resolved', userInfo().username],
  ]);
  expect(after.history.every((h: { at: string }) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
  // A resolved incident is closed: acknowledging it is refused, saying why.
  const late = await runCli(['incidents', 'ack', inc.id, '--file', incidents, '--by', 'bob']);
  expect(late.status).toBe(1);
  expect(late.stderr).toMatch(new RegExp(`${inc.id} is resolved \\(by ${userInfo().username} at .*\\): a resolved incident cannot be acknowledged`));
  expect((await runCli(['incidents', 'list', '--file', incidents, '--json', '--status', 'open'])).stdout).toBe('');
  const badStatus = await runCli(['incidents', 'list', '--file', incidents, '--status', 'closed']);
  expect(badStatus.status).toBe(2);
  expect(badStatus.stderr).toMatch(/--status: must be one of open, acknowledged, resolved \(got "closed"\)/);
  expect((await runCli(['incidents', 'ack', 'INC-NOPE', '--file', incidents])).status).toBe(2);
  writeFileSync(incidents, `${readFileSync(incidents, 'utf8')}{not json\n`);
  const damaged = await runCli(['incidents', 'list', '--file', incidents]);
  expect(damaged.status).toBe(2);
  expect(damaged.stderr).toMatch(/incidents\.jsonl:4: not a JSON incident/);
});

test('a refused incident change shows the names it quotes escaped for the terminal', async () => {
  const dir = tempDir();
  const incidents = path.join(dir, 'incidents.jsonl');
  const resolvedBy = 'mallory\u001b[2J\u202eevil';
  writeFileSync(
    incidents,
    `${JSON.stringify({ id: 'INC-ESCAPE0001', rule: 'r', key: 'k', title: 't', severity: 'high', status: 'resolved', firstSeen: '2026-11-20T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z', alertCount: 1, alerts: ['a'], evidence: [], updatedAt: '2026-11-20T01:00:00.000Z', history: [{ status: 'resolved', at: '2026-11-20T01:00:00.000Z', by: resolvedBy }] })}\n`,
  );
  const r = await runCli(['incidents', 'ack', 'INC-ESCAPE0001', '--file', incidents, '--by', 'bob']);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('by mallory\\x1b[2J\\x202eevil at');
  expect(r.stderr).not.toContain('\u001b');
  expect(r.stderr).not.toContain('\u202e');
});
