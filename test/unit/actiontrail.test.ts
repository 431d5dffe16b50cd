import { normalizeJsonRecord } from '../../shared/events/json-record';

const record = {
  eventId: 'EV-1',
  eventVersion: '1',
  eventName: 'ConsoleSignin',
  eventType: 'ConsoleSignin',
  eventTime: '2026-11-20T02:10:30Z',
  serviceName: 'AasCustomer',
  sourceIpAddress: '203.0.113.7',
  userIdentity: { type: 'root-account', principalId: '1234', accountId: '1234' },
  additionalEventData: { isMFAChecked: 'true' },
};
const origin = { path: 'f.jsonl', line: 3 };
const norm = (v: unknown) => normalizeJsonRecord(v, origin, 'auto', {});

describe('ActionTrail shapes', () => {
  test('a record keeps its native fields and gains id and log.file', () => {
    const [e] = norm(record);
    expect(e.source).toBe('actiontrail');
    expect(e.id).toBe('EV-1');
    expect(e.time).toBe(Date.parse('2026-11-20T02:10:30Z'));
    expect(e.fields).toMatchObject({ ...record, id: 'EV-1', log: { file: { path: 'f.jsonl', line: 3 } } });
  });

  test('an EventBridge CloudEvent is unwrapped from data', () => {
    const [e] = norm({ id: 'x', source: 'acs.ecs', specversion: '1.0', type: 'ecs:ActionTrail:ApiCall', time: '2026-11-20T02:10:31Z', aliyunaccountid: '1234', data: record });
    expect(e.id).toBe('EV-1');
    expect((e.fields as any).userIdentity.type).toBe('root-account');
  });

  test('an SLS-delivered log is unwrapped from its event JSON string', () => {
    const [e] = norm({ __topic__: 'actiontrail_audit_event', __time__: '1795134670', event: JSON.stringify(record) });
    expect(e.id).toBe('EV-1');
    expect((e.fields as any).additionalEventData.isMFAChecked).toBe('true');
  });

  test('older trails (topic actiontrail_event) and flattened event.* index names are understood', () => {
    const [e] = norm({
      __topic__: 'actiontrail_event',
      'event.eventId': 'EV-2',
      'event.eventName': 'DeleteSecurityGroup',
      'event.eventType': 'ApiCall',
      'event.eventTime': '2026-11-20T03:00:00Z',
      'event.serviceName': 'Ecs',
      'event.userIdentity': '{"type":"ram-user","userName":"carol"}',
      'event.requestParameters.SecurityGroupId': 'sg-1',
    });
    expect(e.id).toBe('EV-2');
    expect(e.fields).toMatchObject({ eventName: 'DeleteSecurityGroup', userIdentity: { userName: 'carol' }, requestParameters: { SecurityGroupId: 'sg-1' } });
  });

  test('flattened index names cannot reach Object.prototype (__proto__ becomes a key of its own)', () => {
    const [e] = norm({
      __topic__: 'actiontrail_event',
      'event.eventName': 'DeleteSecurityGroup',
      'event.eventTime': '2026-11-20T03:00:00Z',
      'event.__proto__.polluted': 'yes',
      'event.requestParameters.__proto__': '{"isAdmin":true}',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(e.fields)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(e.fields, '__proto__')?.value).toEqual({ polluted: 'yes' });
    const params = e.fields.requestParameters as Record<string, unknown>;
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(params.isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(params, '__proto__')?.value).toBe('{"isAdmin":true}');
  });

  test('a Logtail host-log line in content is parsed as syslog, with the year from __time__', () => {
    const [e] = norm({ __time__: String(Date.parse('2025-12-31T23:59:59Z') / 1000), __source__: '10.0.0.1', content: 'Dec 31 23:59:58 h sshd[1]: Failed password for root from 198.51.100.9 port 2 ssh2' });
    expect(e.source).toBe('sshd');
    expect(new Date(e.time).toISOString()).toBe('2025-12-31T23:59:58.000Z');
  });

  test('a Logtail line without a host name takes the __tag__:__hostname__ of the log', () => {
    const [e] = norm({ __time__: '1795428000', __tag__: 'x', '__tag__:__hostname__': 'web-07', content: '2026/11/22 03:10:00 [error] 2211#2211: *9 open() "/x" failed (2: No such file or directory), client: 45.148.10.77, server: s, request: "GET /x HTTP/1.1"' });
    expect(e.source).toBe('webserver');
    expect((e.fields as any).host).toEqual({ hostname: 'web-07' });
    const [f] = norm({ __time__: '1795428000', '__tag__:__hostname__': 'web-07', content: 'Nov 20 11:40:51 db-01 sshd[1]: Failed password for root from 198.51.100.9 port 2 ssh2' });
    expect((f.fields as any).host).toEqual({ hostname: 'db-01' });
  });

  test('an ECS event (such as secmon parse output) is read back with its dataset as source', () => {
    const [e] = norm({ '@timestamp': '2026-11-20T02:10:30Z', id: 'abc', event: { dataset: 'sshd', action: 'auth-failed' } });
    expect(e.source).toBe('sshd');
    expect(e.id).toBe('abc');
  });

  test.each([
    ['no eventTime', { eventName: 'X', eventType: 'ApiCall' }, 'f.jsonl:3: ActionTrail record has no eventTime'],
    ['a bad eventTime', { eventName: 'X', eventType: 'ApiCall', eventTime: 'yesterday' }, 'f.jsonl:3: eventTime: not a date: "yesterday"'],
    ['an SLS event that is not JSON', { __topic__: 'actiontrail_audit_event', event: '{oops' }, /^f\.jsonl:3: event: not valid JSON/],
    ['an unknown shape', { hello: 'world' }, /^f\.jsonl:3: unknown event shape/],
    ['a JSON array', [1, 2], 'f.jsonl:3: expected a JSON object'],
    ['an EventBridge event without a record', { specversion: '1.0', type: 't', data: 'x' }, /^f\.jsonl:3: data: not valid JSON/],
  ])('rejects %s with file and line', (_n, value, message) => {
    expect(() => norm(value)).toThrow(message);
  });
});
