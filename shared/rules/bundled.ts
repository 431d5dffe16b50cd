import { existsSync, readFileSync } from 'node:fs';
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

/** The manifest the build writes beside each bundle: digests of the bundled rule files it validated. */
export const TRUSTED_MANIFEST = 'rules.validated.json';

/**
 * The rule file digests the build validated (schema and authoring lint), read from the
 * manifest beside this bundle, if it was made with this schema: those files load
 * without compiling the schema (see LoadOptions.trusted). Empty when there is none
 * (sources run by the tests, a manifest of another build).
 */
export function bundledTrust(schemaDigest: string, dir = __dirname): ReadonlySet<string> {
  const file = path.join(dir, TRUSTED_MANIFEST);
  if (!existsSync(file)) return new Set();
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { schema?: string; files?: string[] };
    return doc.schema === schemaDigest && Array.isArray(doc.files) ? new Set(doc.files) : new Set();
  } catch {
    return new Set();
  }
}
