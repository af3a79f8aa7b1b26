// Rebuilds the coordinator's state at startup: every partition of __consumer_offsets is read from its
// log start to its log end, and for each key the latest record wins (a tombstone deletes). This is
// what compaction would leave, so the result is the same before and after the log is compacted.
// A record that does not decode is logged and skipped: one bad record must not lose every group.
import { CONTROL_FLAG_MASK, batchAttributes, forEachBatch } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { decodeGroupValue, decodeKey, decodeOffsetValue, type GroupValue, type OffsetValue } from './offsets-record-codec.js';

export interface LoadedState {
  /** group -> latest GroupMetadataValue (tombstoned groups absent). */
  groups: Map<string, GroupValue>;
  /** group -> "topic\0partition" -> latest OffsetCommitValue. */
  offsets: Map<string, Map<string, { topic: string; partition: number; value: OffsetValue }>>;
  records: number;
}

const READ_CHUNK_BYTES = 1 << 20;

export async function loadOffsetsTopic(partitions: readonly PartitionLog[], logger: Logger): Promise<LoadedState> {
  const state: LoadedState = { groups: new Map(), offsets: new Map(), records: 0 };
  for (const log of partitions) {
    let offset = log.logStartOffset;
    const end = log.logEndOffset;
    while (offset < end) {
      const r = await log.read(offset, READ_CHUNK_BYTES, { upTo: 'log-end' });
      if (r.kind !== 'records' || r.nextOffset <= offset) break;
      const from = offset;
      for (const chunk of r.chunks) {
        forEachBatch(chunk, 0, chunk.length, (pos) => {
          if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) return;
          forEachRecord(chunk, pos, (rec) => {
            if (rec.offset < from || rec.key === null) return;
            state.records++;
            try {
              apply(state, rec.key, rec.value);
            } catch (e) {
              logger.warn('skipping an undecodable __consumer_offsets record', { offset: rec.offset, error: String(e) });
            }
          });
        });
      }
      offset = r.nextOffset;
    }
  }
  return state;
}

function apply(state: LoadedState, keyBytes: Buffer, value: Buffer | null): void {
  const key = decodeKey(keyBytes);
  if (key === null) return; // another coordinator's record type
  if (key.kind === 'group') {
    if (value === null) state.groups.delete(key.group);
    else state.groups.set(key.group, decodeGroupValue(value));
    return;
  }
  const id = `${key.topic}\0${key.partition}`;
  if (value === null) {
    state.offsets.get(key.group)?.delete(id);
    return;
  }
  let group = state.offsets.get(key.group);
  if (!group) state.offsets.set(key.group, (group = new Map()));
  group.set(id, { topic: key.topic, partition: key.partition, value: decodeOffsetValue(value) });
}
