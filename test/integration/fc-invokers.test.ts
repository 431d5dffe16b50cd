import { Fc2Invoker, Fc3Invoker, InvokeError } from '../../shared/fc/handoff/invoker';
import { CredentialsRef } from '../../shared/fc/context';
import { LocalFc } from '../servers/fc-server';

const creds = { accessKeyId: 'STS.NTest0001', accessKeySecret: 'fc-secret-never-shown', securityToken: 'sts-token-0001' };
let fc: LocalFc;
const ref = new CredentialsRef();
ref.set(creds);

beforeAll(async () => {
  fc = new LocalFc(creds.accessKeyId, creds.securityToken);
  await fc.start();
});
afterAll(() => fc.stop());

test('FC 3.0: async InvokeFunction, signed, with the qualifier and the payload', async () => {
  const inv = new Fc3Invoker(fc.endpoint, 'secmon-dispatcher', 'LATEST', ref, 'cn-hangzhou');
  await inv.invokeAsync(Buffer.from('{"alerts":[]}'));
  expect(fc.rejected).toEqual([]);
  expect(fc.invocations.at(-1)).toMatchObject({ api: 'fc3', functionName: 'secmon-dispatcher', qualifier: 'LATEST', body: Buffer.from('{"alerts":[]}') });
});

test('FC 2.0: async invokeFunction of a service function, signed', async () => {
  const inv = new Fc2Invoker(fc.endpoint, '1234567890123456', 'cn-hangzhou', 'secmon', 'dispatcher', 'prod', ref);
  await inv.invokeAsync(Buffer.from('{"alerts":[1]}'));
  expect(fc.rejected).toEqual([]);
  expect(fc.invocations.at(-1)).toMatchObject({ api: 'fc2', service: 'secmon', qualifier: 'prod', functionName: 'dispatcher', body: Buffer.from('{"alerts":[1]}') });
});

test('a refused invocation throws (so the detector invocation fails and its trigger retries), without the secret', async () => {
  fc.failNext = 1;
  const inv = new Fc3Invoker(fc.endpoint, 'secmon-dispatcher', 'LATEST', ref, 'cn-hangzhou');
  const err = await inv.invokeAsync(Buffer.from('{}')).catch((e) => e);
  expect(err).toBeInstanceOf(InvokeError);
  expect(String(err.message)).not.toContain(creds.accessKeySecret);
});
