import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { normalizeJsonRecord } from '../../shared/events/json-record';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { readEvents } from '../../shared/local/input/read-events';
import { tempDir } from '../helpers';

/**
 * Journal-only hosts: systemd journal records as `journalctl -o json` writes them and
 * as Logtail's journal input puts them in SLS become the same events as the syslog
 * line would have (the fields journald documents: MESSAGE, SYSLOG_IDENTIFIER, _PID,
 * _HOSTNAME, __REALTIME_TIMESTAMP in microseconds).
 */
const message = 'Failed password for invalid user oracle from 203.0.113.51 port 40122 ssh2';
const journalctl = {
  __CURSOR: 's=7f3a;i=1f3;b=9e41;m=4d5e6f;t=62b4a0;x=9c1d',
  __REALTIME_TIMESTAMP: '1795251600123456',
  __MONOTONIC_TIMESTAMP: '81234567',
  _BOOT_ID: '9e41',
  PRIORITY: '6',
  SYSLOG_FACILITY: '10',
  SYSLOG_IDENTIFIER: 'sshd',
  _PID: '2412',
  _COMM: 'sshd',
  _HOSTNAME: 'web-07',
  _SYSTEMD_UNIT: 'ssh.service',
  MESSAGE: message,
};
const logtail = { __time__: '1795251600', __source__: '172.16.3.20', __topic__: 'journal', _realtime_timestamp_: '1795251600123456', SYSLOG_IDENTIFIER: 'sshd', _PID: '2412', _HOSTNAME: 'web-07', MESSAGE: message, PRIORITY: '6' };
const fieldsOf = (e: { fields: Record<string, unknown> }) => {
  const { id: _id, log: _log, ...rest } = e.fields;
  return rest;
};

test('a journalctl -o json record is the event its syslog line would be', async () => {
  const [fromLine] = normalizeSyslogLine(`2026-11-21T09:00:00.123456Z web-07 sshd[2412]: ${message}`);
  const file = path.join(tempDir(), 'journal.json');
  writeFileSync(file, `${JSON.stringify(journalctl)}\n`);
  const events = [];
  for await (const chunk of readEvents(file, { format: 'auto', syslog: {} })) events.push(...chunk.events);
  expect(events).toHaveLength(1);
  expect(events[0].source).toBe('sshd');
  expect(events[0].time).toBe(Date.parse('2026-11-21T09:00:00.123Z'));
  expect(fieldsOf(events[0])).toEqual(fieldsOf(fromLine));
  expect(events[0].fields).toMatchObject({ event: { action: 'auth-failed' }, source: { ip: '203.0.113.51' }, user: { name: 'oracle' }, host: { hostname: 'web-07' } });
});

test('journalctl -o json-seq (a record separator before each record) and the short-full / short-unix lines are the same event', async () => {
  const [fromLine] = normalizeSyslogLine(`2026-11-21T09:00:00.123456Z web-07 sshd[2412]: ${message}`);
  const file = path.join(tempDir(), 'journal.seq');
  writeFileSync(file, `\x1e${JSON.stringify(journalctl)}\n\x1e${JSON.stringify({ ...journalctl, __CURSOR: 'x2', __REALTIME_TIMESTAMP: '1795251601000000' })}\n`);
  const events = [];
  for await (const chunk of readEvents(file, { format: 'auto', syslog: {} })) events.push(...chunk.events);
  expect(events.map((e) => e.time)).toEqual([Date.parse('2026-11-21T09:00:00.123Z'), Date.parse('2026-11-21T09:00:01Z')]);
  expect(fieldsOf(events[0])).toEqual(fieldsOf(fromLine));
  for (const line of [`Sat 2026-11-21 09:00:00.123456 UTC web-07 sshd[2412]: ${message}`, `1795251600.123456 web-07 sshd[2412]: ${message}`]) {
    const [e] = normalizeSyslogLine(line);
    expect(e.time).toBe(Date.parse('2026-11-21T09:00:00.123Z'));
    expect(fieldsOf(e)).toEqual(fieldsOf(fromLine));
  }
});

test('Logtail journal records in SLS are read, with the auto shape and the SLS trigger’s', () => {
  for (const shape of ['auto', 'sls'] as const) {
    const [e] = normalizeJsonRecord({ ...logtail }, { path: 'sls://p/journal/0/c', line: 1 }, shape, {});
    expect(e.fields).toMatchObject({ event: { dataset: 'sshd', action: 'auth-failed' }, source: { ip: '203.0.113.51' }, process: { name: 'sshd', pid: 2412 } });
    expect(e.time).toBe(Date.parse('2026-11-21T09:00:00.123Z'));
  }
});

test('a binary MESSAGE, or no wall-clock time, is one error that says so', () => {
  expect(() => normalizeJsonRecord({ ...journalctl, MESSAGE: [70, 97, 105, 108] }, { path: 'j.json', line: 2 }, 'auto', {})).toThrow('j.json:2: journal record: MESSAGE is not text');
  const { __REALTIME_TIMESTAMP: _t, ...monotonic } = journalctl;
  expect(() => normalizeJsonRecord(monotonic, { path: 'j.json', line: 3 }, 'auto', {})).toThrow('no wall-clock time');
  expect(() => normalizeSyslogLine('[   81.234567] web-07 sshd[2412]: x', { origin: { path: 'm.log', line: 1 } })).toThrow('journalctl -o short-monotonic has no wall-clock time');
});
