// Writes share-partition state to the state log and reads it back (Kafka's share coordinator:
// ShareCoordinatorShard, PersisterStateBatchCombiner, ShareCoordinatorOffsetsManager).
//
// - Each change is an update record with just the changed batches; every
//   `updatesPerSnapshot` updates (share.coordinator.snapshot.update.records.per.snapshot) a
//   snapshot with the whole state is written instead, so replay work stays bounded.
// - Replay: per share-partition, the latest snapshot, then every later update applied over it
//   (later batches override earlier ones offset by offset; the start offset only moves forward);
//   a tombstone deletes the share-partition. Acquired was never written, so after a crash every
//   record that was acquired and not acknowledged is Available again, with the delivery count its
//   acquisitions were recorded with.
// - Pruning: in each state-log partition, everything below the oldest latest-snapshot of a
//   share-partition still alive is dead; after a flush (so the snapshots it keeps are durable)
//   DeleteRecords drops it. Share-partitions whose snapshot holds pruning back are snapshotted
//   again first (Kafka's cold-partition snapshots).
import type { Logger } from '../../util/logger.js';
import { InFlightRuns } from './in-flight-runs.js';
import type { Outcome } from './partition-types.js';
import { SharePartition, applyPersisted } from './share-partition.js';
import {
  SNAPSHOT_RECORD,
  UPDATE_RECORD,
  decodeSnapshotValue,
  decodeStateKey,
  decodeUpdateValue,
  encodeSnapshotValue,
  encodeUpdateValue,
  type StateKey,
} from './state-log-codec.js';
import type { ShareStateLog } from './state-log.js';

/** What the persister remembers of one share-partition besides its delivery state. */
export interface StateEntry {
  readonly key: StateKey;
  stateEpoch: number;
  snapshotEpoch: number;
  createTimestamp: number;
  updatesSinceSnapshot: number;
  /** State-log offset of the latest snapshot (-1: none written since it was created in memory). */
  snapshotOffset: number;
  deleted: boolean;
}

export interface LoadedShareState {
  entry: StateEntry;
  partition: SharePartition;
}

export function stateKeyString(k: StateKey): string {
  return `${k.groupId}\u0000${k.topicId}\u0000${k.partition}`;
}

export class StatePersister {
  constructor(
    readonly log: ShareStateLog,
    private readonly updatesPerSnapshot: number,
    private readonly now: () => number,
  ) {}

  /** A new share-partition: its first snapshot (durable: it is what makes the group's position exist). */
  async create(key: StateKey, sp: SharePartition, stateEpoch: number): Promise<StateEntry> {
    const now = this.now();
    const entry: StateEntry = { key, stateEpoch, snapshotEpoch: -1, createTimestamp: now, updatesSinceSnapshot: 0, snapshotOffset: -1, deleted: false };
    await this.snapshot(entry, sp, true);
    return entry;
  }

  /** Persists what an operation changed; nothing to write resolves at once. */
  write(entry: StateEntry, sp: SharePartition, outcome: Outcome, durable: boolean): Promise<void> {
    if (outcome.changes.length === 0 && !outcome.startMoved) return Promise.resolve();
    if (entry.updatesSinceSnapshot >= this.updatesPerSnapshot) return this.snapshot(entry, sp, durable);
    entry.updatesSinceSnapshot++;
    const value = encodeUpdateValue({
      snapshotEpoch: entry.snapshotEpoch,
      leaderEpoch: 0,
      startOffset: outcome.startMoved ? sp.startOffset : -1,
      deliveryCompleteCount: sp.deliveryCompleteCount(),
      batches: outcome.changes,
    });
    return this.log.append(UPDATE_RECORD, entry.key, value, durable, this.now()).then(() => undefined);
  }

  /** Writes the whole state as a snapshot. */
  async snapshot(entry: StateEntry, sp: SharePartition, durable: boolean): Promise<void> {
    entry.snapshotEpoch++;
    entry.updatesSinceSnapshot = 0;
    const now = this.now();
    const value = encodeSnapshotValue({
      snapshotEpoch: entry.snapshotEpoch,
      stateEpoch: entry.stateEpoch,
      leaderEpoch: 0,
      startOffset: sp.startOffset,
      deliveryCompleteCount: sp.deliveryCompleteCount(),
      createTimestamp: entry.createTimestamp,
      writeTimestamp: now,
      batches: sp.persistedBatches(),
    });
    entry.snapshotOffset = await this.log.append(SNAPSHOT_RECORD, entry.key, value, durable, now);
  }

