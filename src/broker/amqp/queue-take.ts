// One acquisition from a queue's log for a consumer (or basic.get): read from the next fetch
// offset, archive expired messages on the way, acquire up to `max` with the engine (the member
// is the consumer's channel), and turn the acquired ranges into deliveries in offset order
// (requeued messages go back to their place, so per-queue order is offset order); redelivered is
// delivery count > 1. Offsets of an acquired range without a message (control batches,
// compacted-away records) are gaps, acknowledged as such.
import { AckType, readWindow, type AcquiredRange, type QueueEngine, type ShareSlot } from '../queues/index.js';
import type { PartitionLog } from '../../storage/index.js';
import type { DecodedBatches } from './decoded-batches.js';
import type { StoredMessage } from './message-record.js';
import type { QueueHead } from './queue-head.js';

/** Most bytes read from the log per delivery turn. */
const READ_BYTES = 256 * 1024;

export interface Delivery {
  message: StoredMessage;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/** What a take needs of its queue. */
export interface TakeHost {
  readonly log: PartitionLog;
  readonly slot: ShareSlot;
  readonly engine: QueueEngine;
  readonly decoded: DecodedBatches;
  readonly head: QueueHead;
  readonly maxLengthBytes: number | undefined;
  readonly stats: { delivered: number };
  now(): number;
  settle(member: string, offsets: readonly number[], type: number): Promise<void>;
}

/**
 * Acquires up to `max` messages for `member`. Returns null when nothing is acquirable now; []
 * when only expired messages or gaps were found (try again).
 */
export async function takeFromLog(q: TakeHost, member: string, max: number, autoAccept: boolean): Promise<Delivery[] | null> {
  if (!q.engine.hasAcquirable(q.slot)) return null;
  const from = q.engine.nextFetchOffset(q.slot);
  q.decoded.dropBelow(from);
  const read = await readWindow(q.log, from, Math.min(READ_BYTES, Math.max(16 * 1024, max * 1024)), null);
  if (!read || read.extents.length === 0) return null;
  const now = q.now();
  let expired = 0;
  if (q.head.mayExpire) {
    const candidates: StoredMessage[] = [];
    q.decoded.forEachIn(read.chunks, from, Infinity, (m) => candidates.push(m));
    expired = await q.head.discardExpired(candidates, now);
  }
  // In offset order (forEachInRanges walks the read once).
  const ranges = (await q.engine.acquire(q.slot, member, read.extents, { maxRecords: Math.max(1, max), batchSize: 0, recordLimit: true, now })).sort((a, b) => a.first - b.first);
  // Acquired messages are no longer ready: the byte count of x-max-length-bytes is recounted.
  if (q.maxLengthBytes !== undefined && ranges.length > 0) q.head.readyBytesValid = false;
  const { deliveries: out, gaps } = deliveriesOf(q.decoded, read.chunks, ranges);
  if (gaps.length > 0) await q.settle(member, gaps, AckType.Gap);
  q.stats.delivered += out.length;
  if (autoAccept && out.length > 0) void q.settle(member, out.map((d) => d.message.offset), AckType.Accept).catch(() => {});
  if (out.length === 0 && expired === 0 && gaps.length === 0) return null;
  return out;
}

/** The messages of the acquired `ranges` (sorted) found in `chunks`, and the offsets without one. */
export function deliveriesOf(decoded: DecodedBatches, chunks: readonly Buffer[], ranges: readonly AcquiredRange[]): { deliveries: Delivery[]; gaps: number[] } {
  const deliveries: Delivery[] = [];
  const gaps: number[] = [];
  // One walk over the read for every acquired range.
  let range = -1;
  let next = 0;
  const closeRange = (): void => {
    if (range >= 0) for (const last = ranges[range]!.last; next <= last; next++) gaps.push(next);
  };
  decoded.forEachInRanges(chunks, ranges, (m, r) => {
    if (r !== range) {
      closeRange();
      for (let k = range + 1; k < r; k++) for (let o = ranges[k]!.first; o <= ranges[k]!.last; o++) gaps.push(o);
      range = r;
      next = ranges[r]!.first;
    }
    for (; next < m.offset; next++) gaps.push(next);
    deliveries.push({ message: m, deliveryCount: ranges[r]!.deliveryCount });
    next = m.offset + 1;
  });
  closeRange();
  for (let k = range + 1; k < ranges.length; k++) for (let o = ranges[k]!.first; o <= ranges[k]!.last; o++) gaps.push(o);
  return { deliveries, gaps };
}
