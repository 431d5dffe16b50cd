import { Root } from 'protobufjs/light';
import { SlsLogGroup } from './log-record';

export type { SlsLog, SlsLogGroup } from './log-record';

/**
 * The protobuf codec of PullLogs answers. In the function bundles it is a vendor file
 * (loaded on the first pull: protobufjs is a third of a bundle's size).
 *
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

