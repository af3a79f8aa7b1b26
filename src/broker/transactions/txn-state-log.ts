// Persistence of transaction metadata in __transaction_state (Kafka's layout): every state change of a
// transactional id is one record, key TransactionLogKey, value TransactionLogValue (txn-log-codec.ts),
// appended to partition abs(String.hashCode(transactionalId)) % transaction.state.log.num.partitions and
// fsynced before the coordinator acts on it or answers (acks=all). The topic is compacted, so the
// latest record per transactional id is the state; loading replays every partition and keeps exactly
// that (a tombstone deletes).
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { CONTROL_FLAG_MASK, batchAttributes } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import { scanPartition, type LogManager } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { offsetsPartitionFor } from '../groups/offsets-partitioner.js';
import { TRANSACTION_STATE_TOPIC } from '../topics/internal-topics.js';
import { decodeTxnLogKey, decodeTxnLogValue, encodeTxnLogKey, encodeTxnLogValue, type TxnLogValue } from './txn-log-codec.js';
import { groupPartitions, partitionKey, type TxnMetadata } from './txn-state.js';

/** Kafka's settings for __transaction_state. */
export const TRANSACTION_STATE_TOPIC_CONFIGS = { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' };

export class TxnStateLog {
  constructor(
    private readonly logs: LogManager,
    readonly partitions: number,
  ) {}

  /** Same arithmetic as __consumer_offsets (Kafka's partitionFor uses Utils.abs(hashCode) % n for both). */
  partitionFor(transactionalId: string): number {
    return offsetsPartitionFor(transactionalId, this.partitions);
  }

  /** Appends the metadata as it should be after a transition, durably. Rejects when storage fails. */
  async write(m: TxnMetadata, now: number): Promise<void> {
    await this.append(m.transactionalId, encodeTxnLogValue(toValue(m)), now);
  }

  async tombstone(transactionalId: string, now: number): Promise<void> {
    await this.append(transactionalId, null, now);
  }

  private async append(transactionalId: string, value: Buffer | null, now: number): Promise<void> {
    const partition = this.partitionFor(transactionalId);
    const log = this.logs.getLog(TRANSACTION_STATE_TOPIC, partition);
    if (!log) throw new Error(`${TRANSACTION_STATE_TOPIC}-${partition} is not open`);
    await log.append(buildRecordBatch([{ key: encodeTxnLogKey(transactionalId), value }], { timestamp: now }), { durable: true });
  }

  /** The latest metadata of every transactional id. Undecodable records are logged and skipped. */
  async load(logger: Logger): Promise<TxnMetadata[]> {
    const latest = new Map<string, TxnLogValue | null>();
    for (let p = 0; p < this.partitions; p++) {
      const log = this.logs.getLog(TRANSACTION_STATE_TOPIC, p);
      if (!log) continue;
      const from = log.logStartOffset;
      await scanPartition(log, (chunk, pos) => {
        if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) return;
        forEachRecord(chunk, pos, (rec) => {
          if (rec.offset < from || rec.key === null) return;
          try {
            latest.set(decodeTxnLogKey(rec.key), rec.value === null ? null : decodeTxnLogValue(rec.value));
          } catch (e) {
            logger.warn('skipping an undecodable __transaction_state record', { partition: p, offset: rec.offset, error: String(e) });
          }
        });
      });
    }
    const out: TxnMetadata[] = [];
    for (const [id, v] of latest) if (v !== null) out.push(fromValue(id, v));
    return out;
  }
}

function toValue(m: TxnMetadata): TxnLogValue {
  return {
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    timeoutMs: m.timeoutMs,
    state: m.state,
    partitions: groupPartitions(m.partitions),
    lastUpdateTimestampMs: m.lastUpdateTimestampMs,
    startTimestampMs: m.startTimestampMs,
    lastProducerEpoch: m.lastProducerEpoch,
  };
}

function fromValue(transactionalId: string, v: TxnLogValue): TxnMetadata {
  const partitions = new Set<string>();
  for (const t of v.partitions) for (const p of t.partitions) partitions.add(partitionKey(t.topic, p));
  return {
    transactionalId,
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: v.lastProducerEpoch,
    timeoutMs: v.timeoutMs,
    state: v.state === 'PrepareEpochFence' ? 'PrepareAbort' : v.state,
    partitions,
    startTimestampMs: v.startTimestampMs,
    lastUpdateTimestampMs: v.lastUpdateTimestampMs,
  };
}
