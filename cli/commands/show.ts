import { bundledTrust, resolveRuleDirs } from '../../shared/rules/bundled';
import { formatProblem, loadRules, schemaDigest } from '../../shared/rules/load';
import { didYouMean } from '../../shared/rules/lists';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../options';
import { listsFromEnvironment } from './validate';

/**
 * `secmon show RULE_ID [--rules DIR…]`: the effective rule, after the overrides of
 * later folders and with its lists' items, and where each part came from.
 */
export async function showCommand(id: string, o: { rules?: string[] }): Promise<number> {
  const loaded = await loadRules(resolveRuleDirs(o.rules ?? []), { lists: listsFromEnvironment(), trusted: bundledTrust(schemaDigest()) });
  for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
  const rule = loaded.rules.find((r) => r.id === id);
  if (!rule) {
    process.stderr.write(`secmon: no rule "${id}"${didYouMean(id, loaded.rules.map((r) => r.id))}\n`);
    return EXIT_USAGE;
  }
  const { tests, ...definition } = rule.definition;
  const origin = loaded.origins.get(id)!;
  const inactive = loaded.inactive.find((i) => i.rule === id);
  process.stdout.write(`${JSON.stringify({ ...definition, enabled: rule.enabled }, null, 2)}\n`);
  process.stdout.write(`\nrule          ${origin.file} (${tests.length} test(s))\n`);
  for (const ov of origin.overrides) process.stdout.write(`override      ${ov.file}: ${ov.keys.join(', ')}\n`);
  for (const name of origin.lists) process.stdout.write(`list          ${name} (${loaded.lists.get(name)!.items.length} item(s)) from ${loaded.lists.get(name)!.from.join(', ')}\n`);
  if (inactive) process.stdout.write(`inactive      ${inactive.reason}\n`);
  return loaded.problems.length > 0 ? EXIT_FAILED : EXIT_OK;
}
