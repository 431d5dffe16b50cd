import { readSettings } from '../../shared/assembly/assemble';
import { resolveRuleDirs } from '../../shared/rules/bundled';
import { formatProblem, loadRules } from '../../shared/rules/load';
import { EXIT_FAILED, EXIT_OK } from '../options';

/**
 * `secmon validate [DIR…]`: schema and compile checks of rules, lists and overrides;
 * every problem with file and JSON pointer; rules left inactive (a list they require
 * is empty) are named, with what would make them active.
 */
export async function validateCommand(dirs: string[]): Promise<number> {
  const loaded = await loadRules(resolveRuleDirs(dirs), { lists: listsFromEnvironment() });
  for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
  for (const i of loaded.inactive) process.stderr.write(`notice: ${i.rule}: ${i.reason}\n`);
  const bad = new Set(loaded.problems.map((p) => p.file)).size;
  const lists = loaded.lists.names().length;
  const overrides = [...loaded.origins.values()].reduce((n, o) => n + o.overrides.length, 0);
  process.stdout.write(`${loaded.files.length} file(s): ${loaded.rules.length} valid rule(s) (${loaded.inactive.length} inactive), ${lists} list(s), ${overrides} override(s) applied, ${bad} file(s) with problems\n`);
  return loaded.problems.length > 0 ? EXIT_FAILED : EXIT_OK;
}

/** SECMON_LISTS from the environment, as the functions would read it (a bad value is validate's problem too). */
export function listsFromEnvironment(): Record<string, Array<string | number | boolean>> | undefined {
  return process.env.SECMON_LISTS === undefined ? undefined : readSettings({ SECMON_LISTS: process.env.SECMON_LISTS }).lists;
}
