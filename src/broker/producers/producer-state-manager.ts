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
// Restart: producer state is rebuilt lazily, the first time an idempotent batch arrives for a
// partition, by scanning batch headers (never records) from the first offset whose timestamp is within
// producer.id.expiration.ms (older producers would have expired anyway, KIP-854) to the log end. No
// snapshot file: the scan reads at most a day of the partition once per run; a snapshot (Kafka's
// `.snapshot` files) is the follow-up when partitions with heavy traffic make that slow.
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/errors.js';
import {
  batchBaseOffset,
  batchBaseSequence,
  batchIsControl,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchTotalSize,
} from '../../protocol/records/batch-header.js';
import { NodeFileSystem, type AppendResult, type FileSystem, type PartitionLog } from '../../storage/index.js';
import type { BrokerService, ServiceDeps } from '../service.js';
import { PartitionProducers, sequenceAfter, type BatchIdentity, type RetainedBatch } from './partition-producers.js';
import { ProducerIdAllocator } from './producer-id-allocator.js';
import { PartitionTransactionsRegistry } from './partition-transactions-registry.js';

export type IdempotentAppendOutcome =
  | { kind: 'appended'; result: AppendResult }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number; logAppendTimeMs: number }
  | { kind: 'rejected'; errorCode: number; message: string };

export type InitProducerOutcome = { errorCode: number; producerId: number; producerEpoch: number };

const SCAN_CHUNK = 1 << 20;

interface PartitionState {
  producers: PartitionProducers;
  loading: Promise<void> | null;
}

export class ProducerStateManager implements BrokerService {
  private allocator: ProducerIdAllocator | null = null;
  /** Open and aborted transactions per partition: the last stable offset (KIP-98). */
  readonly transactions: PartitionTransactionsRegistry;
  private readonly partitions = new WeakMap<PartitionLog, PartitionState>();

  constructor(
    readonly deps: ServiceDeps,
    private readonly fs: FileSystem = new NodeFileSystem(),
  ) {
    this.transactions = new PartitionTransactionsRegistry(deps.logger);
  }

  async start(): Promise<void> {
    this.allocator = await ProducerIdAllocator.open(this.fs, join(this.deps.logs.dataDir, 'meta'));
  }

  async close(): Promise<void> {}

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
    const state = this.stateFor(log);
    if (state.loading) await state.loading;
    state.producers.raiseEpoch(producerId, epoch, Date.now());
  }

  /** The idempotence state of one partition's producers (DescribeProducers). */
  async producersOf(log: PartitionLog): Promise<PartitionProducers> {
    const state = this.stateFor(log);
    if (state.loading) await state.loading;
    return state.producers;
  }

  /**
   * Appends one idempotent batch (producerId >= 0, already validated) unless it duplicates one of
   * the producer's last five, answering duplicates with the offsets they were first written at.
   */
  async append(log: PartitionLog, batch: Buffer, durable: boolean, beforeAppend?: () => void): Promise<IdempotentAppendOutcome> {
    const state = this.stateFor(log);
    if (state.loading) await state.loading;
    const identity = identityOf(batch);
    // --- from here to log.append(): no await (check and append are one step, see the header)
    const verdict = state.producers.admit(identity, Date.now());
    if (verdict.kind === 'error') return { kind: 'rejected', errorCode: verdict.errorCode, message: verdict.message };
    if (verdict.kind === 'duplicate') return duplicateOf(verdict.batch);
    const retained = verdict.batch;
    let settle!: () => void;
    retained.pending = new Promise<void>((resolve) => (settle = resolve));
    beforeAppend?.();
    const appending = log.append(batch, { durable });
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
    }
  }

  private stateFor(log: PartitionLog): PartitionState {
    let s = this.partitions.get(log);
    if (!s) {
      const producers = new PartitionProducers();
      const state: PartitionState = { producers, loading: null };
      state.loading = this.rebuild(log, producers)
        .catch((e: unknown) => {
          // An offline partition rejects the append that follows anyway; log and carry on empty.
          this.deps.logger.warn('could not rebuild producer state', { dir: log.dir, error: e instanceof Error ? e.message : String(e) });
        })
        .finally(() => (state.loading = null));
      this.partitions.set(log, state);
      s = state;
    }
    return s;
  }

  /** Replays the batch headers of the recent log into `producers` (see the header comment). */
  private async rebuild(log: PartitionLog, producers: PartitionProducers): Promise<void> {
    const expirationMs = this.deps.config.getNumber('producer.id.expiration.ms');
    const now = Date.now();
    const since = await log.offsetForTimestamp(now - expirationMs);
    let offset = since ? since.offset : log.logEndOffset;
    const end = log.logEndOffset;
    const logAppendTime = log.logConfig.logAppendTime;
    let batches = 0;
    while (offset < end) {
      const r = await log.read(offset, SCAN_CHUNK, { upTo: 'log-end' });
      if (r.kind !== 'records' || r.chunks.length === 0) break;
      for (const chunk of r.chunks) {
        for (let pos = 0; pos + 61 <= chunk.length; pos += batchTotalSize(chunk, pos)) {
          if (batchProducerId(chunk, pos) < 0 || batchIsControl(chunk, pos)) continue;
          const base = batchBaseOffset(chunk, pos);
          const last = base + batchLastOffsetDelta(chunk, pos);
          if (last < offset) continue;
          const ts = batchMaxTimestamp(chunk, pos);
          producers.replay(identityOf(chunk, pos), base, last, ts, logAppendTime ? ts : -1);
          batches++;
        }
      }
      if (r.nextOffset <= offset) break;
      offset = r.nextOffset;
    }
    producers.expire(now, expirationMs);
    if (batches > 0) this.deps.logger.info('rebuilt producer state', { dir: log.dir, batches, producers: producers.size });
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
