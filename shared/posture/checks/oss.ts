import { SecEvent } from '../../events/event';
import { OssBucket } from '../apis';
import { allPages } from '../calls';
import { PostureCheck, eachPart, postureEvent } from '../check';

/** What anyone on the internet may do with a bucket, and why. */
export interface AnonymousAccess {
  read: boolean;
  list: boolean;
  write: boolean;
  /** `acl`, `policy`, or both. */
  via: string[];
}

const ACTIONS = { read: ['oss:GetObject'], list: ['oss:ListObjects', 'oss:ListObjectVersions'], write: ['oss:PutObject', 'oss:PostObject', 'oss:AppendObject'] };

/** Whether a policy's action pattern (`oss:*`, `oss:Get*`) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

/**
 * What a bucket's ACL and policy give anonymous callers. A policy statement counts
 * when it allows a principal of `*` with no condition (a condition on the source
 * address or VPC limits who "anyone" is).
 */
export function anonymousAccess(acl: string, policy: string | undefined): AnonymousAccess {
  const access: AnonymousAccess = { read: false, list: false, write: false, via: [] };
  if (acl === 'public-read' || acl === 'public-read-write') {
    access.read = access.list = true;
    if (acl === 'public-read-write') access.write = true;
    access.via.push('acl');
  }
  let statements: unknown[] = [];
  try {
    const doc = policy === undefined ? {} : (JSON.parse(policy) as { Statement?: unknown });
    statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  } catch {
    statements = [];
  }
  const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : x === undefined ? [] : [String(x)]);
  let byPolicy = false;
  for (const s of statements as Array<{ Effect?: unknown; Principal?: unknown; Action?: unknown; Condition?: unknown }>) {
    if (s.Effect !== 'Allow' || !list(s.Principal).includes('*')) continue;
    if (s.Condition !== undefined && Object.keys(s.Condition as object).length > 0) continue;
    for (const [what, actions] of Object.entries(ACTIONS) as Array<[keyof typeof ACTIONS, string[]]>) {
      if (list(s.Action).some((pattern) => actions.some((a) => covers(pattern, a)))) {
        access[what] = true;
        byPolicy = true;
      }
    }
  }
  if (byPolicy) access.via.push('policy');
  return access;
}

/**
 * Every OSS bucket of the account, with what its ACL and policy let anonymous callers
 * do (read objects, list them, upload): an event per bucket open to anyone, for the
 * rules on public buckets (seed §4, CIS 2.2 for the trail's bucket).
 */
export const ossBuckets: PostureCheck = {
  id: 'oss-bucket',
  async run(ctx) {
    const buckets = await allPages<OssBucket, string>(undefined, async (marker) => {
      const page = await ctx.caller.call('Oss.ListBuckets', 'oss:ListBuckets', () => ctx.apis.oss.listBuckets(marker));
      return { items: page.buckets, next: page.nextMarker };
    });
    return eachPart(ctx, this.id, buckets, (b) => `bucket ${b.name}`, async (b): Promise<SecEvent[]> => {
      const [acl, policy] = await Promise.all([
        ctx.caller.call('Oss.GetBucketAcl', 'oss:GetBucketAcl', () => ctx.apis.oss.bucketAcl(b)),
        ctx.caller.call('Oss.GetBucketPolicy', 'oss:GetBucketPolicy', () => ctx.apis.oss.bucketPolicy(b)),
      ]);
      const anonymous = anonymousAccess(acl, policy);
      if (anonymous.via.length === 0) return [];
      return [postureEvent(this.id, ctx, { type: 'oss-bucket', id: b.name, region: b.region }, { bucket: { name: b.name, acl, has_policy: policy !== undefined, anonymous } })];
    });
  },
};
