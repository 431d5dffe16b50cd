import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { inflateSync } from 'node:zlib';
import type { SlsGateway as SlsGatewayType } from './sls-gateway';
import { loadVendor } from '../../util/vendor';
import { SlsLogGroup } from './log-record';

export interface SlsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface SlsClientOptions {
  /** `http://cn-hangzhou-intranet.log.aliyuncs.com` (the trigger payload's form) or a bare host; https by default. */
  endpoint: string;
  credentials: SlsCredentials;
  timeoutMs?: number;
}

export class SlsError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'SlsError';
  }
}

export interface PullResult {
  groups: SlsLogGroup[];
  /** The cursor to read from next (`x-log-cursor`). */
  nextCursor: string;
}

/**
 * The two SLS calls the handlers need, GetCursor and PullLogs, on the real wire
 * protocol.
 *
 * Why not `@alicloud/sls20201230`'s `pullLogs`: as shipped (5.9.0) it leaves the
 * project out of the host name and sends `Accept: application/json`, parsing the
 * answer as JSON, while PullLogs answers a compressed protobuf LogGroupList. So the
 * request is signed by the SDK's own gateway (`@alicloud/gateway-sls`: SLS signature
 * v1, `x-log-*` headers, STS token), with the host `{project}.{endpoint}` given the way
 * its other calls give it, and this module sends it and decodes the body itself
 * (zlib, then protobufjs).
 */
export class SlsClient {
  private gatewayInstance?: InstanceType<typeof SlsGatewayType>;
  private readonly protocol: 'http' | 'https';
  private readonly endpointHost: string;
  private readonly port?: number;
  private readonly agent: http.Agent;

