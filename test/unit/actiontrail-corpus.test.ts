import { Alerter } from '../../shared/alerts/alerter';
import { Detector } from '../../shared/engine/detector';
import { normalizeJsonRecord } from '../../shared/events/json-record';
import { bundledRulesDir } from '../../shared/rules/bundled';
import { loadRules } from '../../shared/rules/load';
import { CompiledRule } from '../../shared/rules/rule';
import { MemoryStateStore } from '../../shared/state/memory';
import { Rec, SHAPES, clone } from '../actiontrail-shapes';

/**
 * ActionTrail records of our own, written after the shapes of Alibaba Cloud's
 * published samples (the logon events of the account and of RAM users, ECS, KMS, RAM
 * and ActionTrail events): the root account, RAM users and assumed roles; console
 * sign-ins, console operations and API calls; successful and failed. Each names the
 * bundled rules it must raise, and nothing else, in every shape it can arrive in.
 */
const ACCOUNT = '1234567890123456';
const identity = {
  root: { type: 'root-account', principalId: ACCOUNT, accountId: ACCOUNT, userName: 'root' },
  rootKey: { type: 'root-account', principalId: ACCOUNT, accountId: ACCOUNT, userName: 'root', accessKeyId: 'LTAI5tROOTKEY0001' },
  alice: { type: 'ram-user', principalId: '203305148261234567', accountId: ACCOUNT, userName: 'alice', accessKeyId: 'LTAI5tALICE000001' },
  role: {
    type: 'assumed-role',
    principalId: '339125862345678901:terraform-ci',
    accountId: ACCOUNT,
    userName: 'ci-deployer:terraform-ci',
    accessKeyId: 'STS.NTn9Example0001',
    sessionContext: { attributes: { mfaAuthenticated: 'false', creationDate: '2026-11-26T01:55:00Z' }, sessionIssuer: { type: 'role', userName: 'ci-deployer', principalId: '339125862345678901' } },
  },
};

let seq = 0;
function record(o: { event: string; type: string; service: string; who: Rec; time?: string; params?: Rec; response?: Rec; extra?: Rec; failed?: [string, string] }): Rec {
  seq++;
  return {
    eventId: `C0A8-${String(seq).padStart(4, '0')}-4B1E-9D2F-7A3C5E6B8D90`,
    eventVersion: 1,
    eventSource: o.type === 'ConsoleSignin' ? 'signin.aliyun.com' : `${o.service.toLowerCase()}.aliyuncs.com`,
    eventType: o.type,
    eventName: o.event,
    eventTime: o.time ?? `2026-11-26T02:${String(seq).padStart(2, '0')}:00Z`,
    acsRegion: 'cn-hangzhou',
    serviceName: o.service,
    sourceIpAddress: '203.0.113.40',
    userAgent: o.type === 'ApiCall' ? 'Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-alicloud/1.235.0' : 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15',
    requestId: `7E2D-${String(seq).padStart(4, '0')}-41C8-A7B3-0F9E8D7C6B5A`,
    recipientAccountId: ACCOUNT,
    userIdentity: o.who,
    requestParameters: o.params ?? {},
    ...(o.response ? { responseElements: o.response } : {}),
    ...(o.extra ?? {}),
    ...(o.failed ? { errorCode: o.failed[0], errorMessage: o.failed[1] } : {}),
  };
}

interface Case {
  name: string;
  records: Rec[];
  /** The bundled rules that must alert, once each. */
  rules: string[];
}

const mfa = (checked: string) => ({ additionalEventData: { isMFAChecked: checked, loginAccount: 'alice@1234567890123456.onaliyun.com', callbackUrl: 'https://home.console.aliyun.com/' } });

