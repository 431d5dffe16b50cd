// Run by scripts/build.mjs (bundled to dist/rules-manifest.js): validates the bundled
// rule files as `secmon validate` does, and writes the digests of the files that passed
// (schema and authoring lint) with the schema's, for the bundles to trust at start-up.
import { writeFileSync, readFileSync } from 'node:fs';
import { bundledRulesDir } from '../shared/rules/bundled';
import { formatProblem, listRuleFiles, loadRules, schemaDigest, textDigest } from '../shared/rules/load';

async function main(out: string): Promise<void> {
  const dir = bundledRulesDir();
  const loaded = await loadRules([dir]);
  const bad = new Set(loaded.problems.map((p) => p.file));
  for (const p of loaded.problems) process.stderr.write(`rules-manifest: not trusted: ${formatProblem(p)}\n`);
  const files = listRuleFiles(dir)
    .filter((f) => !bad.has(f))
    .map((f) => textDigest(readFileSync(f, 'utf8')))
    .sort();
  writeFileSync(out, `${JSON.stringify({ schema: schemaDigest(), files })}\n`);
}

main(process.argv[2] ?? 'rules.validated.json').catch((e) => {
  process.stderr.write(`rules-manifest: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
