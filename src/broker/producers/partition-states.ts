// The producer and transaction state of every partition that has been asked about, loaded lazily: the
// first idempotent or transactional append, marker, READ_COMMITTED fetch or ListOffsets on a partition
// loads its newest producer-state snapshot and replays the log after it (partition-state-loader.ts).
// Partitions nobody reads with READ_COMMITTED and nobody writes idempotently are never loaded, so the
// plain data path pays nothing.
//
// Snapshots are written, as Kafka does, at clean shutdown (at the log end: the next start replays
// nothing) and when the log rolls a segment, so a crash replays at most about a segment. A roll
// snapshot must describe exactly the batches below its offset, so it is taken only at a quiescent
// moment: no idempotent/transactional append or marker of the partition between its admission and
// the end of its write (`trackWrite`). The state is encoded synchronously at that moment with the log
// end offset as the snapshot offset; batches admitted later get offsets at or above it. That moment is
// the roll itself when nothing is in flight (the log tells the owner, PartitionLog.onRoll; the snapshot
// is then named by the new segment's base), else the end of the last write in flight. Before the state
// is loaded, storage writes the roll snapshots itself (storage/partition-snapshots.ts).
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { PartitionProducers } from './partition-producers.js';
import { loadPartitionState, snapshotPartitionState } from './partition-state-loader.js';
import { PartitionTransactions } from './partition-transactions.js';
import { encodeProducerSnapshot } from './producer-snapshot-codec.js';

export interface PartitionState {
  producers: PartitionProducers;
  txns: PartitionTransactions;
  loading: Promise<void> | null;
  /** Writes admitted and not finished (see the header). */
  writesInFlight: number;
  /** Active segment base when the last snapshot was taken (or the state loaded). */
  snapshotSegment: number;
  /** The roll snapshot being written, if any. */
  snapshotWrite: Promise<void> | null;
}

export class PartitionStates {
  // A Map, not a WeakMap, because close() snapshots every loaded partition; a deleted topic's entry
  // stays until close, which skips it (its log is closed).
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
      const state: PartitionState = {
        producers: new PartitionProducers(),
        txns: new PartitionTransactions(log),
        loading: null,
        writesInFlight: 0,
        snapshotSegment: log.activeSegmentBaseOffset,
        snapshotWrite: null,
      };
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
    log.onRoll(() => {
      if (state.loading === null && state.writesInFlight === 0 && !state.snapshotWrite && !log.isOffline && !log.isClosed) this.snapshotAfterRoll(log, state);
    });
    state.producers.expire(Date.now(), this.expirationMs());
    if (r.batchesReplayed > 0) {
      this.logger.info('loaded producer state', { dir: log.dir, snapshotOffset: r.snapshotOffset, scannedFrom: r.scannedFrom, batches: r.batchesReplayed, producers: state.producers.size });
    }
  }

  /**
   * Call synchronously before an idempotent/transactional append or a marker starts; call the returned
   * function once it finished (or failed). The last one out after a roll writes a snapshot.
   */
  trackWrite(log: PartitionLog): () => void {
    const s = this.peek(log);
    if (!s) return () => {};
    s.writesInFlight++;
    return () => {
      if (--s.writesInFlight === 0 && !s.snapshotWrite && log.activeSegmentBaseOffset !== s.snapshotSegment && !log.isOffline && !log.isClosed) this.snapshotAfterRoll(log, s);
    };
  }

  private snapshotAfterRoll(log: PartitionLog, s: PartitionState): void {
    s.snapshotSegment = log.activeSegmentBaseOffset;
    const offset = log.logEndOffset;
    const payload = encodeProducerSnapshot(s.producers, s.txns.openTransactions());
    s.snapshotWrite = log
      .writeStateSnapshot(offset, payload)
      .catch((e: unknown) => this.logger.warn('could not write a producer-state snapshot', { dir: log.dir, offset, error: e instanceof Error ? e.message : String(e) }))
      .finally(() => (s.snapshotWrite = null));
  }

  /** Writes a snapshot for every loaded partition (clean shutdown; appends have stopped). */
  async snapshotAll(): Promise<void> {
    for (const [log, s] of this.states) {
      if (s.loading) await s.loading;
      // A closed log belongs to a deleted topic: a snapshot would land in the directory of a topic
      // re-created under the same name and describe producers it never had.
      if (log.isOffline || log.isClosed) continue;
      // A roll snapshot still being written finishes first (both rename into the same directory).
      if (s.snapshotWrite) await s.snapshotWrite;
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
