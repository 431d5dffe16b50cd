import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, runCli } from './run-cli';
import { tempDir } from '../helpers';

/**
 * One bad file or folder is reported and skipped: its path and why on stderr, the
 * replay goes on with the rest, the summary counts it, --strict makes it exit 2.
 */
function messyFolder(): string {
  const dir = tempDir();
  copyFileSync(path.join(ROOT, 'samples/hosts/bastion-compromise.log'), path.join(dir, 'good.log'));
  // A .gz cut off in the middle of its data.
  const gz = gzipSync(readFileSync(path.join(ROOT, 'samples/hosts/auth.log')));
  writeFileSync(path.join(dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
  symlinkSync('/nonexistent/secmon-target.log', path.join(dir, 'broken-link.log'));
  symlinkSync(dir, path.join(dir, 'loop'));
  // Links to a file and to a folder elsewhere are followed.
  const elsewhere = tempDir();
  copyFileSync(path.join(ROOT, 'samples/hosts/secure'), path.join(elsewhere, 'secure'));
  symlinkSync(path.join(elsewhere, 'secure'), path.join(dir, 'linked-secure'));
  mkdirSync(path.join(elsewhere, 'more'));
  copyFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), path.join(elsewhere, 'more', 'eb.json'));
  symlinkSync(path.join(elsewhere, 'more'), path.join(dir, 'linked-folder'));
  return dir;
}

test('replay reports each unreadable path with its reason and reads everything else', async () => {
  const dir = messyFolder();
  const r = await runCli(['replay', dir, path.join(dir, 'missing.log'), '--json', '--year', '2026']);
  expect(r.status).toBe(0);
  const skipped = r.stderr.split('\n').filter((l) => l.startsWith('skipped '));
  expect(skipped).toEqual(
    expect.arrayContaining([
      `skipped ${dir}/broken-link.log: broken symbolic link (ENOENT)`,
      `skipped ${dir}/loop: symbolic link to a folder being read (a loop): not followed`,
      `skipped ${dir}/missing.log: cannot read (ENOENT)`,
      expect.stringMatching(new RegExp(`^skipped ${dir}/cut\\.log\\.gz: cannot read \\(Z_BUF_ERROR: unexpected end of file\\): (the \\d+ record\\(s\\) before it are evaluated, the rest of the file skipped|file skipped)$`)),
    ]),
  );
  expect(skipped).toHaveLength(4);
  const rules = r.stdout.trim().split('\n').map((l) => JSON.parse(l).rule);
  // The good file, the linked file and the linked folder were all read.
  expect(rules).toContain('sshd.brute-force-then-success');
  expect(rules).toContain('sudo.command');
  expect(rules).toContain('actiontrail.security-group-open-admin-port');
  expect(r.stderr).toMatch(/files read\s+3 \(4 skipped\)/);
  const strict = await runCli(['replay', dir, '--year', '2026', '--strict']);
  expect(strict.status).toBe(2);
  expect(strict.stderr).toMatch(/--strict: 0 input record\(s\) and 3 file\(s\) or path\(s\) skipped/);
});

test('parse does the same', async () => {
  const dir = messyFolder();
  const r = await runCli(['parse', dir, '--year', '2026']);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/, 3 file\(s\) or path\(s\) skipped/);
  expect(r.stdout.trim().split('\n').length).toBeGreaterThan(20);
});

test('replay --dispatch: a damaged incident file and an unwritable dead-letter path are reported, and the other alerts delivered', async () => {
  const dir = tempDir();
  const incidents = path.join(dir, 'incidents.jsonl');
  writeFileSync(incidents, '{not an incident\n');
  // The dead-letter file's folder is a file: it cannot be written.
  writeFileSync(path.join(dir, 'blocker'), '');
  const config = path.join(dir, 'dispatch.json');
  writeFileSync(
    config,
    JSON.stringify({
      channels: {
        inbox: { type: 'file', path: path.join(dir, 'inbox.jsonl') },
        // Nothing listens there: every delivery to it fails, quickly.
        hook: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: { env: 'T_HOOK_SECRET' } },
      },
      routes: [
        { channels: ['inbox'] },
        { severities: ['critical'], channels: ['hook'], incident: true },
      ],
      incidents: { file: incidents },
      deadLetter: path.join(dir, 'blocker', 'dead.jsonl'),
      retry: { attempts: 1, baseDelayMs: 0 },
    }),
  );
  const r = await runCli(['replay', 'samples/hosts/bastion-compromise.log', '--year', '2026', '--dispatch', '--config', config], { env: { T_HOOK_SECRET: 'hook-secret' } });
  // The hook failed every delivery it was given: said on stderr with the reason, and the exit status says so.
  expect(r.status).toBe(3);
  expect(r.stderr).toMatch(/delivery failed: channel hook failed all 1 of its deliveries \(dead-lettered to .*\): network error/);
  expect(r.stderr).toMatch(new RegExp(`incident not recorded for alert \\w+ \\(sshd\\.brute-force-then-success\\): ${incidents}:1: not a JSON incident; the alert is still delivered`));
  expect(r.stderr).toMatch(new RegExp(`cannot write the dead letter to ${dir}/blocker/dead\\.jsonl \\((ENOTDIR|EEXIST)\\); it follows here:\\n\\{"time":.*"channel":"hook".*"rule":"sshd\\.brute-force-then-success"`));
  // Every alert still reached the inbox (but the audit summaries, which no route here asks for).
  const delivered = readFileSync(path.join(dir, 'inbox.jsonl'), 'utf8').trim().split('\n');
  expect(delivered.length).toBe(r.stdout.match(/^(INFO|LOW|MEDIUM|HIGH|CRITICAL) /gm)!.length - r.stdout.match(/^INFO +(sshd\.successful-login|sudo\.command) /gm)!.length);
  expect(r.stdout).toMatch(/dead-lettered\s+1/);
  expect(r.stdout).toMatch(/not recorded\s+1 incident\(s\)/);
});
