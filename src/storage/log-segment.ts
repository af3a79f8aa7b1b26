// LogSegment: one `.log` file of a partition plus its sparse offset and time indexes (Kafka's
// LogSegment, Redpanda's segment + appender). Segment file format (`<base offset>.log`): record
// batches v2 (see src/protocol/records/batch-header.ts) stored back to back exactly as produced,
// with baseOffset set by the broker; no header, no padding. Base offsets strictly increase; the
// first batch's base offset is >= the segment base offset in the file name.
//
// Invariants (the partition log holds its append turn while calling the mutating methods):
// - `size` and the indexes only cover bytes whose write completed, so a concurrent read never
//   sees an index entry or a size beyond what is in the file;
// - the indexes of the active segment live only in memory until `writeIndexFiles()` (roll, clean
//   close); inactive segments load theirs lazily and validate them against the log.
import { join } from 'node:path';
import { batchBaseOffset, batchLastOffsetDelta, batchMaxTimestamp, forEachBatch } from '../protocol/records/batch-header.js';
import type { Logger } from '../util/logger.js';
import { scanBatches } from './batch-scan.js';
import type { ScanResult } from './batch-scan.js';
import type { FileHandle, FileSystem } from './fs/file-system.js';
import { OffsetIndex } from './offset-index.js';
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName } from './segment-files.js';
import { TimeIndex } from './time-index.js';

export interface SegmentOptions {
  indexIntervalBytes: number;
  logger: Logger;
}

