import { normalizeSyslogLine } from '../../shared/events/syslog';

function parse(line: string): any {
  const [e] = normalizeSyslogLine(line, { year: 2026 });
  expect(e.source).toBe('sudo');
  return e.fields;
}

describe('sudo lines', () => {
  test('command invocation (Debian, leading spaces)', () => {
    const f = parse('2026-11-20T09:15:02.118346+08:00 web-01 sudo[2260]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx');
    expect(f.event).toMatchObject({ action: 'command', outcome: 'success' });
    expect(f.user).toEqual({ name: 'deploy', effective: { name: 'root' } });
    expect(f.process).toMatchObject({ command_line: '/usr/bin/systemctl restart nginx', executable: '/usr/bin/systemctl', working_directory: '/home/deploy' });
    expect(f.sudo).toEqual({ tty: 'pts/0' });
  });

  test('command invocation (RHEL, no pid, with ENV and GROUP)', () => {
    const f = parse('Nov 20 11:03:02 db-01 sudo: ecs-user : TTY=pts/0 ; PWD=/home/ecs-user ; USER=postgres ; GROUP=postgres ; ENV=PGDATA=/var/lib/pgsql ; COMMAND=/usr/bin/psql -c select 1');
    expect(f.user).toEqual({ name: 'ecs-user', effective: { name: 'postgres' } });
    expect(f.process.command_line).toBe('/usr/bin/psql -c select 1');
  });

  test('incorrect password attempts', () => {
    const f = parse('Nov 20 10:20:11 web-01 sudo[3500]: mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/bash');
    expect(f.event).toMatchObject({ action: 'auth-failed', outcome: 'failure' });
    expect(f.sudo).toMatchObject({ attempts: 3, reason: '3 incorrect password attempts', tty: 'pts/1' });
    expect(f.user.name).toBe('mallory');
  });

  test('user not in sudoers', () => {
    const f = parse('Nov 20 10:21:40 web-01 sudo[3511]:   intern : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/intern ; USER=root ; COMMAND=/usr/bin/cat /etc/shadow');
    expect(f.event).toMatchObject({ action: 'not-in-sudoers', outcome: 'failure' });
    expect(f.process.command_line).toBe('/usr/bin/cat /etc/shadow');
  });

  test('PAM authentication failure names the invoking user', () => {
    const f = parse('Nov 20 10:20:05 web-01 sudo[3500]: pam_unix(sudo:auth): authentication failure; logname=mallory uid=1003 euid=0 tty=/dev/pts/1 ruser=mallory rhost=  user=mallory');
    expect(f.event).toMatchObject({ action: 'pam-auth-failure', outcome: 'failure' });
    expect(f.user.name).toBe('mallory');
  });

  test('a PWD crafted to look like another command cannot hide the real one', () => {
    const f = parse('Nov 20 10:20:05 web-01 sudo[1]: eve : TTY=pts/3 ; PWD=/tmp/x ; USER=nobody ; COMMAND=/bin/true ; USER=root ; COMMAND=/bin/rm -rf /');
    expect(f.process.command_line).toContain('/bin/rm -rf /');
    expect(f.user.effective.name).toBe('nobody');
  });

  test('a PWD holding " ; USER=" does not replace the real target user', () => {
    const f = parse('Nov 20 10:20:05 web-01 sudo[1]: eve : TTY=pts/3 ; PWD=/tmp/a ; USER=nobody ; USER=root ; COMMAND=/bin/id');
    expect(f.user.effective.name).toBe('root');
  });
});
