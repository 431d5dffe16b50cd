// The posture scan's API calls through Alibaba Cloud's SDKs (RAM 2015-05-01, IMS
// 2019-08-15, ECS 2014-05-26, BSS OpenAPI 2017-12-14, KMS 2016-01-20, ALB 2020-06-16,
// OSS 2019-05-17),
// and for ActionTrail (2020-07-06) and Classic Load Balancer (2014-05-15), which have
// no SDK package, signed calls through the SDKs' own OpenAPI core; built as a vendor
// bundle (shared/util/vendor.ts), loaded by the posture function and `secmon posture`.
import RamClient, * as $ram from '@alicloud/ram20150501';
import ImsClient from '@alicloud/ims20190815';
import EcsClient, * as $ecs from '@alicloud/ecs20140526';
import BssClient, * as $bss from '@alicloud/bssopenapi20171214';
import Kms, * as $kms from '@alicloud/kms20160120';
import AlbClient, * as $alb from '@alicloud/alb20200616';
import OssClient from '@alicloud/oss20190517';
import * as $OpenApiClassic from '@alicloud/openapi-client';
import * as $TeaUtil from '@alicloud/tea-util';
import OpenApi, { $OpenApiUtil } from '@alicloud/openapi-core';
import * as $dara from '@darabonba/typescript';
import type { PostureApis, SecurityGroupPermission } from './apis';

/** Where the current credentials come from (Function Compute's STS credentials, or the CLI's environment). */
export interface CredentialsSource {
  get(): { accessKeyId: string; accessKeySecret: string; securityToken?: string };
}

export interface PostureEndpoints {
  ram: string;
  ims: string;
  /** ECS's endpoint for DescribeRegions; each region's calls go to that region's endpoint. */
  ecs: string;
  /**
   * Instead of each region's own endpoint: one for every regional call, or one per
   * region (`cn-hangzhou=https://…,cn-shanghai=https://…`), for a proxy or a local server.
   */
  regional?: string;
  bss: string;
  /** Where the account's buckets are listed (any region's OSS endpoint lists them all); each bucket is then read in its region. */
  oss: string;
}

