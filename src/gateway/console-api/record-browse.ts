// The console's message browser reads a topic from a starting point and keeps the records that
// match plain filters: a substring of the key, of the value, or of a header (`name` or
// `name=value`), and a small filter expression (filter-expression.ts). Filters are matched on bytes by the gateway; nothing a user types is ever
// evaluated as code. A scan stops at `limit` matches, at the end of every partition, or after
// `maxScanned` records, and says where it stopped so the page can ask for more.
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt, partitionKey, type FetchedRecord, type FetchPosition, type LogReader, type TopicView } from '../../client/index.js';
import type { Admin } from '../../client/index.js';
import { evaluateFilter, type FilterNode } from './filter-expression.js';

export type StartFrom = { kind: 'earliest' } | { kind: 'newest' } | { kind: 'offset'; offset: bigint } | { kind: 'timestamp'; timestamp: bigint };

export interface RecordFilter {
  key?: string;
  value?: string;
  /** `name` (the header exists) or `name=value` (its value contains the text). */
  header?: string;
  /** A parsed filter expression (filter-expression.ts). */
  expression?: FilterNode;
}

export interface BrowseRequest {
  topic: TopicView;
  partitions: number[];
  from: StartFrom;
  limit: number;
  filter: RecordFilter;
  maxScanned: number;
}

export interface BrowseResult {
  records: FetchedRecord[];
  scanned: number;
  /** Where to continue per partition (the next offset to read), and each partition's end. */
  positions: { partition: number; next: number; end: number }[];
}

export function matches(record: FetchedRecord, filter: RecordFilter): boolean {
  if (filter.key && !(record.key ?? Buffer.alloc(0)).includes(filter.key)) return false;
  if (filter.value && !(record.value ?? Buffer.alloc(0)).includes(filter.value)) return false;
  if (filter.header) {
    const eq = filter.header.indexOf('=');
    const name = eq < 0 ? filter.header : filter.header.slice(0, eq);
    const text = eq < 0 ? null : filter.header.slice(eq + 1);
    if (!record.headers.some(([k, v]) => k.toString('utf8') === name && (text === null || (v ?? Buffer.alloc(0)).includes(text)))) return false;
  }
  if (filter.expression && !evaluateFilter(filter.expression, record)) return false;
  return true;
}

export async function browse(admin: Admin, reader: LogReader, req: BrowseRequest): Promise<BrowseResult> {
  const tps = req.partitions.map((partition) => ({ topic: req.topic.name, partition }));
  const [starts, ends] = await Promise.all([listOffsetsAt(admin, tps, EARLIEST_TIMESTAMP), listOffsetsAt(admin, tps, LATEST_TIMESTAMP)]);
  const at = req.from.kind === 'timestamp' ? await listOffsetsAt(admin, tps, req.from.timestamp) : null;
  const next = new Map<number, bigint>();
  const end = new Map<number, bigint>();
  for (const p of req.partitions) {
    const key = partitionKey(req.topic.name, p);
    const s = starts.get(key) ?? 0n;
    const e = ends.get(key) ?? 0n;
    end.set(p, e);
    let from: bigint;
    switch (req.from.kind) {
      case 'earliest':
        from = s;
        break;
      // The newest `limit` records of each partition; the page shows the newest of them all.
      case 'newest':
        from = e - BigInt(req.limit) > s ? e - BigInt(req.limit) : s;
        break;
      case 'offset':
        from = req.from.offset < s ? s : req.from.offset > e ? e : req.from.offset;
        break;
      case 'timestamp': {
        // ListOffsets answers -1 when no record is that recent: start at the end.
        const o = at?.get(key) ?? -1n;
        from = o < 0n ? e : o;
        break;
      }
    }
    next.set(p, from);
  }
  // From the newest, every partition's last `limit` records are read and the newest kept.
  const wanted = req.from.kind === 'newest' ? req.limit * req.partitions.length : req.limit;
  let kept: FetchedRecord[] = [];
  let scanned = 0;
  while (kept.length < wanted && scanned < req.maxScanned) {
    const positions: FetchPosition[] = req.partitions.filter((p) => next.get(p)! < end.get(p)!).map((p) => ({ topic: req.topic.name, partition: p, offset: next.get(p)! }));
    if (positions.length === 0) break;
    const round = await reader.fetch(positions);
    if (round.records.length === 0) {
      // A gap (compaction, deleted records, aborted transactions) or a position outside the
      // log: nothing more can be read from these positions in this scan.
      if (round.offsetOutOfRange) for (const p of positions) next.set(p.partition, starts.get(partitionKey(req.topic.name, p.partition)) ?? 0n);
      break;
    }
    for (const r of round.records) {
      if (r.offset >= end.get(r.partition)!) continue;
      scanned++;
      next.set(r.partition, r.offset + 1n);
      if (kept.length < wanted && matches(r, req.filter)) kept.push(r);
    }
  }
  if (req.from.kind === 'newest') kept = kept.sort((a, b) => Number(b.timestamp - a.timestamp) || b.partition - a.partition || Number(b.offset - a.offset)).slice(0, req.limit);
  return { records: kept, scanned, positions: req.partitions.map((p) => ({ partition: p, next: Number(next.get(p)), end: Number(end.get(p)) })) };
}
