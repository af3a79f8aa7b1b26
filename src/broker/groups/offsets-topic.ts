// Writes group metadata and committed offsets to __consumer_offsets: one record batch per call,
// appended to the group's partition and fsynced before the promise resolves (acks=all: a commit
// acknowledged to a client survives a crash). Keys follow Kafka's layout so compaction keeps the
// latest record per key; a null value is a tombstone. The topic is created by the first write that
// needs it (lazy-internal-topic.ts), as Kafka creates it on first use.
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import type { LogManager } from '../../storage/index.js';
import { CONSUMER_OFFSETS_TOPIC } from '../topics/internal-topics.js';
import { offsetsPartitionFor } from './offsets-partitioner.js';

export interface OffsetsTopicRecord {
  key: Buffer;
  value: Buffer | null;
}

export interface TransactionalWriter {
  producerId: number;
  producerEpoch: number;
}

export class OffsetsTopicWriter {
  constructor(
    private readonly logs: LogManager,
    readonly partitions: number,
    /** Creates __consumer_offsets when it does not exist yet (shared by concurrent first writes). */
    private readonly ensureTopic: () => Promise<void> = () => Promise.resolve(),
  ) {}

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitions);
  }

  /** Appends the records of one group durably. Rejects with the storage error when the append fails. */
  async write(groupId: string, records: readonly OffsetsTopicRecord[], now = Date.now(), txn?: TransactionalWriter): Promise<void> {
    if (records.length === 0) return;
    const partition = this.partitionFor(groupId);
    let log = this.logs.getLog(CONSUMER_OFFSETS_TOPIC, partition);
    if (!log) {
      await this.ensureTopic();
      log = this.logs.getLog(CONSUMER_OFFSETS_TOPIC, partition);
    }
    if (!log) throw new Error(`${CONSUMER_OFFSETS_TOPIC}-${partition} is not open`);
    // TxnOffsetCommit: the producer's transactional batch (no sequence), decided by its marker.
    const batch = txn
      ? buildRecordBatch(records, { timestamp: now, producerId: txn.producerId, producerEpoch: txn.producerEpoch, transactional: true })
      : buildRecordBatch(records, { timestamp: now });
    await log.append(batch, { durable: true });
  }
}
