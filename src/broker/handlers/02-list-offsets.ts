// ListOffsets (key 2), v0-10: offsets by timestamp, and the special timestamps
//
//   timestamp  meaning (KIP)                          answer
//   ---------  -------------------------------------  ---------------------------------------------
//   -1         LATEST                                 high watermark; READ_COMMITTED (v2+): the
//                                                       last stable offset (KIP-98)
//   -2         EARLIEST                               log start offset
//   -3         MAX_TIMESTAMP (KIP-734, v7+)           offset and timestamp of the largest timestamp
//   -4         EARLIEST_LOCAL (KIP-405, v8+)          log start offset (all data is local)
//   -5         LATEST_TIERED (KIP-1005, v9+)          as LATEST (nothing is tiered)
//   >= 0       first offset with timestamp >= it      offset and its timestamp; -1/-1 when none
//
// v0 answers the old_style_offsets list instead (one offset here, Kafka listed segment starts).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { ListOffsetsResponseListOffsetsPartitionResponse } from '../../protocol/messages/list-offsets.js';
import type { MessageInput } from '../../protocol/primitives/codec.js';
import type { PartitionLog } from '../../storage/index.js';
import { LEADER_EPOCH, checkLeaderEpoch, errorCodeOf, lookupPartition } from '../topics/partition-lookup.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

type PartitionOut = MessageInput<ListOffsetsResponseListOffsetsPartitionResponse>;

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

export default defineHandler({
  api: apis.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const describable = authorize(ctx, AclOperation.DESCRIBE, 'topic', t.name);
        return {
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p): Promise<PartitionOut> => {
            // ACLs: DESCRIBE on the topic, else TOPIC_AUTHORIZATION_FAILED (KafkaApis.handleListOffsetRequest).
            if (!describable) return failure(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const found = lookupPartition(ctx.broker, t.name, p.partitionIndex);
            if (!found.log) return failure(p.partitionIndex, found.errorCode);
            const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
            if (epochError !== ErrorCode.NONE) return failure(p.partitionIndex, epochError);
            try {
              const r = await lookup(found.log, Number(p.timestamp));
              if (request.isolationLevel === 1 && r.offset >= 0) {
                // READ_COMMITTED never answers past the last stable offset (Kafka's fetchOffsetByTimestamp).
                const lso = (await ctx.broker.producers.transactions.get(found.log)).lastStableOffset(found.log.highWatermark);
                if (r.offset > lso) {
                  const latest = Number(p.timestamp) === LATEST || Number(p.timestamp) === LATEST_TIERED;
                  r.offset = latest ? lso : -1;
                  if (!latest) r.timestamp = -1;
                }
              }
              if (v === 0) {
                return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: r.offset >= 0 && p.maxNumOffsets > 0 ? [BigInt(r.offset)] : [] };
              }
              return {
                partitionIndex: p.partitionIndex,
                errorCode: ErrorCode.NONE,
                timestamp: BigInt(r.timestamp),
                offset: BigInt(r.offset),
                leaderEpoch: r.offset >= 0 ? LEADER_EPOCH : -1,
              };
            } catch (e) {
              return failure(p.partitionIndex, errorCodeOf(e));
            }
          }),
        ),
        };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
});

async function lookup(log: PartitionLog, timestamp: number): Promise<{ offset: number; timestamp: number }> {
  switch (timestamp) {
    case LATEST:
    case LATEST_TIERED:
      return { offset: log.latestOffset(), timestamp: -1 };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.earliestOffset(), timestamp: -1 };
    case MAX_TIMESTAMP: {
      const r = await log.maxTimestampOffset();
      return r ?? { offset: -1, timestamp: -1 };
    }
    default: {
      if (timestamp < 0) return { offset: -1, timestamp: -1 };
      const r = await log.offsetForTimestamp(timestamp);
      return r ?? { offset: -1, timestamp: -1 };
    }
  }
}

function failure(partitionIndex: number, errorCode: number): PartitionOut {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}
