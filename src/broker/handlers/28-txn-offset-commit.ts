// TxnOffsetCommit (key 28), v0-4: offsets committed inside a transaction (groups/txn-offsets.ts). The
// producer must hold its transactional id's current epoch and the group's offsets partition must be in
// the transaction (AddOffsetsToTxn). v3+ carries the consumer's generation, member id and instance id
// (KIP-447), checked against the group so a zombie consumer's producer cannot commit.
// Fenced producers: PRODUCER_FENCED from v3 (KIP-588), INVALID_PRODUCER_EPOCH before.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const fenced = ctx.header.apiVersion >= 3 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
    // WRITE on the transactional id, READ on the group (both: every partition refused), then READ on
    // each topic (KafkaApis.handleTxnOffsetCommitRequest).
    const refuseAll = (errorCode: number) => ({ throttleTimeMs: 0, topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) });
    if (!authorize(ctx, AclOperation.WRITE, 'transactional-id', request.transactionalId)) return refuseAll(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return refuseAll(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const readable = authorizedNames(ctx, AclOperation.READ, 'topic', request.topics.map((t) => t.name));
    const producerId = Number(request.producerId);
    const check = ctx.broker.transactions.checkTxnOffsetCommit(request.transactionalId, producerId, request.producerEpoch, request.groupId, fenced);
    const partitions = request.topics.filter((t) => readable.has(t.name)).flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
    );
    const results =
      check !== ErrorCode.NONE
        ? partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode: check }))
        : await ctx.broker.groups.txnOffsets.commit({
            groupId: request.groupId,
            producerId,
            producerEpoch: request.producerEpoch,
            generationId: request.generationIdOrMemberEpoch,
            memberId: request.memberId,
            groupInstanceId: request.groupInstanceId,
            partitions,
          });
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: readable.has(t.name) ? results[i++]!.errorCode : ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
      })),
    };
  },
});
