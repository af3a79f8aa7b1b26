// DeleteGroups (key 42): removes Empty groups and their committed offsets (tombstones fsynced
// first); a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
import { apis } from '../../protocol/messages/index.js';
import { deleteGroup } from '../groups/group-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const results = [];
    for (const groupId of request.groupsNames) results.push({ groupId, errorCode: await deleteGroup(ctx.broker.groups, groupId) });
    return { throttleTimeMs: 0, results };
  },
});
