import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The folders of shared/ by rank: a module may import its own folder and lower ranks
 * only. The stages run events → rules → engine → alerts → delivery (state beside
 * them, under the engine; posture reads the cloud's configuration into events); the
 * assembly builds the pipeline; the edges (fc, local)
 * use it; cli/ is the local edge's commands, functions/ Function Compute's handlers.
 */
const RANK: Record<string, number> = { util: 0, config: 1, events: 1, rules: 2, state: 2, engine: 3, posture: 3, alerts: 4, delivery: 5, assembly: 6, local: 7, fc: 7 };
const ROOT = path.join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|import\(|require\()\s*'(\.[^']*)'/g), ...text.matchAll(/`\$\{__dirname\}\/([^`]*)`/g)].map((m) =>
    path.relative(ROOT, path.join(path.dirname(file), m[1].startsWith('.') ? m[1] : `./${m[1]}`)),
  );
}

/** The folder of shared/ a repository path is in (`shared/engine/kinds/x` → engine). */
const folderOf = (p: string) => (p.startsWith(`shared${path.sep}`) ? p.split(path.sep)[1] : undefined);

test('every folder of shared/ has a rank', () => {
  const folders = readdirSync(path.join(ROOT, 'shared')).filter((n) => statSync(path.join(ROOT, 'shared', n)).isDirectory());
  expect(folders.filter((f) => RANK[f] === undefined)).toEqual([]);
});

test('no import runs from a lower stage into a higher one, or from the pipeline into an edge', () => {
  const upward: string[] = [];
  for (const file of tsFiles(path.join(ROOT, 'shared'))) {
    const from = folderOf(path.relative(ROOT, file))!;
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === undefined || to === from) continue;
      if (RANK[to] >= RANK[from]) upward.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
  }
  expect(upward).toEqual([]);
});

test('the CLI uses no Function Compute module, and the functions no local one', () => {
  const crossing: string[] = [];
  for (const [dir, forbidden] of [['cli', 'fc'], ['functions', 'local']] as const) {
    for (const file of tsFiles(path.join(ROOT, dir))) {
      for (const target of importsOf(file)) if (folderOf(target) === forbidden) crossing.push(`${path.relative(ROOT, file)} imports ${target}`);
    }
  }
  expect(crossing).toEqual([]);
});
