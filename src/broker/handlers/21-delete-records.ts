// DeleteRecords (key 21), v0-2: moves a partition's log start offset forward (KIP-107). Offset -1
// means "up to the high watermark"; an offset outside [log start, high watermark] is
// OFFSET_OUT_OF_RANGE. The answer's low watermark is the log start offset after the call.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { errorCodeOf, lookupPartition } from '../topics/partition-lookup.js';
import { isInternalTopic } from '../topics/internal-topics.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    // DELETE on each topic (KafkaApis.handleDeleteRecordsRequest), checked before the topic's existence.
    const deletable = authorizedNames(ctx, AclOperation.DELETE, 'topic', request.topics.map((t) => t.name));
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            const fail = (errorCode: number) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode });
            if (!deletable.has(t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            // Kafka lets clients trim internal topics only through their coordinators.
            if (isInternalTopic(t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const found = lookupPartition(ctx.broker, t.name, p.partitionIndex);
            if (!found.log) return fail(found.errorCode);
            const offset = Number(p.offset);
            if (offset < -1) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
            try {
              const low = await found.log.deleteRecordsBefore(offset);
              return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(low), errorCode: ErrorCode.NONE };
            } catch (e) {
              return fail(errorCodeOf(e));
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
