import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

test('docs/CATALOGUE.md is generated from the current rule files (run node scripts/catalogue.mjs)', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'catalogue.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
