import { Root } from 'protobufjs/light';

/**
 * SLS's protobuf schema (the documented LogGroupList that PullLogs answers with),
 * built from a JSON descriptor so that no .proto file is parsed at start-up.
 */
const root = Root.fromJSON({
  nested: {
    sls: {
      nested: {
        Log: {
          fields: {
            Time: { rule: 'required', type: 'uint32', id: 1 },
            Contents: { rule: 'repeated', type: 'Content', id: 2 },
            TimeNs: { type: 'fixed32', id: 4 },
          },
          nested: {
            Content: {
              fields: {
                Key: { rule: 'required', type: 'string', id: 1 },
                Value: { rule: 'required', type: 'string', id: 2 },
              },
            },
          },
        },
        LogTag: {
          fields: {
            Key: { rule: 'required', type: 'string', id: 1 },
            Value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        LogGroup: {
          fields: {
            Logs: { rule: 'repeated', type: 'Log', id: 1 },
            Reserved: { type: 'string', id: 2 },
            Topic: { type: 'string', id: 3 },
            Source: { type: 'string', id: 4 },
            LogTags: { rule: 'repeated', type: 'LogTag', id: 6 },
          },
        },
        LogGroupList: {
          fields: { logGroupList: { rule: 'repeated', type: 'LogGroup', id: 1 } },
        },
      },
    },
  },
});

const LogGroupListType = root.lookupType('sls.LogGroupList');

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

export function decodeLogGroupList(bytes: Uint8Array): SlsLogGroup[] {
  const msg = LogGroupListType.decode(bytes);
  const obj = LogGroupListType.toObject(msg, { defaults: false, arrays: true }) as { logGroupList?: SlsLogGroup[] };
  return obj.logGroupList ?? [];
}

export function encodeLogGroupList(groups: SlsLogGroup[]): Uint8Array {
  const payload = { logGroupList: groups };
  const err = LogGroupListType.verify(payload);
  if (err) throw new Error(`invalid LogGroupList: ${err}`);
  return LogGroupListType.encode(LogGroupListType.fromObject(payload)).finish();
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
