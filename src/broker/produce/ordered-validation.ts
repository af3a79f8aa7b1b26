// Produce validation that may leave the event loop without reordering a partition's appends.
//
// Which batches go to the worker pool (validation-pool.ts), by size on the wire:
//
//   batch                                   validated                 why
//   --------------------------------------  ------------------------  --------------------------------
//   compressed, >= offload.compressed bytes  on a worker               decompression + record walk cost
//                                                                        10-50x the copy to the worker
//   uncompressed, >= offload.uncompressed    on a worker               CRC + record walk ~1 ms per MiB;
//     bytes                                                              the copy costs a good part of it
//   anything smaller, or threads = 0         on the event loop, now    a thread hop would add latency
//
// Order: Kafka appends a partition's batches in the order they arrive, and a client with several
// requests in flight (or two clients) relies on it. So a batch that arrives while an earlier one of
// the same partition is still being validated waits for it, however small: each partition has a
// queue of validation turns, and a turn ends when its batch has been handed to the log (its offsets
// are then fixed) or refused. Only while that queue is empty does a small batch take the
// synchronous path, which is the common case and costs one map lookup.
//
// Invariant: a turn is released exactly once, after its append is called and before it is awaited
// (00-produce.ts passes release as the append's beforeAppend hook, and releases in `finally` on
// every other path).
import { explainProduceRecords, type ProduceRecordsRejection, type ProduceValidationOptions } from '../../protocol/records/produce-validation.js';
import { batchCompression, RECORDS_OFFSET } from '../../protocol/records/batch-header.js';
import type { PartitionLog } from '../../storage/index.js';
import { availableParallelism } from 'node:os';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerService } from '../service.js';
import { ValidationPool } from './validation-pool.js';

export interface OffloadThresholds {
  /** Worker threads; 0 validates everything on the event loop. */
  threads: number;
  /** Smallest compressed batch validated on a worker. */
  compressedMinBytes: number;
  /** Smallest uncompressed batch validated on a worker. */
  uncompressedMinBytes: number;
}

export interface ValidationTurn {
  /** The verdict, once every earlier turn of the partition has been released. */
  readonly verdict: Promise<ProduceRecordsRejection | null>;
  /** Ends the turn: the next batch of the partition may proceed. Idempotent. */
  release(): void;
}

export class OrderedValidation implements BrokerService {
  /** Per partition: settles when the last queued turn is released. Absent when none is queued. */
  private readonly tails = new WeakMap<PartitionLog, Promise<void>>();
  private readonly pool: ValidationPool | null;

  constructor(
    private readonly thresholds: OffloadThresholds,
    logger: Logger,
  ) {
    this.pool = thresholds.threads > 0 ? new ValidationPool(thresholds.threads, logger) : null;
  }

  /** Batches validated on a worker so far. */
  get offloaded(): number {
    return this.pool?.validatedOffLoop ?? 0;
  }

  /**
   * null: nothing of this partition is queued and the batch is small; validate it synchronously now
   * (explainProduceRecords). Otherwise a turn the caller must release.
   */
  turn(log: PartitionLog, records: Buffer, options: ProduceValidationOptions): ValidationTurn | null {
    const ahead = this.tails.get(log);
    const offload = this.pool !== null && this.worthOffloading(records);
    if (ahead === undefined && !offload) return null;
    let open!: () => void;
    const released = new Promise<void>((resolve) => (open = resolve));
    this.tails.set(log, released);
    const own = offload ? this.pool!.validate(records, options) : validateNow(records, options);
    // Promise.all, not ahead.then(() => own): own's rejection must have a handler from the start.
    const verdict = ahead === undefined ? own : Promise.all([ahead, own]).then(([, v]) => v);
    let done = false;
    return {
      verdict,
      release: () => {
        if (done) return;
        done = true;
        if (this.tails.get(log) === released) this.tails.delete(log);
        open();
      },
    };
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {
    await this.pool?.close();
  }

  private worthOffloading(records: Buffer): boolean {
    if (records.length < RECORDS_OFFSET) return false; // too short to name a codec: refused at once anyway
    const min = batchCompression(records) === 0 ? this.thresholds.uncompressedMinBytes : this.thresholds.compressedMinBytes;
    return records.length >= min;
  }
}

function validateNow(records: Buffer, options: ProduceValidationOptions): Promise<ProduceRecordsRejection | null> {
  try {
    return Promise.resolve(explainProduceRecords(records, options));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The brook.produce.validation.* settings; -1 threads: one less than the cores, between 1 and 4. */
export function offloadThresholds(config: BrokerConfig): OffloadThresholds {
  const threads = config.getNumber('brook.produce.validation.threads');
  return {
    threads: threads >= 0 ? threads : Math.min(4, Math.max(1, availableParallelism() - 1)),
    compressedMinBytes: config.getNumber('brook.produce.validation.offload.compressed.bytes'),
    uncompressedMinBytes: config.getNumber('brook.produce.validation.offload.uncompressed.bytes'),
  };
}
