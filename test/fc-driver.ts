import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers';
import { ROOT } from './e2e/run-cli';

export interface FunctionRun {
  /** What each handler call returned, in order. */
  results: unknown[];
  /** The function's log (stdout and stderr), one line per entry. */
  log: string[];
  status: number | null;
}

/**
 * Runs a built function bundle (dist/functions/NAME) in a process of its own, as FC
 * drives it: `initialize(context)` once, then `handler(event, context)` for each
 * payload, with exactly the given environment (none of the test process's SECMON_*).
 */
export function runFunction(name: string, env: Record<string, string>, payloads: Array<Buffer | string>, onStart?: (child: import('node:child_process').ChildProcess) => void): Promise<FunctionRun> {
  const dir = tempDir();
  const out = path.join(dir, 'results.json');
  payloads.forEach((p, i) => require('node:fs').writeFileSync(path.join(dir, `payload-${i}`), p));
  const script = `
    const fs = require('node:fs');
    const fn = require(${JSON.stringify(path.join(ROOT, 'dist/functions', name, 'index.js'))});
    const ctx = (requestId) => ({ requestId, region: 'cn-hangzhou', accountId: '1234567890123456',
      credentials: { accessKeyId: 'STS.Driver', accessKeySecret: 'driver-secret', securityToken: 'driver-token' },
      function: { name: 'secmon-${name}', handler: 'index.handler', initializer: 'index.initialize' } });
    (async () => {
      await fn.initialize(ctx('init'));
      const results = [];
      for (let i = 0; i < ${payloads.length}; i++) results.push(await fn.handler(fs.readFileSync(${JSON.stringify(dir)} + '/payload-' + i), ctx('r' + i)));
      fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(results));
      process.exit(0);
    })().catch((e) => { console.error('FAILED ' + (e && e.stack || e)); process.exit(1); });`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECMON_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: dir, env: { ...base, ...env } });
    onStart?.(child);
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (status) => {
      let results: unknown[] = [];
      try {
        results = JSON.parse(readFileSync(out, 'utf8')) as unknown[];
      } catch {
        // the run failed: the log says why
      }
      resolve({ results, log: text.split('\n').filter(Boolean), status });
    });
  });
}
