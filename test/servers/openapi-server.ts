import { createHash, createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer, replyJson } from './loopback-http';
import { rpcSignature } from './kms-server';

/**
 * Alibaba Cloud's RPC-style OpenAPI on 127.0.0.1, for the SDKs the posture scan uses:
 * each request's ACS3-HMAC-SHA256 signature is recomputed from the canonical request
 * (method, path, sorted and encoded query, the signed `x-acs-*`, `host` and
 * `content-type` headers, the body's SHA-256) and compared, or, for an SDK of the
 * older generation (KMS's), the RPC signature 1.0 (HMAC-SHA1 of the sorted
 * parameters); the STS token and the product's API version are checked. Actions are answered by the handlers given
 * per version. A test can make an action answer throttling (`Throttling.User`, HTTP
 * 400) a number of times, or refuse it (`NoPermission` / `Forbidden.RAM`, HTTP 403).
 */
export type ActionHandler = (params: Record<string, string>) => { status?: number; body: Record<string, unknown> };

export interface OpenApiCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
}

export class LocalOpenApi extends LoopbackHttpServer {
  readonly calls: Array<{ version: string; action: string; params: Record<string, string> }> = [];
  readonly rejected: string[] = [];
  private readonly throttles = new Map<string, number>();
  private readonly failures: Array<{ action: string; when: (params: Record<string, string>) => boolean; status: number; code: string; message: string }> = [];
  /** Ports that stand for one region's endpoint, as a region's own host would. */
  private readonly portRegions = new Map<number, string>();
  private readonly denied = new Set<string>();

  constructor(
    private readonly credentials: OpenApiCredentials,
    /** Handlers by API version (`2015-05-01`), then action. */
    private readonly products: Record<string, Record<string, ActionHandler>>,
  ) {
    super();
  }

  /** The next `times` calls of `action` answer throttling. */
  throttle(action: string, times: number): void {
    this.throttles.set(action, times);
  }

  /** Every call of `action` is refused for want of a permission. */
  deny(action: string): void {
    this.denied.add(action);
  }

  /** An endpoint of this server for `region`'s calls: a request there without a RegionId is that region's. */
  async regionEndpoint(region: string): Promise<string> {
    const endpoint = await this.alsoListen();
    this.portRegions.set(Number(new URL(endpoint).port), region);
    return endpoint;
  }

  /** Calls of `action` for which `when` holds answer this error (a region without the product, a resource gone, a server error). */
  fail(action: string, when: (params: Record<string, string>) => boolean, status: number, code: string, message: string): void {
    this.failures.push({ action, when, status, code, message });
  }

  /** `action` is answered again. */
  allow(action: string): void {
    this.denied.delete(action);
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const params: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
    const v1 = req.headers.authorization === undefined && params.Signature !== undefined;
    const action = String(v1 ? params.Action : (req.headers['x-acs-action'] ?? ''));
    const version = String(v1 ? params.Version : (req.headers['x-acs-version'] ?? ''));
    const refuse = (why: string) => {
      this.rejected.push(`${action}: ${why}`);
      replyJson(res, 403, { Code: 'SignatureDoesNotMatch', Message: why, RequestId: 'r' });
    };
    const why = v1 ? verifyRpcV1(req.method ?? 'GET', params, this.credentials) : verifyAcs3(req, url, body, this.credentials);
    if (why) return refuse(why);
    const region = this.portRegions.get(req.socket.localPort ?? 0);
    if (region !== undefined) params.RegionId ??= region;
    const product = this.products[version];
    if (!product) return refuse(`no product of version ${version}`);
    this.calls.push({ version, action, params });
    const left = this.throttles.get(action) ?? 0;
    if (left > 0) {
      this.throttles.set(action, left - 1);
      return replyJson(res, 400, { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.', RequestId: 'r' });
    }
    if (this.denied.has(action)) {
      const code = version === '2014-05-26' ? 'Forbidden.RAM' : 'NoPermission';
      return replyJson(res, 403, { Code: code, Message: `You are not authorized to do this action (${action}).`, RequestId: 'r' });
    }
    const failure = this.failures.find((f) => f.action === action && f.when(params));
    if (failure) return replyJson(res, failure.status, { Code: failure.code, Message: failure.message, RequestId: 'r' });
    const handler = product[action];
    if (!handler) return replyJson(res, 404, { Code: 'InvalidAction.NotFound', Message: `Specified api is not found: ${action}`, RequestId: 'r' });
    const answer = handler(params);
    replyJson(res, answer.status ?? 200, { RequestId: 'r', ...answer.body });
  }
}

/** RFC 3986 encoding, as the signature's canonical query uses it. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Why a request's ACS3-HMAC-SHA256 signature does not hold, or undefined when it does. */
export function verifyAcs3(req: IncomingMessage, url: URL, body: Buffer, creds: OpenApiCredentials): string | undefined {
  const auth = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(String(req.headers.authorization ?? ''));
  if (!auth) return 'no ACS3-HMAC-SHA256 authorization';
  const [, keyId, signedList, signature] = auth;
  if (keyId !== creds.accessKeyId) return `unknown AccessKey ${keyId}`;
  if (req.headers['x-acs-security-token'] !== creds.securityToken) return 'wrong or missing STS token';
  const signed = signedList.split(';');
  for (const required of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-security-token']) {
    if (!signed.includes(required)) return `${required} is not signed`;
  }
  const payloadHash = createHash('sha256').update(body).digest('hex');
  if (req.headers['x-acs-content-sha256'] !== payloadHash) return 'x-acs-content-sha256 is not the body hash';
  const query = [...url.searchParams.keys()]
    .filter((k, i, all) => all.indexOf(k) === i)
    .sort()
    .map((k) => `${k}=${rfc3986(url.searchParams.get(k) ?? '')}`)
    .join('&');
  const headers = signed.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('');
  const canonical = [req.method, url.pathname, query, headers, signed.join(';'), payloadHash].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', creds.accessKeySecret).update(toSign).digest('hex');
  return expected === signature ? undefined : 'signature does not match';
}

/** Why a request's RPC signature 1.0 does not hold, or undefined when it does. */
function verifyRpcV1(method: string, params: Record<string, string>, creds: OpenApiCredentials): string | undefined {
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return 'not an RPC 1.0 HMAC-SHA1 signature';
  if (params.AccessKeyId !== creds.accessKeyId) return `unknown AccessKey ${params.AccessKeyId}`;
  if (params.SecurityToken !== creds.securityToken) return 'wrong or missing STS token';
  if (!params.SignatureNonce || Number.isNaN(Date.parse(params.Timestamp ?? ''))) return 'no nonce or timestamp';
  return params.Signature === rpcSignature(method, params, creds.accessKeySecret) ? undefined : 'signature does not match';
}
