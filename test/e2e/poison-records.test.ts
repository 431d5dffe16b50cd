import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from './run-cli';
import { runFunction } from '../fc-driver';
import { tempDir } from '../helpers';
import { LocalSls } from '../servers/sls-server';

/**
 * One poison record (nested 100,000 deep: it overflowed the stack of the Redis
 * transaction's JSON.stringify, and FC retried the batch forever) is reported and
 * skipped; the good records beside it are evaluated and the invocation succeeds.
 */
const deepValue = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
const envelopes = JSON.parse(readFileSync(path.join(ROOT, 'samples/eventbridge/ecs-write-events.json'), 'utf8')) as Array<Record<string, unknown>>;
const poisonEnvelope = () => {
  const text = JSON.stringify({ ...envelopes[0], id: 'poison-1', data: { ...(envelopes[0].data as object), eventId: 'poison-event', requestParameters: '@DEEP@' } });
  return text.replace('"@DEEP@"', deepValue);
};

test('EventBridge: a poison CloudEvent in a batch is skipped, the others alert, the invocation succeeds', async () => {
  const payload = `[${poisonEnvelope()},${envelopes.map((e) => JSON.stringify(e)).join(',')}]`;
  const fc = await runFunction('actiontrail', {}, [payload]);
  expect(fc.status).toBe(0);
  expect(fc.results).toEqual([{ events: 3, skipped: 1, alerts: 3 }]);
  const skipped = fc.log.map((l) => JSON.parse(l)).filter((l) => l.message === 'EventBridge event skipped');
  expect(skipped).toEqual([expect.objectContaining({ index: 0, id: 'poison-1', error: 'record nested deeper than 100 levels: refused' })]);
});

describe('SLS trigger', () => {
  const sls = new LocalSls({ accessKeyId: 'STS.Driver', accessKeySecret: 'driver-secret', securityToken: 'driver-token' });
  beforeAll(() => sls.start());
  afterAll(() => sls.stop());

  test('a poison trail log in a cursor range is skipped, the others alert, the invocation succeeds', async () => {
    const good = envelopes.map((e) => JSON.stringify(e.data));
    const poison = JSON.stringify({ ...(envelopes[0].data as object), eventId: 'poison-event', requestParameters: '@DEEP@' }).replace('"@DEEP@"', deepValue);
    const logs = [poison, ...good].map((event, i) => ({ Time: 1795251600 + i, Contents: [{ Key: '__topic__', Value: 'actiontrail_audit_event' }, { Key: 'event', Value: event }] }));
    const range = sls.append('proj', 'trail', 0, [{ Topic: 'actiontrail_audit_event', Source: '', LogTags: [], Logs: logs }]);
    const payload = JSON.stringify({
      parameter: { source: 'actiontrail' },
      source: { endpoint: sls.endpoint, projectName: 'proj', logstoreName: 'trail', shardId: 0, beginCursor: range.begin, endCursor: range.end },
    });
    const fc = await runFunction('sls', {}, [payload]);
    expect(fc.status).toBe(0);
    expect(fc.results).toEqual([{ events: 3, skipped: 1, alerts: 3 }]);
    expect(fc.log.join('\n')).toContain('record nested deeper than 100 levels: refused');
  });
});

test('the CLI: replay --json and parse report the poison record and go on', async () => {
  const good = envelopes.map((e) => JSON.stringify(e.data));
  const poison = JSON.stringify({ ...(envelopes[0].data as object), eventId: 'poison-event', requestParameters: '@DEEP@' }).replace('"@DEEP@"', deepValue);
  const dir = tempDir({ 'trail.jsonl': [poison, ...good].join('\n') + '\n' });
  const file = path.join(dir, 'trail.jsonl');
  const replay = await runCli(['replay', file, '--json']);
  expect(replay.status).toBe(0);
  expect(replay.stdout.trim().split('\n')).toHaveLength(3);
  expect(replay.stderr).toContain(`skipped ${file}:1: record nested deeper than 100 levels: refused`);
  const parse = await runCli(['parse', file]);
  expect(parse.status).toBe(0);
  expect(parse.stdout.trim().split('\n')).toHaveLength(3);
  expect((await runCli(['replay', file, '--strict'])).status).toBe(2);
});
