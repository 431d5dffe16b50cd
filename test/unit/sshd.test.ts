import { normalizeSyslogLine } from '../../shared/events/syslog';

function parse(line: string) {
  const [e] = normalizeSyslogLine(line, { year: 2026 });
  const f = e.fields as any;
  return { source: e.source, action: f.event.action, outcome: f.event.outcome, ip: f.source?.ip, port: f.source?.port, user: f.user?.name, address: f.source?.address };
}

// Real line shapes from several distributions and OpenSSH versions.
describe('sshd lines', () => {
  test.each([
    // Debian 12 / Ubuntu 24.04 (rsyslog high-precision timestamps)
    ['2026-11-20T09:30:05.123456+08:00 web sshd[3001]: Failed password for root from 198.51.100.23 port 41022 ssh2', 'auth-failed', 'failure', '198.51.100.23', 41022, 'root'],
    ['2026-11-20T09:30:05.123456+08:00 web sshd[3001]: Failed password for invalid user admin from 198.51.100.23 port 41022 ssh2', 'auth-failed', 'failure', '198.51.100.23', 41022, 'admin'],
    ['2026-11-20T09:30:05.123456+08:00 web sshd[3001]: Invalid user admin from 198.51.100.23 port 41022', 'invalid-user', 'failure', '198.51.100.23', 41022, 'admin'],
    ['2026-11-20T09:30:05.123456+08:00 web sshd[3001]: Accepted publickey for deploy from 10.0.0.5 port 50122 ssh2: ED25519 SHA256:Jc2V0JsX8pBQ9y', 'login', 'success', '10.0.0.5', 50122, 'deploy'],
    // RHEL / CentOS / Alibaba Cloud Linux /var/log/secure
    ['Nov 20 11:40:51 db-01 sshd[1901]: Failed password for root from 192.0.2.44 port 60211 ssh2', 'auth-failed', 'failure', '192.0.2.44', 60211, 'root'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: Failed publickey for git from 192.0.2.44 port 60211 ssh2: RSA SHA256:abc', 'auth-failed', 'failure', '192.0.2.44', 60211, 'git'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: Failed keyboard-interactive/pam for invalid user x from 192.0.2.44 port 60211 ssh2', 'auth-failed', 'failure', '192.0.2.44', 60211, 'x'],
    ['Nov 20 11:40:58 db-01 sshd[1901]: error: maximum authentication attempts exceeded for root from 192.0.2.44 port 60211 ssh2 [preauth]', 'max-auth-attempts-exceeded', 'failure', '192.0.2.44', 60211, 'root'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.44  user=root', 'pam-auth-failure', 'failure', '192.0.2.44', undefined, 'root'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.44  user=root', 'pam-auth-failure', 'failure', '192.0.2.44', undefined, 'root'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: ROOT LOGIN REFUSED FROM 192.0.2.44 port 60211', 'root-login-refused', 'failure', '192.0.2.44', 60211, 'root'],
    ['Nov 20 11:40:51 db-01 sshd[1901]: ROOT LOGIN REFUSED FROM 192.0.2.44', 'root-login-refused', 'failure', '192.0.2.44', undefined, 'root'],
    ['Nov 20 11:52:09 db-01 sshd[1950]: User backup from 192.0.2.80 not allowed because not listed in AllowUsers', 'user-not-allowed', 'failure', '192.0.2.80', undefined, 'backup'],
    ['Nov 20 11:40:58 db-01 sshd[1901]: maximum authentication attempts exceeded for invalid user x from 192.0.2.44 port 60211 ssh2', 'max-auth-attempts-exceeded', 'failure', '192.0.2.44', 60211, 'x'],
    ['Nov 20 11:40:58 db-01 sshd[1901]: Received disconnect from 192.0.2.45 port 60212:11: Bye Bye [preauth]', 'disconnect', undefined, '192.0.2.45', 60212, undefined],
    ['Nov 20 11:40:58 db-01 sshd[1901]: Connection reset by 192.0.2.46 port 60213 [preauth]', 'preauth-disconnect', undefined, '192.0.2.46', 60213, undefined],
    ['Nov 20 11:40:58 db-01 sshd[1901]: Connection closed by invalid user admin 192.0.2.47 port 60214 [preauth]', 'preauth-disconnect', 'failure', '192.0.2.47', 60214, 'admin'],
    // Old OpenSSH (CentOS 6): no port on Invalid user
    ['Nov 20 11:52:09 old sshd[1950]: Invalid user oracle from 192.0.2.81', 'invalid-user', 'failure', '192.0.2.81', undefined, 'oracle'],
    // OpenSSH 9.8+: per-session binary sshd-session
    ['2026-11-21T09:00:00.000000+00:00 app-02 sshd-session[7100]: Failed password for root from 203.0.113.50 port 33000 ssh2', 'auth-failed', 'failure', '203.0.113.50', 33000, 'root'],
    // IPv6 and IPv4-mapped IPv6
    ['Nov 20 11:40:51 h sshd[1]: Failed password for alice from 2001:db8:4f::7 port 52000 ssh2', 'auth-failed', 'failure', '2001:db8:4f::7', 52000, 'alice'],
    ['Nov 20 11:40:51 h sshd[1]: Failed password for alice from ::ffff:203.0.113.9 port 52000 ssh2', 'auth-failed', 'failure', '203.0.113.9', 52000, 'alice'],
    ['Nov 20 11:40:51 h sshd[1]: Accepted password for alice from 2001:0db8:0000:0000:0000:0000:0000:0001 port 22 ssh2', 'login', 'success', '2001:db8::1', 22, 'alice'],
    // Hostile user names: spaces, and text imitating the address part
    ['Nov 20 11:40:51 h sshd[1]: Failed password for invalid user john smith from 198.51.100.2 port 4000 ssh2', 'auth-failed', 'failure', '198.51.100.2', 4000, 'john smith'],
    ['Nov 20 11:40:51 h sshd[1]: Failed password for invalid user x from 1.2.3.4 port 22 ssh2 from 198.51.100.3 port 4001 ssh2', 'auth-failed', 'failure', '198.51.100.3', 4001, 'x from 1.2.3.4 port 22 ssh2'],
    ['Nov 20 11:40:51 h sshd[1]: Invalid user a from 1.2.3.4 from 198.51.100.4 port 4002', 'invalid-user', 'failure', '198.51.100.4', 4002, 'a from 1.2.3.4'],
    ['Nov 20 11:40:51 h sshd[1]: User b from 1.2.3.4 from 198.51.100.5 not allowed because not listed in AllowUsers', 'user-not-allowed', 'failure', '198.51.100.5', undefined, 'b from 1.2.3.4'],
  ])('%s', (line, action, outcome, ip, port, user) => {
    const p = parse(line);
    expect(p.source).toBe('sshd');
    expect({ action: p.action, outcome: p.outcome, ip: p.ip, port: p.port, user: p.user }).toEqual({ action, outcome, ip, port, user });
  });

  test('a host name in rhost (UseDNS) keeps source.address but gives no source.ip', () => {
    const p = parse('Nov 20 11:40:51 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.example.net  user=root');
    expect(p.address).toBe('scanner.example.net');
    expect(p.ip).toBeUndefined();
  });

  test('unrecognized sshd messages are kept as action "other" without an outcome', () => {
    const p = parse('Nov 20 11:40:51 h sshd[1]: Server listening on 0.0.0.0 port 22.');
    expect(p).toMatchObject({ action: 'other', outcome: undefined, ip: undefined });
  });

  test('rsyslog "message repeated N times" yields N events with distinct ids', () => {
    const events = normalizeSyslogLine('Nov 20 11:40:51 h sshd[1]: message repeated 3 times: [ Failed password for root from 198.51.100.23 port 40001 ssh2]', { year: 2026 });
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
    for (const e of events) expect((e.fields as any).event.action).toBe('auth-failed');
  });

  test('ids are stable for the same line at the same position and differ by position', () => {
    const line = 'Nov 20 11:40:51 h sshd[1]: Failed password for root from 198.51.100.23 port 40001 ssh2';
    const a = normalizeSyslogLine(line, { year: 2026, position: 'f:1' })[0].id;
    expect(normalizeSyslogLine(line, { year: 2026, position: 'f:1' })[0].id).toBe(a);
    expect(normalizeSyslogLine(line, { year: 2026, position: 'f:2' })[0].id).not.toBe(a);
  });

  test('a line that is not syslog throws an error naming file and line', () => {
    expect(() => normalizeSyslogLine('garbage', { origin: { path: 'auth.log', line: 7 } })).toThrow('auth.log:7: not a syslog line');
  });

  test('sshd.* holds only what the line said (no keys with undefined values)', () => {
    const sshdOf = (line: string) => (normalizeSyslogLine(line, { year: 2026 })[0].fields as any).sshd;
    expect(Object.entries(sshdOf('Nov 20 11:40:51 db-01 sshd[1901]: Failed password for root from 192.0.2.44 port 60211 ssh2'))).toEqual([['auth_method', 'password'], ['invalid_user', false], ['attempt', true]]);
    expect(Object.entries(sshdOf('Nov 20 11:40:51 db-01 sshd[1901]: Accepted publickey for git from 192.0.2.44 port 60211 ssh2: RSA SHA256:abc'))).toEqual([['auth_method', 'publickey'], ['key', 'RSA SHA256:abc']]);
    expect(Object.entries(sshdOf('Nov 20 11:40:51 db-01 sshd[1901]: Connection closed by authenticating user root 192.0.2.44 port 60211 [preauth]'))).toEqual([['invalid_user', false], ['attempt', true]]);
    expect(Object.entries(sshdOf('Nov 20 11:40:51 db-01 sshd[1901]: Disconnected from invalid user x 192.0.2.44 port 60211: Too many authentication failures [preauth]'))).toEqual([['invalid_user', true], ['attempt', true], ['reason', 'Too many authentication failures']]);
  });
});

describe('client text cannot move the address (OpenSSH auth.c: "… for USER from ADDR port N ssh2[: INFO]")', () => {
  const at = (msg: string) => parse(`2026-11-20T09:30:05+08:00 web sshd[3001]: ${msg}`);
  test('INFO of a key method (a certificate ID is the client’s text) comes after the address sshd wrote', () => {
    expect(at('Failed publickey for invalid user test from 127.0.0.1 port 58946 ssh2: RSA-CERT SHA256:kXyZ ID x from 10.10.1.2 port 55555 ssh2')).toMatchObject({ ip: '127.0.0.1', port: 58946, user: 'test' });
    expect(at('Accepted publickey for deploy from 10.0.0.5 port 5000 ssh2: ED25519-CERT SHA256:xyz ID evil from 6.6.6.6 port 1 ssh2: RSA SHA256:q (serial 1) CA ED25519 SHA256:ca')).toMatchObject({ ip: '10.0.0.5', port: 5000, user: 'deploy', action: 'login' });
  });
  test('a user name holding "from ADDR port N ssh2: …" before a key description does not win', () => {
    expect(at('Failed publickey for x from 6.6.6.6 port 1 ssh2: junk from 203.0.113.5 port 50000 ssh2: RSA SHA256:abcdEFGH')).toMatchObject({ ip: '203.0.113.5', port: 50000 });
  });
  test('password lines carry no INFO: the last address is the one sshd wrote, whatever the user name holds', () => {
    expect(at('Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2')).toMatchObject({ ip: '10.10.1.2', port: 55555, user: 'test from 127.0.0.1 port 58946 ssh2:' });
    expect(at('Failed password for invalid user x from 6.6.6.6 port 1 ssh2 from 198.51.100.9 port 2222 ssh2')).toMatchObject({ ip: '198.51.100.9', port: 2222 });
  });
  test('ROOT LOGIN REFUSED as privilege-separated sshd logs it, with [preauth]', () => {
    expect(at('ROOT LOGIN REFUSED FROM 203.0.113.9 port 40022 [preauth]')).toMatchObject({ action: 'root-login-refused', ip: '203.0.113.9', port: 40022, user: 'root' });
  });
});

describe('more sshd and syslog line forms', () => {
  test('Connection reset by an authenticating or invalid user before authentication is a pre-authentication disconnect with its address', () => {
    expect(parse('2026-11-20T09:30:05+08:00 web sshd[3001]: Connection reset by authenticating user root 203.0.113.5 port 50000 [preauth]')).toMatchObject({ action: 'preauth-disconnect', ip: '203.0.113.5', port: 50000, user: 'root' });
    expect(parse('2026-11-20T09:30:05+08:00 web sshd[3002]: Connection reset by invalid user admin 203.0.113.5 port 50001 [preauth]')).toMatchObject({ action: 'preauth-disconnect', user: 'admin' });
  });
  test("sysklogd's versioned tag (`syslogd 1.4.1: restart.`) is a syslog line of program syslogd", () => {
    const [e] = normalizeSyslogLine('Nov 20 10:00:00 web syslogd 1.4.1: restart.', { year: 2026 });
    expect(e.fields).toMatchObject({ process: { name: 'syslogd' }, message: 'restart.' });
  });
  test("the old RHEL tag sshd(pam_unix) is sshd's PAM failure", () => {
    expect(parse('Nov 20 10:00:00 oldbox sshd(pam_unix)[3521]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=203.0.113.8  user=root')).toMatchObject({ source: 'sshd', action: 'pam-auth-failure', ip: '203.0.113.8', user: 'root' });
  });
});

describe('BSD, macOS, Solaris and journal forms', () => {
  const timeOf = (line: string, ctx = {}) => normalizeSyslogLine(line, { year: 2026, ...ctx })[0].time;
  const TEN = Date.UTC(2026, 10, 20, 10);

  test("auth-pam.c's error lines (BSD, macOS) are PAM failures with user and address, invalid users marked", () => {
    const e = normalizeSyslogLine('Nov 20 10:00:00 bsd-01 sshd[4100]: error: PAM: Authentication failure for alice from 203.0.113.9', { year: 2026 })[0];
    expect(e.fields).toMatchObject({ event: { action: 'pam-auth-failure', outcome: 'failure' }, user: { name: 'alice' }, source: { ip: '203.0.113.9' }, sshd: { invalid_user: false } });
    const illegal = normalizeSyslogLine('Nov 20 10:00:00 bsd-01 sshd[4101]: error: PAM: authentication error for illegal user bob from 203.0.113.9', { year: 2026 })[0];
    expect(illegal.fields).toMatchObject({ user: { name: 'bob' }, sshd: { invalid_user: true, reason: 'authentication error' } });
    // Not attempts by themselves: the try's Failed line or its connection's close is.
    expect((illegal.fields as any).sshd.attempt).toBeUndefined();
  });

  test('a Solaris / illumos message id and facility before the message is read past', () => {
    const e = normalizeSyslogLine('Nov 20 10:00:00 sol-01 sshd[812]: [ID 800047 auth.info] Failed password for root from 203.0.113.10 port 40222 ssh2', { year: 2026 })[0];
    expect(e.fields).toMatchObject({ event: { action: 'auth-failed' }, source: { ip: '203.0.113.10', port: 40222 }, sshd: { attempt: true }, message: 'Failed password for root from 203.0.113.10 port 40222 ssh2' });
  });

  test('journalctl -o short-full: UTC as written, another abbreviation in the configured zone', () => {
    expect(timeOf('Fri 2026-11-20 10:00:00 UTC web-02 sshd[900]: Connection closed by authenticating user root 203.0.113.11 port 1 [preauth]')).toBe(TEN);
    expect(timeOf('Fri 2026-11-20 18:00:00 CST web-02 sshd[900]: Connection closed by authenticating user root 203.0.113.11 port 1 [preauth]', { tzOffsetMinutes: 480 })).toBe(TEN);
  });

  test('journalctl -o short-unix: seconds since the epoch', () => {
    expect(timeOf('1795168800.250000 web-02 sshd[901]: Failed password for root from 203.0.113.11 port 2 ssh2')).toBe(TEN + 250);
  });

  test('macOS log show --style syslog: two spaces after the timestamp', () => {
    const [e] = normalizeSyslogLine('2026-11-20 10:00:00.123456+0000  mac-01 sshd[902]: error: PAM: authentication error for illegal user x from 203.0.113.12', { year: 2026 });
    expect(e.time).toBe(TEN + 123);
    expect(e.fields).toMatchObject({ host: { hostname: 'mac-01' }, event: { action: 'pam-auth-failure' }, source: { ip: '203.0.113.12' } });
  });

  test('file transfer sessions: the subsystem request and sftp-server with -l INFO', () => {
    expect(parse('Nov 20 10:00:00 web sshd[903]: subsystem request for sftp by user deploy')).toMatchObject({ action: 'subsystem-request', user: 'deploy' });
    expect(parse('Nov 20 10:00:00 web sftp-server[904]: session opened for local user deploy from [10.0.0.5]')).toMatchObject({ source: 'sshd', action: 'file-transfer-session', user: 'deploy', ip: '10.0.0.5' });
  });

  test('which failures are attempts: secret-trying methods yes, offered keys and none no', () => {
    const attempt = (msg: string) => (normalizeSyslogLine(`Nov 20 10:00:00 web sshd[905]: ${msg}`, { year: 2026 })[0].fields as any).sshd?.attempt ?? false;
    expect(attempt('Failed password for root from 203.0.113.13 port 1 ssh2')).toBe(true);
    expect(attempt('Failed keyboard-interactive/pam for invalid user x from 203.0.113.13 port 1 ssh2')).toBe(true);
    expect(attempt('Failed publickey for root from 203.0.113.13 port 1 ssh2: RSA SHA256:abc')).toBe(false);
    expect(attempt('Failed none for invalid user x from 203.0.113.13 port 1 ssh2')).toBe(false);
    expect(attempt('Disconnecting authenticating user root 203.0.113.13 port 1: Too many authentication failures [preauth]')).toBe(true);
    expect(attempt('Received disconnect from 203.0.113.13 port 1:11: Bye Bye [preauth]')).toBe(false);
    expect(attempt('Invalid user x from 203.0.113.13 port 1')).toBe(false);
  });
});
