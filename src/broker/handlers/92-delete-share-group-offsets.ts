// DeleteShareGroupOffsets (key 92, v0; KIP-932): forgets a group's positions in topics while it has
// no members (groups/share/share-offsets-admin.ts).
import { apis } from '../../protocol/messages/index.js';
import { deleteOffsets } from '../groups/share/share-offsets-admin.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { ZERO_UUID } from '../topics/topic-ids.js';
import { authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    // DELETE on the group (refused: top-level error), then READ on each topic (Kafka 4.x KafkaApis).
    if (!authorize(ctx, AclOperation.DELETE, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, responses: [] };
    const names = request.topics.map((t) => t.topicName);
    const readable = authorizedNames(ctx, AclOperation.READ, 'topic', names);
    const result = await deleteOffsets(ctx.broker, ctx.broker.shareGroups, request.groupId, names.filter((n) => readable.has(n)));
    if (result.errorCode === ErrorCode.NONE) for (const n of names) if (!readable.has(n)) result.responses.push({ topicName: n, topicId: ZERO_UUID, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null });
    return { throttleTimeMs: 0, ...result };
  },
});
