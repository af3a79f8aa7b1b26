// The producer and transaction state of every partition that has been asked about, loaded lazily: the
// first idempotent or transactional append, marker, READ_COMMITTED fetch or ListOffsets on a partition
// loads its newest producer-state snapshot and replays the log after it (partition-state-loader.ts).
// Partitions nobody reads with READ_COMMITTED and nobody writes idempotently are never loaded, so the
// plain data path pays nothing. On close every loaded partition writes a snapshot at its log end, so
// the next start replays nothing (Kafka writes one at clean shutdown too).
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { PartitionProducers } from './partition-producers.js';
import { loadPartitionState, snapshotPartitionState } from './partition-state-loader.js';
import { PartitionTransactions } from './partition-transactions.js';

export interface PartitionState {
  producers: PartitionProducers;
  txns: PartitionTransactions;
  loading: Promise<void> | null;
}

export class PartitionStates {
  // A Map, not a WeakMap, because close() snapshots every loaded partition; a deleted topic's entry is
  // dropped at the next close (its log is closed and skipped).
  private readonly states = new Map<PartitionLog, PartitionState>();

  constructor(
    private readonly logger: Logger,
    private readonly expirationMs: () => number,
  ) {}

  /** The state when already loaded (no I/O). */
  peek(log: PartitionLog): PartitionState | null {
    const s = this.states.get(log);
    return s && s.loading === null ? s : null;
  }

  async get(log: PartitionLog): Promise<PartitionState> {
    const s = this.stateFor(log);
    if (s.loading) await s.loading;
    return s;
  }

  private stateFor(log: PartitionLog): PartitionState {
    let s = this.states.get(log);
    if (!s) {
      const state: PartitionState = { producers: new PartitionProducers(), txns: new PartitionTransactions(log), loading: null };
      state.loading = this.load(log, state)
        .catch((e: unknown) => {
          // An offline partition rejects the appends and reads that follow anyway; log and carry on empty.
          this.logger.warn('could not load producer state', { dir: log.dir, error: e instanceof Error ? e.message : String(e) });
        })
        .finally(() => (state.loading = null));
      this.states.set(log, state);
      s = state;
    }
    return s;
  }

  private async load(log: PartitionLog, state: PartitionState): Promise<void> {
    const r = await loadPartitionState(log, state.producers, state.txns);
    state.producers.expire(Date.now(), this.expirationMs());
    if (r.batchesReplayed > 0) {
      this.logger.info('loaded producer state', { dir: log.dir, snapshotOffset: r.snapshotOffset, scannedFrom: r.scannedFrom, batches: r.batchesReplayed, producers: state.producers.size });
    }
  }

  /** Writes a snapshot for every loaded partition (clean shutdown; appends have stopped). */
  async snapshotAll(): Promise<void> {
    for (const [log, s] of this.states) {
      if (s.loading) await s.loading;
      if (log.isOffline) continue;
      try {
        await snapshotPartitionState(log, s.producers, s.txns);
      } catch (e) {
        // A closed (deleted) or failing log: the next start replays from the older snapshot instead.
        this.logger.debug('no producer-state snapshot', { dir: log.dir, error: e instanceof Error ? e.message : String(e) });
      }
    }
    this.states.clear();
  }
}
