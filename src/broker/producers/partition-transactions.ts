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

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** The ABORT marker's offset (Number.MAX_SAFE_INTEGER while its append is in progress). */
  lastOffset: number;
}

const OPEN_END = Number.MAX_SAFE_INTEGER;

export class PartitionTransactions {
  /** producer id -> first offset of its open transaction on this partition. */
  readonly ongoing = new Map<number, number>();
  /** In marker order, so lastOffset ascends (except the open-ended ones, which are last). */
  readonly aborted: AbortedTransaction[] = [];

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

  /** A COMMIT or ABORT marker of `producerId` is about to be appended. Returns the aborted entry, if any. */
  complete(producerId: number, commit: boolean): AbortedTransaction | null {
    const first = this.ongoing.get(producerId);
    if (first === undefined) return null;
    this.ongoing.delete(producerId);
    if (commit) return null;
    const entry: AbortedTransaction = { producerId, firstOffset: first, lastOffset: OPEN_END };
    this.aborted.push(entry);
    return entry;
  }

  /** The marker registered by `complete` was written at `offset`. */
  settleMarker(entry: AbortedTransaction | null, offset: number): void {
    if (entry) entry.lastOffset = offset;
  }

  /** Replays one batch header read back from the log (rebuilding after a restart). */
  replayData(producerId: number, baseOffset: number): void {
    if (!this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
  }

  replayMarker(producerId: number, offset: number, commit: boolean): void {
    this.settleMarker(this.complete(producerId, commit), offset);
  }

  /**
   * The aborted transactions a fetch of [from, upTo) must hear about: those whose data may lie in the
   * range (Kafka's collectAbortedTransactions: lastOffset >= from and firstOffset < upTo).
   */
  abortedIn(from: number, upTo: number): AbortedTransaction[] {
    const out: AbortedTransaction[] = [];
    for (let i = this.aborted.length - 1; i >= 0; i--) {
      const a = this.aborted[i]!;
      if (a.lastOffset < from && a.lastOffset !== OPEN_END) {
        // Entries before an entry whose marker is below `from` can still overlap (long transactions),
        // so keep scanning; the list is short-lived in practice and bounded by retention (below).
        continue;
      }
      if (a.firstOffset < upTo) out.push(a);
    }
    return out.reverse();
  }

  /** Forgets aborted transactions wholly below the log start offset (retention, DeleteRecords). */
  truncateBefore(logStartOffset: number): void {
    let n = 0;
    while (n < this.aborted.length && this.aborted[n]!.lastOffset < logStartOffset) n++;
    if (n > 0) this.aborted.splice(0, n);
  }
}
