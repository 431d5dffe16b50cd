// Bundles the CLI, each Function Compute function and the bench with esbuild.
// One self-contained file per entry keeps FC cold starts small: nothing is resolved
// from node_modules at start-up, and what a function does not import is not shipped.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const entries = [
  { in: 'cli/main.ts', out: 'cli' },
  { in: 'bench/bench.ts', out: 'bench' },
];
const functionsDir = join(root, 'functions');
if (existsSync(functionsDir)) {
  for (const name of readdirSync(functionsDir)) {
    const entry = join('functions', name, 'index.ts');
    if (existsSync(join(root, entry))) entries.push({ in: entry, out: `functions/${name}/index` });
  }
}

const started = Date.now();
await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  // Prefer ES module builds: some packages (jsonc-parser) ship a UMD main that esbuild cannot follow.
  mainFields: ['module', 'main'],
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { SECMON_VERSION: JSON.stringify(pkg.version) },
});
if (!process.argv.includes('--quiet')) {
  console.error(`built ${entries.length} bundle(s) in ${Date.now() - started} ms: ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
}
