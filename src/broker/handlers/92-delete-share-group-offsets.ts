// DeleteShareGroupOffsets (key 92, v0; KIP-932): forgets a group's positions in topics while it has
// no members (groups/share/share-offsets-admin.ts).
import { apis } from '../../protocol/messages/index.js';
import { deleteOffsets } from '../groups/share/share-offsets-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    return { throttleTimeMs: 0, ...(await deleteOffsets(ctx.broker, ctx.broker.shareGroups, request.groupId, request.topics.map((t) => t.topicName))) };
  },
});
