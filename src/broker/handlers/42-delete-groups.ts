// DeleteGroups (key 42): removes Empty groups of any kind (groups/group-kinds.ts): a classic or KIP-848
// consumer group with its committed offsets (tombstones fsynced first), a share group (KIP-932) with its
// share-partition state. A group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
// v3 adds a message per result.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    // DELETE on each group (KafkaApis.handleDeleteGroupsRequest): a refused group is
    // GROUP_AUTHORIZATION_FAILED and listed after the others, each distinct id once.
    const ids = [...new Set(request.groupsNames)];
    const deletable = authorizedNames(ctx, AclOperation.DELETE, 'group', ids);
    const results = [];
    for (const groupId of ids) if (deletable.has(groupId)) results.push({ groupId, ...(await ctx.broker.groups.kinds.delete(groupId)) });
    for (const groupId of ids) if (!deletable.has(groupId)) results.push({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null });
    return { throttleTimeMs: 0, results };
  },
});
