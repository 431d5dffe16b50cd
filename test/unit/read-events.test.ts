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

describe('the format of each record', () => {
  test('a garbage first line does not turn a JSON-lines file into syslog', async () => {
    const lines = ['garbage: not an event', ...Array.from({ length: 500 }, (_, i) => at(`e${i}`))];
    const file = path.join(tempDir({ 'trail.jsonl': lines.join('\n') + '\n' }), 'trail.jsonl');
    const r = await readAll(file);
    expect(r.events).toHaveLength(500);
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${file}:1: `))]);
  });

  test('a broken first JSON record is one skipped record, not a broken document', async () => {
    const file = path.join(tempDir({ 'trail.jsonl': ['{"eventId": "1", "eventName": "Desc', at('2'), at('3')].join('\n') + '\n' }), 'trail.jsonl');
    const r = await readAll(file);
    expect(r.events.map((e) => e.id)).toEqual(['2', '3']);
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${file}:1: malformed JSON`))]);
  });

  test('a file mixing syslog lines and JSON records reads each as what it is', async () => {
    const file = path.join(
      tempDir({
        'mixed.log': ['Nov 20 10:00:00 web-01 sshd[1]: Failed password for root from 198.51.100.1 port 1 ssh2', at('j1'), 'Nov 20 10:00:01 web-01 sshd[2]: Accepted publickey for deploy from 198.51.100.2 port 2 ssh2: ED25519 SHA256:x'].join('\n') + '\n',
      }),
      'mixed.log',
    );
    const r = await readAll(file);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.source)).toEqual(['sshd', 'actiontrail', 'sshd']);
  });

  test('Apache and nginx error logs are read, though Apache lines start with "["', async () => {
    const apache = [
      '[Fri Nov 20 10:00:00.123456 2026] [core:error] [pid 2041:tid 140233] [client 203.0.113.5:50010] AH00126: Invalid URI in request GET /..%2f..%2fetc/passwd HTTP/1.1',
      '[Fri Nov 20 10:00:02 2026] [authz_core:error] [pid 2041] [client 203.0.113.5:50011] AH01630: client denied by server configuration: /var/www/html/.git',
    ];
    const nginx = '2026/11/20 10:00:05 [error] 2211#2211: *9 open() "/usr/share/nginx/html/wp-login.php" failed (2: No such file or directory), client: 203.0.113.5, server: shop.example.com, request: "GET /wp-login.php HTTP/1.1", host: "shop.example.com"';
    const file = path.join(tempDir({ 'error.log': [...apache, nginx].join('\n') + '\n' }), 'error.log');
    const r = await readAll(file);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.source, (e.fields as any).process.name, (e.fields as any).source?.ip])).toEqual([
      ['webserver', 'apache', '203.0.113.5'],
      ['webserver', 'apache', '203.0.113.5'],
      ['webserver', 'nginx', '203.0.113.5'],
    ]);
  });

  test('a compact JSON array on one line is one record per element', async () => {
    const file = path.join(tempDir({ 'page.json': `[${at('a')},${at('b')}]\n` }), 'page.json');
    expect((await readAll(file)).events.map((e) => e.id)).toEqual(['a', 'b']);
  });

  test('--format forces JSON: a text line is one malformed record', async () => {
    const file = path.join(tempDir({ 'trail.jsonl': [at('1'), 'Nov 20 10:00:00 web-01 sshd[1]: Failed password for root from 198.51.100.1 port 1 ssh2', at('2')].join('\n') + '\n' }), 'trail.jsonl');
    const r = await readAll(file, 'actiontrail');
    expect(r.events.map((e) => e.id)).toEqual(['1', '2']);
    expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^${file}:2: malformed JSON`))]);
  });
});

describe('limits, each a clear error for one record', () => {
  test('a record nested 100,000 deep is refused; the records around it are read', async () => {
    const deep = `{"eventId":"deep","eventName":"X","eventType":"ApiCall","eventTime":"2026-11-20T01:00:00Z","requestParameters":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const file = path.join(tempDir({ 'deep.jsonl': [at('1'), deep, at('2')].join('\n') + '\n' }), 'deep.jsonl');
    const r = await readAll(file);
    expect(r.events.map((e) => e.id)).toEqual(['1', '2']);
    expect(r.errors).toEqual([`${file}:2: record nested deeper than 100 levels: refused`]);
  });

  test('parameters sent as JSON text count: nested too deep inside the string, literally or \\u-escaped, the record is refused', async () => {
    const record = (id: string, param: string) => JSON.stringify({ eventId: id, eventName: 'X', eventType: 'ApiCall', eventTime: '2026-11-20T01:00:00Z', requestParameters: { Ids: param } });
    // Parsed after the record, into arrays nested inside it.
    const literal = record('literal', `${'['.repeat(150)}1${']'.repeat(150)}`);
    const escaped = record('escaped', `[${'\\u005b'.repeat(150)}1${'\\u005d'.repeat(150)}]`).replace(/\\\\u/g, '\\u');
    // 99 levels inside the string, 101 with the record and its parameters.
    const edge = record('edge', `${'['.repeat(99)}1${']'.repeat(99)}`);
    const fine = record('fine', `${'['.repeat(98)}1${']'.repeat(98)}`);
    const file = path.join(tempDir({ 'deep.jsonl': [at('1'), literal, escaped, edge, fine, at('2')].join('\n') + '\n' }), 'deep.jsonl');
    const r = await readAll(file);
    expect(r.events.map((e) => e.id)).toEqual(['1', 'fine', '2']);
    expect(r.errors).toEqual([2, 3, 4].map((line) => `${file}:${line}: record nested deeper than 100 levels: refused`));
  });

  test('a line over 1 MB is reported with its length and the limit', async () => {
    const long = JSON.stringify({ eventId: 'long', eventName: 'X', eventType: 'ApiCall', eventTime: '2026-11-20T01:00:00Z', pad: 'x'.repeat(1_100_000) });
    const file = path.join(tempDir({ 'long.jsonl': [at('1'), long, at('2')].join('\n') + '\n' }), 'long.jsonl');
    const r = await readAll(file);
    expect(r.events.map((e) => e.id)).toEqual(['1', '2']);
    expect(r.errors).toEqual([`${file}:2: line of ${long.length} characters is longer than the 1048576 allowed: skipped`]);
  });
});
