// The transactions of one partition, as read committed needs them (KIP-98): which producers have a
// transaction open here (and the offset of its first batch), the aborted transactions (producer id,
// first offset, marker offset), and from those the last stable offset (LSO):
//
//   LSO = min(first offset of every open transaction, high watermark)
//
// A READ_COMMITTED fetch stops before the LSO and is told which aborted transactions overlap the
// range it read, so the client can skip their batches up to each ABORT marker.
//
// Ordering rules (the LSO must never pass data whose fate a consumer could misjudge):
// - a transactional batch is registered (`begin`) synchronously before its append starts, with the log
//   end offset at that moment as a lower bound of its offset (offsets are assigned in call order), and
//   `settleBegin` narrows it to the real base offset once known;
// - a marker is registered (`complete`) synchronously before its append starts: the transaction stops
//   holding the LSO, and an aborted one is listed with an open-ended last offset until `settleMarker`
//   learns the marker's offset. A consumer that reads the aborted data before the marker is durable is
//   already told to skip it; committed data showing before its marker is fine because the commit
//   decision (PrepareCommit) was made durable before any marker is written.
//
// Where aborted transactions live: once its marker's offset is known, an aborted transaction goes to
// the partition's on-disk aborted-transactions index (storage/transaction-index.ts, Kafka's
// `.txnindex`), synchronously, so there is no moment when it is in neither list. Only the few whose
// marker append is in progress are kept here.

import type { AbortedTxnEntry } from '../../storage/index.js';

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** The ABORT marker's offset (Number.MAX_SAFE_INTEGER while its append is in progress). */
  lastOffset: number;
}

/** The partition's aborted-transactions index (PartitionLog implements it). */
export interface AbortedTxnStore {
  appendAbortedTransaction(e: AbortedTxnEntry): void;
  hasAbortedTransactionAt(lastOffset: number): boolean;
  abortedTransactions(from: number, upTo: number): AbortedTxnEntry[];
}

const OPEN_END = Number.MAX_SAFE_INTEGER;

export class PartitionTransactions {
  /** producer id -> first offset of its open transaction on this partition. */
  readonly ongoing = new Map<number, number>();
  /** Aborted transactions whose ABORT marker is being appended (not yet in the index), with their LSO. */
  private readonly markersInFlight: Array<AbortedTransaction & { lastStableOffset: number }> = [];

  constructor(private readonly index: AbortedTxnStore) {}

  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const first of this.ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  /** The first offset of `producerId`'s open transaction, or -1. */
  firstOffsetOf(producerId: number): number {
    return this.ongoing.get(producerId) ?? -1;
  }

  /** A transactional batch of `producerId` is about to be appended at an offset >= `lowerBound`. */
  begin(producerId: number, lowerBound: number): boolean {
    if (this.ongoing.has(producerId)) return false;
    this.ongoing.set(producerId, lowerBound);
    return true;
  }

  /** The batch registered by `begin` was written at `baseOffset`. */
  settleBegin(producerId: number, lowerBound: number, baseOffset: number): void {
    if (this.ongoing.get(producerId) === lowerBound) this.ongoing.set(producerId, baseOffset);
  }

  /**
   * A COMMIT or ABORT marker of `producerId` is about to be appended at `logEndOffset` (the append
   * starts in the same synchronous step). Returns the aborted entry, if any.
   */
  complete(producerId: number, commit: boolean, logEndOffset: number): AbortedTransaction | null {
    const first = this.ongoing.get(producerId);
    if (first === undefined) return null;
    this.ongoing.delete(producerId);
    if (commit) return null;
    // The index entry's LSO (Kafka's TxnIndex lastStableOffset) is taken now, in marker order, not when
    // the append returns: markers of other producers may complete meanwhile, and an LSO that skipped
    // their still-unindexed transactions would stop a lookup too early (transaction-index.ts collect).
    // Every transaction aborted later began at or after it: it was open now, or begins at >= logEnd.
    const lastStableOffset = this.lastStableOffset(logEndOffset);
    const entry = { producerId, firstOffset: first, lastOffset: OPEN_END, lastStableOffset };
    this.markersInFlight.push(entry);
    return entry;
  }

  /** The marker registered by `complete` was written at `offset`: an aborted one moves to the index. */
  settleMarker(entry: AbortedTransaction | null, offset: number): void {
    if (!entry) return;
    const i = this.markersInFlight.findIndex((e) => e === entry);
    if (i < 0) return;
    const { lastStableOffset } = this.markersInFlight[i]!;
    this.markersInFlight.splice(i, 1);
    entry.lastOffset = offset;
    this.index.appendAbortedTransaction({ producerId: entry.producerId, firstOffset: entry.firstOffset, lastOffset: offset, lastStableOffset });
  }

  /** Replays one batch header read back from the log (rebuilding after a restart). */
  replayData(producerId: number, baseOffset: number): void {
    if (!this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
  }

  /** Replays a marker: an ABORT missing from the index (lost unsynced in a crash) is indexed again. */
  replayMarker(producerId: number, offset: number, commit: boolean): void {
    const entry = this.complete(producerId, commit, offset);
    if (!entry) return;
    if (this.index.hasAbortedTransactionAt(offset)) {
      this.markersInFlight.splice(this.markersInFlight.findIndex((e) => e === entry), 1);
      return;
    }
    this.settleMarker(entry, offset);
  }

  /**
   * The aborted transactions a fetch of [from, upTo) must hear about: those whose data may lie in the
   * range (Kafka's collectAbortedTransactions: lastOffset >= from and firstOffset < upTo).
   */
  abortedIn(from: number, upTo: number): AbortedTransaction[] {
    const out: AbortedTransaction[] = this.index.abortedTransactions(from, upTo);
    for (const a of this.markersInFlight) if (a.firstOffset < upTo) out.push(a);
    // Sorted by first offset: Kafka's Java consumer sorts them itself, but KafkaJS
    // (filterAbortedMessages) assumes this order and would let aborted records through otherwise.
    return out.sort((x, y) => x.firstOffset - y.firstOffset);
  }

  /** Open transactions, for a producer-state snapshot (producer id -> first offset). */
  openTransactions(): IterableIterator<[number, number]> {
    return this.ongoing.entries();
  }
}
