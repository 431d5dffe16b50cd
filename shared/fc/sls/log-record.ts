/** The LogGroup shapes PullLogs returns (decoded by shared/sls/log-group.ts), and logs as records. */
export interface SlsLog {
  Time: number;
  Contents: Array<{ Key: string; Value: string }>;
  TimeNs?: number;
}

export interface SlsLogGroup {
  Logs: SlsLog[];
  Topic?: string;
  Source?: string;
  LogTags?: Array<{ Key: string; Value: string }>;
}

/**
 * One log as the flat key/value record secmon's normalizers read, with SLS's
 * reserved fields: `__time__`, `__topic__`, `__source__` and `__tag__:<key>` tags.
 */
export function logToRecord(group: SlsLogGroup, log: SlsLog): Record<string, string> {
  const record: Record<string, string> = { __time__: String(log.Time) };
  if (group.Topic) record.__topic__ = group.Topic;
  if (group.Source) record.__source__ = group.Source;
  for (const tag of group.LogTags ?? []) record[`__tag__:${tag.Key}`] = tag.Value;
  for (const c of log.Contents) record[c.Key] = c.Value;
  return record;
}
