// DeleteTopics (key 20): by name (v0-5, and v6+ entries with a name) or by topic id (v6+, KIP-516).
// Deletion is synchronous: the topic's metadata and directories are gone (renamed for background
// removal) before the answer, so timeoutMs never expires. v5+ carries an error message.
// controller_mutation_rate (KIP-599, handlers/mutation-quota.ts): an existing topic the principal may
// delete is charged its partition count; from v5 one over the quota is THROTTLING_QUOTA_EXCEEDED,
// before v5 it is deleted and the response throttled.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ZERO_UUID, isZeroTopicId, topicIdToWire } from '../topics/topic-ids.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';
import { mutationQuotaFor, THROTTLED } from './mutation-quota.js';

interface Target {
  name: string | null;
  topicId: string;
}

export default defineHandler({
  api: apis.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const { broker } = ctx;
    const targets: Target[] = ctx.header.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const seen = new Map<string, number>();
    const keyOf = (t: Target): string => (t.name !== null ? `name:${t.name}` : `id:${t.topicId}`);
    for (const t of targets) seen.set(keyOf(t), (seen.get(keyOf(t)) ?? 0) + 1);
    const responses = [];
    const quota = mutationQuotaFor(ctx, 5);
    // In request order, one at a time: deleting is a short sequence of renames and fsyncs.
    for (const t of targets) {
      const fail = (errorCode: number, errorMessage: string | null) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage });
      if (t.name !== null && !isZeroTopicId(t.topicId)) {
        responses.push(fail(ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'));
        continue;
      }
      if ((seen.get(keyOf(t)) ?? 0) > 1) {
        responses.push(fail(ErrorCode.INVALID_REQUEST, t.name !== null ? 'Duplicate topic name.' : 'Duplicate topic id.'));
        continue;
      }
      const name = t.name ?? (isZeroTopicId(t.topicId) ? undefined : broker.topics.nameForId(t.topicId));
      if (name === undefined) {
        responses.push(fail(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${t.topicId} does not exist.`));
        continue;
      }
      // ACLs: DELETE on the topic (KafkaApis.handleDeleteTopicsRequest); by id, an unauthorised topic is
      // TOPIC_AUTHORIZATION_FAILED too, so ids do not reveal names.
      if (!authorize(ctx, AclOperation.DELETE, 'topic', name)) {
        responses.push(fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
        continue;
      }
      const existing = broker.topics.get(name);
      if (existing && !quota.record(existing.partitions)) {
        responses.push({ name, topicId: topicIdToWire(existing.topicId), ...THROTTLED });
        continue;
      }
      const outcome = await broker.topics.delete(name);
      const topicId = outcome.topic ? topicIdToWire(outcome.topic.topicId) : t.topicId;
      const message = outcome.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? `Topic '${name}' does not exist.` : outcome.errorMessage;
      responses.push({ name, topicId, errorCode: outcome.errorCode, errorMessage: message });
    }
    return { throttleTimeMs: quota.throttleTimeMs(), responses };
  },
});
