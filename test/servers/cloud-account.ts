import { ActionHandler, LocalOpenApi, OpenApiCredentials } from './openapi-server';
import type { BucketFixture } from './oss-server';

/**
 * One Alibaba Cloud account as the posture scan reads it, answered in the shapes of
 * the published APIs: RAM (2015-05-01), IMS (2019-08-15), ECS (2014-05-26), BSS
 * OpenAPI (2017-12-14), KMS (2016-01-20), ActionTrail (2020-07-06), Classic Load
 * Balancer (2014-05-15) and Application Load Balancer (2020-06-16), on one
 * local server (the SDKs tell the products apart by their version header).
 */
export interface UserFixture {
  name: string;
  console?: boolean;
  mfa?: boolean;
  keys?: Array<{ id: string; created: string; lastUsed?: string; status?: string }>;
  policies?: Array<{ name: string; type: 'System' | 'Custom' }>;
}

export interface PermissionFixture {
  IpProtocol: string;
  PortRange: string;
  SourceCidrIp?: string;
  Ipv6SourceCidrIp?: string;
  SourceGroupId?: string;
  Policy?: string;
  Direction?: string;
}

export interface AccountFixture {
  users: UserFixture[];
  customPolicies?: Record<string, string>;
  passwordPolicy?: Record<string, unknown>;
  root?: { mfa: boolean; accessKeys: number };
  /** Security groups per region. */
  regions?: Record<string, Array<{ id: string; name?: string; vpcId?: string; rules: PermissionFixture[] }>>;
  /** KMS keys per region. */
  kmsKeys?: Record<string, Array<{ id: string; creator?: string; spec?: string; state?: string; origin?: string; rotation?: 'Enabled' | 'Disabled' | 'Suspended' }>>;
  /** ActionTrail's trails. */
  trails?: Array<{ name: string; trailRegion: string; eventRW: string; status: 'Enable' | 'Disable'; logging: boolean; sls?: boolean; oss?: boolean }>;
  /** Load balancers per region: CLB instances with their listeners, ALB listeners, ALB custom policies' TLS versions. */
  loadBalancers?: Record<string, {
    clb?: Array<{ id: string; listeners: Array<{ port: number; protocol: string; tlsPolicy?: string }> }>;
    alb?: Array<{ listenerId: string; loadBalancerId: string; port: number; protocol: string; policy?: string }>;
    albPolicies?: Record<string, string[]>;
  }>;
  /** OSS buckets (served by LocalOss, OSS's own protocol). */
  buckets?: BucketFixture[];
  /** Daily bills (`YYYY-MM-DD`), per product, in CNY. */
  bills?: Record<string, Array<{ code: string; name: string; amount: number }>>;
  /** Page sizes the APIs answer with (small ones make the tests page). */
  pages?: { users?: number; groups?: number; bills?: number; buckets?: number };
}

