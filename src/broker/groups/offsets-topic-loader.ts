// Rebuilds the coordinator's state at startup: every partition of __consumer_offsets is read from its
// log start to its log end, and for each key the latest record wins (a tombstone deletes). This is
// what compaction would leave, so the result is the same before and after the log is compacted.
// A record that does not decode is logged and skipped: one bad record must not lose every group.
//
// Transactional batches (TxnOffsetCommit) count only once their producer's COMMIT marker follows in
// the same partition; an ABORT drops them. Those with no marker yet are returned as `pendingTxn`, to be
// decided by the transaction coordinator's recovery (txn-offsets.ts).
//
// KIP-848 consumer groups' records (consumer/consumer-records.ts) are handed on in log order instead.
import { CONTROL_FLAG_MASK, batchAttributes, batchIsTransactional, batchProducerId } from '../../protocol/records/batch-header.js';
import { ControlRecordType, parseEndTransactionMarker } from '../../protocol/records/control-batch.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import { scanPartition, type PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { decodeConsumerGroupRecord, isConsumerGroupRecordKey, type ConsumerGroupRecord } from './consumer/consumer-records.js';
import { decodeGroupValue, decodeKey, decodeOffsetValue, type GroupValue, type OffsetValue } from './offsets-record-codec.js';

export interface LoadedState {
  /** group -> latest GroupMetadataValue (tombstoned groups absent). */
  groups: Map<string, GroupValue>;
  /** group -> "topic\0partition" -> latest OffsetCommitValue. */
  offsets: Map<string, Map<string, { topic: string; partition: number; value: OffsetValue }>>;
  records: number;
  /** Transactional offset records with no marker yet: producer id -> records in log order. */
  pendingTxn: Map<number, { key: Buffer; value: Buffer | null }[]>;
}

/**
 * `onConsumerGroupRecord` receives the records of KIP-848 consumer groups in log order, to be replayed
 * as they come (their state is the sum of their records, not the latest value of each key alone).
 */
export async function loadOffsetsTopic(partitions: readonly PartitionLog[], logger: Logger, onConsumerGroupRecord: (r: ConsumerGroupRecord) => void = () => undefined): Promise<LoadedState> {
  const state: LoadedState = { groups: new Map(), offsets: new Map(), records: 0, pendingTxn: new Map() };
  const applySafely = (key: Buffer, value: Buffer | null, offset: number): void => {
    try {
      if (isConsumerGroupRecordKey(key)) {
        const r = decodeConsumerGroupRecord(key, value);
        if (r) {
          // A consumer group takes the id: a classic group of the same id ended before it.
          if (r.type === 'group-epoch' && r.value !== null) state.groups.delete(r.groupId);
          onConsumerGroupRecord(r);
        }
        return;
      }
      apply(state, key, value);
    } catch (e) {
      logger.warn('skipping an undecodable __consumer_offsets record', { offset, error: String(e) });
    }
  };
  for (const log of partitions) {
    // Per partition: a producer's transactional records wait for its marker in this partition.
    const open = new Map<number, { key: Buffer; value: Buffer | null }[]>();
    const from = log.logStartOffset;
    await scanPartition(log, (chunk, pos) => {
      const transactional = batchIsTransactional(chunk, pos);
      const pid = transactional ? batchProducerId(chunk, pos) : -1;
      if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) {
        if (!transactional) return;
        const held = open.get(pid);
        open.delete(pid);
        let commit = false;
        try {
          commit = parseEndTransactionMarker(chunk, pos).type === ControlRecordType.Commit;
        } catch {
          return;
        }
        if (commit && held) for (const r of held) applySafely(r.key, r.value, -1);
        return;
      }
      forEachRecord(chunk, pos, (rec) => {
        if (rec.offset < from || rec.key === null) return;
        state.records++;
        if (transactional) {
          let held = open.get(pid);
          if (!held) open.set(pid, (held = []));
          held.push({ key: rec.key, value: rec.value });
          return;
        }
        applySafely(rec.key, rec.value, rec.offset);
      });
    });
    for (const [pid, held] of open) {
      let all = state.pendingTxn.get(pid);
      if (!all) state.pendingTxn.set(pid, (all = []));
      all.push(...held);
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
