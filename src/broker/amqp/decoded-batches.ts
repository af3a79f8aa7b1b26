// A small per-queue cache of decoded record batches. Consumers take a few messages at a time
// (their free prefetch) from batches that may hold hundreds (one batch per publish burst); without
// the cache every take would decode -- and CRC-check -- the whole batch again. Batches are keyed by
// base offset; the cache holds at most `limitBytes` of stored batch bytes, oldest dropped first.
// Decoded messages hold views of the batch bytes (no copies), so the cache keeps those alive.
import { batchBaseOffset, batchIsControl, batchLastOffset, forEachBatch } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import { fromRecord, type StoredMessage } from './message-record.js';

interface Entry {
  last: number;
  size: number;
  messages: StoredMessage[];
}

export class DecodedBatches {
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;

  constructor(private readonly limitBytes = 4 * 1024 * 1024) {}

  /** Calls fn for each message stored in `chunks` whose offset is in [first, last]. */
  forEachIn(chunks: readonly Buffer[], first: number, last: number, fn: (m: StoredMessage) => void): void {
    for (const chunk of chunks) {
      forEachBatch(chunk, 0, chunk.length, (pos, size) => {
        const base = batchBaseOffset(chunk, pos);
        const batchLast = batchLastOffset(chunk, pos);
        if (batchLast < first || base > last || batchIsControl(chunk, pos)) return;
        const entry = this.entries.get(base) ?? this.decode(chunk, pos, size, base, batchLast);
        for (const m of entry.messages) if (m.offset >= first && m.offset <= last) fn(m);
      });
    }
  }

  private decode(chunk: Buffer, pos: number, size: number, base: number, last: number): Entry {
    const messages: StoredMessage[] = [];
    forEachRecord(chunk, pos, (r) => messages.push(fromRecord(r.offset, r.timestamp, r.key, r.value, r.headers)));
    const entry: Entry = { last, size, messages };
    this.entries.set(base, entry);
    this.bytes += size;
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