export function localCloudAccount(account: AccountFixture, credentials: OpenApiCredentials): LocalOpenApi {
  const userPage = account.pages?.users ?? 1000;
  const groupPage = account.pages?.groups ?? 100;
  const user = (name: string) => account.users.find((u) => u.name === name);
  const notFound = (code: string, message: string) => ({ status: 404, body: { Code: code, Message: message } });

  const ram: Record<string, ActionHandler> = {
    ListUsers: (p) => {
      const start = p.Marker ? Number(p.Marker) : 0;
      const size = Math.min(userPage, Number(p.MaxItems ?? 100));
      const page = account.users.slice(start, start + size);
      const more = start + size < account.users.length;
      return {
        body: {
          IsTruncated: more,
          Marker: more ? String(start + size) : '',
          Users: { User: page.map((u, i) => ({ UserName: u.name, UserId: `2${String(start + i).padStart(15, '0')}`, DisplayName: u.name.toUpperCase(), CreateDate: '2025-01-01T00:00:00Z' })) },
        },
      };
    },
    GetLoginProfile: (p) => {
      const u = user(p.UserName);
      if (!u) return notFound('EntityNotExist.User', 'The user does not exist.');
      if (!u.console) return notFound('EntityNotExist.User.LoginProfile', 'The login policy does not exist.');
      return { body: { LoginProfile: { UserName: u.name, PasswordResetRequired: false, MFABindRequired: false, CreateDate: '2025-01-01T00:00:00Z' } } };
    },
    ListVirtualMFADevices: () => ({
      body: { VirtualMFADevices: { VirtualMFADevice: account.users.filter((u) => u.mfa).map((u) => ({ SerialNumber: `acs:ram::1:mfa/${u.name}`, ActivateDate: '2025-01-02T00:00:00Z', User: { UserName: u.name, UserId: 'x', DisplayName: u.name } })) } },
    }),
    GetPasswordPolicy: () => ({ body: { PasswordPolicy: account.passwordPolicy ?? {} } }),
    ListAccessKeys: (p) => {
      const u = user(p.UserName);
      if (!u) return notFound('EntityNotExist.User', 'The user does not exist.');
      return { body: { AccessKeys: { AccessKey: (u.keys ?? []).map((k) => ({ AccessKeyId: k.id, Status: k.status ?? 'Active', CreateDate: k.created })) } } };
    },
    GetAccessKeyLastUsed: (p) => {
      const k = user(p.UserName)?.keys?.find((x) => x.id === p.UserAccessKeyId);
      if (!k) return notFound('EntityNotExist.User.AccessKey', 'The AccessKey does not exist.');
      return { body: { AccessKeyLastUsed: { LastUsedDate: k.lastUsed ?? '' } } };
    },
    ListPoliciesForUser: (p) => {
      const u = user(p.UserName);
      if (!u) return notFound('EntityNotExist.User', 'The user does not exist.');
      return { body: { Policies: { Policy: (u.policies ?? []).map((x) => ({ PolicyName: x.name, PolicyType: x.type, DefaultVersion: 'v1', AttachDate: '2025-02-01T00:00:00Z' })) } } };
    },
    GetPolicy: (p) => {
      const doc = p.PolicyType === 'Custom' ? account.customPolicies?.[p.PolicyName] : JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: p.PolicyName === 'AdministratorAccess' ? '*' : 'ecs:Describe*', Resource: '*' }] });
      if (doc === undefined) return notFound('EntityNotExist.Policy', 'The policy does not exist.');
      return { body: { Policy: { PolicyName: p.PolicyName, PolicyType: p.PolicyType, DefaultVersion: 'v1' }, DefaultPolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, PolicyDocument: doc } } };
    },
  };

  const ims: Record<string, ActionHandler> = {
    GetAccountSecurityPracticeReport: () => ({
      body: { AccountSecurityPracticeInfo: { Score: 60, AccountSecurityPracticeUserInfo: { BindMfa: account.root?.mfa ?? true, RootWithAccessKey: account.root?.accessKeys ?? 0, SubUser: account.users.length } } },
    }),
  };

  const billPage = account.pages?.bills ?? 300;
  const bss: Record<string, ActionHandler> = {
    QueryAccountBill: (p) => {
      if (p.Granularity !== 'DAILY' || !p.BillingDate || p.BillingCycle !== p.BillingDate.slice(0, 7)) return { status: 400, body: { Code: 'InvalidParameter', Message: 'BillingDate must be in BillingCycle, with Granularity DAILY', Success: false } };
      const items = account.bills?.[p.BillingDate] ?? [];
      const num = Number(p.PageNum ?? 1);
      const size = Math.min(billPage, Number(p.PageSize ?? 20));
      const page = items.slice((num - 1) * size, num * size);
      return {
        body: {
          Code: 'Success',
          Message: 'Successful!',
          Success: true,
          Data: {
            AccountID: '1234567890123456',
            BillingCycle: p.BillingCycle,
            PageNum: num,
            PageSize: size,
            TotalCount: items.length,
            Items: { Item: page.map((i) => ({ BillingDate: p.BillingDate, ProductCode: i.code, ProductName: i.name, PretaxAmount: i.amount, PretaxGrossAmount: i.amount, Currency: 'CNY', SubscriptionType: 'PayAsYouGo' })) },
          },
        },
      };
    },
  };

  const kms: Record<string, ActionHandler> = {
    ListKeys: (p) => {
      const keys = account.kmsKeys?.[p.RegionId ?? ''] ?? [];
      const num = Number(p.PageNumber ?? 1);
      const size = Math.min(100, Number(p.PageSize ?? 10));
      return { body: { TotalCount: keys.length, PageNumber: num, PageSize: size, Keys: { Key: keys.slice((num - 1) * size, num * size).map((k) => ({ KeyId: k.id, KeyArn: `acs:kms:${p.RegionId}:1234567890123456:key/${k.id}` })) } } };
    },
    DescribeKey: (p) => {
      const k = Object.values(account.kmsKeys ?? {}).flat().find((x) => x.id === p.KeyId);
      if (!k) return notFound('Forbidden.KeyNotFound', 'The specified Key is not found.');
      return {
        body: {
          KeyMetadata: {
            KeyId: k.id,
            Creator: k.creator ?? '1234567890123456',
            KeySpec: k.spec ?? 'Aliyun_AES_256',
            KeyUsage: k.spec?.startsWith('RSA') || k.spec?.startsWith('EC') ? 'SIGN/VERIFY' : 'ENCRYPT/DECRYPT',
            KeyState: k.state ?? 'Enabled',
            Origin: k.origin ?? 'Aliyun_KMS',
            ProtectionLevel: 'SOFTWARE',
            AutomaticRotation: k.rotation ?? 'Disabled',
            RotationInterval: k.rotation === 'Enabled' ? '31536000s' : '',
            CreationDate: '2025-06-01T08:00:00Z',
            Arn: `acs:kms:cn-hangzhou:1234567890123456:key/${k.id}`,
          },
        },
      };
    },
  };

  const actiontrail: Record<string, ActionHandler> = {
    DescribeTrails: () => ({
      body: {
        TrailList: (account.trails ?? []).map((t) => ({
          Name: t.name,
          HomeRegion: 'cn-hangzhou',
          TrailRegion: t.trailRegion,
          EventRW: t.eventRW,
          Status: t.status,
          OssBucketName: t.oss ? 'audit-logs' : '',
          SlsProjectArn: t.sls ? 'acs:log:cn-hangzhou:1234567890123456:project/secmon-audit' : '',
          IsOrganizationTrail: false,
          CreateTime: '2025-01-01T00:00:00Z',
        })),
      },
    }),
    GetTrailStatus: (p) => {
      const t = (account.trails ?? []).find((x) => x.name === p.Name);
      if (!t) return notFound('TrailNotFoundException', 'The trail does not exist.');
      return { body: { IsLogging: t.logging, LatestDeliveryTime: '2026-11-21T23:59:00Z', LatestDeliveryError: '', StartLoggingTime: '2025-01-01T00:00:00Z' } };
    },
  };

  const lbs = (region: string | undefined) => account.loadBalancers?.[region ?? ''] ?? {};
  /** An RPC list parameter (`Name.1`, `Name.2`, …) as an array. */
  const listParam = (p: Record<string, string>, name: string) => Object.keys(p).filter((k) => k.startsWith(`${name}.`)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).map((k) => p[k]);
  const slb: Record<string, ActionHandler> = {
    DescribeLoadBalancers: (p) => {
      const all = lbs(p.RegionId).clb ?? [];
      const num = Number(p.PageNumber ?? 1);
      const size = Math.min(100, Number(p.PageSize ?? 10));
      return { body: { TotalCount: all.length, PageNumber: num, PageSize: size, LoadBalancers: { LoadBalancer: all.slice((num - 1) * size, num * size).map((lb) => ({ LoadBalancerId: lb.id, LoadBalancerName: lb.id, RegionId: p.RegionId, AddressType: 'internet', LoadBalancerStatus: 'active' })) } } };
    },
    DescribeLoadBalancerAttribute: (p) => {
      const lb = (lbs(p.RegionId).clb ?? []).find((x) => x.id === p.LoadBalancerId);
      if (!lb) return notFound('InvalidLoadBalancerId.NotFound', 'The specified LoadBalancerId does not exist.');
      return { body: { LoadBalancerId: lb.id, ListenerPortsAndProtocol: { ListenerPortAndProtocol: lb.listeners.map((l) => ({ ListenerPort: l.port, ListenerProtocol: l.protocol })) } } };
    },
    DescribeLoadBalancerHTTPSListenerAttribute: (p) => {
      const l = (lbs(p.RegionId).clb ?? []).find((x) => x.id === p.LoadBalancerId)?.listeners.find((x) => x.port === Number(p.ListenerPort) && x.protocol === 'https');
      if (!l) return notFound('ListenerNotFound', 'The specified listener does not exist.');
      return { body: { ListenerPort: l.port, Status: 'running', TLSCipherPolicy: l.tlsPolicy ?? '', ServerCertificateId: '1231579085529123_cert' } };
    },
  };
  const alb: Record<string, ActionHandler> = {
    ListListeners: (p) => {
      const all = (lbs(p.RegionId).alb ?? []).filter((l) => !p.ListenerProtocol || l.protocol === p.ListenerProtocol);
      const start = p.NextToken ? Number(p.NextToken) : 0;
      const size = Math.min(100, Number(p.MaxResults ?? 20));
      const more = start + size < all.length;
      return { body: { TotalCount: all.length, MaxResults: size, NextToken: more ? String(start + size) : '', Listeners: all.slice(start, start + size).map((l) => ({ ListenerId: l.listenerId, LoadBalancerId: l.loadBalancerId, ListenerPort: l.port, ListenerProtocol: l.protocol, ListenerStatus: 'Running', SecurityPolicyId: l.policy ?? 'tls_cipher_policy_1_0' })) } };
    },
    ListSecurityPolicies: (p) => {
      const ids = listParam(p, 'SecurityPolicyIds');
      const policies = Object.entries(lbs(p.RegionId).albPolicies ?? {}).filter(([id]) => ids.length === 0 || ids.includes(id));
      return { body: { TotalCount: policies.length, NextToken: '', SecurityPolicies: policies.map(([id, versions]) => ({ SecurityPolicyId: id, SecurityPolicyName: id, SecurityPolicyStatus: 'Available', TLSVersions: versions, Ciphers: ['ECDHE-RSA-AES128-GCM-SHA256'] })) } };
    },
  };

  const regions = account.regions ?? {};
  const ecs: Record<string, ActionHandler> = {
    DescribeRegions: () => ({ body: { Regions: { Region: Object.keys(regions).map((r) => ({ RegionId: r, RegionEndpoint: `ecs.${r}.aliyuncs.com`, LocalName: r, Status: 'available' })) } } }),
    DescribeSecurityGroups: (p) => {
      const groups = regions[p.RegionId];
      if (!groups) return { status: 400, body: { Code: 'InvalidRegionId.NotFound', Message: `The specified RegionId ${p.RegionId} does not exist.` } };
      const start = p.NextToken ? Number(p.NextToken) : 0;
      const size = Math.min(groupPage, Number(p.MaxResults ?? 10));
      const page = groups.slice(start, start + size);
      const more = start + size < groups.length;
      return {
        body: {
          RegionId: p.RegionId,
          NextToken: more ? String(start + size) : '',
          SecurityGroups: { SecurityGroup: page.map((g) => ({ SecurityGroupId: g.id, SecurityGroupName: g.name ?? g.id, VpcId: g.vpcId ?? 'vpc-1', SecurityGroupType: 'normal', CreationTime: '2025-03-01T00:00:00Z' })) },
        },
      };
    },
    DescribeSecurityGroupAttribute: (p) => {
      const g = (regions[p.RegionId] ?? []).find((x) => x.id === p.SecurityGroupId);
      if (!g) return notFound('InvalidSecurityGroupId.NotFound', 'The specified security group does not exist.');
      const rules = g.rules.filter((r) => (r.Direction ?? 'ingress') === (p.Direction ?? 'all') || p.Direction === 'all' || !p.Direction);
      return {
        body: {
          RegionId: p.RegionId,
          SecurityGroupId: g.id,
          SecurityGroupName: g.name ?? g.id,
          VpcId: g.vpcId ?? 'vpc-1',
          InnerAccessPolicy: 'Accept',
          Permissions: { Permission: rules.map((r, i) => ({ Direction: r.Direction ?? 'ingress', Policy: r.Policy ?? 'Accept', Priority: 1, SecurityGroupRuleId: `sgr-${g.id}-${i}`, NicType: 'intranet', ...r })) },
        },
      };
    },
  };

  return new LocalOpenApi(credentials, { '2015-05-01': ram, '2019-08-15': ims, '2014-05-26': ecs, '2017-12-14': bss, '2016-01-20': kms, '2020-07-06': actiontrail, '2014-05-15': slb, '2020-06-16': alb });
}