const CASES: Case[] = [
  {
    name: 'the root account signs in to the console with MFA',
    records: [record({ event: 'ConsoleSignin', type: 'ConsoleSignin', service: 'AasCustomer', who: identity.root, time: '2026-11-26T03:00:00Z', extra: { additionalEventData: { mfaChecked: 'true', loginAccount: 'root@example.com' } } })],
    rules: ['actiontrail.root-console-signin'],
  },
  {
    name: 'a RAM user signs in without MFA (and at 03:00 Shanghai time)',
    records: [record({ event: 'ConsoleSignin', type: 'ConsoleSignin', service: 'AasSub', who: identity.alice, time: '2026-11-25T19:00:00Z', extra: mfa('false') })],
    rules: ['actiontrail.console-signin-without-mfa', 'actiontrail.console-signin-off-hours'],
  },
  {
    name: 'five failed RAM sign-ins from one address',
    records: Array.from({ length: 5 }, (_, i) =>
      record({ event: 'ConsoleSignin', type: 'ConsoleSignin', service: 'AasSub', who: identity.alice, time: `2026-11-26T04:0${i}:00Z`, extra: mfa('false'), failed: ['', 'Password is wrong.'] }),
    ),
    rules: ['actiontrail.console-signin-failures'],
  },
  {
    name: 'the root account creating its own AccessKey with its AccessKey',
    records: [record({ event: 'CreateAccessKey', type: 'ApiCall', service: 'Ims', who: identity.rootKey, response: { AccessKey: { AccessKeyId: 'LTAI5tNEWROOT0002', Status: 'Active' } } })],
    rules: ['actiontrail.root-accesskey-created', 'actiontrail.root-accesskey-use'],
  },
  {
    name: 'an assumed role creating an AccessKey for a user',
    records: [record({ event: 'CreateAccessKey', type: 'ApiCall', service: 'Ims', who: identity.role, params: { UserName: 'backup' } })],
    rules: ['actiontrail.accesskey-created'],
  },
  {
    name: 'an assumed role attaching AdministratorAccess to a role',
    records: [record({ event: 'AttachPolicyToRole', type: 'ApiCall', service: 'Ram', who: identity.role, params: { PolicyType: 'System', PolicyName: 'AdministratorAccess', RoleName: 'ops' } })],
    rules: ['actiontrail.ram-policy-change', 'actiontrail.ram-privilege-escalation'],
  },
  {
    name: 'an assumed role opening SSH to the world in the Permissions form',
    records: [
      record({
        event: 'AuthorizeSecurityGroup',
        type: 'ApiCall',
        service: 'Ecs',
        who: identity.role,
        params: { RegionId: 'cn-hangzhou', SecurityGroupId: 'sg-bp1corpus0000001', Permissions: [{ IpProtocol: 'TCP', PortRange: '22/22', SourceCidrIp: '0.0.0.0/0', Policy: 'accept' }] },
      }),
    ],
    rules: ['actiontrail.security-group-change', 'actiontrail.security-group-open-admin-port'],
  },
  {
    name: 'root editing a security group in the console',
    records: [record({ event: 'ConfigureSecurityGroupPermissions', type: 'ConsoleOperation', service: 'Ecs', who: identity.root, params: { SecurityGroupId: 'sg-bp1corpus0000002', RegionId: 'cn-hangzhou' } })],
    rules: ['actiontrail.security-group-change'],
  },
  {
    name: 'a RAM user scheduling a KMS key for deletion',
    records: [record({ event: 'ScheduleKeyDeletion', type: 'ApiCall', service: 'Kms', who: identity.alice, params: { KeyId: 'key-hzz66a0d0f2b3corpus', PendingWindowInDays: 7 } })],
    rules: ['actiontrail.kms-key-disabled-or-deleted'],
  },
  {
    name: 'an assumed role stopping the trail',
    records: [record({ event: 'StopLogging', type: 'ApiCall', service: 'Actiontrail', who: identity.role, params: { Name: 'org-trail' } })],
    rules: ['actiontrail.trail-changed'],
  },
  {
    name: 'a refused StopLogging, then nine more refused calls by the same role',
    records: Array.from({ length: 10 }, (_, i) =>
      record({ event: i === 0 ? 'StopLogging' : 'DescribeInstances', type: 'ApiCall', service: i === 0 ? 'Actiontrail' : 'Ecs', who: identity.role, time: `2026-11-26T05:00:${String(i * 5).padStart(2, '0')}Z`, params: { Name: 'org-trail' }, failed: ['NoPermission', 'You are not authorized to do this action.'] }),
    ),
    rules: ['actiontrail.unauthorized-api-calls'],
  },
  {
    name: 'routine reads by a RAM user raise nothing',
    records: [
      record({ event: 'DescribeInstances', type: 'ApiCall', service: 'Ecs', who: identity.alice, params: { RegionId: 'cn-hangzhou', PageSize: 100 } }),
      record({ event: 'ListPolicies', type: 'ApiCall', service: 'Ram', who: identity.alice }),
      record({ event: 'GetPasswordPolicy', type: 'ApiCall', service: 'Ram', who: identity.alice }),
    ],
    rules: [],
  },
];

let rules: CompiledRule[];
beforeAll(async () => {
  const loaded = await loadRules([bundledRulesDir()]);
  expect(loaded.problems).toEqual([]);
  rules = loaded.rules.filter((r) => r.sources.includes('actiontrail'));
});

async function rulesRaised(records: Rec[]): Promise<string[]> {
  const events = records.flatMap((r, i) => normalizeJsonRecord(clone(r), { path: 'corpus.jsonl', line: i + 1 }, 'auto', { year: 2026 }));
  const alerts = await new Alerter(new Detector(rules, new MemoryStateStore())).process(events);
  return alerts.map((a) => a.rule).sort();
}

test('the corpus covers the identities, event types and outcomes', () => {
  const all = CASES.flatMap((c) => c.records);
  expect(new Set(all.map((r) => (r.userIdentity as Rec).type))).toEqual(new Set(['root-account', 'ram-user', 'assumed-role']));
  expect(new Set(all.map((r) => r.eventType))).toEqual(new Set(['ConsoleSignin', 'ConsoleOperation', 'ApiCall']));
  expect(all.some((r) => r.errorCode !== undefined || r.errorMessage !== undefined)).toBe(true);
});

describe.each(CASES)('$name', ({ records, rules: expected }) => {
  test.each(SHAPES.filter((s) => records.every(s.applies)).map((s) => [s.name, s] as const))('as %s', async (_name, shape) => {
    expect(await rulesRaised(records.map(shape.convert))).toEqual([...expected].sort());
  });
});
