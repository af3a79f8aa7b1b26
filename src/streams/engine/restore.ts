// Restoring one store from its changelog, bounded by the last commit (engine/commit-metadata.ts).
//
//   records [from, limit)   applied: the state as of the task's last commit
//   records [limit, end)    not applied: written for input after the commit, which the task will
//                           process again; each key they touch is repaired afterwards, by logging
//                           its value as of the commit (or a tombstone), so the changelog's latest
//                           value per key is right again and a later full restore agrees.
//
// `limit` undefined means no bound is known (a task that never committed with changelog ends):
// everything is applied, which is Kafka Streams' at-least-once behaviour.
//
// Known limit: if compaction removed a key's committed value because a later, uncommitted record
// superseded it, the repair writes a tombstone. Compaction only cleans closed segments, and the
// uncommitted tail is the newest data, so this needs a segment roll and a cleaner pass between a
// crash and the takeover.

import type { StateStore } from '../stores/store.js';
import type { ChangelogReader, ChangelogRecord } from './transport.js';

export interface Repair {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * Restore `store` from changelog offset `from` (its checkpoint, a standby's position, or 0) and
 * return the changelog writes that repair the uncommitted tail.
 */
export async function restoreStore(
  store: StateStore,
  reader: ChangelogReader,
  topic: string,
  partition: number,
  from: bigint,
  limit: bigint | undefined,
  onRestored: (records: number) => void,
): Promise<Repair[]> {
  // Pass 1: the uncommitted tail's keys (usually few; none after a clean shutdown).
  const stale = new Map<string, Repair>();
  if (limit !== undefined) {
    for await (const batch of reader.read(topic, partition, limit > from ? limit : from)) {
      for (const r of batch) stale.set(r.key.toString('latin1'), { key: r.key, value: null });
    }
  }
  // Pass 2: apply up to the limit, remembering the committed value of each stale key.
  const needStored = new Set(stale.keys());
  if (limit === undefined || limit > from) {
    for await (const batch of reader.read(topic, partition, from)) {
      let upto = batch.length;
      if (limit !== undefined) {
        while (upto > 0 && batch[upto - 1]!.offset >= limit) upto--;
      }
      const applied: readonly ChangelogRecord[] = upto === batch.length ? batch : batch.slice(0, upto);
      if (applied.length > 0) {
        store.restoreBatch(applied);
        onRestored(applied.length);
      }
      for (const r of applied) {
        const id = r.key.toString('latin1');
        if (stale.has(id)) {
          stale.set(id, { key: r.key, value: r.value });
          needStored.delete(id);
        }
      }
      if (upto < batch.length) break;
    }
  }
  // Keys last written before `from`: the local copy (persistent, or handed over warm) has their value.
  for (const id of needStored) {
    const r = stale.get(id)!;
    stale.set(id, { key: r.key, value: store.changelogValue?.(r.key) ?? null });
  }
  return [...stale.values()];
}
