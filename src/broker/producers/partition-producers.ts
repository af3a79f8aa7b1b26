// The idempotent producers of one partition: for each producer id, its epoch and the last five
// batches it wrote (Kafka's ProducerStateEntry; five because a producer keeps at most five requests
// in flight per partition, max.in.flight.requests.per.connection <= 5 with idempotence).
//
// The check for a batch (producer id, epoch, first and last sequence), in Kafka's order
// (ProducerAppendInfo.checkProducerEpoch / checkSequence, Kafka 2.5+ with KIP-360):
//
//   state                                  batch                                 answer
//   -------------------------------------- ------------------------------------- -------------------------------
//   known, epoch E                         epoch < E                             INVALID_PRODUCER_EPOCH (KIP-588)
//   known, epoch E, one of the last five   epoch E, same first and last seq      duplicate: NONE with the original
//                                                                                  offsets, not appended again
//   known, epoch E, last seq L             epoch E, first seq = L + 1 (wraps     append
//                                            at 2^31 - 1 to 0)
//   known, epoch E                         epoch E, any other first seq          OUT_OF_ORDER_SEQUENCE_NUMBER
//   known, epoch E                         epoch > E (bumped, KIP-360), seq 0    append (the new epoch starts over)
//   known, epoch E                         epoch > E, seq != 0                   OUT_OF_ORDER_SEQUENCE_NUMBER
//   unknown (never seen, or expired)       any epoch, any seq                    append. Since Kafka 2.5 the
//                                                                                  broker no longer answers
//                                                                                  UNKNOWN_PRODUCER_ID: state can be
//                                                                                  lost to retention, and clients
//                                                                                  (KIP-360) carry on from their seq.
//
// Batches are recorded when they are *admitted* (before their write finishes) so that the next
// request of the same producer is checked against them; the caller admits and starts the append in
// one synchronous step, which makes check-and-append atomic per partition (see producer-state-manager.ts).
import { ErrorCode } from '../../protocol/errors.js';

/** How many batches per producer are remembered for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const RETAINED_BATCHES = 5;

export interface BatchIdentity {
  producerId: number;
  epoch: number;
  firstSeq: number;
  lastSeq: number;
}

export interface RetainedBatch {
  firstSeq: number;
  lastSeq: number;
  /** Offsets once the write completed; -1 while it is in progress. */
  firstOffset: number;
  lastOffset: number;
  /** The LogAppendTime stamped on it, or -1 under CreateTime (answered again for duplicates). */
  logAppendTimeMs: number;
  /** Set while the write is in progress: resolves when it is done (or failed). */
  pending: Promise<void> | null;
}

export interface ProducerEntry {
  epoch: number;
  batches: RetainedBatch[];
  lastSeenMs: number;
}

export type SequenceVerdict =
  | { kind: 'append'; batch: RetainedBatch }
  | { kind: 'duplicate'; batch: RetainedBatch }
  | { kind: 'error'; errorCode: number; message: string };

const INT32_MAX = 0x7fff_ffff;

/** The sequence after `seq`: sequences wrap from 2^31 - 1 to 0 (Kafka's DefaultRecordBatch.incrementSequence). */
export function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/** The sequence `delta` after `seq`, with the same wrap (the last sequence of a batch). */
export function sequenceAfter(seq: number, delta: number): number {
  const n = seq + delta;
  return n > INT32_MAX ? n - INT32_MAX - 1 : n;
}

export class PartitionProducers {
  private readonly entries = new Map<number, ProducerEntry>();

  get size(): number {
    return this.entries.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  /**
   * Checks a batch and, when it is to be appended, records it as in progress. The caller must start
   * the write before yielding, and report its outcome with `completed` or `failed`.
   */
  admit(b: BatchIdentity, nowMs: number): SequenceVerdict {
    const e = this.entries.get(b.producerId);
    if (e) {
      if (b.epoch < e.epoch) {
        return error(ErrorCode.INVALID_PRODUCER_EPOCH, `producer ${b.producerId} epoch ${b.epoch} is older than the current epoch ${e.epoch}`);
      }
      if (b.epoch === e.epoch) {
        const dup = e.batches.find((x) => x.firstSeq === b.firstSeq && x.lastSeq === b.lastSeq);
        if (dup) return { kind: 'duplicate', batch: dup };
        const last = e.batches[e.batches.length - 1];
        if (last && b.firstSeq !== nextSequence(last.lastSeq)) {
          return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId}: expected sequence ${nextSequence(last.lastSeq)}, got ${b.firstSeq}`);
        }
      } else if (b.firstSeq !== 0) {
        return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `producer ${b.producerId}: a new epoch ${b.epoch} must start at sequence 0, got ${b.firstSeq}`);
      }
    }
    const batch: RetainedBatch = { firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset: -1, lastOffset: -1, logAppendTimeMs: -1, pending: null };
    this.record(b.producerId, b.epoch, batch, nowMs);
    return { kind: 'append', batch };
  }

  /** Records a batch read back from the log (rebuilding state after a restart). */
  replay(b: BatchIdentity, firstOffset: number, lastOffset: number, timestampMs: number, logAppendTimeMs: number): void {
    const e = this.entries.get(b.producerId);
    if (e && b.epoch < e.epoch) return;
    // Already known from a snapshot taken while this batch was in it: nothing to add.
    if (e && e.epoch === b.epoch && e.batches.some((x) => x.firstOffset === firstOffset)) return;
    this.record(b.producerId, b.epoch, { firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset, lastOffset, logAppendTimeMs, pending: null }, timestampMs);
  }

  /** The write of an admitted batch failed: forget it, so a retry is checked as if it never came. */
  failed(producerId: number, batch: RetainedBatch): void {
    const e = this.entries.get(producerId);
    if (!e) return;
    const i = e.batches.indexOf(batch);
    if (i >= 0) e.batches.splice(i);
    if (e.batches.length === 0) this.entries.delete(producerId);
  }

  /** A marker at `epoch` was written: a higher epoch replaces the producer's (its sequences start over). */
  raiseEpoch(producerId: number, epoch: number, nowMs: number): void {
    const e = this.entries.get(producerId);
    if (e && e.epoch >= epoch) return;
    this.entries.set(producerId, { epoch, batches: [], lastSeenMs: nowMs });
  }

  /** Restores a producer from a snapshot (partition-state-loader.ts). */
  restore(producerId: number, entry: ProducerEntry): void {
    this.entries.set(producerId, entry);
  }

  /** Every producer with state here (DescribeProducers). */
  all(): IterableIterator<[number, ProducerEntry]> {
    return this.entries.entries();
  }

  /** Drops producers idle for longer than `expirationMs` (producer.id.expiration.ms, KIP-854). */
  expire(nowMs: number, expirationMs: number): void {
    for (const [id, e] of this.entries) {
      if (nowMs - e.lastSeenMs > expirationMs && e.batches.every((b) => b.pending === null)) this.entries.delete(id);
    }
  }

  private record(producerId: number, epoch: number, batch: RetainedBatch, nowMs: number): void {
    let e = this.entries.get(producerId);
    if (!e || e.epoch !== epoch) {
      e = { epoch, batches: [], lastSeenMs: nowMs };
      this.entries.set(producerId, e);
    }
    e.batches.push(batch);
    if (e.batches.length > RETAINED_BATCHES) e.batches.shift();
    e.lastSeenMs = Math.max(e.lastSeenMs, nowMs);
  }
}

function error(errorCode: number, message: string): SequenceVerdict {
  return { kind: 'error', errorCode, message };
}
