// OffsetForLeaderEpoch (key 23), v0-4: consumers use it to detect log truncation after a leader change
// (KIP-320). Brook's partitions have one leader epoch, 0, for their whole life, so:
//
//   requested leader epoch   answer
//   ----------------------   ---------------------------------------------
//   0                        epoch 0, end offset = log end offset
//   anything else            UNDEFINED_EPOCH (-1), UNDEFINED_EPOCH_OFFSET (-1), as Kafka answers an
//                              epoch newer than any it knows
//
// current_leader_epoch (v2+) is fenced as in Fetch (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { LEADER_EPOCH, checkLeaderEpoch, lookupPartition } from '../topics/partition-lookup.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorizedNames, permitted } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    // CLUSTER_ACTION on the cluster (a follower) reads every topic; others need DESCRIBE on each
    // (KafkaApis.handleOffsetForLeaderEpochRequest).
    const names = request.topics.map((t) => t.topic);
    const described = permitted(ctx, AclOperation.CLUSTER_ACTION, 'cluster', CLUSTER_RESOURCE_NAME) ? new Set(names) : authorizedNames(ctx, AclOperation.DESCRIBE, 'topic', names);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const fail = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
          if (!described.has(t.topic)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const found = lookupPartition(ctx.broker, t.topic, p.partition);
          if (!found.log) return fail(found.errorCode);
          const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
          if (epochError !== ErrorCode.NONE) return fail(epochError);
          if (p.leaderEpoch !== LEADER_EPOCH) return fail(ErrorCode.NONE);
          return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: LEADER_EPOCH, endOffset: BigInt(found.log.logEndOffset) };
        }),
      })),
    };
  },
});
