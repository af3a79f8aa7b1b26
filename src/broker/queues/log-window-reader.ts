// Reads what an acquisition may hand out: stored batches from the share-partition's next fetch
// offset, as slices of the log (never decoded or copied), plus each batch's offset extent for the
// acquisition logic. Only batch headers are read.
//
// read_committed (share.isolation.level, KIP-932 "In-flight records"): the read stops at the last
// stable offset, and batches of aborted transactions are marked `skip`, found the way Kafka's fetch
// path finds them: walking batches in order with the aborted transactions that overlap the read, a
// producer's transactional batches are aborted from its aborted transaction's first offset until
// its next control batch (the ABORT marker, which ends it). Control batches are always `skip`.
import { batchAttributes, batchBaseOffset, batchLastOffset, batchProducerId, forEachBatch, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from '../../protocol/records/batch-header.js';
import type { PartitionLog } from '../../storage/index.js';
import type { BatchExtent } from './partition-types.js';

/** What read_committed needs from the partition's transaction state. */
export interface CommittedView {
  lastStableOffset: number;
  /** Aborted transactions overlapping [from, upTo). */
  abortedIn(from: number, upTo: number): readonly { producerId: number; firstOffset: number }[];
}

export interface WindowRead {
  chunks: Buffer[];
  bytes: number;
  extents: BatchExtent[];
  highWatermark: number;
  logStartOffset: number;
}

/** Reads up to `maxBytes` (at least one whole batch) from `offset`; null when `offset` is out of range. */
export async function readWindow(log: PartitionLog, offset: number, maxBytes: number, committed: CommittedView | null): Promise<WindowRead | null> {
  const options = committed ? { maxOffset: committed.lastStableOffset } : undefined;
  const r = await log.read(offset, maxBytes, options);
  if (r.kind === 'offset-out-of-range') return null;
  const extents: BatchExtent[] = [];
  for (const chunk of r.chunks) {
    forEachBatch(chunk, 0, chunk.length, (pos) => {
      const attributes = batchAttributes(chunk, pos);
      extents.push({
        first: batchBaseOffset(chunk, pos),
        last: batchLastOffset(chunk, pos),
        skip: (attributes & CONTROL_FLAG_MASK) !== 0,
      });
    });
  }
  if (committed && extents.length > 0) markAborted(r.chunks, extents, committed);
  return { chunks: r.chunks, bytes: r.bytes, extents, highWatermark: r.highWatermark, logStartOffset: r.logStartOffset };
}

function markAborted(chunks: readonly Buffer[], extents: BatchExtent[], committed: CommittedView): void {
  const aborted = [...committed.abortedIn(extents[0]!.first, extents[extents.length - 1]!.last + 1)].sort((a, b) => a.firstOffset - b.firstOffset);
  if (aborted.length === 0) return;
  const abortedProducers = new Set<number>();
  let next = 0;
  let i = 0;
  for (const chunk of chunks) {
    forEachBatch(chunk, 0, chunk.length, (pos) => {
      const extent = extents[i++]!;
      const producerId = batchProducerId(chunk, pos);
      if (producerId < 0) return;
      while (next < aborted.length && aborted[next]!.firstOffset <= extent.last) abortedProducers.add(aborted[next++]!.producerId);
      const attributes = batchAttributes(chunk, pos);
      if ((attributes & CONTROL_FLAG_MASK) !== 0) abortedProducers.delete(producerId);
      else if ((attributes & TRANSACTIONAL_FLAG_MASK) !== 0 && abortedProducers.has(producerId)) extent.skip = true;
    });
  }
}

/**
 * The stored batches of a read that overlap [first, last] (zero-copy slices): a response carries
 * the batches holding acquired records, not everything the read brought in (Kafka slices its share
 * fetch responses the same way).
 */
export function sliceBatches(chunks: readonly Buffer[], first: number, last: number): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    let from = -1;
    let to = -1;
    forEachBatch(chunk, 0, chunk.length, (pos, size) => {
      if (batchLastOffset(chunk, pos) < first || batchBaseOffset(chunk, pos) > last) return;
      if (from < 0) from = pos;
      to = pos + size;
    });
    if (from >= 0) out.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
  }
  return out;
}
