import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundledTrust, TRUSTED_MANIFEST } from '../../shared/rules/bundled';
import { loadRules, schemaDigest, textDigest } from '../../shared/rules/load';
import { ruleDef, tempDir } from '../helpers';

/**
 * Rule files validated when the bundle was built load without the schema (the cold
 * start's largest cost); any other text, or a manifest made with another schema, is
 * checked as always.
 */
describe('rule files validated at build', () => {
  // A rule the schema refuses (an unknown property): only trust could let it through.
  const odd = JSON.stringify({ ...ruleDef({ id: 'odd.rule' }), notARuleKey: true }, null, 2);

  test('a trusted text skips the schema; the same rule changed by one character is checked again', async () => {
    const dir = tempDir({ 'odd.json': odd });
    const trusted = new Set([textDigest(odd)]);
    expect((await loadRules([dir], { trusted })).problems).toEqual([]);
    writeFileSync(path.join(dir, 'odd.json'), odd.replace('"odd.rule"', '"odd.rulf"'));
    const again = await loadRules([dir], { trusted });
    expect(again.problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual(['/notARuleKey: unknown property (not allowed by the rule schema)']);
    expect((await loadRules([tempDir({ 'odd.json': odd })])).problems).toHaveLength(1);
  });

  test("the build's manifest is trusted only when it was made with this schema", () => {
    const dir = tempDir({ [TRUSTED_MANIFEST]: JSON.stringify({ schema: schemaDigest(), files: ['a', 'b'] }) });
    expect([...bundledTrust(schemaDigest(), dir)]).toEqual(['a', 'b']);
    writeFileSync(path.join(dir, TRUSTED_MANIFEST), JSON.stringify({ schema: 'another-schema', files: ['a', 'b'] }));
    expect(bundledTrust(schemaDigest(), dir).size).toBe(0);
    writeFileSync(path.join(dir, TRUSTED_MANIFEST), '{ not json');
    expect(bundledTrust(schemaDigest(), dir).size).toBe(0);
    expect(bundledTrust(schemaDigest(), tempDir()).size).toBe(0);
  });
});
