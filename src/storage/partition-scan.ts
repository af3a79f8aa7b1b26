// Reading a whole partition, or its tail, batch by batch: what the broker does at start to rebuild
// state kept in a log (the group coordinator from __consumer_offsets, the transaction coordinator
// from __transaction_state, producer state from a data partition after its newest snapshot). One
// loop for all three, so the rules live in one place:
//   - the end is the log end offset when the scan starts: appends made meanwhile are not read (their
//     writers update the state themselves);
//   - reads go up to the log end, not the high watermark (state is rebuilt from everything written);
//   - reads return whole batches, so the first batch may start before `from`: visitors that look at
//     records skip those below `from`, visitors that look at batches check the batch's last offset;
//   - a read that makes no progress ends the scan instead of looping (a log truncated meanwhile).
// Batches are visited as stored (framing checked); nothing is decoded here.
// A visitor that keeps nothing of a chunk after its call (the producer-state replay reads headers only)
// may ask for `transient` chunks: they are read into the shared read pool and reused after the visit,
// so a scan of a whole gigabyte after a crash does not allocate a gigabyte (and the collections that
// follow). Visitors that keep views (group or MQTT state holding record bytes) must not.
import { batchBaseOffset, forEachBatch } from '../protocol/records/batch-header.js';
import type { PartitionLog } from './partition-log.js';

const SCAN_CHUNK_BYTES = 1 << 20;

/**
 * Calls `visit(chunk, pos)` for every stored batch from the one holding `from` (default: the log start) to the
 * batch holding the log end offset as it was when the scan began, in offset order. Returns the batches visited.
 */
export async function scanPartition(
  log: PartitionLog,
  visit: (chunk: Buffer, pos: number) => void,
  from = log.logStartOffset,
  options: { transient?: boolean } = {},
): Promise<number> {
  const end = log.logEndOffset;
  let offset = Math.max(from, log.logStartOffset);
  let batches = 0;
  while (offset < end) {
    const r = await log.read(offset, SCAN_CHUNK_BYTES, { upTo: 'log-end', pooled: options.transient === true });
    if (r.kind !== 'records') break;
    if (r.chunks.length === 0 || r.nextOffset <= offset) {
      r.release();
      break;
    }
    try {
      for (const chunk of r.chunks) {
        forEachBatch(chunk, 0, chunk.length, (pos) => {
          // The last read may return batches appended after the scan began: they are not part of it.
          if (batchBaseOffset(chunk, pos) >= end) return;
          batches++;
          visit(chunk, pos);
        });
      }
    } finally {
      r.release();
    }
    offset = r.nextOffset;
  }
  return batches;
}
