// A small per-queue cache of decoded record batches. Consumers take a few messages at a time
// (their free prefetch) from batches that may hold hundreds (one batch per publish burst); without
// the cache every take would decode the whole batch again. Batches are keyed by base offset; the
// cache holds at most `limitBytes` of stored batch bytes, oldest dropped first. Decoded messages
// hold views of the batch bytes (no copies), so the cache keeps those alive.
//
// Hot path (every delivery turn): records are scanned in place (fromScan: header keys compared as
// bytes, no strings), messages of a batch are found by binary search on their offsets (a take of
// 20 from a batch of 1000 visits 20, not 1000), and the batch CRC is not checked again: these are
// the queue's own batches, checked when the log was loaded (Kafka's fetch path does not re-check
// them either; its consumers do, and here the broker is the consumer of what it wrote itself).
// A batch the queue itself just wrote while it has consumers is not scanned at all: the appender
// hands its messages over as it writes them (add), so a consumer that keeps up never decodes.
import { batchBaseOffset, batchBaseTimestamp, batchIsControl, batchLastOffset, batchLastOffsetDelta, batchMaxTimestamp, batchRecordCount, batchTimestampType, forEachBatch } from '../../protocol/records/batch-header.js';
import { batchRecordsPayload, checkRecordCount, scanRecords } from '../../protocol/records/record-reader.js';
import { fromScan, type StoredMessage } from './message-record.js';

interface Entry {
  last: number;
  size: number;
  /** In offset order. */
  messages: StoredMessage[];
}

export class DecodedBatches {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;

  constructor(private readonly limitBytes = 4 * 1024 * 1024) {}

  /** Calls fn for each message stored in `chunks` whose offset is in [first, last], in offset order. */
  forEachIn(chunks: readonly Buffer[], first: number, last: number, fn: (m: StoredMessage) => void): void {
    for (const chunk of chunks) {
      forEachBatch(chunk, 0, chunk.length, (pos, size) => {
        const base = batchBaseOffset(chunk, pos);
        const batchLast = batchLastOffset(chunk, pos);
        if (batchLast < first || base > last || batchIsControl(chunk, pos)) return;
        const messages = (this.entries.get(base) ?? this.decode(chunk, pos, size, base, batchLast)).messages;
        for (let i = first <= base ? 0 : lowerBound(messages, first); i < messages.length; i++) {
          const m = messages[i]!;
          if (m.offset > last) break;
          fn(m);
        }
      });
    }
  }

  /**
   * Calls fn for each message in any of `ranges` (sorted, disjoint [first, last] pairs) with the
   * range's index: one walk of the chunks for all of them.
   */
  forEachInRanges(chunks: readonly Buffer[], ranges: readonly { first: number; last: number }[], fn: (m: StoredMessage, range: number) => void): void {
    if (ranges.length === 0) return;
    if (ranges.length === 1) {
      this.forEachIn(chunks, ranges[0]!.first, ranges[0]!.last, (m) => fn(m, 0));
      return;
    }
    let r = 0;
    this.forEachIn(chunks, ranges[0]!.first, ranges[ranges.length - 1]!.last, (m) => {
      while (r < ranges.length && ranges[r]!.last < m.offset) r++;
      if (r < ranges.length && m.offset >= ranges[r]!.first) fn(m, r);
    });
  }

  private decode(chunk: Buffer, pos: number, size: number, base: number, last: number): Entry {
    const messages: StoredMessage[] = [];
    const payload = batchRecordsPayload(chunk, pos, { verifyCrc: false });
    const count = batchRecordCount(chunk, pos);
    checkRecordCount(count, payload.length);
    const logAppendTime = batchTimestampType(chunk, pos) === 1;
    const baseTimestamp = batchBaseTimestamp(chunk, pos);
    const maxTimestamp = batchMaxTimestamp(chunk, pos);
    scanRecords(payload, count, batchLastOffsetDelta(chunk, pos), (scan, _i, v) => {
      messages.push(fromScan(payload, base + scan.offsetDelta, logAppendTime ? maxTimestamp : baseTimestamp + scan.timestampDelta, scan, v));
    });
    return this.insert(base, { last, size, messages });
  }

  /**
   * A batch of `size` bytes whose messages (in offset order, at consecutive offsets) are already
   * known, as decoding it would give them: the queue's own batch, just written.
   */
  add(messages: StoredMessage[], size: number): void {
    if (messages.length === 0) return;
    const base = messages[0]!.offset;
    if (!this.entries.has(base)) this.insert(base, { last: messages[messages.length - 1]!.offset, size, messages });
  }

  /**
   * Forgets the batches wholly below `offset` (the queue's next fetch offset: nothing below it is
   * taken again unless released, and then it is read back). What stays is what consumers are still
   * taking from, so the messages kept on the heap are few: every young-generation collection copies
   * the live ones, and a cache filled to its byte limit with 100-byte messages is tens of thousands.
   */
  dropBelow(offset: number): void {
    for (const [base, e] of this.entries) {
      if (e.last >= offset) return;
      this.entries.delete(base);
      this.bytes -= e.size;
    }
  }

  private insert(base: number, entry: Entry): Entry {
    this.entries.set(base, entry);
    this.bytes += entry.size;
    while (this.bytes > this.limitBytes && this.entries.size > 1) {
      const [oldest, e] = this.entries.entries().next().value as [number, Entry];
      this.entries.delete(oldest);
      this.bytes -= e.size;
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/** Index of the first message with offset >= `offset`. */
function lowerBound(messages: readonly StoredMessage[], offset: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
