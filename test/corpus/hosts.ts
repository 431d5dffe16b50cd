/**
 * Host log lines per distribution, written for secmon from the format strings in
 * OpenSSH's auth.c, auth2.c, auth-pam.c, packet.c and session.c, sudo's logging.c
 * and util-linux's su, for the versions each distribution ships. Nothing here is
 * copied from a real log: addresses are documentation ranges, names are made up.
 *
 * Each distribution says how its lines start (its syslog header) and which OpenSSH
 * forms it has, so the scenarios below can write a bot's traffic as that server
 * would log it.
 */
export interface Expect {
  action: string;
  user?: string;
  ip?: string;
  /** Whether the brute-force rules count it (sshd.attempt). */
  attempt?: boolean;
}

export interface Distribution {
  name: string;
  openssh: string;
  /** The syslog header of a line at second `s` after 10:00:00 UTC on 2026-11-20, program and pid. */
  header(s: number, program: string, pid: number): string;
  /** OpenSSH 7.6 and later name the user when a connection closes before authentication. */
  namesUserOnClose: boolean;
  /** OpenSSH 9.8 and later log authentication from sshd-session. */
  sessionProgram: string;
  lines: Array<[string, string, Expect]>;
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (s: number) => `${pad(10 + Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
const bsd = (host: string) => (s: number, program: string, pid: number) => `Nov 20 ${clock(s)} ${host} ${program}[${pid}]:`;
const iso = (host: string, zone: string) => (s: number, program: string, pid: number) => `2026-11-20T${clock(s)}.${String(100000 + s * 7).slice(-6)}${zone} ${host} ${program}[${pid}]:`;

/** The common OpenSSH lines of 7.6 and later, for a distribution's program name. */
function modernSshd(sshd: string): Array<[string, string, Expect]> {
  return [
    [sshd, 'Failed password for root from 203.0.113.20 port 40010 ssh2', { action: 'auth-failed', user: 'root', ip: '203.0.113.20', attempt: true }],
    [sshd, 'Failed password for invalid user oracle from 203.0.113.20 port 40011 ssh2', { action: 'auth-failed', user: 'oracle', ip: '203.0.113.20', attempt: true }],
    [sshd, 'Invalid user oracle from 203.0.113.20 port 40011', { action: 'invalid-user', user: 'oracle', ip: '203.0.113.20', attempt: false }],
    [sshd, 'Connection closed by authenticating user root 203.0.113.20 port 40012 [preauth]', { action: 'preauth-disconnect', user: 'root', ip: '203.0.113.20', attempt: true }],
    [sshd, 'Connection closed by invalid user oracle 203.0.113.20 port 40011 [preauth]', { action: 'preauth-disconnect', user: 'oracle', ip: '203.0.113.20', attempt: true }],
    [sshd, 'Received disconnect from 203.0.113.20 port 40013:11: Bye Bye [preauth]', { action: 'disconnect', ip: '203.0.113.20', attempt: false }],
    [sshd, 'Disconnected from authenticating user root 203.0.113.20 port 40013 [preauth]', { action: 'preauth-disconnect', user: 'root', ip: '203.0.113.20', attempt: true }],
    [sshd, 'Disconnecting authenticating user root 203.0.113.20 port 40014: Too many authentication failures [preauth]', { action: 'preauth-disconnect', user: 'root', ip: '203.0.113.20', attempt: true }],
    [sshd, 'error: maximum authentication attempts exceeded for root from 203.0.113.20 port 40014 ssh2 [preauth]', { action: 'max-auth-attempts-exceeded', user: 'root', ip: '203.0.113.20', attempt: false }],
    [sshd, 'Failed publickey for deploy from 10.0.8.15 port 50100 ssh2: RSA SHA256:Y29ycHVzS2V5T25l', { action: 'auth-failed', user: 'deploy', ip: '10.0.8.15', attempt: false }],
    [sshd, 'Accepted publickey for deploy from 10.0.8.15 port 50100 ssh2: ED25519 SHA256:Y29ycHVzS2V5VHdv', { action: 'login', user: 'deploy', ip: '10.0.8.15' }],
    [sshd, 'Failed none for invalid user admin from 203.0.113.21 port 40020 ssh2', { action: 'auth-failed', user: 'admin', ip: '203.0.113.21', attempt: false }],
    [sshd, 'User backup from 203.0.113.22 not allowed because not listed in AllowUsers', { action: 'user-not-allowed', user: 'backup', ip: '203.0.113.22', attempt: false }],
    [sshd, 'ROOT LOGIN REFUSED FROM 203.0.113.23 port 40030 [preauth]', { action: 'root-login-refused', user: 'root', ip: '203.0.113.23' }],
    [sshd, 'Connection closed by 203.0.113.24 port 40040 [preauth]', { action: 'preauth-disconnect', ip: '203.0.113.24', attempt: false }],
    [sshd, 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.20  user=root', { action: 'pam-auth-failure', user: 'root', ip: '203.0.113.20', attempt: false }],
    [sshd, 'Failed password for invalid user x from 6.6.6.6 port 1 ssh2 from 198.51.100.60 port 40050 ssh2', { action: 'auth-failed', ip: '198.51.100.60', attempt: true }],
    ['sudo', 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx', { action: 'command', user: 'alice' }],
    ['sudo', 'mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh', { action: 'auth-failed', user: 'mallory' }],
    ['su', 'FAILED SU (to root) intern on pts/2', { action: 'auth-failed', user: 'intern' }],
    ['su', '(to root) alice on pts/0', { action: 'switched', user: 'alice' }],
  ];
}

export const DISTRIBUTIONS: Distribution[] = [
  {
    name: 'CentOS 7 / RHEL 7, /var/log/secure',
    openssh: '7.4',
    header: bsd('c7-01'),
    namesUserOnClose: false,
    sessionProgram: 'sshd',
    lines: [
      ['sshd', 'Failed password for root from 203.0.113.30 port 41000 ssh2', { action: 'auth-failed', user: 'root', ip: '203.0.113.30', attempt: true }],
      ['sshd', 'Invalid user test from 203.0.113.30 port 41001', { action: 'invalid-user', user: 'test', ip: '203.0.113.30', attempt: false }],
      ['sshd', 'input_userauth_request: invalid user test [preauth]', { action: 'invalid-user', user: 'test', attempt: false }],
      ['sshd', 'Connection closed by 203.0.113.30 port 41001 [preauth]', { action: 'preauth-disconnect', ip: '203.0.113.30', attempt: false }],
      ['sshd', 'Received disconnect from 203.0.113.30 port 41002:11: Bye Bye [preauth]', { action: 'disconnect', ip: '203.0.113.30' }],
      ['sshd', 'Disconnected from 203.0.113.30 port 41002 [preauth]', { action: 'preauth-disconnect', ip: '203.0.113.30', attempt: false }],
      ['sshd', 'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.30  user=root', { action: 'pam-auth-failure', user: 'root', ip: '203.0.113.30', attempt: false }],
      ['sshd', 'error: maximum authentication attempts exceeded for root from 203.0.113.30 port 41003 ssh2 [preauth]', { action: 'max-auth-attempts-exceeded', user: 'root', ip: '203.0.113.30' }],
      ['sshd', 'ROOT LOGIN REFUSED FROM 203.0.113.31 port 41010', { action: 'root-login-refused', user: 'root', ip: '203.0.113.31' }],
      ['sshd', 'Accepted publickey for centos from 10.0.0.5 port 52000 ssh2: RSA SHA256:Y2VudG9zN0tleQ', { action: 'login', user: 'centos', ip: '10.0.0.5' }],
      ['sshd', 'pam_unix(sshd:session): session opened for user centos by (uid=0)', { action: 'session-opened', user: 'centos' }],
      ['sudo', '  centos : TTY=pts/0 ; PWD=/home/centos ; USER=root ; COMMAND=/bin/yum update', { action: 'command', user: 'centos' }],
      ['su', 'pam_unix(su:auth): authentication failure; logname=centos uid=1000 euid=0 tty=pts/0 ruser=centos rhost=  user=root', { action: 'pam-auth-failure', user: 'centos' }],
    ],
  },
  {
    name: 'Alibaba Cloud Linux 3 / RHEL 8, /var/log/secure',
    openssh: '8.0',
    header: bsd('alinux-01'),
    namesUserOnClose: true,
    sessionProgram: 'sshd',
    lines: modernSshd('sshd'),
  },
  {
    name: 'Ubuntu 22.04, /var/log/auth.log',
    openssh: '8.9',
    header: bsd('jammy-01'),
    namesUserOnClose: true,
    sessionProgram: 'sshd',
    lines: [...modernSshd('sshd'), ['sshd', 'pam_unix(sshd:session): session opened for user ubuntu(uid=1000) by (uid=0)', { action: 'session-opened', user: 'ubuntu' }]],
  },
  {
    name: 'Debian 12, rsyslog high-precision auth.log',
    openssh: '9.2',
    header: iso('bookworm-01', '+00:00'),
    namesUserOnClose: true,
    sessionProgram: 'sshd',
    lines: [...modernSshd('sshd'), ['sshd', 'subsystem request for sftp by user deploy', { action: 'subsystem-request', user: 'deploy' }]],
  },
  {
    name: 'Ubuntu 24.04, high-precision auth.log',
    openssh: '9.6',
    header: iso('noble-01', '+00:00'),
    namesUserOnClose: true,
    sessionProgram: 'sshd',
    lines: modernSshd('sshd'),
  },
  {
    name: 'Debian 13 (OpenSSH 10, journal only), journalctl -o short-iso',
    openssh: '10.0',
    header: (s, program, pid) => `2026-11-20T${clock(s)}+0000 trixie-01 ${program}[${pid}]:`,
    namesUserOnClose: true,
    sessionProgram: 'sshd-session',
    lines: modernSshd('sshd-session'),
  },
  {
    name: 'FreeBSD 14, /var/log/auth.log',
    openssh: '9.x',
    header: bsd('bsd-01'),
    namesUserOnClose: true,
    sessionProgram: 'sshd',
    lines: [
      ['sshd', 'error: PAM: Authentication error for root from 203.0.113.40', { action: 'pam-auth-failure', user: 'root', ip: '203.0.113.40', attempt: false }],
      ['sshd', 'error: PAM: Authentication error for illegal user admin from 203.0.113.40', { action: 'pam-auth-failure', user: 'admin', ip: '203.0.113.40', attempt: false }],
      ['sshd', 'Failed keyboard-interactive/pam for root from 203.0.113.40 port 42000 ssh2', { action: 'auth-failed', user: 'root', ip: '203.0.113.40', attempt: true }],
      ['sshd', 'Connection closed by authenticating user root 203.0.113.40 port 42000 [preauth]', { action: 'preauth-disconnect', user: 'root', ip: '203.0.113.40', attempt: true }],
    ],
  },
];

/**
 * A bot against a server with password authentication off, as that server logs it:
 * each connection names a user, is refused every method, and closes.
 */
export function keyOnlyScan(d: Distribution, ip: string, users: string[], start = 0): string[] {
  const out: string[] = [];
  users.forEach((user, i) => {
    const s = start + i * 6;
    const pid = 20000 + start + i;
    const port = 30000 + i;
    const at = (dt: number, msg: string) => out.push(`${d.header(s + dt, d.sessionProgram, pid)} ${msg}`);
    const invalid = user !== 'root';
    if (invalid) at(0, `Invalid user ${user} from ${ip} port ${port}`);
    if (invalid && !d.namesUserOnClose) at(0, `input_userauth_request: invalid user ${user} [preauth]`);
    if (d.namesUserOnClose) at(1, `Connection closed by ${invalid ? 'invalid' : 'authenticating'} user ${user} ${ip} port ${port} [preauth]`);
    else at(1, `Connection closed by ${ip} port ${port} [preauth]`);
  });
  return out;
}

/** A CI runner whose agent offers two unknown keys before the right one, on each of `n` connections (the refusals logged, as at LogLevel VERBOSE). */
export function multiKeyClient(d: Distribution, ip: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = 600 + i * 20;
    const h = (dt: number) => d.header(s + dt, d.sessionProgram, 21000 + i);
    out.push(`${h(0)} Failed publickey for deploy from ${ip} port ${31000 + i} ssh2: RSA SHA256:Y2lLZXlPbmU${i}`);
    out.push(`${h(0)} Failed publickey for deploy from ${ip} port ${31000 + i} ssh2: ECDSA SHA256:Y2lLZXlUd28${i}`);
    out.push(`${h(1)} Accepted publickey for deploy from ${ip} port ${31000 + i} ssh2: ED25519 SHA256:Y2lLZXlUaHJlZQ${i}`);
  }
  return out;
}