export function createPostureApis(endpoints: PostureEndpoints, credentials: CredentialsSource): PostureApis {
  const credential = {
    getCredential: async () => {
      const c = credentials.get();
      return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, type: 'sts' };
    },
    getType: () => 'sts',
  };
  const config = (endpoint: string, regionId?: string) => {
    const url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`);
    return new $OpenApiUtil.Config({ credential: credential as never, endpoint: url.host, protocol: url.protocol.replace(':', ''), regionId, readTimeout: 15_000, connectTimeout: 5_000 });
  };
  const ram = new RamClient(config(endpoints.ram));
  const ims = new ImsClient(config(endpoints.ims));
  const ecs = new EcsClient(config(endpoints.ecs));
  const bss = new BssClient(config(endpoints.bss));
  // Each region's ECS client, made once per scan, for the endpoint DescribeRegions gave.
  const regionEndpoints = new Map<string, string>();
  const regional = new Map<string, EcsClient>();
  // A product with no SDK package: the same signed RPC call its SDK would make.
  const rpc = async (endpoint: string, version: string, action: string, query: Record<string, string>) => {
    const core = new OpenApi(config(endpoint));
    const params = new $OpenApiUtil.Params({ action, version, protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    const res = await core.callApi(params, new $OpenApiUtil.OpenApiRequest({ query }), new $dara.RuntimeOptions({}));
    return (res.body ?? {}) as Record<string, unknown>;
  };
  const overrides = regionalOverrides(endpoints.regional);
  const regionalOr = (region: string, own: string) => overrides(region) ?? own;
  const trailEndpoint = (region: string) => regionalOr(region, `actiontrail.${region}.aliyuncs.com`);
  // The KMS SDK takes the credentials as they are when the client is made: one client per call.
  const kmsIn = (region: string) => {
    const c = credentials.get();
    const endpoint = regionalOr(region, `kms.${region}.aliyuncs.com`);
    return new Kms({
      endpoint: endpoint.replace(/^https?:\/\//i, '').replace(/\/+$/, ''),
      protocol: /^http:\/\//i.test(endpoint) ? 'HTTP' : 'HTTPS',
      regionId: region,
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      securityToken: c.securityToken,
      readTimeout: 15_000,
      connectTimeout: 5_000,
    } as ConstructorParameters<typeof Kms>[0]);
  };
  const clbEndpoint = (region: string) => regionalOr(region, `slb.${region}.aliyuncs.com`);
  const albClients = new Map<string, AlbClient>();
  const albIn = (region: string) => {
    let c = albClients.get(region);
    if (!c) albClients.set(region, (c = new AlbClient(config(regionalOr(region, `alb.${region}.aliyuncs.com`), region))));
    return c;
  };
  // The OSS SDK, like KMS's, takes the credentials as they are: one client per call. An
  // endpoint that is an address (a local server) is used path-style.
  const ossAt = (endpoint: string) => {
    const c = credentials.get();
    const url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`);
    return new OssClient(
      new $OpenApiClassic.Config({
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken,
        endpoint: url.host,
        protocol: url.protocol.replace(':', '').toUpperCase(),
        endpointType: /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(url.host) ? 'ip' : undefined,
        readTimeout: 15_000,
        connectTimeout: 5_000,
      }),
    );
  };
  // A bucket is read at its region's endpoint; an OSS endpoint that is an address (a
  // local server, a proxy) serves every bucket, path-style.
  const ossByAddress = /^(https?:\/\/)?\d+\.\d+\.\d+\.\d+(:\d+)?\/?$/.test(endpoints.oss);
  const ossIn = (region: string) => ossAt(ossByAddress ? endpoints.oss : `oss-${region}.aliyuncs.com`);
  const ecsIn = (region: string) => {
    let c = regional.get(region);
    if (!c) regional.set(region, (c = new EcsClient(config(regionalOr(region, regionEndpoints.get(region) ?? `ecs.${region}.aliyuncs.com`), region))));
    return c;
  };

  return {
    ram: {
      async listUsers(marker) {
        const res = await ram.listUsers(new $ram.ListUsersRequest({ marker, maxItems: 1000 }));
        return {
          users: (res.body?.users?.user ?? []).map((u) => ({ userName: u.userName ?? '', userId: u.userId ?? '', displayName: u.displayName })),
          marker: res.body?.isTruncated ? res.body.marker : undefined,
        };
      },
      async hasConsoleAccess(userName) {
        try {
          const res = await ram.getLoginProfile(new $ram.GetLoginProfileRequest({ userName }));
          return { console: true, mfaBindRequired: res.body?.loginProfile?.MFABindRequired === true };
        } catch (e) {
          // No login profile: the user cannot sign in to the console.
          if ((e as { code?: string }).code === 'EntityNotExist.User.LoginProfile') return { console: false, mfaBindRequired: false };
          throw e;
        }
      },
      async usersWithMfaDevice() {
        const res = await ram.listVirtualMFADevices();
        return new Set((res.body?.virtualMFADevices?.virtualMFADevice ?? []).map((d) => d.user?.userName).filter((n): n is string => Boolean(n)));
      },
      async passwordPolicy() {
        const p = (await ram.getPasswordPolicy()).body?.passwordPolicy;
        return {
          minimumPasswordLength: p?.minimumPasswordLength,
          requireUppercaseCharacters: p?.requireUppercaseCharacters,
          requireLowercaseCharacters: p?.requireLowercaseCharacters,
          requireNumbers: p?.requireNumbers,
          requireSymbols: p?.requireSymbols,
          maxPasswordAge: p?.maxPasswordAge,
          passwordReusePrevention: p?.passwordReusePrevention,
          maxLoginAttempts: p?.maxLoginAttemps,
          hardExpiry: p?.hardExpiry,
        };
      },
      async listAccessKeys(userName) {
        const res = await ram.listAccessKeys(new $ram.ListAccessKeysRequest({ userName }));
        return (res.body?.accessKeys?.accessKey ?? []).map((k) => ({ accessKeyId: k.accessKeyId ?? '', status: k.status ?? '', createDate: k.createDate ?? '' }));
      },
      async accessKeyLastUsed(userName, accessKeyId) {
        const res = await ram.getAccessKeyLastUsed(new $ram.GetAccessKeyLastUsedRequest({ userName, userAccessKeyId: accessKeyId }));
        return res.body?.accessKeyLastUsed?.lastUsedDate || undefined;
      },
      async listPoliciesForUser(userName) {
        const res = await ram.listPoliciesForUser(new $ram.ListPoliciesForUserRequest({ userName }));
        return (res.body?.policies?.policy ?? []).map((p) => ({ policyName: p.policyName ?? '', policyType: p.policyType ?? '' }));
      },
      async policyDocument(policyName, policyType) {
        const res = await ram.getPolicy(new $ram.GetPolicyRequest({ policyName, policyType }));
        return res.body?.defaultPolicyVersion?.policyDocument;
      },
    },
    ims: {
      async securityReport() {
        const info = (await ims.getAccountSecurityPracticeReport()).body?.accountSecurityPracticeInfo?.accountSecurityPracticeUserInfo;
        return { rootMfa: info?.bindMfa === true, rootAccessKeys: info?.rootWithAccessKey ?? 0 };
      },
    },
    bss: {
      async dailyBill(date, page) {
        const res = await bss.queryAccountBill(new $bss.QueryAccountBillRequest({ billingCycle: date.slice(0, 7), billingDate: date, granularity: 'DAILY', isGroupByProduct: true, pageNum: page, pageSize: 300 }));
        const body = res.body;
        // BSS answers some refusals with HTTP 200 and Success false.
        if (body?.success === false) throw Object.assign(new Error(body.message ?? 'QueryAccountBill failed'), { code: body.code, data: { Code: body.code, Message: body.message } });
        return {
          items: (body?.data?.items?.item ?? []).map((i) => ({ productCode: i.productCode ?? '', productName: i.productName ?? i.productCode ?? '', amount: Number(i.pretaxAmount ?? 0), currency: i.currency ?? '' })),
          total: body?.data?.totalCount ?? 0,
        };
      },
    },
    kms: {
      async listKeys(region, page) {
        const res = await kmsIn(region).listKeys(new $kms.ListKeysRequest({ pageNumber: page, pageSize: 100 }));
        return { keyIds: (res.keys?.key ?? []).map((k) => k.keyId), total: res.totalCount ?? 0 };
      },
      async describeKey(region, keyId) {
        const m = (await kmsIn(region).describeKey(new $kms.DescribeKeyRequest({ keyId }))).keyMetadata;
        return {
          keyId: m?.keyId ?? keyId,
          creator: m?.creator,
          keySpec: m?.keySpec,
          keyUsage: m?.keyUsage,
          keyState: m?.keyState,
          origin: m?.origin,
          protectionLevel: m?.protectionLevel,
          automaticRotation: m?.automaticRotation,
          rotationInterval: m?.rotationInterval,
          lastRotationDate: m?.lastRotationDate,
          creationDate: m?.creationDate,
        };
      },
    },
    actiontrail: {
      async describeTrails(region) {
        const body = await rpc(trailEndpoint(region), '2020-07-06', 'DescribeTrails', { IncludeShadowTrails: 'false', IncludeOrganizationTrail: 'true' });
        const list = (body.TrailList ?? []) as Array<Record<string, unknown>>;
        const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
        return list.map((t) => ({
          name: String(t.Name ?? ''),
          homeRegion: str(t.HomeRegion),
          trailRegion: str(t.TrailRegion),
          eventRW: str(t.EventRW),
          status: str(t.Status),
          ossBucketName: str(t.OssBucketName),
          slsProjectArn: str(t.SlsProjectArn),
          isOrganizationTrail: t.IsOrganizationTrail === true,
        }));
      },
      async isLogging(region, trail) {
        const body = await rpc(trailEndpoint(region), '2020-07-06', 'GetTrailStatus', { Name: trail.name, IsOrganizationTrail: String(trail.isOrganizationTrail === true) });
        return body.IsLogging === true;
      },
    },
    oss: {
      async listBuckets(marker) {
        // ListBuckets through the SDK's own signed call: its response model names the
        // XML's elements in lower case and reads no bucket, so the answer is mapped here.
        const params = new $OpenApiClassic.Params({ action: 'ListBuckets', version: '2019-05-17', protocol: 'HTTPS', pathname: '/', method: 'GET', authType: 'AK', style: 'ROA', reqBodyType: 'xml', bodyType: 'xml' });
        const query: Record<string, string> = { 'max-keys': '1000', ...(marker ? { marker } : {}) };
        const res = await ossAt(endpoints.oss).execute(params, new $OpenApiClassic.OpenApiRequest({ query }), new $TeaUtil.RuntimeOptions({}));
        const body = (res.body ?? {}) as { Buckets?: { Bucket?: unknown }; IsTruncated?: unknown; NextMarker?: unknown };
        const raw = body.Buckets?.Bucket;
        const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as Array<Record<string, unknown>>;
        return {
          buckets: list.map((b) => ({ name: String(b.Name ?? ''), region: String(b.Region ?? String(b.Location ?? '').replace(/^oss-/, '')) })),
          nextMarker: String(body.IsTruncated) === 'true' && body.NextMarker ? String(body.NextMarker) : undefined,
        };
      },
      async bucketAcl(bucket) {
        const res = await ossIn(bucket.region).getBucketAcl(bucket.name);
        return res.body?.accessControlList?.grant ?? 'private';
      },
      async bucketPolicy(bucket) {
        try {
          const res = await ossIn(bucket.region).getBucketPolicy(bucket.name);
          return typeof res.body === 'string' && res.body !== '' ? res.body : undefined;
        } catch (e) {
          if ((e as { code?: string }).code === 'NoSuchBucketPolicy') return undefined;
          throw e;
        }
      },
    },
    lb: {
      async clbInstances(region, page) {
        const body = await rpc(clbEndpoint(region), '2014-05-15', 'DescribeLoadBalancers', { RegionId: region, PageNumber: String(page), PageSize: '100' });
        const list = ((body.LoadBalancers as { LoadBalancer?: Array<Record<string, unknown>> } | undefined)?.LoadBalancer ?? []);
        return { instances: list.map((lb) => ({ id: String(lb.LoadBalancerId ?? ''), name: lb.LoadBalancerName as string | undefined })), total: Number(body.TotalCount ?? 0) };
      },
      async clbListeners(region, loadBalancerId) {
        const body = await rpc(clbEndpoint(region), '2014-05-15', 'DescribeLoadBalancerAttribute', { RegionId: region, LoadBalancerId: loadBalancerId });
        const list = ((body.ListenerPortsAndProtocol as { ListenerPortAndProtocol?: Array<Record<string, unknown>> } | undefined)?.ListenerPortAndProtocol ?? []);
        return list.map((l) => ({ port: Number(l.ListenerPort), protocol: String(l.ListenerProtocol ?? '') }));
      },
      async clbTlsPolicy(region, loadBalancerId, port) {
        const body = await rpc(clbEndpoint(region), '2014-05-15', 'DescribeLoadBalancerHTTPSListenerAttribute', { RegionId: region, LoadBalancerId: loadBalancerId, ListenerPort: String(port) });
        return typeof body.TLSCipherPolicy === 'string' && body.TLSCipherPolicy !== '' ? body.TLSCipherPolicy : undefined;
      },
      async albHttpsListeners(region, nextToken) {
        const body = (await albIn(region).listListeners(new $alb.ListListenersRequest({ listenerProtocol: 'HTTPS', maxResults: 100, nextToken }))).body;
        return {
          listeners: (body?.listeners ?? []).map((l) => ({ listenerId: l.listenerId ?? '', loadBalancerId: l.loadBalancerId ?? '', port: Number(l.listenerPort), securityPolicyId: l.securityPolicyId || undefined })),
          nextToken: body?.nextToken || undefined,
        };
      },
      async albPolicyVersions(region, policyIds) {
        const versions = new Map<string, string[]>();
        let nextToken: string | undefined;
        do {
          const body = (await albIn(region).listSecurityPolicies(new $alb.ListSecurityPoliciesRequest({ securityPolicyIds: policyIds, maxResults: 100, nextToken }))).body;
          for (const p of body?.securityPolicies ?? []) if (p.securityPolicyId) versions.set(p.securityPolicyId, p.TLSVersions ?? []);
          nextToken = body?.nextToken || undefined;
        } while (nextToken);
        return versions;
      },
    },
    ecs: {
      async regions() {
        const res = await ecs.describeRegions(new $ecs.DescribeRegionsRequest({}));
        const regions = (res.body?.regions?.region ?? []).filter((r) => r.regionId && r.status !== 'unavailable');
        for (const r of regions) if (r.regionEndpoint) regionEndpoints.set(r.regionId!, r.regionEndpoint);
        return regions.map((r) => r.regionId!);
      },
      async securityGroups(region, nextToken) {
        const res = await ecsIn(region).describeSecurityGroups(new $ecs.DescribeSecurityGroupsRequest({ regionId: region, maxResults: 100, nextToken }));
        return {
          groups: (res.body?.securityGroups?.securityGroup ?? []).map((g) => ({ securityGroupId: g.securityGroupId ?? '', securityGroupName: g.securityGroupName, vpcId: g.vpcId })),
          nextToken: res.body?.nextToken || undefined,
        };
      },
      async ingressRules(region, securityGroupId) {
        const rules: SecurityGroupPermission[] = [];
        let nextToken: string | undefined;
        do {
          const res = await ecsIn(region).describeSecurityGroupAttribute(new $ecs.DescribeSecurityGroupAttributeRequest({ regionId: region, securityGroupId, direction: 'ingress', maxResults: 1000, nextToken }));
          for (const p of res.body?.permissions?.permission ?? []) {
            if (p.direction && p.direction !== 'ingress') continue;
            rules.push({
              IpProtocol: p.ipProtocol,
              PortRange: p.portRange,
              SourceCidrIp: p.sourceCidrIp || undefined,
              Ipv6SourceCidrIp: p.ipv6SourceCidrIp || undefined,
              SourceGroupId: p.sourceGroupId || undefined,
              Policy: p.policy,
              Priority: p.priority === undefined ? undefined : String(p.priority),
              Description: p.description || undefined,
            });
          }
          nextToken = res.body?.nextToken || undefined;
        } while (nextToken);
        return rules;
      },
    },
  };
}

/** The override of a region's endpoint: one for all (`url`) or per region (`region=url,…`). */
function regionalOverrides(value: string | undefined): (region: string) => string | undefined {
  if (!value) return () => undefined;
  if (!value.includes('=')) return () => value;
  const map = new Map(value.split(',').map((pair) => pair.split('=').map((x) => x.trim()) as [string, string]));
  return (region) => map.get(region);
}
