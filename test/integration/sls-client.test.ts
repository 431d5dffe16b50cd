import { SlsClient, SlsError } from '../../shared/fc/sls/client';
import { logToRecord } from '../../shared/fc/sls/log-record';
import { LocalSls } from '../servers/sls-server';

const creds = { accessKeyId: 'STS.test-ak', accessKeySecret: 'test-secret-do-not-log', securityToken: 'test-sts-token' };
let sls: LocalSls;

beforeAll(async () => {
  sls = new LocalSls(creds);
  await sls.start();
});
afterAll(() => sls.stop());

function groups(n: number, perGroup: number, topic = 'auth') {
  return Array.from({ length: n }, (_, g) => ({
    Topic: topic,
    Source: '172.16.3.14',
    LogTags: [{ Key: '__hostname__', Value: 'app-02' }],
    Logs: Array.from({ length: perGroup }, (_, i) => ({ Time: 1795251600 + g * 10 + i, Contents: [{ Key: 'content', Value: `line ${g}-${i}` }] })),
  }));
}

describe('SLS client against a local SLS endpoint', () => {
  test.each(['deflate'] as const)('reads a cursor range page by page (%s), with the project in the host name', async (encoding) => {
    const { begin, end } = sls.append('proj-a', `auth-${encoding}`, 0, groups(7, 3));
    const client = new SlsClient({ endpoint: sls.endpoint, credentials: creds });
    sls.requests.length = 0;
    const pages = [];
    for await (const page of client.readRange('proj-a', `auth-${encoding}`, 0, begin, end, 3)) pages.push(page);
    expect(pages.map((p) => p.groups.length)).toEqual([3, 3, 1]);
    const records = pages.flatMap((p) => p.groups.flatMap((g) => g.Logs.map((l) => logToRecord(g, l))));
    expect(records).toHaveLength(21);
    expect(records[0]).toEqual({ __time__: '1795251600', __topic__: 'auth', __source__: '172.16.3.14', '__tag__:__hostname__': 'app-02', content: 'line 0-0' });
    expect(sls.requests.every((r) => r.status === 200 && r.host === `proj-a.127.0.0.1:${sls.port}`)).toBe(true);
    expect(sls.requests[0].query).toMatchObject({ type: 'log', count: '3', end_cursor: end, cursor: begin });
    expect(sls.requests[0].headers['accept-encoding']).toBe(encoding);
    client.close();
  });

  test('asks for deflate only, and an answer in another compression is an error that names it', async () => {
    const { begin, end } = sls.append('proj-a', 'auth-other', 0, groups(1, 1));
    const client = new SlsClient({ endpoint: sls.endpoint, credentials: creds });
    sls.forceEncoding = 'lz4';
    try {
      const read = async () => {
        for await (const _ of client.readRange('proj-a', 'auth-other', 0, begin, end, 3));
      };
      await expect(read()).rejects.toThrow('unsupported x-log-compresstype "lz4"');
    } finally {
      sls.forceEncoding = undefined;
      client.close();
    }
  });

  test('an empty range (a trigger with no new data) makes no request', async () => {
    const { end } = sls.append('proj-a', 'quiet', 0, groups(2, 1));
    const client = new SlsClient({ endpoint: sls.endpoint, credentials: creds });
    sls.requests.length = 0;
    const pages = [];
    for await (const p of client.readRange('proj-a', 'quiet', 0, end, end)) pages.push(p);
    expect(pages).toEqual([]);
    expect(sls.requests).toHaveLength(0);
    client.close();
  });

  test('GetCursor answers begin, end and a time', async () => {
    const { begin, end } = sls.append('proj-b', 'trail', 1, groups(3, 1));
    const client = new SlsClient({ endpoint: sls.endpoint, credentials: creds });
    expect(await client.getCursor('proj-b', 'trail', 1, 'begin')).toBe(begin);
    expect(await client.getCursor('proj-b', 'trail', 1, 'end')).toBe(end);
    const mid = await client.getCursor('proj-b', 'trail', 1, 1795251610);
    const page = await client.pullLogs('proj-b', 'trail', 1, mid, end, 10);
    expect(page.groups).toHaveLength(2);
    client.close();
  });

  test('a wrong secret is refused by the server and reported with the SLS error code, without the secret', async () => {
    sls.append('proj-c', 'trail', 0, groups(1, 1));
    const client = new SlsClient({ endpoint: sls.endpoint, credentials: { ...creds, accessKeySecret: 'wrong-secret-value' } });
    const err = await client.getCursor('proj-c', 'trail', 0, 'begin').catch((e) => e);
    expect(err).toBeInstanceOf(SlsError);
    expect(err.code).toBe('SignatureNotMatch');
    expect(err.status).toBe(401);
    expect(String(err.message)).not.toContain('wrong-secret-value');
    client.close();
  });
});
