import { resolveRuleDirs } from '../../shared/rules/bundled';
import { formatProblem, loadRules } from '../../shared/rules/load';
import { EXIT_FAILED, EXIT_OK } from '../options';

/** `secmon validate [DIR…]`: schema and compile checks; every problem with file and JSON pointer. */
export async function validateCommand(dirs: string[]): Promise<number> {
  const loaded = await loadRules(resolveRuleDirs(dirs));
  for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
  const bad = new Set(loaded.problems.map((p) => p.file)).size;
  process.stdout.write(`${loaded.files.length} rule file(s): ${loaded.rules.length} valid, ${bad} with problems\n`);
  return loaded.problems.length > 0 ? EXIT_FAILED : EXIT_OK;
}
