// AlterShareGroupOffsets (key 91, v0; KIP-932): moves share-partition start offsets of a group with
// no members (groups/share/share-offsets-admin.ts).
import { apis } from '../../protocol/messages/index.js';
import { alterOffsets } from '../groups/share/share-offsets-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AlterShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    return { throttleTimeMs: 0, ...(await alterOffsets(ctx.broker, ctx.broker.shareGroups, request.groupId, request.topics)) };
  },
});
