// DeleteGroups (key 42): removes Empty groups of any kind (groups/group-kinds.ts): a classic or KIP-848
// consumer group with its committed offsets (tombstones fsynced first), a share group (KIP-932) with its
// share-partition state. A group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
// v3 adds a message per result.
import { apis } from '../../protocol/messages/index.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const results = [];
    for (const groupId of request.groupsNames) results.push({ groupId, ...(await ctx.broker.groups.kinds.delete(groupId)) });
    return { throttleTimeMs: 0, results };
  },
});
