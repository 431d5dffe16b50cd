import { bundledTrust, resolveRuleDirs } from '../../shared/rules/bundled';
import { formatProblem, loadRules, schemaDigest } from '../../shared/rules/load';
import { runRuleTests } from '../../shared/engine/rule-tests';
import { EXIT_FAILED, EXIT_OK } from '../options';
import { colors } from '../output/terminal';

/** `secmon test [DIR…]`: every rule's embedded tests. */
export async function testCommand(dirs: string[], o: { json?: boolean }): Promise<number> {
  const c = colors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !o.json);
  const loaded = await loadRules(resolveRuleDirs(dirs), { trusted: bundledTrust(schemaDigest()) });
  for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
  let passed = 0;
  let failed = 0;
  for (const rule of loaded.rules) {
    for (const r of await runRuleTests(rule)) {
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      if (r.ok) {
        passed++;
        if (!o.json) process.stdout.write(`${c.green('ok  ')} ${rule.id}: ${r.test}\n`);
      } else {
        failed++;
        if (!o.json) process.stdout.write(`${c.red('FAIL')} ${rule.id}: ${r.test}\n     ${r.file}: ${r.failure}\n`);
      }
    }
  }
  const problems = loaded.problems.length;
  // The last line has the plain `tests: N passed, N failed` form that CI summaries read.
  const text = `${loaded.rules.length} rule(s)${problems ? `, ${problems} rule problem(s)` : ''}\ntests: ${passed} passed, ${failed} failed\n`;
  (o.json ? process.stderr : process.stdout).write(text);
  return failed > 0 || problems > 0 ? EXIT_FAILED : EXIT_OK;
}
