import { normalizeSyslogLine } from '../../shared/events/syslog';

/** su lines as util-linux's su-common.c and shadow-utils write them (the messages, not copied logs). */
function parse(message: string) {
  const [e] = normalizeSyslogLine(`Nov 20 10:00:00 web-01 su[3100]: ${message}`, { year: 2026 });
  const f = e.fields as any;
  return { source: e.source, action: f.event.action, outcome: f.event.outcome, user: f.user?.name, target: f.user?.effective?.name, tty: f.su?.tty, reason: f.su?.reason };
}

test.each([
  ['FAILED SU (to root) alice on pts/0', { source: 'su', action: 'auth-failed', outcome: 'failure', user: 'alice', target: 'root', tty: 'pts/0' }],
  ['FAILED SU (to root) alice on pts/3: root login is disabled', { action: 'auth-failed', user: 'alice', target: 'root', tty: 'pts/3', reason: 'root login is disabled' }],
  ['(to root) alice on pts/0', { action: 'switched', outcome: 'success', user: 'alice', target: 'root', tty: 'pts/0' }],
  ['(to postgres) deploy on none', { action: 'switched', user: 'deploy', target: 'postgres', tty: 'none' }],
  ['FAILED su for root by bob', { action: 'auth-failed', user: 'bob', target: 'root' }],
  ['Successful su for root by bob', { action: 'switched', user: 'bob', target: 'root' }],
  ['- pts/1 bob:root', { action: 'auth-failed', user: 'bob', target: 'root', tty: 'pts/1' }],
  ['+ pts/1 bob:root', { action: 'switched', user: 'bob', target: 'root', tty: 'pts/1' }],
  ['pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root', { action: 'pam-auth-failure', user: 'alice', target: 'root' }],
  ['pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)', { action: 'session-opened', user: 'alice', target: 'root' }],
  ['pam_unix(su:session): session closed for user root', { action: 'session-closed', target: 'root' }],
  ['BAD SU alice to root on /dev/pts/0', { action: 'auth-failed', user: 'alice', target: 'root', tty: '/dev/pts/0' }],
  ['BAD SU root on tty1', { action: 'auth-failed', target: 'root', tty: 'tty1' }],
  ['something else entirely', { action: 'other' }],
])('%s', (message, expected) => {
  expect(parse(message)).toMatchObject(expected);
});

describe('systemd-logind session lines', () => {
  test('a new session names its user and id; a removed one its id', () => {
    const [opened] = normalizeSyslogLine('Nov 20 10:00:00 web-01 systemd-logind[612]: New session 42 of user alice.', { year: 2026 });
    expect(opened.source).toBe('syslog');
    expect(opened.fields).toMatchObject({ event: { action: 'session-opened' }, user: { name: 'alice' }, session: { id: '42' } });
    const [closed] = normalizeSyslogLine('Nov 20 10:05:00 web-01 systemd-logind[612]: Removed session 42.', { year: 2026 });
    expect(closed.fields).toMatchObject({ event: { action: 'session-closed' }, session: { id: '42' } });
    const [other] = normalizeSyslogLine('Nov 20 10:05:00 web-01 systemd-logind[612]: Watching system buttons on /dev/input/event0 (Power Button)', { year: 2026 });
    expect((other.fields as any).event.action).toBeUndefined();
  });
});
