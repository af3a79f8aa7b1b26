// Finding the log a data-path request names, with the error code Kafka gives when it cannot be
// served. Shared by Produce, Fetch, ListOffsets, DeleteRecords and OffsetForLeaderEpoch.
import { ErrorCode } from '../../protocol/errors.js';
import { isValidTopicName, type PartitionLog } from '../../storage/index.js';
import type { BrokerState } from '../broker-state.js';

/** Brook is the only replica and never changes leader: every partition's leader epoch is 0. */
export const LEADER_EPOCH = 0;

export type PartitionLookup = { log: PartitionLog; errorCode: 0 } | { log: null; errorCode: number };

export function lookupPartition(broker: BrokerState, topic: string, partition: number): PartitionLookup {
  const log = broker.logs.getLog(topic, partition);
  if (!log) return { log: null, errorCode: isValidTopicName(topic) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION };
  if (log.isOffline) return { log: null, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
  return { log, errorCode: ErrorCode.NONE };
}

/**
 * KIP-320 leader epoch fencing of a request's current_leader_epoch: -1 skips the check, an older
 * epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH (the client knows more than we do).
 */
export function checkLeaderEpoch(currentLeaderEpoch: number): number {
  if (currentLeaderEpoch < 0 || currentLeaderEpoch === LEADER_EPOCH) return ErrorCode.NONE;
  return currentLeaderEpoch < LEADER_EPOCH ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
}

/** Maps a failure from storage to the error code for the partition. */
export function errorCodeOf(e: unknown): number {
  if (e && typeof e === 'object' && 'kafkaErrorCode' in e && typeof e.kafkaErrorCode === 'number') return e.kafkaErrorCode;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}
