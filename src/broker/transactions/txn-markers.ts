// Writes the COMMIT or ABORT marker of a transaction to every partition in it (Kafka's
// TransactionMarkerChannelManager + WriteTxnMarkers, without the network hop: on one node the
// coordinator appends to the partition logs itself). Each marker is a control batch of the producer
// (control-batch.ts), appended durably; all partitions are written concurrently.
//
// Per data partition, in one synchronous step before the marker's append starts: the producer's epoch
// is raised to the marker's (fencing zombies on that partition) and the partition's transaction state
// closes the transaction (partition-transactions.ts explains why before, not after). For a
// __consumer_offsets partition, the transaction's pending offsets become committed offsets (or are
// dropped) once the marker is durable.
import { ErrorCode } from '../../protocol/errors.js';
import { buildEndTransactionMarker, ControlRecordType } from '../../protocol/records/control-batch.js';
import type { LogManager } from '../../storage/index.js';
import type { GroupCoordinator } from '../groups/group-coordinator.js';
import type { ProducerStateManager } from '../producers/producer-state-manager.js';
import { CONSUMER_OFFSETS_TOPIC } from '../topics/internal-topics.js';
import { partitionKey, splitPartitionKey, type TxnMetadata } from './txn-state.js';

/** Brook is its own only coordinator, so its coordinator epoch never changes. */
const COORDINATOR_EPOCH = 0;

export class TxnMarkerWriter {
  constructor(
    private readonly logs: LogManager,
    private readonly producers: ProducerStateManager,
    private readonly groups: GroupCoordinator,
  ) {}

  /** Resolves when every marker is durable; rejects with the first storage failure. */
  async writeAll(m: TxnMetadata, commit: boolean): Promise<void> {
    await Promise.all([...m.partitions].map((key) => this.writeOne(key, m.producerId, m.producerEpoch, commit)));
  }

  /**
   * One marker asked for from outside the coordinator: WriteTxnMarkers, which Admin.abortTransaction (KIP-664) sends
   * to end a hanging transaction on one partition. A marker whose epoch is older than the producer's on that
   * partition is refused with INVALID_PRODUCER_EPOCH, as Kafka's producer-state check refuses it; otherwise it is
   * written exactly as the coordinator's own (with no open transaction there it is a harmless control record, as in
   * Kafka). Returns the partition's error code.
   */
  async writeRequested(topic: string, partition: number, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    const log = this.logs.getLog(topic, partition);
    if (!log) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (log.isOffline) return ErrorCode.KAFKA_STORAGE_ERROR;
    const current = (await this.producers.producersOf(log)).entry(producerId);
    if (current !== undefined && producerEpoch < current.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    await this.writeOne(partitionKey(topic, partition), producerId, producerEpoch, commit);
    return ErrorCode.NONE;
  }

  private async writeOne(key: string, producerId: number, producerEpoch: number, commit: boolean): Promise<void> {
    const { topic, partition } = splitPartitionKey(key);
    const log = this.logs.getLog(topic, partition);
    if (!log) return; // deleted since it joined the transaction: nothing left to decide
    const marker = buildEndTransactionMarker(commit ? ControlRecordType.Commit : ControlRecordType.Abort, {
      producerId,
      producerEpoch,
      coordinatorEpoch: COORDINATOR_EPOCH,
    });
    const txns = await this.producers.transactions.get(log);
    await this.producers.fenceEpoch(log, producerId, producerEpoch);
    // --- synchronous from here to append(): see the header
    const aborted = txns.complete(producerId, commit, log.logEndOffset);
    const written = this.producers.trackWrite(log);
    const appending = log.append(marker, { durable: true });
    // ---
    try {
      const r = await appending;
      txns.settleMarker(aborted, r.baseOffset);
    } finally {
      written();
    }
    if (topic === CONSUMER_OFFSETS_TOPIC) this.groups.txnOffsets.complete(producerId, partition, commit);
  }
}
