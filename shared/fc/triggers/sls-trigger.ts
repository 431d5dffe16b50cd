import { InputError } from '../../events/event';
import { isSlsHostRecord, normalizeJsonRecord } from '../../events/json-record';
import { isSlsActionTrailLog } from '../../events/actiontrail';
import { logToRecord } from '../sls/log-record';
import { FunctionRuntime } from '../runtime';
import { log } from '../log';
import { InvocationSummary } from './summary';

/** The SLS trigger's event (FC log trigger), as documented. */
export interface SlsTriggerEvent {
  parameter: { source?: 'auto' | 'actiontrail' | 'syslog' };
  source: { endpoint: string; projectName: string; logstoreName: string; shardId: number; beginCursor: string; endCursor: string };
  jobName?: string;
  taskId?: string;
  cursorTime?: number;
}

/** Validates the trigger payload; a broken one names the field (and is not retried). */
export function parseSlsTriggerEvent(payload: Buffer | string): SlsTriggerEvent {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(payload.toString()) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(undefined, `SLS trigger payload is not JSON: ${(e as Error).message}`);
  }
  const src = doc?.source as Record<string, unknown> | undefined;
  if (!src || typeof src !== 'object') throw new InputError(undefined, 'SLS trigger payload: missing "source"');
  for (const k of ['endpoint', 'projectName', 'logstoreName', 'beginCursor', 'endCursor']) {
    if (typeof src[k] !== 'string' || src[k] === '') throw new InputError(undefined, `SLS trigger payload: source.${k} must be a non-empty string`);
  }
  const shard = Number(src.shardId);
  if (!Number.isInteger(shard) || shard < 0) throw new InputError(undefined, 'SLS trigger payload: source.shardId must be a shard number');
  // functionParameter arrives as `parameter`: an object, or a JSON string in some consoles.
  let parameter: unknown = doc.parameter ?? {};
  if (typeof parameter === 'string') {
    try {
      parameter = parameter.trim() === '' ? {} : JSON.parse(parameter);
    } catch {
      throw new InputError(undefined, 'SLS trigger payload: parameter (functionParameter) is not JSON');
    }
  }
  const source = (parameter as { source?: unknown }).source ?? 'auto';
  if (!['auto', 'actiontrail', 'syslog'].includes(String(source))) {
    throw new InputError(undefined, `functionParameter.source must be auto, actiontrail or syslog, got ${JSON.stringify(source)}`);
  }
  return {
    parameter: { source: source as 'auto' | 'actiontrail' | 'syslog' },
    source: { ...(src as unknown as SlsTriggerEvent['source']), shardId: shard },
    jobName: typeof doc.jobName === 'string' ? doc.jobName : undefined,
    taskId: typeof doc.taskId === 'string' ? doc.taskId : undefined,
    cursorTime: typeof doc.cursorTime === 'number' ? doc.cursorTime : undefined,
  };
}

/**
 * SLS trigger (ActionTrail logstore, host-log logstores): reads exactly the shard's
 * cursor range with PullLogs, normalizes each log, evaluates the whole range as one
 * batch identified by the range, and hands the alerts to the dispatcher. An SLS or
 * Redis failure throws, so FC fails the invocation and the trigger retries the range.
 */
export async function handleSlsTrigger(payload: Buffer | string, rt: FunctionRuntime, requestId = ''): Promise<InvocationSummary> {
  let trigger: SlsTriggerEvent;
  try {
    trigger = parseSlsTriggerEvent(payload);
  } catch (e) {
    log('error', 'SLS trigger payload rejected; dropped', { requestId, error: (e as Error).message });
    return { events: 0, skipped: 1, alerts: 0 };
  }
  const { endpoint, projectName, logstoreName, shardId, beginCursor, endCursor } = trigger.source;
  const expect = trigger.parameter.source ?? 'auto';
  const client = rt.sls(endpoint);
  // Events are matched as they are normalized; the range's state transaction runs at the end.
  const batch = rt.alerter.begin();
  let skipped = 0;
  const syslog = rt.syslog;
  for await (const page of client.readRange(projectName, logstoreName, shardId, beginCursor, endCursor, rt.config.slsPageSize)) {
    let index = 0;
    for (const group of page.groups) {
      for (const entry of group.Logs) {
        index++;
        // Where this log is: the page's cursor and its position in the page (stable across redelivery).
        const origin = { path: `sls://${projectName}/${logstoreName}/${shardId}/${page.cursor}`, line: index };
        try {
          const record = logToRecord(group, entry);
          if (expect === 'actiontrail' && !isSlsActionTrailLog(record)) throw new InputError(origin, 'not an ActionTrail log (functionParameter.source is actiontrail)');
          if (expect === 'syslog' && !isSlsHostRecord(record)) throw new InputError(origin, 'neither a content line nor a journal record (functionParameter.source is syslog)');
          for (const e of normalizeJsonRecord(record, origin, 'sls', syslog)) batch.add(e);
        } catch (e) {
          skipped++;
          if (skipped <= 20) log('error', 'log skipped', { requestId, error: (e as Error).message });
        }
      }
    }
  }
  const batchId = `sls:${projectName}/${logstoreName}/${shardId}/${beginCursor}/${endCursor}`;
  const alerts = await batch.finish({ batchId });
  await rt.dispatchAlerts(alerts);
  const summary = { events: batch.size, skipped, alerts: alerts.length };
  log('info', 'SLS range evaluated', { requestId, project: projectName, logstore: logstoreName, shard: shardId, ...summary });
  return summary;
}