export class LogSegment {
  /** Bytes of complete batches in the file. */
  size: number;
  /** The offset after the last batch (the base offset while empty). */
  nextOffset: number;
  /** Largest batch max timestamp in the segment, -1 when none. */
  maxTimestamp = -1;
  /** Base offset of the batch where `maxTimestamp` first appeared. */
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch (segment.ms rolls on it, as Kafka does), -1 when unknown. */
  firstBatchTimestamp = -1;
  /** Reads in flight; deletion closes the file only once this is 0. */
  readers = 0;
  private offsetIndex: OffsetIndex | null;
  private timeIndex: TimeIndex | null;
  private bytesSinceIndexEntry = 0;
  private loading: Promise<void> | null = null;
  private closed = false;
  private retired = false;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    readonly file: FileHandle,
    size: number,
    readonly createdMs: number,
    private readonly options: SegmentOptions,
    indexesInMemory: boolean,
  ) {
    this.size = size;
    this.nextOffset = baseOffset;
    this.offsetIndex = indexesInMemory ? new OffsetIndex(baseOffset) : null;
    this.timeIndex = indexesInMemory ? new TimeIndex(baseOffset) : null;
  }

  /** Creates a new empty segment file (the caller makes the directory entry durable). */
  static async create(fs: FileSystem, dir: string, baseOffset: number, nowMs: number, options: SegmentOptions): Promise<LogSegment> {
    const file = await fs.open(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'create');
    const size = await file.size();
    if (size !== 0) await file.truncate(0);
    return new LogSegment(fs, dir, baseOffset, file, 0, nowMs, options, true);
  }

  /** Opens an existing segment; `nextOffset` is known only after `loadIndexes()` or `rebuildIndexes()`. */
  static async open(fs: FileSystem, dir: string, baseOffset: number, nowMs: number, options: SegmentOptions): Promise<LogSegment> {
    const file = await fs.open(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'readwrite');
    return new LogSegment(fs, dir, baseOffset, file, await file.size(), nowMs, options, false);
  }

  path(suffix: string): string {
    return join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  get indexesLoaded(): boolean {
    return this.offsetIndex !== null && this.timeIndex !== null;
  }

  /**
   * Writes `records` (whole batches, offsets already assigned) at the end of the file in one
   * write, then records them in the indexes. Rejects on any I/O error (the caller goes offline).
   */
  async append(records: Buffer): Promise<void> {
    await this.appendChunks([records]);
  }

  /**
   * `append` for several buffers of whole batches, back to back, still in one writev. Undefined when the write was done on the
   * calling thread (FileHandle.writevNow: a small append, the common case), else a promise: an append
   * turn runs for every produce request, and awaiting a write that is already done cost it a promise
   * and a microtask hop at each level.
   */
  appendChunks(chunks: readonly Buffer[]): Promise<void> | undefined {
    const start = this.size;
    if (this.file.writevNow?.(chunks, start)) {
      this.appended(chunks, start);
      return undefined;
    }
    return this.file.writev(chunks, start).then(() => this.appended(chunks, start));
  }

  /** The bookkeeping of appendChunks once its bytes are in the file from `start`. */
  private appended(chunks: readonly Buffer[], start: number): void {
    let position = start;
    for (const records of chunks) {
      forEachBatch(records, 0, records.length, (pos, size) => {
        const base = batchBaseOffset(records, pos);
        this.recordBatch(base, base + batchLastOffsetDelta(records, pos), batchMaxTimestamp(records, pos), position + pos, size);
      });
      position += records.length;
    }
    this.size = position;
  }

  /** Index bookkeeping for one batch now in the file at `position`. */
  recordBatch(baseOffset: number, lastOffset: number, maxTimestamp: number, position: number, size: number): void {
    if (this.firstBatchTimestamp < 0 && position === 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    // Kafka's cadence: an entry for the batch that starts after index.interval.bytes were appended.
    if (position === 0 || this.bytesSinceIndexEntry >= this.options.indexIntervalBytes) {
      this.offsetIndex!.append(baseOffset, position);
      this.timeIndex!.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** The offset index (loading and validating it first if needed). */
  /** Entries in the in-memory offset and time indexes (the active segment's; 0 for a segment not loaded). */
  get indexEntries(): { offset: number; time: number } {
    return { offset: this.offsetIndex?.entries ?? 0, time: this.timeIndex?.entries ?? 0 };
  }

  async index(): Promise<OffsetIndex> {
    await this.loadIndexes();
    return this.offsetIndex!;
  }

  async times(): Promise<TimeIndex> {
    await this.loadIndexes();
    return this.timeIndex!;
  }

  /**
   * Loads the index files of an inactive segment, checking them against the log; rebuilds both from
   * the log (framing only) when missing or inconsistent. `nextOffsetHint` is the next segment's base.
   */
  loadIndexes(nextOffsetHint = Number.MAX_SAFE_INTEGER): Promise<void> {
    if (this.indexesLoaded) return Promise.resolve();
    this.loading ??= this.doLoadIndexes(nextOffsetHint).finally(() => (this.loading = null));
    return this.loading;
  }

  private async doLoadIndexes(nextOffsetHint: number): Promise<void> {
    const offsets = await this.readIndexFile(INDEX_SUFFIX, (buf) => OffsetIndex.parse(this.baseOffset, buf, this.size));
    const valid = offsets !== null && (await this.entryMatchesLog(offsets));
    if (valid) {
      // Complete the picture from the last indexed batch to the end (cheap: under one interval).
      const from = offsets.lookup(Number.MAX_SAFE_INTEGER);
      const tail = await scanBatches(this.file, from.position, this.size, { verifyCrc: false, minBaseOffset: from.offset }, () => {});
      const times =
        tail.problem === null ? await this.readIndexFile(TIME_INDEX_SUFFIX, (b) => TimeIndex.parse(this.baseOffset, b, Math.min(tail.nextOffset, nextOffsetHint))) : null;
      if (tail.problem === null && times !== null) {
        this.offsetIndex = offsets;
        this.timeIndex = times;
        this.nextOffset = tail.nextOffset;
        const last = times.last;
        if (last) {
          this.maxTimestamp = last.timestamp;
          this.offsetOfMaxTimestamp = last.offset;
        }
        return;
      }
    }
    this.options.logger.warn('rebuilding segment indexes that do not match the log', { segment: this.path(LOG_SUFFIX) });
    await this.rebuildIndexes(false);
    await this.writeIndexFiles();
  }

  private async readIndexFile<T>(suffix: string, parse: (buf: Buffer) => T | null): Promise<T | null> {
    try {
      return parse(await this.fs.readFile(this.path(suffix)));
    } catch {
      return null;
    }
  }

  /** The last index entry must point at a batch whose base offset it names. */
  private async entryMatchesLog(index: OffsetIndex): Promise<boolean> {
    if (index.entries === 0) return true;
    const header = Buffer.allocUnsafe(8);
    const n = await this.file.read(header, 0, 8, index.lastPosition);
    return n === 8 && batchBaseOffset(header, 0) === index.lastOffset;
  }

  /**
   * Rebuilds both indexes by scanning the whole file (with CRC checks when `verifyCrc`), showing each accepted
   * batch to `visit`. Returns the scan result; the caller truncates at `validEnd` when it reports a problem.
   */
  async rebuildIndexes(verifyCrc: boolean, visit?: (buf: Buffer, pos: number) => void): Promise<ScanResult> {
    this.offsetIndex = new OffsetIndex(this.baseOffset);
    this.timeIndex = new TimeIndex(this.baseOffset);
    this.bytesSinceIndexEntry = 0;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestamp = -1;
    this.nextOffset = this.baseOffset;
    const scan = await scanBatches(this.file, 0, this.size, { verifyCrc, minBaseOffset: this.baseOffset }, (b) => {
      this.recordBatch(b.baseOffset, b.lastOffset, b.maxTimestamp, b.position, b.size);
      visit?.(b.buf, b.bufPos);
    });
    return scan;
  }

  /** Cuts the file (and indexes) at `position`, a batch boundary. */
  async truncateTo(position: number, nextOffset: number): Promise<void> {
    await this.file.truncate(position);
    this.size = position;
    this.nextOffset = nextOffset;
    this.offsetIndex?.truncateToPosition(position);
    this.timeIndex?.truncateToOffset(nextOffset);
  }

  /** Reads the first batch header to learn its timestamp (segment.ms after a restart). */
  async loadFirstBatchTimestamp(): Promise<void> {
    if (this.firstBatchTimestamp >= 0 || this.size < 61) return;
    const header = Buffer.allocUnsafe(61);
    if ((await this.file.read(header, 0, 61, 0)) === 61) this.firstBatchTimestamp = batchMaxTimestamp(header, 0);
  }

  /**
   * Writes both index files from memory (fresh files, replaced in place); the caller syncs them
   * (`syncIndexFiles`) and their directory. The time index gets a final entry for the segment's
   * largest timestamp first, so it survives without rescanning (Kafka's onBecomeInactiveSegment).
   */
  async writeIndexFiles(): Promise<void> {
    if (!this.offsetIndex || !this.timeIndex) return;
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    await this.writeWhole(INDEX_SUFFIX, this.offsetIndex.serialize());
    await this.writeWhole(TIME_INDEX_SUFFIX, this.timeIndex.serialize());
  }

  private async writeWhole(suffix: string, data: Buffer): Promise<void> {
    const f = await this.fs.open(this.path(suffix), 'create');
    try {
      await f.truncate(0);
      await f.writev([data], 0);
      await f.datasync();
    } finally {
      await f.close();
    }
  }

  /** Marks a read in flight (the file stays open until every reader is done). */
  acquire(): void {
    this.readers++;
  }

  release(): void {
    if (--this.readers === 0 && this.retired) void this.close().catch(() => {});
  }

  /** The segment left the log: close its file now or when its last reader is done. */
  retire(): Promise<void> {
    this.retired = true;
    return this.readers === 0 ? this.close() : Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}
