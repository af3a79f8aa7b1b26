// AlterShareGroupOffsets (key 91, v0; KIP-932): moves share-partition start offsets of a group with
// no members (groups/share/share-offsets-admin.ts).
import { apis } from '../../protocol/messages/index.js';
import { alterOffsets, type AlterResult } from '../groups/share/share-offsets-admin.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { ZERO_UUID } from '../topics/topic-ids.js';
import { authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AlterShareGroupOffsets,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    // READ on the group (refused: top-level error), then READ on each topic (Kafka 4.x KafkaApis).
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, responses: [] };
    const readable = authorizedNames(ctx, AclOperation.READ, 'topic', request.topics.map((t) => t.topicName));
    const allowed = request.topics.filter((t) => readable.has(t.topicName));
    // Nothing allowed: the coordinator is not asked (no group is created), as in Kafka.
    const result = allowed.length === 0 && request.topics.length > 0 ? { errorCode: ErrorCode.NONE, errorMessage: null, responses: [] as AlterResult['responses'] } : await alterOffsets(ctx.broker, ctx.broker.shareGroups, request.groupId, allowed);
    for (const t of request.topics) {
      if (readable.has(t.topicName) || result.errorCode !== ErrorCode.NONE) continue;
      result.responses.push({ topicName: t.topicName, topicId: ZERO_UUID, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null })) });
    }
    return { throttleTimeMs: 0, ...result };
  },
});
