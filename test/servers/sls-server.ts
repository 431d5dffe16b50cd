import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { deflateSync } from 'node:zlib';
import { SlsLogGroup, encodeLogGroupList } from '../../shared/fc/sls/log-group';
import { LoopbackHttpServer } from './loopback-http';

/**
 * A Simple Log Service endpoint on 127.0.0.1 that answers GetCursor and PullLogs as
 * the SLS API reference describes: virtual-hosted `{project}.{endpoint}` names,
 * `GET /logstores/{logstore}/shards/{shard}?type=cursor|log`, requests signed with
 * SLS signature v1 (checked here against the secret, independently of the client),
 * protobuf LogGroupList bodies compressed with deflate per Accept-Encoding (lz4 is announced uncompressed: a client must refuse it),
 * and the next cursor in `x-log-cursor`.
 */
export interface SlsRequestRecord {
  host: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
}

export class LocalSls extends LoopbackHttpServer {
  readonly requests: SlsRequestRecord[] = [];
  private readonly shards = new Map<string, SlsLogGroup[]>();
  /** Answer the next N PullLogs with this HTTP status (to exercise retries and failures). */
  failNext: { count: number; status: number } = { count: 0, status: 500 };
  /** Answer PullLogs in this compression whatever was asked (to check that a client refuses what it cannot read). */
  forceEncoding?: string;

  constructor(readonly credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string }) {
    super();
  }

  /** Appends log groups to a shard; returns the cursors before and after them. */
  append(project: string, logstore: string, shard: number, groups: SlsLogGroup[]): { begin: string; end: string } {
    const key = `${project}/${logstore}/${shard}`;
    const list = this.shards.get(key) ?? [];
    const begin = cursorOf(list.length);
    list.push(...groups);
    this.shards.set(key, list);
    return { begin, end: cursorOf(list.length) };
  }

  /** PullLogs and GetCursor are GETs: the request body is not read. */
  protected handle(req: IncomingMessage, _body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const query = Object.fromEntries(url.searchParams.entries());
    const host = String(req.headers.host ?? '');
    const record: SlsRequestRecord = { host, path: url.pathname, query, headers: req.headers, status: 200 };
    this.requests.push(record);
    const fail = (status: number, errorCode: string, errorMessage: string) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'x-log-requestid': `req-${this.requests.length}` });
      res.end(JSON.stringify({ errorCode, errorMessage }));
    };

    const project = host.split('.')[0];
    if (!host.endsWith(`.127.0.0.1:${this.port}`) || !project) return fail(400, 'ProjectNotExist', `host ${host} does not name a project`);
    const authError = this.checkSignature(req, url.pathname, query);
    if (authError) return fail(401, 'SignatureNotMatch', authError);

    const m = /^\/logstores\/([^/]+)\/shards\/(\d+)$/.exec(url.pathname);
    if (!m) return fail(404, 'InvalidPath', url.pathname);
    const groups = this.shards.get(`${project}/${m[1]}/${m[2]}`);
    if (!groups) return fail(404, 'LogStoreNotExist', `logstore ${m[1]} shard ${m[2]} does not exist`);

    if (query.type === 'cursor') {
      const from = query.from;
      let index: number;
      if (from === 'begin') index = 0;
      else if (from === 'end') index = groups.length;
      else if (/^\d+$/.test(from ?? '')) index = Math.max(0, groups.findIndex((g) => (g.Logs[0]?.Time ?? 0) >= Number(from)));
      else return fail(400, 'ParameterInvalid', 'from must be begin, end or a unix time');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ cursor: cursorOf(index) }));
      return;
    }
    if (query.type !== 'log') return fail(400, 'ParameterInvalid', 'type must be cursor or log');
    if (this.failNext.count > 0) {
      this.failNext.count--;
      return fail(this.failNext.status, 'InternalServerError', 'injected failure');
    }
    const count = Number(query.count);
    if (!Number.isInteger(count) || count < 1 || count > 1000) return fail(400, 'ParameterInvalid', 'count must be 1-1000');
    const from = indexOf(query.cursor);
    const to = query.end_cursor === undefined ? groups.length : indexOf(query.end_cursor);
    if (from === undefined || to === undefined || from > groups.length) return fail(400, 'InvalidCursor', 'cursor is invalid');
    const slice = groups.slice(from, Math.min(to, from + count));
    const raw = Buffer.from(encodeLogGroupList(slice));
    const encoding = this.forceEncoding ?? String(req.headers['accept-encoding'] ?? '');
    let body: Buffer = raw;
    const headers: Record<string, string> = {
      'content-type': 'application/x-protobuf',
      'x-log-cursor': cursorOf(from + slice.length),
      'x-log-count': String(slice.length),
      'x-log-bodyrawsize': String(raw.length),
      'x-log-requestid': `req-${this.requests.length}`,
    };
    if (encoding === 'deflate') {
      body = deflateSync(raw);
      headers['x-log-compresstype'] = 'deflate';
    } else if (encoding === 'lz4') {
      // What SLS would send a client asking for lz4: secmon never asks, and refuses it.
      body = raw;
      headers['x-log-compresstype'] = 'lz4';
    }
    res.writeHead(200, headers);
    res.end(body);
  }

  /** SLS signature v1, computed from the documented algorithm. */
  private checkSignature(req: IncomingMessage, path: string, query: Record<string, string>): string | undefined {
    const h = req.headers;
    for (const name of ['authorization', 'date', 'x-log-apiversion', 'x-log-signaturemethod', 'x-log-bodyrawsize']) {
      if (h[name] === undefined) return `missing header ${name}`;
    }
    if (this.credentials.securityToken && h['x-acs-security-token'] !== this.credentials.securityToken) return 'missing or wrong x-acs-security-token';
    const auth = /^LOG ([^:]+):(.+)$/.exec(String(h.authorization));
    if (!auth || auth[1] !== this.credentials.accessKeyId) return 'authorization is not LOG <AccessKeyId>:<signature>';
    const logHeaders = Object.keys(h)
      .filter((k) => k.startsWith('x-log-') || k.startsWith('x-acs-'))
      .sort()
      .map((k) => `${k}:${String(h[k])}\n`)
      .join('');
    const resource = `${path}?${Object.keys(query).sort().map((k) => `${k}=${query[k]}`).join('&')}`;
    const stringToSign = `${req.method}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n${h.date}\n${logHeaders}${resource}`;
    const expected = createHmac('sha256', this.credentials.accessKeySecret).update(stringToSign).digest('base64');
    return expected === auth[2] ? undefined : 'signature does not match';
  }
}

function cursorOf(index: number): string {
  return Buffer.from(`secmon-cursor-${index}`).toString('base64');
}

function indexOf(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const m = /^secmon-cursor-(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}
