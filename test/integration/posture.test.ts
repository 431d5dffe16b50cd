import { createRuntime, FunctionRuntime } from '../../shared/fc/runtime';
import { handlePostureScan } from '../../shared/fc/triggers/posture';
import { Alert } from '../../shared/alerts/alert';
import { LocalRam } from '../servers/ram-server';

const creds = { accessKeyId: 'STS.NPosture01', accessKeySecret: 'posture-secret', securityToken: 'sts-token-posture' };
const ctx = { requestId: 'p', credentials: creds, region: 'cn-hangzhou', accountId: '1234567890123456', function: { name: 'secmon-posture' } };

let ram: LocalRam;
let rt: FunctionRuntime;
const delivered: Alert[] = [];

beforeAll(async () => {
  ram = new LocalRam(
    [
      { name: 'alice', console: true, mfa: true },
      { name: 'bob', console: true, mfa: false },
      { name: 'ci-bot', console: false, mfa: false },
      { name: 'carol', console: true, mfa: false },
      { name: 'dave', console: false, mfa: true },
    ],
    creds.accessKeyId,
  );
  await ram.start();
  rt = await createRuntime(ctx, { env: { SECMON_RAM_ENDPOINT: ram.endpoint }, logLine: (line) => void delivered.push(JSON.parse(line)) });
});
afterAll(async () => {
  await rt.close();
  await ram.stop();
});

test('the scan pages through users and alerts on console users without MFA, once a day', async () => {
  const day1 = Date.parse('2026-11-22T01:00:00Z');
  const first = await handlePostureScan(rt, ctx, day1);
  expect(ram.rejected).toEqual([]);
  expect(first).toEqual({ events: 2, skipped: 0, alerts: 2 });
  expect(delivered.map((a) => [a.rule, a.key])).toEqual([
    ['posture.ram-user-console-without-mfa', '1234567890123456|bob'],
    ['posture.ram-user-console-without-mfa', '1234567890123456|carol'],
  ]);
  expect(ram.calls.filter((c) => c.action === 'ListUsers').map((c) => c.params.Marker ?? '')).toEqual(['', '2', '4']);
  // Users with an MFA device are not even asked about console access.
  expect(ram.calls.filter((c) => c.action === 'GetLoginProfile').map((c) => c.params.UserName)).toEqual(['bob', 'ci-bot', 'carol']);

  // A second scan the same day raises nothing new; the next day's does.
  expect((await handlePostureScan(rt, ctx, day1 + 6 * 3600_000)).alerts).toBe(0);
  expect((await handlePostureScan(rt, ctx, day1 + 24 * 3600_000)).alerts).toBe(2);
  expect(delivered).toHaveLength(4);
});
