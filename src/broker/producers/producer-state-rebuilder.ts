// The producer state of a partition rebuilt inside storage's recovery pass after an unclean stop
// (storage/state-rebuild.ts): storage shows it the batches it CRC-checks anyway, and it folds them with
// the same replayBatch as the first-use replay (partition-state-loader.ts). The result is a producer-
// state snapshot at the recovered log end, so the partition's first use after a crash replays nothing.
//
// The aborted transactions it meets are handed back to storage, which re-indexes those whose entries
// the crash lost; here they are only collected (the index does not exist yet while recovery runs).
import type { AbortedTxnEntry, LogConfig, RebuiltState, StateRebuilder, StateSnapshot } from '../../storage/index.js';
import { PartitionProducers } from './partition-producers.js';
import { replayBatch } from './partition-state-loader.js';
import { PartitionTransactions } from './partition-transactions.js';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot-codec.js';

export class ProducerStateRebuilder implements StateRebuilder {
  private producers = new PartitionProducers();
  private txns: PartitionTransactions;
  private from = 0;
  private readonly aborted: AbortedTxnEntry[] = [];

  constructor(private readonly config: LogConfig) {
    this.txns = this.freshTransactions();
  }

  start(snapshot: StateSnapshot | null, from: number): boolean {
    this.producers = new PartitionProducers();
    this.txns = this.freshTransactions();
    this.aborted.length = 0;
    this.from = from;
    if (!snapshot) return true;
    const decoded = decodeProducerSnapshot(snapshot.payload);
    if (!decoded) return false;
    for (const [id, entry] of decoded.producers) this.producers.restore(id, entry);
    for (const [id, first] of decoded.openTransactions) this.txns.replayData(id, first);
    return true;
  }

  visit(buf: Buffer, pos: number): void {
    replayBatch(buf, pos, this.from, this.config.logAppendTime, this.producers, this.txns);
  }

  finish(): RebuiltState {
    return { payload: encodeProducerSnapshot(this.producers, this.txns.openTransactions()), aborted: [...this.aborted] };
  }

  /** Transactions whose index is this rebuild's list: every ABORT replayed is collected, none is known yet. */
  private freshTransactions(): PartitionTransactions {
    return new PartitionTransactions({
      appendAbortedTransaction: (e) => this.aborted.push(e),
      hasAbortedTransactionAt: () => false,
      abortedTransactions: () => [],
    });
  }
}

/** The factory the broker gives storage (LogManagerOptions.stateRebuilder). */
export function producerStateRebuilder(_dir: string, config: LogConfig): StateRebuilder {
  return new ProducerStateRebuilder(config);
}
