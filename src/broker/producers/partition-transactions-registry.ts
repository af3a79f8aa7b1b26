// The transactions view of the per-partition state (partition-states.ts): what fetches, ListOffsets,
// markers and transactional appends ask for. Loading (snapshot + tail replay) is shared with the
// idempotence state, so a partition is replayed at most once per run, and aborted transactions come
// from the on-disk index (storage/transaction-index.ts) rather than from a scan of the whole log.
import type { PartitionLog } from '../../storage/index.js';
import type { PartitionStates } from './partition-states.js';
import type { PartitionTransactions } from './partition-transactions.js';

export class PartitionTransactionsRegistry {
  constructor(private readonly states: PartitionStates) {}

  /** The state when already loaded (no I/O): the fast path of fetches and ListOffsets. */
  peek(log: PartitionLog): PartitionTransactions | null {
    return this.states.peek(log)?.txns ?? null;
  }

  /** The last stable offset if the partition's transactions are known, else the high watermark. */
  lastStableOffsetOrHw(log: PartitionLog): number {
    const t = this.peek(log);
    return t ? t.lastStableOffset(log.highWatermark) : log.highWatermark;
  }

  async get(log: PartitionLog): Promise<PartitionTransactions> {
    return (await this.states.get(log)).txns;
  }
}
