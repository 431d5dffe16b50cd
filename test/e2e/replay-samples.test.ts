import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from './run-cli';

// What the bundled samples contain, alert by alert (see samples/ and the README).
const EXPECTED = [
  // samples/actiontrail/changes-2026-11-24.jsonl: one of each remaining ActionTrail monitor; routine reads do not alert
  ['actiontrail.ram-membership-change', 'AddUserToGroup|bob', '2026-11-24T02:00:00.000Z'],
  ['actiontrail.mfa-device-removed', 'alice', '2026-11-24T02:03:00.000Z'],
  ['actiontrail.vpc-route-change', 'CreateRouteEntry|terraform', '2026-11-24T02:10:00.000Z'],
  ['actiontrail.cloud-firewall-change', 'PutDisableFwSwitch', '2026-11-24T02:15:00.000Z'],
  ['actiontrail.oss-bucket-permission-change', 'finance-exports', '2026-11-24T02:20:00.000Z'],
  ['actiontrail.rds-config-change', 'rm-bp1orders', '2026-11-24T02:25:00.000Z'],
  ['actiontrail.instance-creation-burst', '264610092716288563', '2026-11-24T03:04:30.000Z'],
  ['actiontrail.oss-read-burst', 'LTAI5tK9OPS-EXAMPLE', '2026-11-24T04:02:27.000Z'],
  ['actiontrail.lb-listener-weak-tls', 'lb-bp1shop', '2026-11-24T04:30:00.000Z'],
  // samples/actiontrail/identity-2026-11.jsonl: alice's office sign-ins teach her address; then a new address, dave back after 175 days (and so from an address unseen for 90 days), a failed sign-in burst, eve-ci's key probing, AdministratorAccess attached, the trail stopped, a root AccessKey in use
  ['actiontrail.console-signin-new-ip', 'ram-user|alice', '2026-11-23T02:14:09.000Z'],
  ['actiontrail.console-signin-after-dormancy', 'ram-user|dave', '2026-11-23T03:01:44.000Z'],
  ['actiontrail.console-signin-new-ip', 'ram-user|dave', '2026-11-23T03:01:44.000Z'],
  ['actiontrail.console-signin-failures', '198.51.100.66', '2026-11-23T03:24:14.000Z'],
  ['actiontrail.unauthorized-api-calls', '281736450918273645', '2026-11-23T04:00:36.000Z'],
  ['actiontrail.ram-policy-change', 'AttachPolicyToUser|AdministratorAccess', '2026-11-23T04:05:10.000Z'],
  ['actiontrail.ram-privilege-escalation', 'AttachPolicyToUser|AdministratorAccess', '2026-11-23T04:05:10.000Z'],
  ['actiontrail.trail-changed', 'audit-trail', '2026-11-23T04:06:30.000Z'],
  ['actiontrail.root-accesskey-use', 'LTAI5tROOTLEGACYKEY', '2026-11-23T05:00:00.000Z'],
  // samples/actiontrail/landing-zone-2026-11-25.jsonl: the landing-zone monitors, written as ActionTrail writes successful calls (empty error fields, RPC-flattened arrays)
  ['actiontrail.accesskey-created', 'ci-deployer', '2026-11-25T02:13:00.000Z'],
  ['actiontrail.ecs-instance-or-disk-release', 'DeleteInstances|bob', '2026-11-25T02:16:00.000Z'],
  ['actiontrail.ecs-release-protection-off', 'i-bp67acfmxazb4ph4example', '2026-11-25T02:19:00.000Z'],
  ['actiontrail.password-policy-change', 'SetPasswordPolicy|bob', '2026-11-25T02:22:00.000Z'],
  ['actiontrail.ram-policy-change', 'AttachPolicyToUser|AdministratorAccess', '2026-11-25T02:25:00.000Z'],
  ['actiontrail.ram-privilege-escalation', 'AttachPolicyToUser|AdministratorAccess', '2026-11-25T02:25:00.000Z'],
  ['actiontrail.root-accesskey-created', '1234567890123456', '2026-11-25T02:28:00.000Z'],
  ['actiontrail.root-accesskey-use', 'LTAI5tEXAMPLEROOT', '2026-11-25T02:28:00.000Z'],
  ['actiontrail.snapshot-policy-removed', 'CancelAutoSnapshotPolicy|bob', '2026-11-25T02:31:00.000Z'],
  ['actiontrail.vpc-flow-log-disabled', 'fl-bp1example01', '2026-11-25T02:34:00.000Z'],
  // samples/actiontrail/trail-2026-11-20.jsonl: the 21:58 (Shanghai) sign-in is off hours
  ['actiontrail.console-signin-without-mfa', 'bob', '2026-11-20T01:30:47.000Z'],
  ['actiontrail.root-console-signin', '1234567890123456|203.0.113.7', '2026-11-20T02:10:30.000Z'],
  ['actiontrail.security-group-change', 'sg-bp67acfmxazb4p2xwm8c', '2026-11-20T03:00:05.000Z'],
  ['actiontrail.security-group-change', 'sg-bp67acfmxazb4p2xwm8c', '2026-11-20T03:01:11.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:05:42.000Z'],
  ['actiontrail.security-group-open-admin-port', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:05:42.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1fg655nh68xyz9', '2026-11-20T03:20:16.000Z'],
  ['actiontrail.kms-key-disabled-or-deleted', 'key-hzz63a7c8e2b3kv0fsm9x', '2026-11-20T06:30:31.000Z'],
  ['actiontrail.kms-key-disabled-or-deleted', 'key-hzz63a7c8e2b3kv0fsm9x', '2026-11-20T06:45:02.000Z'],
  ['actiontrail.console-signin-off-hours', 'ram-user|alice', '2026-11-20T13:58:03.000Z'],
  // samples/eventbridge/ecs-write-events.json
  ['actiontrail.security-group-change', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:14:09.000Z'],
  ['actiontrail.security-group-open-admin-port', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:14:09.000Z'],
  ['actiontrail.security-group-change', 'sg-bp1dbg0v7zi1fh1ypgl5', '2026-11-21T08:20:44.000Z'],
  // samples/hosts/auth.log: spraying: root, admin, ubuntu, oracle, test
  // Each connection is a failed password and its close before authentication: the fifth attempt is the third connection's password.
  ['sshd.failed-auth-burst', '198.51.100.23', '2026-11-20T01:30:17.406Z'],
  ['sshd.password-spraying', '198.51.100.23', '2026-11-20T01:30:45.331Z'],
  ['sshd.invalid-user-burst', '198.51.100.23', '2026-11-20T01:30:45.331Z'],
  ['sshd.password-login', 'web-01|alice', '2026-11-20T02:05:00.927Z'],
  ['sudo.failure', 'web-01|mallory', '2026-11-20T02:20:11.707Z'],
  ['sudo.failure', 'web-01|intern', '2026-11-20T02:21:40.678Z'],
  // samples/hosts/bastion-compromise.log: guessed root password, a miner piped into a shell, a backdoor account in wheel
  ['sshd.failed-auth-burst', '192.0.2.200', '2026-11-23T14:02:22.000Z'],
  ['sshd.password-login', 'bastion-02|root', '2026-11-23T14:02:40.000Z'],
  ['sshd.root-login', 'bastion-02|192.0.2.200', '2026-11-23T14:02:40.000Z'],
  ['sshd.brute-force-then-success', '192.0.2.200', '2026-11-23T14:02:40.000Z'],
  ['sudo.dangerous-command', 'bastion-02|root', '2026-11-23T14:03:05.000Z'],
  ['host.local-account-change', 'bastion-02|group-created|-|sysupdate', '2026-11-23T14:04:12.000Z'],
  ['host.local-account-change', 'bastion-02|user-created|sysupdate|-', '2026-11-23T14:04:12.000Z'],
  ['host.local-account-change', 'bastion-02|group-member-added|sysupdate|wheel', '2026-11-23T14:04:20.000Z'],
  // samples/hosts/logtail-auth.jsonl
  ['sshd.failed-auth-burst', '203.0.113.50', '2026-11-21T09:00:24.000Z'],
  // samples/hosts/nginx-error.log: a path scanner; three ordinary 404s and a warning do not alert
  ['host.web-error-burst', '45.148.10.77', '2026-11-22T03:11:59.000Z'],
  // samples/hosts/secure
  ['sshd.root-login-refused', 'db-01|192.0.2.91', '2026-11-20T11:55:31.000Z'],
  // samples/hosts/secure-centos7: OpenSSH 7.4 names no user when a scanned connection closes
  ['sshd.preauth-disconnect-burst', '192.0.2.120', '2026-11-20T13:11:46.000Z'],
  // samples/hosts/su.log: intern guessing root's password three times; alice becomes root; deploy becoming postgres does not alert
  ['su.failure-burst', 'web-01|intern', '2026-11-20T10:01:07.000Z'],
  ['su.to-root', 'web-01|alice', '2026-11-20T11:15:00.000Z'],
  // samples/osquery/osqueryd.results.log: a loopback listener, a removed listener and a users snapshot do not alert
  ['osquery.new-listening-socket', 'web-01|4444|kdevtmpfsi', '2026-11-23T10:05:00.000Z'],
  ['osquery.ssh-keys-changed', 'web-01|pack_secmon_authorized_keys|0', '2026-11-23T10:05:20.000Z'],
  ['osquery.package-signing-key-added', 'web-01|/etc/apt/trusted.gpg.d/mirror-fast.gpg', '2026-11-23T10:06:40.000Z'],
  ['osquery.zombie-or-close-wait-buildup', 'web-01|pack_secmon_zombie_processes', '2026-11-23T10:10:00.000Z'],
  ['osquery.user-group-list-change', 'web-01|pack_secmon_users|added|toor|-', '2026-11-23T10:10:50.000Z'],
  // samples/posture/account-2026-11-24.jsonl (written by the scan, against a local account whose role lacks ram:ListVirtualMFADevices)
  ['posture.scan-incomplete', '1234567890123456|ram-user-console-without-mfa', '2026-11-24T01:00:00.000Z'],
  ['posture.root-access-key-exists', '1234567890123456', '2026-11-24T01:00:00.000Z'],
  ['posture.root-account-without-mfa', '1234567890123456', '2026-11-24T01:00:00.000Z'],
  ['posture.ram-password-policy-weak', '1234567890123456', '2026-11-24T01:00:00.000Z'],
  ['posture.ram-access-key-not-rotated', 'LTAI5tCiBotKey01', '2026-11-24T01:00:00.000Z'],
  ['posture.ram-access-key-unused', 'LTAI5tOldBotKey1', '2026-11-24T01:00:00.000Z'],
  ['posture.ram-user-full-access-policy', '1234567890123456|alice', '2026-11-24T01:00:00.000Z'],
  ['posture.security-group-admin-port-open', 'cn-hangzhou|sg-bp1legacyssh', '2026-11-24T01:00:00.000Z'],
  ['posture.oss-bucket-public-write', 'partner-drop', '2026-11-24T01:00:00.000Z'],
  ['posture.oss-bucket-public', 'partner-drop', '2026-11-24T01:00:00.000Z'],
  ['posture.oss-bucket-public', 'shop-product-images', '2026-11-24T01:00:00.000Z'],
  ['posture.lb-listener-weak-tls', 'cn-hangzhou|lb-bp1shop:443', '2026-11-24T01:00:00.000Z'],
  ['posture.kms-key-rotation-off', 'cn-hangzhou|key-hzz6orders01', '2026-11-24T01:00:00.000Z'],
  ['posture.actiontrail-not-all-regions', '1234567890123456', '2026-11-24T01:00:00.000Z'],
  ['posture.billing-spike', '1234567890123456', '2026-11-24T01:00:00.000Z'],
  // samples/posture/ram-console-users-2026-11-24.jsonl
  ['posture.ram-user-console-without-mfa', '1234567890123456|bob', '2026-11-24T01:00:00.000Z'],
  ['posture.ram-user-console-without-mfa', '1234567890123456|carol', '2026-11-24T01:00:00.000Z'],
  // samples/sls/actiontrail-logstore-export.jsonl: a Saturday
  ['actiontrail.console-signin-off-hours', 'ram-user|alice', '2026-11-21T07:55:10.000Z'],
  ['actiontrail.console-signin-off-hours', 'ram-user|carol', '2026-11-21T08:02:31.000Z'],
  ['actiontrail.console-signin-without-mfa', 'carol', '2026-11-21T08:02:31.000Z'],
  ['actiontrail.security-group-change', 'sg-bp12old0legacy7xq', '2026-11-21T08:41:19.000Z'],
  // Audit summaries (logins, sudo commands) per host, user and hour, raised at the end of the replay's input: auth.log's deploy logged in twice and ran two commands in its 02:00 UTC hour
  ['sshd.successful-login', 'web-01|deploy', '2026-11-20T01:12:40.264Z'],
  ['sudo.command', 'web-01|deploy', '2026-11-20T01:15:02.458Z'],
  ['sshd.successful-login', 'web-01|alice', '2026-11-20T02:05:00.927Z'],
  ['sudo.command', 'web-01|deploy', '2026-11-20T02:51:20.610Z'],
  ['sshd.successful-login', 'web-01|deploy', '2026-11-20T02:55:41.903Z'],
  ['sshd.successful-login', 'db-01|ecs-user', '2026-11-20T11:02:17.000Z'],
  ['sudo.command', 'db-01|ecs-user', '2026-11-20T11:03:02.000Z'],
  ['sshd.successful-login', 'c7-bastion-target|ops', '2026-11-20T13:11:03.000Z'],
  ['sshd.successful-login', 'app-02|ops', '2026-11-21T09:01:38.104Z'],
  ['sshd.successful-login', 'bastion-02|root', '2026-11-23T14:02:40.000Z'],
  ['sudo.command', 'bastion-02|root', '2026-11-23T14:03:05.000Z'],
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
    // The reader's evidence: the first attempt and the one that completed the burst.
    expect(burst.evidence.map((e: any) => e.fields.log.file.line)).toEqual([10, 20]);
    // The message is read from the attempt that completed the burst (line 20: invalid user admin).
    expect(burst.message).toBe('5 failed SSH attempts from 198.51.100.23 on web-01 within 5 minutes (last user tried: admin)');
    // An hour of deploy's logins is one record: the count and the addresses.
    const logins = alerts.find((a) => a.rule === 'sshd.successful-login' && a.time === '2026-11-20T02:55:41.903Z');
    expect([logins.count, logins.summary, logins.message]).toEqual([2, { from: '2026-11-20T02:00:00.000Z', to: '2026-11-20T03:00:00.000Z', values: ['10.0.0.6', '10.0.0.5'] }, '2 SSH login(s) as deploy on web-01 from 10.0.0.6, 10.0.0.5']);
    expect(r.stderr).toMatch(/events\s+620/);
  });

  test('human output shows each alert and a summary with alerts per rule', async () => {
    const r = await runCli(['replay', 'samples/', '--year', '2026']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('HIGH     actiontrail.root-console-signin  2026-11-20T02:10:30.000Z');
    expect(r.stdout).toContain('Root account 1234567890123456 signed in to the console from 203.0.113.7 (MFA: true)');
    expect(r.stdout).toContain('at samples/actiontrail/trail-2026-11-20.jsonl:11');
    expect(r.stdout).toMatch(/alerts\s+98\n\s+7\s+actiontrail\.security-group-change\n\s+7\s+sshd\.successful-login\n/);
    expect(r.stdout).toMatch(/skipped\s+0\n/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR and not a terminal: no colour codes
  });

  test('the demo fires every bundled rule at least once', async () => {
    const r = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    const fired = new Set(r.stdout.trim().split('\n').map((l) => JSON.parse(l).rule));
    const bundled = readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).map((f) => f.replace(/\.json$/, ''));
    // The bastion rules wait for a bastion list: the demo has none (README, Tuning, replays them with one).
    const waiting = bundled.filter((id) => (JSON.parse(readFileSync(path.join(ROOT, 'rules', `${id}.json`), 'utf8')).requires ?? []).length > 0);
    expect(waiting.length).toBe(5);
    expect(bundled.filter((id) => !fired.has(id) && !waiting.includes(id))).toEqual([]);
  });

  test('no rule fires on the benign noise', async () => {
    const r = await runCli(['replay', 'samples/benign', '--json', '--strict']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/events\s+174\n/);
  });

  test('replay is deterministic: the same input gives the same output', async () => {
    const a = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    const b = await runCli(['replay', 'samples/', '--json', '--year', '2026']);
    expect(a.stdout).toBe(b.stdout);
  });
});
