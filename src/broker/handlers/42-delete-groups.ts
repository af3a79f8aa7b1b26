// DeleteGroups (key 42): removes Empty groups, classic or KIP-848, and their committed offsets
// (tombstones fsynced first); a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
// Share groups (KIP-932) lose their share-partition state the same way. v3 adds a message per result.
import { apis } from '../../protocol/messages/index.js';
import { deleteGroup } from '../groups/group-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const results = [];
    for (const groupId of request.groupsNames) {
      if (ctx.broker.shareGroups.groups.has(groupId)) {
        results.push({ groupId, ...(await ctx.broker.shareGroups.deleteGroup(groupId)) });
        continue;
      }
      const errorCode = await deleteGroup(ctx.broker.groups, groupId);
      results.push({ groupId, errorCode, errorMessage: null });
    }
    return { throttleTimeMs: 0, results };
  },
});
