import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer, replyJson } from './loopback-http';

/**
 * KMS Secrets Manager's GetSecretValue (RPC API 2016-01-20) on 127.0.0.1. A request
 * must carry the STS token and a valid RPC signature, checked here from the
 * documented algorithm (not the SDK's code): the parameters other than Signature,
 * sorted by name, each name and value percent-encoded (RFC 3986, space as %20),
 * joined with `&`; the string to sign is `METHOD&%2F&` plus that, percent-encoded;
 * the signature is base64 HMAC-SHA1 keyed with the AccessKey secret and `&`.
 */
export class LocalKms extends LoopbackHttpServer {
  readonly calls: string[] = [];
  readonly rejected: string[] = [];
  private readonly nonces = new Set<string>();

  constructor(
    readonly secrets: Map<string, string>,
    private readonly credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string },
  ) {
    super();
  }

  protected handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const params: Record<string, string> = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
    const refuse = (status: number, code: string) => {
      this.rejected.push(code);
      replyJson(res, status, { Code: code, Message: code, RequestId: 'kms-local' });
    };
    if (params.Action !== 'GetSecretValue' || params.Version !== '2016-01-20') return refuse(400, 'InvalidAction');
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return refuse(400, 'InvalidSignatureMethod');
    if (params.AccessKeyId !== this.credentials.accessKeyId) return refuse(404, 'InvalidAccessKeyId.NotFound');
    if (params.SecurityToken !== this.credentials.securityToken) return refuse(400, 'InvalidSecurityToken');
    if (!params.SignatureNonce || this.nonces.has(params.SignatureNonce)) return refuse(400, 'SignatureNonceUsed');
    if (Math.abs(Date.parse(params.Timestamp ?? '') - Date.now()) > 15 * 60_000 || Number.isNaN(Date.parse(params.Timestamp ?? ''))) return refuse(400, 'InvalidTimeStamp.Expired');
    if (params.Signature !== rpcSignature(req.method ?? 'GET', params, this.credentials.accessKeySecret)) return refuse(400, 'SignatureDoesNotMatch');
    this.nonces.add(params.SignatureNonce);
    const name = params.SecretName ?? '';
    this.calls.push(name);
    const value = this.secrets.get(name);
    if (value === undefined) return refuse(404, 'Forbidden.ResourceNotFound');
    replyJson(res, 200, {
      RequestId: 'kms-local',
      SecretName: name,
      VersionId: `v${this.calls.length}`,
      SecretData: value,
      SecretDataType: 'text',
      CreateTime: new Date().toISOString(),
      VersionStages: { VersionStage: ['ACSCurrent'] },
    });
  }
}

function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function rpcSignature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k])}`)
    .join('&');
  const toSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}
