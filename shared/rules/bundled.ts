import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The folder of bundled rules: `rules/` at the package root, found from wherever this
 * code runs (TypeScript sources in tests, the esbuild bundle in dist/).
 */
export function bundledRulesDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'rules');
    if (existsSync(path.join(candidate, 'rule.schema.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('bundled rules folder not found (expected rules/ beside dist/)');
}

/** `--rules` values: `@bundled` names the bundled folder, so users can add to it. */
export function resolveRuleDirs(dirs: string[] | undefined): string[] {
  if (!dirs || dirs.length === 0) return [bundledRulesDir()];
  return dirs.map((d) => (d === '@bundled' ? bundledRulesDir() : d));
}
