import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../e2e/run-cli';
import { tempDir } from '../helpers';

/**
 * A detector's cold start as Function Compute makes it: the built bundle required and
 * initialized in a fresh process. The bundled rules were validated at build time, so
 * the instance never loads ajv for them; a rule folder of the user's is validated.
 */
function initialize(env: Record<string, string>): { status: number | null; ajvLoaded: boolean; out: string } {
  const script = `
    const fn = require(${JSON.stringify(path.join(ROOT, 'dist/functions/sls/index.js'))});
    fn.initialize({ requestId: 'init', region: 'cn-hangzhou', accountId: '1', credentials: { accessKeyId: 'STS.x', accessKeySecret: 'y', securityToken: 'z' }, function: { name: 'secmon-sls', handler: 'index.handler' } })
      .then(() => process.stdout.write('AJV=' + Object.keys(require.cache).some((k) => k.endsWith('vendor/ajv.js')) + '\\n'))
      .catch((e) => { process.stdout.write('FAILED ' + e.message + '\\n'); process.exitCode = 1; });`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECMON_')));
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...base, SECMON_STATE: 'memory', SECMON_DISPATCH: 'inline', ...env }, encoding: 'utf8' });
  return { status: r.status, ajvLoaded: /AJV=true/.test(r.stdout), out: r.stdout + r.stderr };
}

test("the bundled rules load without the schema validator; a folder of the user's is validated, and a bad rule fails the start", () => {
  const bundled = initialize({});
  expect(bundled.status).toBe(0);
  expect(bundled.ajvLoaded).toBe(false);
  expect(bundled.out).toContain('"rules":71');

  const dir = tempDir({ 'mine/x.json': JSON.stringify({ id: 'my.rule', title: 'Mine', severity: 'low' }) });
  const mine = initialize({ SECMON_RULES_DIR: `@bundled,${path.join(dir, 'mine')}` });
  expect(mine.status).toBe(1);
  expect(mine.out).toContain('x.json: /: missing required property "description"');
});
