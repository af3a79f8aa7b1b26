// Read-ahead for consumers working through a backlog: when a Fetch answers a partition with data
// and more is stored past it, the next chunk (same offset the client will ask for next, same limit)
// is read from the segment right away, while the response travels and the client decodes it. The
// next Fetch for that offset takes the bytes already in memory instead of waiting on a read.
//
// Why: a client keeps one fetch in flight per broker (librdkafka, the Java client), so a backlog is
// read in turns: client asks, broker reads its files, broker writes, client decodes, client asks.
// Measured with kcat on 1 KiB records in 4 partitions (docs/performance.md, The consume path), the
// broker's reads were ~2 ms of each ~6 ms turn; Kafka sends file ranges with sendfile and starts
// writing at once. Reading ahead overlaps Brook's reads with the client's decoding.
//
// What may be read ahead, and when it is used:
//  - only while more is stored below the bound than the fetch returned: the high watermark, or for
//    READ_COMMITTED the last stable offset as it is when the read starts (a consumer at the tail parks
//    on the partition instead; nothing is read for it);
//  - a chunk read up to a last stable offset serves either isolation level (the LSO never moves back,
//    so it is a prefix of what either may read now); one read up to the high watermark serves only
//    READ_UNCOMMITTED;
//  - one pending read per partition (a second consumer of the same partition replaces it);
//  - taken only by a read of the same partition at the same offset whose limit is at least the
//    read-ahead's (the bytes are then exactly what that read could have returned, or a prefix of it),
//    while the offset is still at or past the log start offset (retention and DeleteRecords may
//    have moved it); the high watermark and log start offset reported are read when taken;
//  - bytes read ahead are held in the broker-wide memory budget (brook.max.buffered.bytes), and only
//    while that budget is less than half used, so speculation never crowds out requests; what is not
//    taken within UNUSED_MS is given back.
import type { PartitionLog, ReadResult } from '../../storage/index.js';
import type { ByteBudget } from '../limits/byte-budget.js';
import type { BrokerService } from '../service.js';

type StoredRead = Extract<ReadResult, { kind: 'records' }>;

/** Bytes read ahead and not taken are given back after this long (the client went away or moved). */
const UNUSED_MS = 1000;
const POOLED = { pooled: true } as const;

interface Pending {
  offset: number;
  limit: number;
  /** Read only up to a last stable offset (READ_COMMITTED): fit for both isolation levels. */
  committed: boolean;
  /** Null when the read failed or found nothing (the caller reads as usual). */
  read: Promise<StoredRead | null>;
  timer: NodeJS.Timeout;
}

export class ReadAhead implements BrokerService {
  private readonly pending = new Map<PartitionLog, Pending>();

  constructor(private readonly budget: ByteBudget) {}

  /** Partitions with a read ahead pending or held (tests, metrics). */
  get size(): number {
    return this.pending.size;
  }

  /** Whether a read ahead is pending or held for `log` (a fetch must then go through take()). */
  has(log: PartitionLog): boolean {
    return this.pending.has(log);
  }

  /**
   * Starts reading `limit` bytes of `log` from `offset` (where the fetch just answered up to), when
   * data is stored there below the high watermark, or below `lastStableOffset` when given
   * (READ_COMMITTED), and the budget has room for it.
   */
  prefetch(log: PartitionLog, offset: number, limit: number, lastStableOffset?: number): void {
    const bound = lastStableOffset ?? log.highWatermark;
    if (limit <= 0 || offset >= bound || offset < log.logStartOffset || log.isOffline || log.isClosed) return;
    const committed = lastStableOffset !== undefined;
    const old = this.pending.get(log);
    if (old && old.offset === offset && old.limit === limit && old.committed === committed) return;
    if (old) this.discard(log, old);
    // Speculation only from the idle half of the broker's budget.
    if (this.budget.used + limit > this.budget.capacity / 2) return;
    const held = this.budget.takeUpTo(limit);
    if (held < limit) {
      this.budget.release(held);
      return;
    }
    const read = log.read(offset, limit, committed ? { pooled: true, maxOffset: bound } : POOLED).then(
      (r) => {
        if (r.kind === 'records' && r.bytes > 0 && r.bytes <= limit) return r;
        if (r.kind === 'records') r.release();
        return null;
      },
      () => null,
    );
    const entry: Pending = { offset, limit, committed, read, timer: setTimeout(() => this.discard(log, entry), UNUSED_MS) };
    entry.timer.unref();
    this.pending.set(log, entry);
  }

  /**
   * The read ahead for `log` at `offset`, if one was started with a limit no larger than `limit`
   * (and up to a last stable offset when `readCommitted`) and is still valid; it then belongs to the
   * caller (who releases its buffers). Null otherwise: the caller reads storage as usual.
   */
  async take(log: PartitionLog, offset: number, limit: number, readCommitted: boolean): Promise<StoredRead | null> {
    const entry = this.pending.get(log);
    if (!entry) return null;
    if (entry.offset !== offset || entry.limit > limit || (readCommitted && !entry.committed)) {
      this.discard(log, entry);
      return null;
    }
    this.pending.delete(log);
    clearTimeout(entry.timer);
    // From here the fetch's own reservation covers these bytes.
    this.budget.release(entry.limit);
    const r = await entry.read;
    if (!r) return null;
    if (offset < log.logStartOffset || log.isOffline || log.isClosed) {
      r.release();
      return null;
    }
    return { ...r, highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
  }

  async start(): Promise<void> {}

  /** Gives back everything held (broker shutdown). */
  async close(): Promise<void> {
    for (const [log, entry] of [...this.pending]) this.discard(log, entry);
  }

  private discard(log: PartitionLog, entry: Pending): void {
    if (this.pending.get(log) !== entry) return;
    this.pending.delete(log);
    clearTimeout(entry.timer);
    this.budget.release(entry.limit);
    void entry.read.then((r) => r?.release());
  }
}
