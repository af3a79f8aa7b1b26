// Acknowledgements as ShareFetch and ShareAcknowledge carry them, checked and applied per partition
// (Kafka's KafkaApis.validateAcknowledgementBatches and handleAcknowledgements). A partition whose
// batches are malformed gets INVALID_REQUEST and none of them is applied:
//   - lastOffset < firstOffset, or batches out of order / overlapping;
//   - no acknowledge types, or several types that are not one per offset;
//   - a type outside 0-3 (0-4 from version 2, Renew, KIP-1222);
//   - Renew types when the request's IsRenewAck is false.
// An unknown topic id is UNKNOWN_TOPIC_ID; a partition the group never fetched is
// UNKNOWN_TOPIC_OR_PARTITION. Valid acknowledgements go to the queue engine, which answers only once
// they are durable (INVALID_RECORD_STATE when the records are not acquired by this member).
import { ErrorCode } from '../../../protocol/errors.js';
import { AckType, type AckBatch } from '../../queues/index.js';
import type { BrokerState } from '../../broker-state.js';
import type { ShareGroupCoordinator } from './share-group-coordinator.js';

export interface AckPartitionInput {
  topicId: string;
  partition: number;
  batches: readonly { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: readonly number[] }[];
}

export interface AckPartitionResult {
  topicId: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

/** Why a partition's batches are malformed, or null when they are well formed. */
export function malformedBatches(batches: AckPartitionInput['batches'], version: number, isRenewAck: boolean): string | null {
  const maxType = version >= 2 ? AckType.Renew : AckType.Reject;
  let previousLast = -1n;
  for (const b of batches) {
    if (b.lastOffset < b.firstOffset) return `acknowledgement batch last offset ${b.lastOffset} is before its first offset ${b.firstOffset}`;
    if (b.firstOffset <= previousLast) return 'acknowledgement batches overlap or are out of order';
    if (b.acknowledgeTypes.length === 0) return 'acknowledgement batch without acknowledge types';
    if (b.acknowledgeTypes.length > 1 && BigInt(b.acknowledgeTypes.length) !== b.lastOffset - b.firstOffset + 1n) {
      return `${b.acknowledgeTypes.length} acknowledge types for ${b.lastOffset - b.firstOffset + 1n} offsets`;
    }
    for (const t of b.acknowledgeTypes) {
      if (t < AckType.Gap || t > maxType) return `invalid acknowledge type ${t}`;
      if (t === AckType.Renew && !isRenewAck) return 'Renew acknowledgements require IsRenewAck';
    }
    previousLast = b.lastOffset;
  }
  return null;
}

/** Applies every partition's acknowledgements for `memberId`; resolves once all are durable (or refused). */
export async function acknowledgePartitions(
  broker: BrokerState,
  shares: ShareGroupCoordinator,
  groupId: string,
  memberId: string,
  partitions: readonly AckPartitionInput[],
  version: number,
  isRenewAck: boolean,
): Promise<AckPartitionResult[]> {
  return Promise.all(
    partitions.map(async (p): Promise<AckPartitionResult> => {
      const result = (errorCode: number, errorMessage: string | null = null): AckPartitionResult => ({ topicId: p.topicId, partition: p.partition, errorCode, errorMessage });
      const topic = broker.topics.nameForId(p.topicId);
      if (topic === undefined) return result(ErrorCode.UNKNOWN_TOPIC_ID);
      const malformed = malformedBatches(p.batches, version, isRenewAck);
      if (malformed) return result(ErrorCode.INVALID_REQUEST, malformed);
      const log = broker.logs.getLog(topic, p.partition);
      if (!log) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (p.batches.length === 0) return result(ErrorCode.NONE);
      const key = { groupId, topicId: p.topicId, partition: p.partition };
      if (!shares.engine.has(key)) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'the share group has no state for this partition');
      try {
        const slot = await shares.openPartition(groupId, topic, p.topicId, p.partition, log);
        const batches: AckBatch[] = p.batches.map((b) => ({ first: Number(b.firstOffset), last: Number(b.lastOffset), types: b.acknowledgeTypes }));
        const refusal = await shares.engine.acknowledge(slot, memberId, batches);
        if (!refusal) return result(ErrorCode.NONE);
        return result(refusal.kind === 'invalid-request' ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_RECORD_STATE, refusal.message);
      } catch (e) {
        return result(ErrorCode.KAFKA_STORAGE_ERROR, e instanceof Error ? e.message : String(e));
      }
    }),
  );
}
