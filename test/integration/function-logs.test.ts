import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runFunction } from '../fc-driver';
import { ROOT } from '../e2e/run-cli';

/**
 * What the built functions write to their log (which FC ships to SLS, one entry per
 * line with `logBeginRule: None`): every line one JSON object in the ECS logging
 * shape, `@timestamp`, `log.level` and `message` first, so SLS can index it.
 */
function checkLines(log: string[]): Array<Record<string, unknown>> {
  expect(log.length).toBeGreaterThan(0);
  return log.map((line) => {
    const doc = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(doc).slice(0, 3)).toEqual(['@timestamp', 'log.level', 'message']);
    expect(new Date(doc['@timestamp'] as string).toISOString()).toBe(doc['@timestamp']);
    expect(['info', 'warn', 'error', 'alert']).toContain(doc['log.level']);
    expect(typeof doc.message).toBe('string');
    return doc;
  });
}

test('a detector and the dispatcher log ECS JSON lines, alerts at level alert', async () => {
  const eventbridge = readFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), 'utf8');
  const detector = await runFunction('actiontrail', {}, [eventbridge, '{not json']);
  const lines = checkLines(detector.log);
  expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining(['secmon runtime ready', 'EventBridge batch evaluated']));
  expect(lines.some((l) => l['log.level'] === 'warn')).toBe(true);
  const alerts = lines.filter((l) => l['log.level'] === 'alert');
  expect(alerts.length).toBeGreaterThan(0);
  for (const a of alerts) expect(a).toEqual(expect.objectContaining({ rule: expect.any(String), severity: expect.any(String), id: expect.stringMatching(/^[0-9a-f]{16}$/) }));
});

test("a rule that tests a regular expression works in a built function: RE2 loads from the function's own vendor folder", async () => {
  // Refused RAM calls of one principal from the identity sample, as EventBridge delivers
  // ActionTrail records: actiontrail.unauthorized-api-calls matches their errorCode with a
  // regular expression, compiled (and RE2 loaded) at its first test.
  const records = readFileSync(path.join(ROOT, 'samples/actiontrail/identity-2026-11.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => typeof r.errorCode === 'string' && r.errorCode !== '');
  expect(records.length).toBeGreaterThanOrEqual(10);
  const envelopes = records.map((data, i) => ({
    id: `re2-${i}`,
    source: 'acs.ram',
    specversion: '1.0',
    type: 'ram:ActionTrail:ApiCall',
    time: data.eventTime,
    aliyunaccountid: '1234567890123456',
    aliyunregionid: 'cn-hangzhou',
    data,
  }));
  const run = await runFunction('actiontrail', {}, [JSON.stringify(envelopes)]);
  expect(run.status).toBe(0);
  const alerts = checkLines(run.log).filter((l) => l['log.level'] === 'alert');
  expect(alerts.map((a) => a.rule)).toContain('actiontrail.unauthorized-api-calls');
});
