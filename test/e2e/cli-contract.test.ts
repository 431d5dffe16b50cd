import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { runCli } from './run-cli';
import { failedLogin, ruleDef, tempDir } from '../helpers';

describe('secmon CLI contract', () => {
  test('bad input is reported with file and line, counted, skipped; the rest still alerts', async () => {
    const good = Array.from({ length: 5 }, (_, i) => failedLogin(`2026-11-20T10:00:0${i}Z`, '198.51.100.7'));
    const dir = tempDir({ 'auth.log': [good[0], good[1], 'this line is not syslog', good[2], good[3], good[4]].join('\n') + '\n' });
    const r = await runCli(['replay', dir, '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`skipped ${path.join(dir, 'auth.log')}:3: not a syslog line`);
    expect(r.stderr).toMatch(/skipped\s+1\n/);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).rule)).toEqual(['sshd.failed-auth-burst']);

    const strict = await runCli(['replay', dir, '--json', '--strict']);
    expect(strict.status).toBe(2);
    expect(strict.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('events can come from standard input', async () => {
    const input = Array.from({ length: 5 }, (_, i) => failedLogin(`2026-11-20T10:00:0${i}Z`, '198.51.100.8')).join('\n');
    const r = await runCli(['replay', '-', '--json'], { input });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).key).toBe('198.51.100.8');
  });

  test('unreadable input and bad usage exit with status 2', async () => {
    expect((await runCli(['replay', 'no/such/file.log'])).status).toBe(2);
    expect((await runCli(['replay'])).status).toBe(2);
    expect((await runCli(['replay', 'samples/', '--format', 'xml'])).status).toBe(2);
    expect((await runCli(['replay', 'samples/', '--tz', 'CEST'])).status).toBe(2);
    expect((await runCli(['replay', 'samples/', '--state', 'redis://127.0.0.1:1'])).status).toBe(2);
    expect((await runCli(['frobnicate'])).status).toBe(2);
    const badBatch = await runCli(['replay', 'samples/', '--batch', '0']);
    expect(badBatch.status).toBe(2);
    expect(badBatch.stderr).toContain('--batch');
    const noFile = await runCli(['parse', 'no/such/file.log']);
    expect(noFile.status).toBe(2);
    expect(noFile.stderr).toContain('skipped no/such/file.log: cannot read (ENOENT)');
    expect(noFile.stderr).toContain('secmon: no input could be read (1 path(s) skipped)');
  });

  test('replay --help states the batch sizes a replay uses by default', async () => {
    const help = await runCli(['replay', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('lines per state transaction (default 1024 with the memory store, 1000 with Redis)');
  });

  test('the batch size changes when state is written, not what is detected', async () => {
    const alertsWith = async (batch: string) => {
      const r = await runCli(['replay', 'samples/', '--json', '--no-progress', '--batch', batch]);
      expect(r.status).toBe(0);
      return r.stdout.trim().split('\n').map((l) => { const a = JSON.parse(l); return `${a.rule} ${a.key} ${a.time} ${a.count}`; }).sort();
    };
    const one = await alertsWith('1');
    expect(one.length).toBeGreaterThan(10);
    expect(await alertsWith('100000')).toEqual(one);
  });

  test('an invalid rule folder makes replay and validate exit 1, naming file and JSON pointer', async () => {
    const dir = tempDir({ 'bad.json': JSON.stringify(ruleDef({ condition: { field: 'x', op: 'like' as never, value: 1 } })) });
    const v = await runCli(['validate', dir]);
    expect(v.status).toBe(1);
    expect(v.stderr).toContain(`${path.join(dir, 'bad.json')}: /condition/op: must be one of equals, in,`);
    const r = await runCli(['replay', 'samples/', '--rules', dir]);
    expect(r.status).toBe(1);
  });

  test('secmon test exits 1 when a rule test fails, 0 when all pass', async () => {
    const dir = tempDir({ 'r.json': JSON.stringify(ruleDef()) });
    expect((await runCli(['test', dir])).status).toBe(0);
    const failing = ruleDef({ tests: [{ name: 'expects too much', events: [failedLogin('2026-11-20T10:00:00Z', '198.51.100.1')], expect: { alerts: 3 } }] });
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify(failing));
    const r = await runCli(['test', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL test.rule: expects too much');
    expect(r.stdout).toContain('1 rule(s)\ntests: 0 passed, 1 failed\n');
  });

  test('a user rule folder replaces the bundled rules; @bundled adds them back', async () => {
    const dir = tempDir({ 'mine.json': JSON.stringify(ruleDef({ id: 'my.failed-login' })) });
    const only = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--rules', dir]);
    expect(new Set(only.stdout.trim().split('\n').map((l) => JSON.parse(l).rule))).toEqual(new Set(['my.failed-login']));
    const both = await runCli(['replay', 'samples/hosts/secure', '--json', '--year', '2026', '--rules', '@bundled', '--rules', dir]);
    expect(new Set(both.stdout.trim().split('\n').map((l) => JSON.parse(l).rule))).toEqual(new Set(['my.failed-login', 'sshd.successful-login', 'sudo.command', 'sshd.root-login-refused']));
  });

  test('secmon parse prints normalized events that replay reads back to the same alerts', async () => {
    const parsed = await runCli(['parse', 'samples/hosts/auth.log']);
    expect(parsed.status).toBe(0);
    const events = parsed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const firstFailure = events.find((e) => e.event.action === 'auth-failed');
    expect(firstFailure).toMatchObject({ source: { ip: '198.51.100.23', port: 41000 }, user: { name: 'root' }, event: { dataset: 'sshd', outcome: 'failure' }, log: { file: { path: 'samples/hosts/auth.log', line: 10 } } });
    const fromParsed = await runCli(['replay', '-', '--json'], { input: parsed.stdout });
    const direct = await runCli(['replay', 'samples/hosts/auth.log', '--json']);
    const pick = (out: string) => out.trim().split('\n').map((l) => { const a = JSON.parse(l); return [a.rule, a.key, a.time, a.count]; });
    expect(pick(fromParsed.stdout)).toEqual(pick(direct.stdout));
  });

  test('hostile text cannot put terminal control sequences on the screen', async () => {
    const line = `2026-11-20T10:00:00Z h sudo[1]: eve : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/echo \u001b]0;pwned\u0007\u001b[2J`;
    const dir = tempDir({ 'auth.log': `${line}\n` });
    const r = await runCli(['replay', dir]);
    expect(r.stdout).toContain('/bin/echo \\x1b]0;pwned\\x07\\x1b[2J');
    expect(r.stdout).not.toContain('\u001b');
  });
});
