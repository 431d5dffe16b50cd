import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

/**
 * A Function Compute API endpoint on 127.0.0.1 that accepts InvokeFunction as FC 3.0
 * (`POST /2023-03-30/functions/{name}/invocations`, ACS3-HMAC-SHA256 signature) and
 * FC 2.0 (`POST /2016-08-15/services/{service}/functions/{name}/invocations`, `FC`
 * signature) document it, checks the asynchronous-invocation and signing headers,
 * answers 202 like FC does for async calls, and records each invocation.
 */
export interface Invocation {
  api: 'fc3' | 'fc2';
  path: string;
  service?: string;
  functionName: string;
  qualifier?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export class LocalFc extends LoopbackHttpServer {
  readonly invocations: Invocation[] = [];
  readonly rejected: Array<{ path: string; reason: string }> = [];
  /** Answer the next N invocations with HTTP 503 (FC throttling or an outage). */
  failNext = 0;

  constructor(private readonly accessKeyId: string, private readonly securityToken: string) {
    super();
  }

  protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const reject = (status: number, reason: string) => {
      this.rejected.push({ path: url.pathname, reason });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'InvalidArgument', Message: reason }));
    };
    const h = req.headers;
    if (req.method !== 'POST') return reject(405, 'InvokeFunction is a POST');
    if (h['x-fc-invocation-type'] !== 'Async') return reject(400, 'missing x-fc-invocation-type: Async');
    let inv: Invocation;
    const v3 = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    const v2 = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (v3) {
      const auth = String(h.authorization ?? '');
      const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(auth);
      if (!m || m[1] !== this.accessKeyId) return reject(403, `bad FC 3.0 authorization: ${auth.slice(0, 40)}`);
      for (const name of ['x-acs-date', 'x-acs-content-sha256', 'x-acs-signature-nonce', 'x-acs-security-token', 'host']) {
        if (!h[name]) return reject(403, `missing ${name}`);
        if (!m[2].split(';').includes(name)) return reject(403, `${name} is not signed`);
      }
      if (h['x-acs-security-token'] !== this.securityToken) return reject(403, 'wrong security token');
      inv = { api: 'fc3', path: url.pathname, functionName: decodeURIComponent(v3[1]), qualifier: url.searchParams.get('qualifier') ?? undefined, headers: h, body };
    } else if (v2) {
      const auth = String(h.authorization ?? '');
      if (!new RegExp(`^FC ${this.accessKeyId}:[A-Za-z0-9+/=]+$`).test(auth)) return reject(403, `bad FC 2.0 authorization: ${auth.slice(0, 40)}`);
      if (!h.date || h['x-fc-security-token'] !== this.securityToken || !h['x-fc-account-id']) return reject(403, 'missing date, x-fc-account-id or x-fc-security-token');
      const [service, qualifier] = decodeURIComponent(v2[1]).split('.');
      inv = { api: 'fc2', path: url.pathname, service, qualifier, functionName: decodeURIComponent(v2[2]), headers: h, body };
    } else {
      return reject(404, `unknown path ${url.pathname}`);
    }
    if (this.failNext > 0) {
      this.failNext--;
      return reject(503, 'injected failure');
    }
    this.invocations.push(inv);
    res.writeHead(202, { 'x-fc-request-id': `req-${this.invocations.length}`, 'content-length': '0' });
    res.end();
  }

}
