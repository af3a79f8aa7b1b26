// DescribeProducers (key 61), v0 (KIP-664): the producers with idempotence state on each partition,
// their last sequence and timestamp, and where their open transaction starts (-1 when none).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { lookupPartition } from '../topics/partition-lookup.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const broker = ctx.broker;
    // READ on each topic, before its existence (KafkaApis.handleDescribeProducersRequest).
    const readable = authorizedNames(ctx, AclOperation.READ, 'topic', request.topics.map((t) => t.name));
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitionIndexes.map(async (partitionIndex) => {
            if (!readable.has(t.name)) return { partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, activeProducers: [] };
            const found = lookupPartition(broker, t.name, partitionIndex);
            if (!found.log) return { partitionIndex, errorCode: found.errorCode, errorMessage: null, activeProducers: [] };
            const producers = await broker.producers.producersOf(found.log);
            const txns = await broker.producers.transactions.get(found.log);
            const activeProducers = [...producers.all()].map(([producerId, e]) => {
              const last = e.batches[e.batches.length - 1];
              return {
                producerId: BigInt(producerId),
                producerEpoch: e.epoch,
                lastSequence: last ? last.lastSeq : -1,
                lastTimestamp: BigInt(e.lastSeenMs),
                coordinatorEpoch: 0,
                currentTxnStartOffset: BigInt(txns.firstOffsetOf(producerId)),
              };
            });
            return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});
