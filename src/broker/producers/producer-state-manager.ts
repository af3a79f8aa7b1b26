// Idempotent-producer state: producer ids (InitProducerId), epochs, and per-partition sequence
// windows that turn producer retries into exactly-once appends (KIP-98).
//
// Atomicity: `append` admits a batch (sequence check + recording it as in progress) and starts the
// partition's append in the same synchronous step. PartitionLog assigns offsets in the order append()
// is called, so two requests of one producer racing on a partition are checked and written in the same
// order, and the second is checked against the first. Nothing awaits between the check and the call
// (the only await, loading a partition's state, comes before the check). Durable appends still share
// one fsync: the wait for it happens after the check, outside any per-partition lock.
//
// Restart: producer state is loaded lazily, the first time a partition is used, from its newest
// producer-state snapshot plus a replay of the log after it (partition-states.ts,
// partition-state-loader.ts); close() writes a snapshot per loaded partition.
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/errors.js';
import { batchBaseSequence, batchLastOffsetDelta, batchProducerEpoch, batchProducerId } from '../../protocol/records/batch-header.js';
import { NodeFileSystem, type AppendResult, type FileSystem, type PartitionLog } from '../../storage/index.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import type { PartitionProducers} from './partition-producers.js';
import { sequenceAfter, type BatchIdentity, type RetainedBatch } from './partition-producers.js';
import { ProducerIdAllocator } from './producer-id-allocator.js';
import { PartitionTransactionsRegistry } from './partition-transactions-registry.js';
import { PartitionStates } from './partition-states.js';

export type IdempotentAppendOutcome =
  | { kind: 'appended'; result: AppendResult }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number; logAppendTimeMs: number }
  | { kind: 'rejected'; errorCode: number; message: string };

export type InitProducerOutcome = { errorCode: number; producerId: number; producerEpoch: number };


export class ProducerStateManager implements BrokerService {
  private allocator: ProducerIdAllocator | null = null;
  /** Open and aborted transactions per partition: the last stable offset (KIP-98). */
  readonly transactions: PartitionTransactionsRegistry;
  private readonly states: PartitionStates;

  constructor(
    readonly deps: ServiceDeps,
    private readonly fs: FileSystem = new NodeFileSystem(),
  ) {
    this.states = new PartitionStates(deps.logger, () => deps.config.getNumber('producer.id.expiration.ms'));
    this.transactions = new PartitionTransactionsRegistry(this.states);
  }

  async start(): Promise<void> {
    this.allocator = await ProducerIdAllocator.open(this.fs, join(this.deps.logs.dataDir, 'meta'));
  }

  async close(): Promise<void> {
    await this.states.snapshotAll();
  }

  /**
   * InitProducerId for an idempotent (non-transactional) producer: always a fresh id at epoch 0, as
   * Kafka's coordinator answers when there is no transactional.id, even when the request carries the
   * id and epoch the producer holds (KIP-360 v3+ recovery). Bumping the given epoch instead would be
   * wrong here: @platformatic/kafka 1.35 sends producerId 0 / epoch 0 on its *first* call, so every
   * such producer would be handed id 0. A fresh id has no sequence state, which is all a producer
   * recovering from UNKNOWN_PRODUCER_ID / OUT_OF_ORDER_SEQUENCE_NUMBER needs. Epoch bumps with
   * fencing belong to transactional ids (issue #8).
   */
  async initProducerId(): Promise<InitProducerOutcome> {
    const allocator = this.allocator;
    if (!allocator) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, producerId: -1, producerEpoch: -1 };
    const id = await allocator.allocate();
    return { errorCode: ErrorCode.NONE, producerId: id, producerEpoch: 0 };
  }

  /**
   * A transaction marker of `producerId` at `epoch` is being written to `log`: a bumped epoch (fencing,
   * timeout abort, KIP-360) becomes the producer's epoch here, so a zombie's older-epoch batches are
   * refused with INVALID_PRODUCER_EPOCH from now on. Call before appending the marker.
   */
  async fenceEpoch(log: PartitionLog, producerId: number, epoch: number): Promise<void> {
    const state = await this.states.get(log);
    state.producers.raiseEpoch(producerId, epoch, Date.now());
  }

  /** Marks a marker append of `log` in progress (snapshot quiescence, partition-states.ts); call the result when done. */
  trackWrite(log: PartitionLog): () => void {
    return this.states.trackWrite(log);
  }

  /** The idempotence state of one partition's producers (DescribeProducers). */
  async producersOf(log: PartitionLog): Promise<PartitionProducers> {
    return (await this.states.get(log)).producers;
  }

  /**
   * Appends one idempotent batch (producerId >= 0, already validated) unless it duplicates one of
   * the producer's last five, answering duplicates with the offsets they were first written at.
   */
  async append(log: PartitionLog, batch: Buffer, durable: boolean, beforeAppend?: () => void): Promise<IdempotentAppendOutcome> {
    const state = await this.states.get(log);
    const identity = identityOf(batch);
    // --- from here to log.append(): no await (check and append are one step, see the header)
    const verdict = state.producers.admit(identity, Date.now());
    if (verdict.kind === 'error') return { kind: 'rejected', errorCode: verdict.errorCode, message: verdict.message };
    if (verdict.kind === 'duplicate') return duplicateOf(verdict.batch);
    const retained = verdict.batch;
    let settle!: () => void;
    retained.pending = new Promise<void>((resolve) => (settle = resolve));
    beforeAppend?.();
    const written = this.states.trackWrite(log);
    // Batches come here only from Produce, after its validation checked their CRC.
    const appending = log.append(batch, { durable, crcChecked: true });
    // ---
    try {
      const result = await appending;
      retained.firstOffset = result.baseOffset;
      retained.lastOffset = result.lastOffset;
      retained.logAppendTimeMs = result.logAppendTimeMs;
      return { kind: 'appended', result };
    } catch (e) {
      state.producers.failed(identity.producerId, retained);
      throw e;
    } finally {
      retained.pending = null;
      settle();
      written();
    }
  }
}

function identityOf(batch: Buffer, pos = 0): BatchIdentity {
  const firstSeq = batchBaseSequence(batch, pos);
  return { producerId: batchProducerId(batch, pos), epoch: batchProducerEpoch(batch, pos), firstSeq, lastSeq: sequenceAfter(firstSeq, batchLastOffsetDelta(batch, pos)) };
}

async function duplicateOf(b: RetainedBatch): Promise<IdempotentAppendOutcome> {
  // A retry of a batch whose first write is still in progress waits for it to learn its offsets.
  if (b.pending) await b.pending;
  if (b.firstOffset < 0) {
    return { kind: 'rejected', errorCode: ErrorCode.KAFKA_STORAGE_ERROR, message: 'the original write of this batch failed' };
  }
  return { kind: 'duplicate', baseOffset: b.firstOffset, lastOffset: b.lastOffset, logAppendTimeMs: b.logAppendTimeMs };
}
