import { normalizeSyslogLine } from '../../shared/events/syslog';
import { normalizeJsonRecord } from '../../shared/events/json-record';

const one = (line: string) => normalizeSyslogLine(line, { year: 2026 })[0];

describe('local account changes', () => {
  test.each([
    ['Nov 23 14:04:12 h useradd[1]: new user: name=eve, UID=1501, GID=1501, home=/home/eve, shell=/bin/bash, from=/dev/pts/1', 'user-created', 'eve', undefined],
    ['Nov 23 14:04:12 h useradd[1]: new group: name=eve, GID=1501', 'group-created', undefined, 'eve'],
    ['Nov 23 14:04:12 h groupadd[1]: group added to /etc/group: name=devs, GID=1003', 'group-created', undefined, 'devs'],
    ["Nov 23 14:04:12 h usermod[1]: add 'eve' to group 'wheel'", 'group-member-added', 'eve', 'wheel'],
    ["Nov 23 14:04:12 h usermod[1]: add 'eve' to shadow group 'wheel'", 'group-member-added', 'eve', 'wheel'],
    ['Nov 23 14:04:12 h gpasswd[1]: user eve added by root to group sudo', 'group-member-added', 'eve', 'sudo'],
    ['Nov 23 14:04:12 h gpasswd[1]: user eve removed by root from group sudo', 'group-member-removed', 'eve', 'sudo'],
    ["Nov 23 14:04:12 h userdel[1]: delete user 'eve'", 'user-deleted', 'eve', undefined],
    ["Nov 23 14:04:12 h usermod[1]: change user 'eve' shell from '/bin/sh' to '/bin/bash'", 'user-modified', 'eve', undefined],
    ['Nov 23 14:04:12 h passwd[1]: pam_unix(passwd:chauthtok): password changed for eve', 'password-changed', 'eve', undefined],
  ])('%s', (line, action, user, group) => {
    const e = one(line);
    expect(e.source).toBe('account');
    const f = e.fields as any;
    expect([f.event.action, f.user?.target?.name, f.group?.name]).toEqual([action, user, group]);
  });
});

describe('web server error logs', () => {
  test('nginx', () => {
    const e = one('2026/11/22 03:10:00 [error] 2211#2211: *900 open() "/usr/share/nginx/html/.env" failed (2: No such file or directory), client: 45.148.10.77, server: shop, request: "GET /.env HTTP/1.1", host: "shop"');
    expect(e.source).toBe('webserver');
    expect(e.fields).toMatchObject({ '@timestamp': '2026-11-22T03:10:00.000Z', log: { level: 'error' }, source: { ip: '45.148.10.77' }, http: { request: { line: 'GET /.env HTTP/1.1' } }, process: { name: 'nginx', pid: 2211 } });
  });
  test('Apache', () => {
    const e = one('[Fri Nov 20 10:00:01.123456 2026] [core:error] [pid 1234:tid 5678] [client 198.51.100.91:51234] AH00037: Symbolic link not allowed');
    expect(e.fields).toMatchObject({ '@timestamp': '2026-11-20T10:00:01.000Z', log: { level: 'error' }, source: { ip: '198.51.100.91' }, process: { name: 'apache', pid: 1234 } });
  });
});

describe('osquery results', () => {
  const base = { name: 'pack_secmon_listening_ports', hostIdentifier: 'web-01', unixTime: 1795428000 };
  test('differential row, batched diff and snapshot forms each give one event per row', () => {
    expect(normalizeJsonRecord({ ...base, columns: { port: '22' }, action: 'added' }, undefined, 'auto', {}).map((e) => (e.fields as any).osquery.action)).toEqual(['added']);
    const batched = normalizeJsonRecord({ ...base, diffResults: { added: [{ port: '1' }, { port: '2' }], removed: [{ port: '3' }] } }, undefined, 'auto', {});
    expect(batched.map((e) => [(e.fields as any).osquery.action, (e.fields as any).osquery.columns.port])).toEqual([['added', '1'], ['added', '2'], ['removed', '3']]);
    const snap = normalizeJsonRecord({ ...base, snapshot: [{ port: '80' }], action: 'snapshot' }, undefined, 'auto', {});
    expect(snap[0]).toMatchObject({ source: 'osquery', time: 1795428000000, fields: { host: { hostname: 'web-01' }, event: { dataset: 'osquery' } } });
  });
  test('a result without unixTime is an error naming the field', () => {
    expect(() => normalizeJsonRecord({ name: 'x', hostIdentifier: 'h', columns: {} }, { path: 'r.log', line: 4 }, 'auto', {})).toThrow('r.log:4: osquery result: unixTime missing');
  });
  test.each([
    ['diffResults.added', { diffResults: { added: { port: '22' } } }, 'r.log:5: osquery result: diffResults.added is not a list of rows'],
    ['diffResults.removed', { diffResults: { removed: 'x' } }, 'r.log:5: osquery result: diffResults.removed is not a list of rows'],
    ['diffResults', { diffResults: [1] }, 'r.log:5: osquery result: diffResults is not an object with added and removed rows'],
    ['snapshot', { snapshot: { port: '22' } }, 'r.log:5: osquery result: snapshot is not a list of rows'],
  ])('a malformed %s is an error naming the field', (_f, extra, message) => {
    expect(() => normalizeJsonRecord({ name: 'x', hostIdentifier: 'h', unixTime: 1795428000, ...extra }, { path: 'r.log', line: 5 }, 'auto', {})).toThrow(message);
  });
});
