import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer, replyJson } from './loopback-http';

/**
 * The RAM (2015-05-01) RPC API on 127.0.0.1, as much as the posture scan calls:
 * ListUsers (paged with Marker), GetLoginProfile (404 EntityNotExist.User.LoginProfile
 * without console access) and ListVirtualMFADevices. Requests must carry the action and
 * version headers and an ACS3-HMAC-SHA256 signature with the STS token.
 */
export interface RamUserFixture {
  name: string;
  console: boolean;
  mfa: boolean;
}

export class LocalRam extends LoopbackHttpServer {
  readonly calls: Array<{ action: string; params: Record<string, string> }> = [];
  readonly rejected: string[] = [];

  constructor(
    private readonly users: RamUserFixture[],
    private readonly accessKeyId: string,
    private readonly pageSize = 2,
  ) {
    super();
  }

  protected handle(req: IncomingMessage, bytes: Buffer, res: ServerResponse): void {
    const body = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://local');
    const params = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
    const action = String(req.headers['x-acs-action'] ?? params.Action ?? '');
    const reply = (status: number, doc: unknown) => replyJson(res, status, doc);
    const auth = String(req.headers.authorization ?? '');
    if (!new RegExp(`^ACS3-HMAC-SHA256 Credential=${this.accessKeyId},SignedHeaders=[^,]+,Signature=[0-9a-f]{64}$`).test(auth) || !req.headers['x-acs-security-token']) {
      this.rejected.push(`${action}: unsigned`);
      return reply(403, { Code: 'InvalidAccessKeyId.NotFound', Message: 'unsigned', RequestId: 'r' });
    }
    if (req.headers['x-acs-version'] !== '2015-05-01') {
      this.rejected.push(`${action}: version`);
      return reply(400, { Code: 'InvalidVersion', Message: 'version', RequestId: 'r' });
    }
    this.calls.push({ action, params });
    switch (action) {
      case 'ListUsers': {
        const start = params.Marker ? Number(params.Marker) : 0;
        const page = this.users.slice(start, start + this.pageSize);
        const more = start + this.pageSize < this.users.length;
        return reply(200, {
          RequestId: 'r',
          IsTruncated: more,
          Marker: more ? String(start + this.pageSize) : '',
          Users: { User: page.map((u, i) => ({ UserName: u.name, UserId: `2${start + i}`, DisplayName: u.name.toUpperCase(), CreateDate: '2026-01-01T00:00:00Z' })) },
        });
      }
      case 'GetLoginProfile': {
        const u = this.users.find((x) => x.name === params.UserName);
        if (!u) return reply(404, { Code: 'EntityNotExist.User', Message: 'The user does not exist.', RequestId: 'r' });
        if (!u.console) return reply(404, { Code: 'EntityNotExist.User.LoginProfile', Message: 'The login policy does not exist.', RequestId: 'r' });
        return reply(200, { RequestId: 'r', LoginProfile: { UserName: u.name, PasswordResetRequired: false, MFABindRequired: false, CreateDate: '2026-01-01T00:00:00Z' } });
      }
      case 'ListVirtualMFADevices':
        return reply(200, {
          RequestId: 'r',
          VirtualMFADevices: { VirtualMFADevice: this.users.filter((u) => u.mfa).map((u) => ({ SerialNumber: `acs:ram::1:mfa/${u.name}`, ActivateDate: '2026-01-02T00:00:00Z', User: { UserName: u.name, UserId: 'x', DisplayName: u.name } })) },
        });
      default:
        return reply(400, { Code: 'InvalidAction.NotFound', Message: action, RequestId: 'r' });
    }
  }

}
