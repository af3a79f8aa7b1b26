// DescribeShareGroupOffsets (key 90, v0-1; KIP-932, v1 adds Lag (KIP-1226)): each share-partition's
// start offset (and lag) for the groups asked (groups/share/share-offsets-admin.ts).
import { apis } from '../../protocol/messages/index.js';
import { describeOffsets } from '../groups/share/share-offsets-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeShareGroupOffsets,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((g) => ({ groupId: g.groupId, ...describeOffsets(ctx.broker, ctx.broker.shareGroups, g.groupId, g.topics) })),
    };
  },
});
