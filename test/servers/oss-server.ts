import { createHmac } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

/**
 * OSS on 127.0.0.1, path-style (`/bucket/?acl`), as much as the posture scan reads:
 * ListBuckets (GetService, paged with `marker` and `max-keys`), GetBucketAcl and
 * GetBucketPolicy (404 NoSuchBucketPolicy without one), answered in OSS's XML. Each
 * request's signature is recomputed from the documented algorithm of OSS signature
 * version 1: HMAC-SHA1 over the verb, Content-MD5, Content-Type, Date, the `x-oss-*`
 * headers sorted, and the resource with its sub-resource, keyed with the secret; the
 * STS token must come as `x-oss-security-token`. A test can make an action answer
 * 503 SlowDown (OSS's throttling) or 403 AccessDenied.
 */
export interface BucketFixture {
  name: string;
  region: string;
  acl?: 'private' | 'public-read' | 'public-read-write';
  policy?: Record<string, unknown>;
}

export class LocalOss extends LoopbackHttpServer {
  readonly calls: Array<{ action: string; bucket?: string }> = [];
  readonly rejected: string[] = [];
  /** Actions answered 503 SlowDown this many more times, and actions refused (403 AccessDenied). */
  readonly slowDown = new Map<string, number>();
  readonly denied = new Set<string>();
  /** Buckets deleted since they were listed: read, they answer 404 NoSuchBucket. */
  readonly gone = new Set<string>();

  constructor(
    private readonly buckets: BucketFixture[],
    private readonly credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string },
    private readonly pageSize = 1000,
  ) {
    super();
  }

  protected handle(req: IncomingMessage, _body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const xml = (status: number, doc: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-oss-request-id': 'oss-local' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${doc}`);
    };
    const error = (status: number, code: string, message: string) => xml(status, `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>oss-local</RequestId><HostId>127.0.0.1</HostId></Error>`);
    const [, bucketName = ''] = /^\/([^/]*)/.exec(url.pathname) ?? [];
    const sub = [...url.searchParams.keys()].find((k) => k === 'acl' || k === 'policy');
    const why = this.verify(req, bucketName, sub);
    if (why) {
      this.rejected.push(why);
      return error(403, 'SignatureDoesNotMatch', why);
    }
    const action = bucketName === '' ? 'ListBuckets' : sub === 'acl' ? 'GetBucketAcl' : sub === 'policy' ? 'GetBucketPolicy' : '';
    const slow = this.slowDown.get(action) ?? 0;
    if (slow > 0) {
      this.slowDown.set(action, slow - 1);
      this.calls.push({ action, bucket: bucketName || undefined });
      return error(503, 'SlowDown', 'Please reduce your request rate.');
    }
    if (this.denied.has(action)) return error(403, 'AccessDenied', `You have no right to access this object because of bucket acl (${action}).`);
    if (bucketName === '') {
      this.calls.push({ action: 'ListBuckets' });
      const max = Math.min(this.pageSize, Number(url.searchParams.get('max-keys') ?? 100));
      const sorted = [...this.buckets].sort((a, b) => (a.name < b.name ? -1 : 1));
      const after = url.searchParams.get('marker') ?? '';
      const rest = sorted.filter((b) => b.name > after);
      const page = rest.slice(0, max);
      const truncated = rest.length > max;
      return xml(
        200,
        `<ListAllMyBucketsResult><Owner><ID>1234567890123456</ID><DisplayName>1234567890123456</DisplayName></Owner>${truncated ? `<IsTruncated>true</IsTruncated><NextMarker>${page[page.length - 1].name}</NextMarker><MaxKeys>${max}</MaxKeys>` : ''}<Buckets>${page
          .map((b) => `<Bucket><CreationDate>2025-03-01T00:00:00.000Z</CreationDate><ExtranetEndpoint>oss-${b.region}.aliyuncs.com</ExtranetEndpoint><IntranetEndpoint>oss-${b.region}-internal.aliyuncs.com</IntranetEndpoint><Location>oss-${b.region}</Location><Name>${b.name}</Name><Region>${b.region}</Region><StorageClass>Standard</StorageClass></Bucket>`)
          .join('')}</Buckets></ListAllMyBucketsResult>`,
      );
    }
    const bucket = this.buckets.find((b) => b.name === bucketName && !this.gone.has(b.name));
    if (!bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
    if (sub === 'acl') {
      this.calls.push({ action: 'GetBucketAcl', bucket: bucketName });
      return xml(200, `<AccessControlPolicy><Owner><ID>1234567890123456</ID><DisplayName>1234567890123456</DisplayName></Owner><AccessControlList><Grant>${bucket.acl ?? 'private'}</Grant></AccessControlList></AccessControlPolicy>`);
    }
    if (sub === 'policy') {
      this.calls.push({ action: 'GetBucketPolicy', bucket: bucketName });
      if (!bucket.policy) return error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist.');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(bucket.policy));
      return;
    }
    return error(400, 'NotImplemented', `not served here: ${url.pathname}${url.search}`);
  }

  /** Why the request's OSS V1 signature does not hold, or undefined. */
  private verify(req: IncomingMessage, bucket: string, sub: string | undefined): string | undefined {
    const auth = /^OSS ([^:]+):(.+)$/.exec(String(req.headers.authorization ?? ''));
    if (!auth) return 'no OSS signature';
    if (auth[1] !== this.credentials.accessKeyId) return `unknown AccessKey ${auth[1]}`;
    if (req.headers['x-oss-security-token'] !== this.credentials.securityToken) return 'wrong or missing STS token';
    const date = String(req.headers.date ?? '');
    if (Number.isNaN(Date.parse(date))) return 'no Date';
    const ossHeaders = Object.keys(req.headers)
      .filter((h) => h.startsWith('x-oss-'))
      .sort()
      .map((h) => `${h}:${req.headers[h]}\n`)
      .join('');
    const resource = `${bucket ? `/${bucket}/` : '/'}${sub ? `?${sub}` : ''}`;
    const toSign = `${req.method}\n${req.headers['content-md5'] ?? ''}\n${req.headers['content-type'] ?? ''}\n${date}\n${ossHeaders}${resource}`;
    const expected = createHmac('sha1', this.credentials.accessKeySecret).update(toSign).digest('base64');
    return expected === auth[2] ? undefined : 'signature does not match';
  }
}
