// Per-partition transaction state (partition-transactions.ts) for every partition that has been asked
// about, loaded lazily: the first transactional append, marker, READ_COMMITTED fetch or ListOffsets on
// a partition replays its log once, reading batch headers only (plus the one record of each control
// batch) from the log start to the log end. Partitions nobody reads with READ_COMMITTED and nobody
// writes transactionally are never scanned, so the non-transactional data path pays nothing.
//
// Why a scan and not Kafka's `.txnindex` files: on one node a partition is scanned at most once per
// run; persisting the aborted list per segment is the follow-up when logs with long histories of
// transactions make the first READ_COMMITTED fetch after a restart slow (issue #8 notes).
import { parseEndTransactionMarker, ControlRecordType } from '../../protocol/records/control-batch.js';
import { batchBaseOffset, batchIsControl, batchIsTransactional, batchLastOffsetDelta, batchProducerId, batchTotalSize } from '../../protocol/records/batch-header.js';
import type { PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { PartitionTransactions } from './partition-transactions.js';

const SCAN_CHUNK = 1 << 20;
const BATCH_HEADER = 61;

interface Entry {
  txns: PartitionTransactions;
  loading: Promise<void> | null;
}

export class PartitionTransactionsRegistry {
  private readonly entries = new WeakMap<PartitionLog, Entry>();

  constructor(private readonly logger: Logger) {}

  /** The state when already loaded (no I/O): the fast path of fetches and ListOffsets. */
  peek(log: PartitionLog): PartitionTransactions | null {
    const e = this.entries.get(log);
    return e && e.loading === null ? e.txns : null;
  }

  /** The last stable offset if the partition's transactions are known, else the high watermark. */
  lastStableOffsetOrHw(log: PartitionLog): number {
    const t = this.peek(log);
    return t ? t.lastStableOffset(log.highWatermark) : log.highWatermark;
  }

  async get(log: PartitionLog): Promise<PartitionTransactions> {
    let e = this.entries.get(log);
    if (!e) {
      const entry: Entry = { txns: new PartitionTransactions(), loading: null };
      entry.loading = rebuild(log, entry.txns)
        .catch((err: unknown) => {
          this.logger.warn('could not rebuild transaction state', { dir: log.dir, error: err instanceof Error ? err.message : String(err) });
        })
        .finally(() => (entry.loading = null));
      this.entries.set(log, entry);
      e = entry;
    }
    if (e.loading) await e.loading;
    e.txns.truncateBefore(log.logStartOffset);
    return e.txns;
  }
}

async function rebuild(log: PartitionLog, txns: PartitionTransactions): Promise<void> {
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    const r = await log.read(offset, SCAN_CHUNK, { upTo: 'log-end' });
    if (r.kind !== 'records' || r.chunks.length === 0) break;
    for (const chunk of r.chunks) {
      for (let pos = 0; pos + BATCH_HEADER <= chunk.length; pos += batchTotalSize(chunk, pos)) {
        if (!batchIsTransactional(chunk, pos)) continue;
        const base = batchBaseOffset(chunk, pos);
        if (base + batchLastOffsetDelta(chunk, pos) < offset) continue;
        const pid = batchProducerId(chunk, pos);
        if (!batchIsControl(chunk, pos)) {
          txns.replayData(pid, base);
          continue;
        }
        try {
          const marker = parseEndTransactionMarker(chunk, pos);
          txns.replayMarker(pid, base, marker.type === ControlRecordType.Commit);
        } catch {
          // Not a transaction marker (another control type): nothing to replay.
        }
      }
    }
    if (r.nextOffset <= offset) break;
    offset = r.nextOffset;
  }
}
