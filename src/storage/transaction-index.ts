// The aborted-transactions index of a partition (Kafka's TransactionIndex, `.txnindex` files, KIP-98):
// one entry per ABORT marker, so a READ_COMMITTED fetch learns which aborted transactions overlap the
// range it returns without reading any batch. Storage never decides what is aborted: the broker
// appends an entry after it wrote an ABORT marker (storage would have to decode the marker's record
// key to tell ABORT from COMMIT, and it cannot know where the transaction started).
//
// File format: `<partition dir>/<base offset, 20 digits>.txnindex`, a sequence of fixed 34-byte
// entries, big-endian, exactly Kafka's layout (so operators' tools read it):
//
//   offset  size  field
//   0       2     version           int16, 0
//   2       8     producerId        int64
//   10      8     firstOffset       int64  first offset of the transaction in this partition
//   18      8     lastOffset        int64  offset of the ABORT marker
//   26      8     lastStableOffset  int64  the partition's LSO right after the marker was written
//
// Which file an entry goes to: the one named after the base offset of the segment holding its marker
// (lastOffset). A compaction swap keeps the old segments' `.txnindex` files (it unlinks only .log/
// .index/.timeindex, segment-swap.ts), so a segment may own several files: every file whose base lies
// in [segment base, next segment base). Retention deletes all files below the new first segment.
//
// Recovery (no checksum, as in Kafka: entries are derived data):
// - a torn trailing partial entry is ignored; an entry with an unknown version ends the file;
// - entries whose marker is at or past the recovered log end (the marker was lost with the tail) are
//   dropped, and the file is rewritten atomically without them;
// - entries missing because the crash came before the file was synced are re-added by the broker,
//   which replays the log after its last producer-state snapshot (broker/producers/partition-state-
//   loader.ts). Files are fdatasynced before a snapshot is written (`sync`), so every marker below a
//   snapshot's offset has its entry on disk.
//
// Memory: the entries of a partition are kept in memory, sorted by lastOffset (appends may arrive
// slightly out of marker order when markers of different producers complete concurrently). That is
// 34 bytes on disk and one small object per aborted transaction; retention bounds it.
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import type { FileHandle, FileSystem } from './fs/file-system.js';
import { segmentFileName } from './segment-files.js';

export const TXN_INDEX_SUFFIX = '.txnindex';
export const TXN_INDEX_ENTRY_SIZE = 34;
const VERSION = 0;

