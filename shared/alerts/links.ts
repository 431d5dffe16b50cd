import type { Logstore } from '../config/config';
import { Evidence } from '../engine/evidence';
import { AlertContext, AlertResource } from './context';

/**
 * A link an alert carries: to the resource in the Alibaba Cloud console (`console`),
 * to the evidence in SLS or ActionTrail (`evidence`), or to a reference the rule chose
 * for what matched (`reference`). Channels label them in their own language from
 * `kind` and `type`; the URL is built here, once, from values that are encoded.
 */
export interface AlertLink {
  kind: 'console' | 'evidence' | 'reference';
  /** Console: the resource type (`ACS::ECS::SecurityGroup`). Evidence: `sls-query` or `actiontrail-events`. */
  type?: string;
  /** The resource id, the event id, or the host whose logs the query finds. */
  id?: string;
  url: string;
}

export interface LinkOptions {
  /** The console's site: `aliyun.com` (China) or `alibabacloud.com` (international). */
  site: 'aliyun.com' | 'alibabacloud.com';
  /** Where the trail delivers to SLS: an ActionTrail event that arrived elsewhere (EventBridge, a file) is found there by id. */
  trailLogstore?: Logstore;
  /** Where Logtail sends host logs: host evidence read from a file is found there. */
  hostLogstore?: Logstore;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { site: 'aliyun.com' };

/**
 * Console pages by resource type: `{region}` and `{id}` are encoded values. Routes of
 * the consoles as they are used in public documentation and tools; a type without
 * one has no console link (its id is still in the alert's context).
 */
const CONSOLE_PAGES: Record<string, { host: string; path: string; regional: boolean }> = {
  'ACS::ECS::SecurityGroup': { host: 'ecs', path: '/securityGroupDetail/region/{region}/groupId/{id}/detail/intranetIngress', regional: true },
  'ACS::ECS::Instance': { host: 'ecs', path: '/server/{id}/detail?regionId={region}', regional: true },
  'ACS::ECS::AutoSnapshotPolicy': { host: 'ecs', path: '/autoSnapshotPolicyDetail/{region}/{id}/detail', regional: true },
  'ACS::RAM::User': { host: 'ram', path: '/users/{id}', regional: false },
  'ACS::KMS::Key': { host: 'kms', path: '/{region}/key/detail/{id}', regional: true },
  'ACS::OSS::Bucket': { host: 'oss', path: '/bucket/oss-{region}/{id}/overview', regional: true },
  'ACS::RDS::DBInstance': { host: 'rdsnext', path: '/detail/{id}/basicInfo?region={region}', regional: true },
  'ACS::ActionTrail::Trail': { host: 'actiontrail', path: '/{region}/trails/{id}', regional: true },
  'ACS::VPC::VPC': { host: 'vpc', path: '/vpc/{region}/vpcs/{id}', regional: true },
};

/** The console page of a resource, if its type has one (and its region is known when the page needs one). */
export function consoleUrl(resource: AlertResource, region: string | undefined, site: LinkOptions['site']): string | undefined {
  const page = CONSOLE_PAGES[resource.type];
  if (page === undefined || (page.regional && region === undefined)) return undefined;
  const path = page.path.replace('{id}', encodeURIComponent(resource.id)).replace('{region}', encodeURIComponent(region ?? ''));
  return `https://${page.host}.console.${site}${path}`;
}

/**
 * An SLS console search: the logstore, a query and a time range (epoch seconds). The
 * query travels base64-encoded, as SLS's own alert links carry it.
 */
export function slsQueryUrl(store: Logstore, query: string, fromSec: number, toSec: number, site: LinkOptions['site']): string {
  const params = new URLSearchParams({ encode: 'base64', queryString: Buffer.from(query, 'utf8').toString('base64'), queryTimeType: '99', startTime: String(fromSec), endTime: String(toSec) });
  return `https://sls.console.${site}/lognext/project/${encodeURIComponent(store.project)}/logsearch/${encodeURIComponent(store.logstore)}?${params.toString()}`;
}

/** The logstore an event was read from by the SLS trigger (`sls://project/logstore/shard/cursor`). */
export function logstoreOf(e: Evidence): Logstore | undefined {
  const path = (e.fields.log as { file?: { path?: unknown } } | undefined)?.file?.path;
  if (typeof path !== 'string' || !path.startsWith('sls://')) return undefined;
  const [project, logstore] = path.slice('sls://'.length).split('/');
  return project && logstore ? { project, logstore } : undefined;
}

/** A value safe inside an SLS phrase query. */
function phrase(v: string): string {
  return `"${v.replace(/["\\]/g, '')}"`;
}

/**
 * The links of an alert: each resource of its context in the console, its decisive
 * event (an ActionTrail event by id; host logs as an SLS search for the host and the
 * source address over the detection's time span), then its references.
 */
export function alertLinks(context: AlertContext, evidence: Evidence[], decisive: Evidence | undefined, references: string[], o: LinkOptions): AlertLink[] {
  const links: AlertLink[] = [];
  for (const r of context.resources) {
    const url = consoleUrl(r, context.region, o.site);
    if (url !== undefined) links.push({ kind: 'console', type: r.type, id: r.id, url });
  }
  if (decisive !== undefined) {
    const evidenceLink = decisive.source === 'actiontrail' ? actionTrailEventLink(decisive, context, o) : hostLogsLink(evidence, decisive, context, o);
    if (evidenceLink !== undefined) links.push(evidenceLink);
  }
  for (const url of references) if (/^https:\/\/[^\s"'<>]+$/.test(url)) links.push({ kind: 'reference', url });
  return links;
}

const MINUTE_S = 60;

function actionTrailEventLink(e: Evidence, context: AlertContext, o: LinkOptions): AlertLink | undefined {
  const store = logstoreOf(e) ?? o.trailLogstore;
  const t = Math.floor(Date.parse(e.time) / 1000);
  if (store !== undefined && Number.isFinite(t)) {
    return { kind: 'evidence', type: 'sls-query', id: e.id, url: slsQueryUrl(store, `event.eventId: ${phrase(e.id)}`, t - 10 * MINUTE_S, t + 60 * MINUTE_S, o.site) };
  }
  // Without the trail's logstore, the region's ActionTrail event search; the event id is in the alert to paste there.
  if (context.region === undefined) return undefined;
  return { kind: 'evidence', type: 'actiontrail-events', id: e.id, url: `https://actiontrail.console.${o.site}/${encodeURIComponent(context.region)}/event-list` };
}

function hostLogsLink(evidence: Evidence[], decisive: Evidence, context: AlertContext, o: LinkOptions): AlertLink | undefined {
  const store = logstoreOf(decisive) ?? o.hostLogstore;
  if (store === undefined) return undefined;
  const times = evidence.map((e) => Date.parse(e.time)).filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const terms = [context.host, context.sourceIp].filter((t): t is string => t !== undefined).map(phrase);
  const query = terms.length > 0 ? terms.join(' and ') : '*';
  return { kind: 'evidence', type: 'sls-query', id: context.host, url: slsQueryUrl(store, query, Math.floor(Math.min(...times) / 1000) - MINUTE_S, Math.ceil(Math.max(...times) / 1000) + MINUTE_S, o.site) };
}
