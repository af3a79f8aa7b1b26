// ShareAcknowledge (key 79, v1-2; KIP-932, v2 adds Renew (KIP-1222)): accept, release, reject (and
// renew) acquired records outside a ShareFetch. The share session epoch is checked and advanced as
// for ShareFetch (0 is INVALID_SHARE_SESSION_EPOCH); epoch -1 closes the session after the
// acknowledgements and releases what the member still holds. Answered once the acknowledgements
// are durable in the share-group state log.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { acknowledgePartitions, type AckPartitionInput } from '../groups/share/share-acks.js';
import { isValidMemberId } from '../groups/share/share-fetch.js';
import { refusedPartition, shareGroupReadDenied, unreadableTopicIds } from './share-topic-acls.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ShareAcknowledge,
  minVersion: 1,
  maxVersion: 2,
  async handle(request, ctx) {
    const shares = ctx.broker.shareGroups;
    const groupId = request.groupId;
    const lockMs = groupId === null ? 0 : shares.configs.getNumber(groupId, 'share.record.lock.duration.ms');
    const topLevel = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, errorCode, errorMessage, acquisitionLockTimeoutMs: lockMs, responses: [], nodeEndpoints: [] });
    if (shareGroupReadDenied(ctx, groupId)) return topLevel(ErrorCode.GROUP_AUTHORIZATION_FAILED, null);
    if (groupId === null) return topLevel(ErrorCode.INVALID_REQUEST, 'Invalid group id in the request.');
    if (!isValidMemberId(request.memberId)) return topLevel(ErrorCode.INVALID_REQUEST, 'Invalid member id in the request.');
    const memberId = request.memberId;
    const context = shares.sessions.acknowledgeContext(groupId, memberId, request.shareSessionEpoch);
    if (context.kind === 'error') return topLevel(context.errorCode, context.message);
    const denied = unreadableTopicIds(ctx, request.topics);
    const partitions: AckPartitionInput[] = request.topics.filter((t) => !denied.has(t.topicId)).flatMap((t) => t.partitions.map((p) => ({ topicId: t.topicId, partition: p.partitionIndex, batches: p.acknowledgementBatches })));
    const results = await acknowledgePartitions(ctx.broker, shares, groupId, memberId, partitions, ctx.header.apiVersion, request.isRenewAck);
    if (context.kind === 'final') {
      shares.sessions.close(groupId, memberId);
      await shares.engine.releaseMember(groupId, memberId);
    }
    const byTopic = new Map<string, { partitionIndex: number; errorCode: number; errorMessage: string | null; currentLeader: { leaderId: number; leaderEpoch: number } }[]>();
    for (const r of results) {
      let list = byTopic.get(r.topicId);
      if (!list) byTopic.set(r.topicId, (list = []));
      list.push({ partitionIndex: r.partition, errorCode: r.errorCode, errorMessage: r.errorMessage, currentLeader: { leaderId: ctx.broker.nodeId, leaderEpoch: 0 } });
    }
    for (const t of request.topics) if (denied.has(t.topicId)) byTopic.set(t.topicId, t.partitions.map((p) => refusedPartition(ctx, p.partitionIndex)));
    return { ...topLevel(ErrorCode.NONE, null), responses: [...byTopic].map(([topicId, ps]) => ({ topicId, partitions: ps })) };
  },
});