export interface AbortedTxnEntry {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

interface IndexedEntry extends AbortedTxnEntry {
  /** Base offset of the file the entry is stored in. */
  file: number;
}

export function encodeTxnIndexEntry(e: AbortedTxnEntry, out: Buffer = Buffer.alloc(TXN_INDEX_ENTRY_SIZE), at = 0): Buffer {
  out.writeInt16BE(VERSION, at);
  out.writeBigInt64BE(BigInt(e.producerId), at + 2);
  out.writeBigInt64BE(BigInt(e.firstOffset), at + 10);
  out.writeBigInt64BE(BigInt(e.lastOffset), at + 18);
  out.writeBigInt64BE(BigInt(e.lastStableOffset), at + 26);
  return out;
}

/** The complete entries of a file's bytes (a torn tail and anything after an unknown version are ignored). */
export function decodeTxnIndexEntries(buf: Buffer): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (let at = 0; at + TXN_INDEX_ENTRY_SIZE <= buf.length; at += TXN_INDEX_ENTRY_SIZE) {
    if (buf.readInt16BE(at) !== VERSION) break;
    out.push({
      producerId: Number(buf.readBigInt64BE(at + 2)),
      firstOffset: Number(buf.readBigInt64BE(at + 10)),
      lastOffset: Number(buf.readBigInt64BE(at + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(at + 26)),
    });
  }
  return out;
}

function parseTxnIndexName(name: string): number | null {
  const m = /^(\d{20})\.txnindex$/.exec(name);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

export class TransactionIndex {
  private readonly entries: IndexedEntry[] = [];
  /** Per file: its size in bytes (where the next entry goes) and its open handle, if opened. */
  private readonly files = new Map<number, { size: number; handle: FileHandle | null }>();
  private readonly dirty = new Set<number>();
  private writes: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  /** Loads every `.txnindex` file of `dir`, dropping entries at or past `logEnd` and files below `logStart`. */
  static async load(fs: FileSystem, dir: string, firstSegmentBase: number, logEnd: number): Promise<TransactionIndex> {
    const index = new TransactionIndex(fs, dir);
    for (const name of await fs.readdir(dir)) {
      const base = parseTxnIndexName(name);
      if (base === null) continue;
      const path = join(dir, name);
      if (base < firstSegmentBase || base >= logEnd) {
        await fs.unlink(path);
        continue;
      }
      const buf = await fs.readFile(path);
      const all = decodeTxnIndexEntries(buf);
      const kept = all.filter((e) => e.lastOffset < logEnd);
      if (kept.length !== all.length || kept.length * TXN_INDEX_ENTRY_SIZE !== buf.length) {
        await writeFileAtomic(fs, dir, name, Buffer.concat(kept.map((e) => encodeTxnIndexEntry(e))));
      }
      index.files.set(base, { size: kept.length * TXN_INDEX_ENTRY_SIZE, handle: null });
      for (const e of kept) index.entries.push({ ...e, file: base });
    }
    index.entries.sort((a, b) => a.lastOffset - b.lastOffset);
    return index;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether an entry for the ABORT marker at `lastOffset` exists (replay after a crash). */
  has(lastOffset: number): boolean {
    const i = this.lowerBound(lastOffset);
    return i < this.entries.length && this.entries[i]!.lastOffset === lastOffset;
  }

  /**
   * Adds an entry to memory now (visible to `collect` at once) and to the file of `segmentBase` in the
   * background; written in call order. A write failure is logged by the caller via `sync`.
   */
  append(segmentBase: number, e: AbortedTxnEntry): void {
    if (this.has(e.lastOffset)) return;
    const entry: IndexedEntry = { ...e, file: segmentBase };
    this.entries.splice(this.lowerBound(e.lastOffset), 0, entry);
    const bytes = encodeTxnIndexEntry(e);
    this.writes = this.writes.then(async () => {
      if (this.failure) return;
      try {
        let f = this.files.get(segmentBase);
        if (!f) {
          f = { size: 0, handle: null };
          this.files.set(segmentBase, f);
        }
        f.handle ??= await this.fs.open(join(this.dir, segmentFileName(segmentBase, TXN_INDEX_SUFFIX)), 'create');
        await f.handle.writev([bytes], f.size);
        f.size += bytes.length;
        this.dirty.add(segmentBase);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      }
    });
  }

  /**
   * The aborted transactions whose data may lie in [from, upTo) (Kafka's collectAbortedTransactions):
   * lastOffset >= from and firstOffset < upTo. Stops at the first entry whose LSO reaches `upTo`: every
   * later transaction began at or after that LSO.
   */
  collect(from: number, upTo: number): AbortedTxnEntry[] {
    const out: AbortedTxnEntry[] = [];
    for (let i = this.lowerBound(from); i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.firstOffset < upTo) out.push(e);
      if (e.lastStableOffset >= upTo) break;
    }
    return out;
  }

  /** Makes every entry appended so far durable (fdatasync of the files written since the last call). */
  async sync(): Promise<void> {
    await this.writes;
    if (this.failure) throw this.failure;
    const bases = [...this.dirty];
    this.dirty.clear();
    for (const base of bases) await this.files.get(base)?.handle?.datasync();
    if (bases.length > 0) await this.fs.syncDir(this.dir);
  }

  /** Retention: deletes the files (and entries) of segments below `firstSegmentBase`. */
  async deleteBelow(firstSegmentBase: number): Promise<void> {
    await this.writes;
    if (this.entries.some((e) => e.file < firstSegmentBase)) {
      const kept = this.entries.filter((e) => e.file >= firstSegmentBase);
      this.entries.length = 0;
      this.entries.push(...kept);
    }
    for (const [base, f] of [...this.files]) {
      if (base >= firstSegmentBase) continue;
      await f.handle?.close();
      this.files.delete(base);
      this.dirty.delete(base);
      const path = join(this.dir, segmentFileName(base, TXN_INDEX_SUFFIX));
      if (await this.fs.exists(path)) await this.fs.unlink(path);
    }
  }

  async close(): Promise<void> {
    await this.writes;
    for (const f of this.files.values()) {
      await f.handle?.close().catch(() => {});
      f.handle = null;
    }
  }

  /** First index whose lastOffset >= offset. */
  private lowerBound(offset: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
