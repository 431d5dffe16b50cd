import { Source } from './event';

/**
 * The field paths each source's normalizer produces, for the authoring lint: a rule
 * that reads a field no normalizer of its sources writes (`eventname` for
 * `eventName`) can never match, and `validate` says so. A path is known when it is in
 * `exact` or starts with one of `prefixes` (open-ended objects: ActionTrail's request
 * parameters, osquery's columns, a source's own facts). Keep it beside the normalizers.
 */
export interface SourceFields {
  exact: readonly string[];
  prefixes: readonly string[];
}

/** What every event built from a log line has (ECS). */
const LINE = ['@timestamp', 'id', 'message', 'event.dataset', 'event.kind', 'event.action', 'event.category', 'event.outcome', 'host.hostname', 'process.name', 'process.pid', 'log.file.path', 'log.file.line', 'source.ip', 'source.address', 'source.port', 'user.name'];

export const FIELD_CATALOGUE: Record<Source, SourceFields | 'any'> = {
  actiontrail: {
    exact: ['id', 'eventId', 'eventVersion', 'eventName', 'eventType', 'eventSource', 'eventTime', 'eventCategory', 'eventRW', 'serviceName', 'sourceIpAddress', 'userAgent', 'acsRegion', 'requestId', 'apiVersion', 'errorCode', 'errorMessage', 'isGlobal', 'recipientAccountId', 'sharedEventId', 'resourceName', 'resourceType', 'vpcId', 'requestParameters', 'responseElements', 'additionalEventData', 'userIdentity', 'referencedResources'],
    prefixes: ['requestParameters.', 'responseElements.', 'additionalEventData.', 'userIdentity.', 'referencedResources.', 'serviceEventDetails.', 'tlsDetails.'],
  },
  sshd: { exact: LINE, prefixes: ['sshd.'] },
  sudo: { exact: [...LINE, 'user.effective.name', 'process.command_line', 'process.executable', 'process.working_directory'], prefixes: ['sudo.'] },
  su: { exact: [...LINE, 'user.effective.name'], prefixes: ['su.'] },
  account: { exact: [...LINE, 'user.target.name', 'group.name'], prefixes: [] },
  syslog: { exact: [...LINE, 'session.id'], prefixes: [] },
  webserver: { exact: [...LINE, 'log.level', 'http.request.line'], prefixes: [] },
  osquery: { exact: ['@timestamp', 'id', 'event.dataset', 'event.kind', 'host.hostname', 'osquery.name', 'osquery.action'], prefixes: ['osquery.columns.', 'osquery.'] },
  posture: { exact: ['@timestamp', 'id', 'event.dataset', 'event.kind', 'event.action', 'posture.check', 'user.name', 'user.id', 'user.full_name', 'cloud.provider', 'cloud.account.id', 'cloud.region'], prefixes: ['posture.'] },
  // ECS JSON as the user wrote it: any field.
  json: 'any',
};

/** Whether some source of `sources` produces `path`. */
export function producedBy(path: string, sources: readonly Source[]): boolean {
  return sources.some((s) => {
    const c = FIELD_CATALOGUE[s];
    return c === 'any' || c.exact.includes(path) || c.prefixes.some((p) => path.startsWith(p));
  });
}

/** The known exact paths of the sources, for "did you mean". */
export function knownFields(sources: readonly Source[]): string[] {
  return sources.flatMap((s) => {
    const c = FIELD_CATALOGUE[s];
    return c === 'any' ? [] : [...c.exact, ...c.prefixes.map((p) => p.slice(0, -1))];
  });
}