  /** Deletes a share-partition's state (DeleteGroups, DeleteShareGroupOffsets): a durable tombstone. */
  async delete(entry: StateEntry): Promise<void> {
    entry.deleted = true;
    await this.log.append(SNAPSHOT_RECORD, entry.key, null, true, this.now());
  }

  /** Replays the state log: the state of every share-partition still alive. */
  async load(logger: Logger): Promise<{ states: Map<string, LoadedShareState>; records: number }> {
    const images = new Map<string, { entry: StateEntry; runs: InFlightRuns }>();
    const records = await this.log.readAll(logger, (rec) => {
      let k;
      try {
        k = decodeStateKey(rec.key);
      } catch (e) {
        logger.warn('skipping an undecodable __share_group_state key', { partition: rec.partition, offset: rec.offset, error: String(e) });
        return;
      }
      const key: StateKey = { groupId: k.groupId, topicId: k.topicId, partition: k.partition };
      const id = stateKeyString(key);
      if (rec.value === null) {
        images.delete(id);
        return;
      }
      try {
        if (k.type === SNAPSHOT_RECORD) {
          const v = decodeSnapshotValue(rec.value);
          const runs = new InFlightRuns(v.startOffset);
          applyPersisted(runs, v.startOffset, v.batches);
          const entry: StateEntry = {
            key,
            stateEpoch: v.stateEpoch,
            snapshotEpoch: v.snapshotEpoch,
            createTimestamp: v.createTimestamp,
            updatesSinceSnapshot: 0,
            snapshotOffset: rec.offset,
            deleted: false,
          };
          images.set(id, { entry, runs });
        } else {
          const image = images.get(id);
          if (!image) return; // an update for state deleted (or pruned) before it: nothing to apply to
          const v = decodeUpdateValue(rec.value);
          applyPersisted(image.runs, v.startOffset, v.batches);
          image.entry.updatesSinceSnapshot++;
        }
      } catch (e) {
        logger.warn('skipping an undecodable __share_group_state value', { partition: rec.partition, offset: rec.offset, error: String(e) });
      }
    });
    const states = new Map<string, LoadedShareState>();
    for (const [id, image] of images) {
      states.set(id, { entry: image.entry, partition: SharePartition.restore(image.runs.start, persistedOf(image.runs)) });
    }
    return { states, records };
  }

  /**
   * Prunes each state-log partition below the oldest snapshot still needed. `live` lists every
   * share-partition alive now with its state, for re-snapshotting the ones holding pruning back.
   */
  async prune(live: readonly { entry: StateEntry; sp: SharePartition }[], coldRecords: number): Promise<number> {
    let deleted = 0;
    const byPartition = new Map<number, { entry: StateEntry; sp: SharePartition }[]>();
    for (const l of live) {
      if (l.entry.deleted) continue;
      const p = this.log.partitionFor(l.entry.key);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(l);
    }
    for (let p = 0; p < this.log.partitions; p++) {
      let log;
      try {
        log = this.log.log(p);
      } catch {
        continue;
      }
      if (log.isOffline) continue;
      const list = byPartition.get(p) ?? [];
      for (const l of list) {
        if (l.entry.snapshotOffset < 0 || log.logEndOffset - l.entry.snapshotOffset > coldRecords) await this.snapshot(l.entry, l.sp, false);
      }
      await log.flush();
      let keep = log.logEndOffset;
      for (const l of list) keep = Math.min(keep, l.entry.snapshotOffset);
      keep = Math.min(keep, log.highWatermark);
      if (keep > log.logStartOffset) {
        const before = log.logStartOffset;
        await log.deleteRecordsBefore(keep);
        deleted += keep - before;
      }
    }
    return deleted;
  }
}

function persistedOf(runs: InFlightRuns): { first: number; last: number; state: 0 | 1 | 2 | 3 | 4; count: number }[] {
  return runs.runs.map((r) => ({ first: r.first, last: r.last, state: r.state, count: r.count }));
}