  constructor(private readonly opts: SlsClientOptions) {
    const url = new URL(/^[a-z]+:\/\//i.test(opts.endpoint) ? opts.endpoint : `https://${opts.endpoint}`);
    this.protocol = url.protocol === 'http:' ? 'http' : 'https';
    this.endpointHost = url.hostname;
    this.port = url.port ? Number(url.port) : undefined;
    // One keep-alive agent per client: a function instance reuses its connections across invocations.
    this.agent = this.protocol === 'http' ? new http.Agent({ keepAlive: true }) : new https.Agent({ keepAlive: true });
  }

  async getCursor(project: string, logstore: string, shard: number, from: 'begin' | 'end' | number): Promise<string> {
    const body = await this.request(project, `/logstores/${logstore}/shards/${shard}?type=cursor`, { from: String(from) }, 'GetCursor', 'application/json');
    const cursor = (JSON.parse(body.toString('utf8')) as { cursor?: unknown }).cursor;
    if (typeof cursor !== 'string') throw new SlsError('GetCursor: answer has no cursor', 200);
    return cursor;
  }

  async pullLogs(project: string, logstore: string, shard: number, cursor: string, endCursor: string, count = 1000): Promise<PullResult> {
    let nextCursor = '';
    const body = await this.request(
      project,
      `/logstores/${logstore}/shards/${shard}?type=log`,
      { cursor, end_cursor: endCursor, count: String(count) },
      'PullLogs',
      'application/x-protobuf',
      (headers) => {
        nextCursor = String(headers['x-log-cursor'] ?? '');
      },
    );
    if (!nextCursor) throw new SlsError('PullLogs: answer has no x-log-cursor header', 200);
    return { groups: body.length === 0 ? [] : loadVendor<typeof import('./log-group')>('sls-protobuf', `${__dirname}/log-group`).decodeLogGroupList(body), nextCursor };
  }

  /**
   * Every log group in [begin, end): pages on the next cursor until it reaches the end
   * cursor; a page may be empty (a shard can be triggered with no new data).
   */
  async *readRange(project: string, logstore: string, shard: number, begin: string, end: string, pageSize = 1000): AsyncGenerator<PullResult & { cursor: string }> {
    let cursor = begin;
    while (cursor !== end) {
      const page = await this.pullLogs(project, logstore, shard, cursor, end, pageSize);
      yield { ...page, cursor };
      if (page.nextCursor === cursor) break; // nothing more before the end cursor
      cursor = page.nextCursor;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private async request(
    project: string,
    pathname: string,
    query: Record<string, string>,
    action: string,
    accept: string,
    onHeaders?: (headers: http.IncomingHttpHeaders) => void,
  ): Promise<Buffer> {
    const { accessKeyId, accessKeySecret, securityToken } = this.opts.credentials;
    const headers: Record<string, string> = { accept };
    // deflate: zlib is in Node.js, nothing native ships in the bundle.
    if (action === 'PullLogs') headers['Accept-Encoding'] = 'deflate';
    const context = {
      request: {
        headers,
        query: { ...query },
        hostMap: { project },
        pathname,
        action,
        method: 'GET',
        reqBodyType: 'none',
        bodyType: 'byte',
        userAgent: 'secmon',
        signatureVersion: 'v1',
        credential: { getCredential: async () => ({ accessKeyId, accessKeySecret, securityToken }) },
      },
      configuration: { endpoint: this.port ? `${this.endpointHost}:${this.port}` : this.endpointHost },
    };
    // The gateway adds host, date, x-log-* headers and the signature, and moves the
    // query of `pathname` into `query` (both are part of what is signed).
    /* eslint-disable @typescript-eslint/no-explicit-any */
    this.gatewayInstance ??= new (loadVendor<typeof import('./sls-gateway')>('sls-gateway', `${__dirname}/sls-gateway`).SlsGateway)();
    await this.gatewayInstance.modifyConfiguration(context as any, {} as any);
    await this.gatewayInstance.modifyRequest(context as any, {} as any);
    const req = context.request as unknown as { headers: Record<string, string>; query: Record<string, string | null>; pathname: string };
    const search = Object.entries(req.query)
      .map(([k, v]) => (v === null || v === undefined ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
      .join('&');
    const hostHeader = req.headers.host;
    // The name `{project}.{endpoint}` is where SLS answers; an endpoint given as an IP
    // address (a loopback test server, a private address) is connected to directly.
    const connectHost = isIP(this.endpointHost) || this.endpointHost === 'localhost' ? this.endpointHost : hostHeader.split(':')[0];

    const { status, headers: resHeaders, body } = await this.send({
      host: connectHost,
      port: this.port,
      path: `${req.pathname}${search ? `?${search}` : ''}`,
      method: 'GET',
      headers: req.headers,
    });
    if (status < 200 || status > 299) {
      let code: string | undefined;
      let message = body.toString('utf8').slice(0, 300);
      try {
        const err = JSON.parse(message) as { errorCode?: string; errorMessage?: string };
        code = err.errorCode;
        message = err.errorMessage ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new SlsError(`${action} ${project}/${pathname.split('?')[0]}: HTTP ${status} ${code ?? ''} ${message}`.trim(), status, code, String(resHeaders['x-log-requestid'] ?? ''));
    }
    onHeaders?.(resHeaders);
    return decompress(body, resHeaders);
  }

  private send(options: http.RequestOptions): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const lib = this.protocol === 'http' ? http : https;
    return new Promise((resolve, reject) => {
      const req = lib.request({ ...options, agent: this.agent, timeout: this.opts.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`SLS request timed out after ${this.opts.timeoutMs ?? 30_000} ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

function decompress(body: Buffer, headers: http.IncomingHttpHeaders): Buffer {
  const type = headers['x-log-compresstype'];
  if (!type || body.length === 0) return body;
  const rawSize = Number(headers['x-log-bodyrawsize']);
  let out: Buffer;
  if (type === 'deflate') {
    out = inflateSync(body);
  } else {
    throw new SlsError(`unsupported x-log-compresstype "${String(type)}"`, 200);
  }
  if (Number.isFinite(rawSize) && out.length !== rawSize) {
    throw new SlsError(`decompressed ${out.length} bytes, x-log-bodyrawsize says ${rawSize}`, 200);
  }
  return out;
}
