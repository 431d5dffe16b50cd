import { runCli } from './run-cli';

// What the bundled samples contain, alert by alert (see samples/ and the README).
const EXPECTED = [
  ['actiontrail.console-signin-without-mfa', 'bob', '2026-11-20T01:30:47.000Z'],
  ['actiontrail.root-console-signin', '1234567890123456|203.0.113.7', '2026-11-20T02:10:30.000Z'],
  ['actiontrail.security-group-change', '-', '2026-11-20T03:00:05.000Z'],
  ['actiontrail.security-group-change', 'sg-bp67acfmxazb4p2xwm8c', '2026-11-20T03:01:11.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:05:42.000Z'],
  ['actiontrail.security-group-open-admin-port', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:05:42.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:20:16.000Z'],
  ['actiontrail.kms-key-disabled-or-deleted', 'key-hzz63a7c8e2b3kv0fsm9x', '2026-11-20T06:30:31.000Z'],
  ['actiontrail.kms-key-disabled-or-deleted', 'key-hzz63a7c8e2b3kv0fsm9x', '2026-11-20T06:45:02.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:14:09.000Z'],
  ['actiontrail.security-group-open-admin-port', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:14:09.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:20:44.000Z'],
  ['sudo.command', 'web-01|deploy', '2026-11-20T01:15:02.458Z'],
  ['sshd.failed-auth-burst', '198.51.100.23', '2026-11-20T01:30:29.010Z'],
  ['sudo.failure', 'web-01|mallory', '2026-11-20T02:20:11.707Z'],
  ['sudo.failure', 'web-01|intern', '2026-11-20T02:21:40.678Z'],
  ['sudo.command', 'web-01|deploy', '2026-11-20T02:30:00.440Z'],
  ['sshd.failed-auth-burst', '203.0.113.50', '2026-11-21T09:00:24.000Z'],
  ['sudo.command', 'db-01|ecs-user', '2026-11-20T11:03:02.000Z'],
  ['actiontrail.console-signin-without-mfa', 'carol', '2026-11-21T08:02:31.000Z'],
  ['actiontrail.security-group-change', 'sg-bp12old0legacy7xq', '2026-11-21T08:41:19.000Z'],
];

describe('secmon replay on the bundled samples', () => {
  test('--json prints exactly the expected alerts as NDJSON', async () => {
    const r = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    expect(r.stderr).not.toMatch(/skipped \S/);
    expect(r.status).toBe(0);
    const alerts = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.rule, a.key, a.time])).toEqual(EXPECTED);
    for (const a of alerts) {
      expect(Object.keys(a)).toEqual(expect.arrayContaining(['rule', 'severity', 'title', 'time', 'key', 'count', 'evidence', 'message']));
    }
    const burst = alerts.find((a) => a.key === '198.51.100.23');
    expect(burst.count).toBe(5);
    expect(burst.evidence.map((e: any) => e.fields.log.file.line)).toEqual([10, 15, 20, 25, 28]);
    expect(burst.message).toBe('5 failed SSH logins from 198.51.100.23 on web-01 within 5 minutes (last user tried: root)');
    expect(r.stderr).toMatch(/events\s+182/);
  });

  test('human output shows each alert and a summary with alerts per rule', async () => {
    const r = await runCli(['replay', 'samples/', '--year', '2026']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('HIGH     actiontrail.root-console-signin  2026-11-20T02:10:30.000Z');
    expect(r.stdout).toContain('Root account 1234567890123456 signed in to the console from 203.0.113.7 (MFA: true)');
    expect(r.stdout).toContain('at samples/actiontrail/trail-2026-11-20.jsonl:11');
    expect(r.stdout).toMatch(/alerts\s+21\n\s+7\s+actiontrail\.security-group-change\n/);
    expect(r.stdout).toMatch(/skipped\s+0\n/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR and not a terminal: no colour codes
  });

  test('replay is deterministic: the same input gives the same output', async () => {
    const a = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    const b = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    expect(a.stdout).toBe(b.stdout);
  });
});
