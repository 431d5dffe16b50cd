// RAM (2015-05-01) calls of the posture scan through @alicloud/ram20150501; built as a vendor bundle (shared/util/vendor.ts).
import RamClient, { GetLoginProfileRequest, ListUsersRequest } from '@alicloud/ram20150501';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { CredentialsRef } from '../context';
import type { RamApi, RamUser } from './ram-scan';

export function createRamApi(endpoint: string, credentials: CredentialsRef): RamApi {
  const url = new URL(/^[a-z]+:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`);
  const credential = {
    getCredential: async () => {
      const c = credentials.get();
      return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, type: 'sts' };
    },
    getType: () => 'sts',
  };
  const client = new RamClient(new $OpenApiUtil.Config({ credential: credential as never, endpoint: url.host, protocol: url.protocol.replace(':', '') }));
  return {
    async listUsers(marker?: string) {
      const res = await client.listUsers(new ListUsersRequest({ marker, maxItems: 1000 }));
      const users: RamUser[] = (res.body?.users?.user ?? []).map((u) => ({ userName: u.userName ?? '', userId: u.userId ?? '', displayName: u.displayName }));
      return { users, marker: res.body?.isTruncated ? res.body.marker : undefined };
    },
    async hasConsoleAccess(userName: string) {
      try {
        const res = await client.getLoginProfile(new GetLoginProfileRequest({ userName }));
        return { console: true, mfaBindRequired: res.body?.loginProfile?.MFABindRequired === true };
      } catch (e) {
        // No login profile: the user cannot sign in to the console.
        if ((e as { code?: string }).code === 'EntityNotExist.User.LoginProfile') return { console: false, mfaBindRequired: false };
        throw e;
      }
    },
    async usersWithMfaDevice() {
      const res = await client.listVirtualMFADevices();
      const names = (res.body?.virtualMFADevices?.virtualMFADevice ?? []).map((d) => d.user?.userName).filter((n): n is string => Boolean(n));
      return new Set(names);
    },
  };
}
