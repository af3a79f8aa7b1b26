// ShareFetch (key 78, v1-2; KIP-932, v2 adds ShareAcquireMode (KIP-1206) and Renew acknowledgements
// (KIP-1222)): acquire records for a share-group member, with piggy-backed acknowledgements and
// share sessions (groups/share/share-fetch.ts).
import { apis } from '../../protocol/messages/index.js';
import { handleShareFetch } from '../groups/share/share-fetch.js';
import { ErrorCode } from '../../protocol/errors.js';
import { refusedPartition, shareGroupReadDenied, unreadableTopicIds } from './share-topic-acls.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ShareFetch,
  minVersion: 1,
  maxVersion: 2,
  async handle(request, ctx) {
    if (shareGroupReadDenied(ctx, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, acquisitionLockTimeoutMs: 0, responses: [], nodeEndpoints: [] };
    }
    const denied = unreadableTopicIds(ctx, request.topics);
    if (denied.size === 0) return handleShareFetch(ctx.broker.shareGroups, request, ctx);
    const response = await handleShareFetch(ctx.broker.shareGroups, { ...request, topics: request.topics.filter((t) => !denied.has(t.topicId)) }, ctx);
    if (response.errorCode !== ErrorCode.NONE) return response;
    const refused = request.topics
      .filter((t) => denied.has(t.topicId))
      .map((t) => ({ topicId: t.topicId, partitions: t.partitions.map((p) => ({ ...refusedPartition(ctx, p.partitionIndex), acknowledgeErrorCode: ErrorCode.NONE, acknowledgeErrorMessage: null, records: [], acquiredRecords: [] })) }));
    return { ...response, responses: [...(response.responses ?? []), ...refused] };
  },
});
