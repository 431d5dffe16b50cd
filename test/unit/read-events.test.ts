import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputChunk, InputFormat, readEvents } from '../../shared/local/input/read-events';
import { tempDir } from '../helpers';

async function readAll(file: string, format: InputFormat = 'auto', chunkLines?: number) {
  const chunks: InputChunk[] = [];
  for await (const c of readEvents(file, { format, syslog: { year: 2026 }, chunkLines })) chunks.push(c);
  return {
    chunks,
    events: chunks.flatMap((c) => c.events),
    errors: chunks.flatMap((c) => c.errors.map((e) => e.message)),
    records: chunks.reduce((n, c) => n + c.records, 0),
  };
}

const at = (id: string, t = '2026-11-20T01:00:00Z') => JSON.stringify({ eventId: id, eventName: 'DescribeRegions', eventType: 'ApiCall', eventTime: t });

describe('reading input files', () => {
  test('JSON lines: a malformed line and an unknown shape are reported with line numbers and skipped', async () => {
    const dir = tempDir({ 'a.jsonl': [at('1'), '{"eventId": "2", broken', '', at('3'), '{"hello": 1}', at('4')].join('\n') + '\n' });
    const file = path.join(dir, 'a.jsonl');
    const r = await readAll(file);
    expect(r.events.map((e) => e.id)).toEqual(['1', '3', '4']);
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${file}:2: malformed JSON`)), expect.stringMatching(new RegExp(`^${file}:5: unknown event shape`))]);
    expect(r.records).toBe(5);
    expect((r.events[1].fields as any).log).toEqual({ file: { path: file, line: 4 } });
  });

  test('syslog: an unparseable line is reported and the rest evaluated', async () => {
    const dir = tempDir({ 'auth.log': 'Nov 20 10:00:00 h sshd[1]: Accepted password for a from 10.0.0.1 port 2 ssh2\r\nthis is not syslog\r\nNov 20 10:00:01 h sudo: a : TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/bin/id\r\n' });
    const r = await readAll(path.join(dir, 'auth.log'));
    expect(r.events.map((e) => e.source)).toEqual(['sshd', 'sudo']);
    expect(r.errors).toEqual([`${path.join(dir, 'auth.log')}:2: not a syslog line (no RFC 3164, RFC 5424 or ISO-8601 header)`]);
  });

  test('a pretty-printed JSON array gets the line of each element', async () => {
    const doc = JSON.stringify([JSON.parse(at('1')), JSON.parse(at('2')), { nope: true }], null, 2);
    const dir = tempDir({ 'events.json': doc });
    const r = await readAll(path.join(dir, 'events.json'));
    const lines = doc.split('\n');
    const startOf = (id: string) => lines.findIndex((l, i) => l.includes(`"eventId": "${id}"`) && i > 0); // 0-based line of the id, element starts one line above
    expect(r.events.map((e) => (e.fields as any).log.file.line)).toEqual([startOf('1'), startOf('2')]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/:\d+: unknown event shape/);
  });

  test('a LookupEvents answer ({"Events": [...]}) is read as its records', async () => {
    const dir = tempDir({ 'lookup.json': JSON.stringify({ RequestId: 'r', Events: [JSON.parse(at('1')), JSON.parse(at('2'))], NextToken: '' }, null, 2) });
    const r = await readAll(path.join(dir, 'lookup.json'));
    expect(r.events.map((e) => e.id)).toEqual(['1', '2']);
  });

  test('a malformed JSON document is one error, not a crash', async () => {
    const dir = tempDir({ 'bad.json': '[\n  {"eventId": "1",\n' });
    const r = await readAll(path.join(dir, 'bad.json'));
    expect(r.events).toEqual([]);
    expect(r.errors[0]).toMatch(/bad\.json:1: malformed JSON document/);
  });

  test('gzip files are read transparently', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'trail.jsonl.gz');
    writeFileSync(file, gzipSync(Buffer.from(`${at('1')}\n${at('2')}\n`)));
    expect((await readAll(file)).events.map((e) => e.id)).toEqual(['1', '2']);
  });

  test('--format forces the reading: JSON forced as syslog fails per line', async () => {
    const dir = tempDir({ 'x.log': `${at('1')}\n` });
    const r = await readAll(path.join(dir, 'x.log'), 'syslog');
    expect(r.events).toEqual([]);
    expect(r.errors[0]).toMatch(/not a syslog line/);
    const ok = await readAll(path.join(dir, 'x.log'), 'actiontrail');
    expect(ok.events.map((e) => e.id)).toEqual(['1']);
  });

  test('input is yielded in chunks of the requested size', async () => {
    const dir = tempDir({ 'a.jsonl': Array.from({ length: 25 }, (_, i) => at(String(i))).join('\n') });
    const r = await readAll(path.join(dir, 'a.jsonl'), 'auto', 10);
    expect(r.chunks.map((c) => c.records)).toEqual([10, 10, 5]);
  });
});
