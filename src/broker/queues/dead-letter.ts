// Writes archived records to a dead-letter topic: a queue's "dead-letter exchange" (RabbitMQ
// x-dead-letter-exchange) and Kafka 4.4's share-group DLQ (KIP-1191), on one mechanism. A range
// that entered Archiving (rejected, or out of deliveries) gets one record per offset in the
// dead-letter topic, in partition `source partition % dead-letter partitions`, with headers naming
// where it came from and why:
//
//   __dlq.errors.topic           source topic
//   __dlq.errors.partition       source partition
//   __dlq.errors.offset          source offset
//   __dlq.errors.group           share group (or queue) that gave up on it
//   __dlq.errors.delivery.count  deliveries it had
//   __dlq.errors.message         why, in Kafka's words ("Offset rejected by client." ...)
//   __dlq.errors.reason          why, as a word: rejected | delivery-limit (Brook's addition)
//
// (Kafka 4.4's header names, so consumers of a Kafka DLQ read a Brook one unchanged.) With
// `copyRecord` the record's key, value and own headers are copied too; without, the record carries
// only the headers (Kafka's errors.deadletterqueue.copy.record.enable=false). Appends are durable:
// the Archiving state is only left once the dead-letter copy survives a crash (at least once: a
// crash in between writes the copy again).
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { batchIsControl, forEachBatch } from '../../protocol/records/batch-header.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import type { RecordHeader, RecordInput } from '../../protocol/records/record.js';
import type { PartitionLog } from '../../storage/index.js';
import { ARCHIVE_REASON_TEXT } from './delivery-state.js';
import type { Archival } from './partition-types.js';

export interface DeadLetterTarget {
  topic: string;
  copyRecord: boolean;
}

export interface DeadLetterSource {
  /** The share group or queue name for the headers. */
  owner: string;
  topic: string;
  partition: number;
  log: PartitionLog;
}

export interface DeadLetterLogs {
  /** The dead-letter topic's partition logs, creating the topic when missing; null when it cannot be. */
  partitionsOf(topic: string): Promise<readonly PartitionLog[] | null>;
}

/** Records per dead-letter batch, and a byte budget well below the default message.max.bytes. */
const MAX_RECORDS_PER_BATCH = 500;
const MAX_BATCH_BYTES = 512 * 1024;
const READ_BYTES = 1 << 20;

/** Where archived ranges are copied: a dead-letter topic (DeadLetterWriter), or an AMQP dead-letter exchange. */
export interface DeadLetterSink {
  write(source: DeadLetterSource, target: DeadLetterTarget, a: Archival): Promise<void>;
}

export class DeadLetterWriter implements DeadLetterSink {
  constructor(
    private readonly logs: DeadLetterLogs,
    private readonly now: () => number,
  ) {}

  /** Writes the archived range's dead-letter records; rejects when the topic cannot be written. */
  async write(source: DeadLetterSource, target: DeadLetterTarget, a: Archival): Promise<void> {
    const partitions = await this.logs.partitionsOf(target.topic);
    if (!partitions || partitions.length === 0) throw new Error(`dead-letter topic ${target.topic} cannot be created`);
    const destination = partitions[source.partition % partitions.length]!;
    const originals = target.copyRecord ? await readRange(source.log, a.first, a.last) : new Map<number, RecordInput>();
    const now = this.now();
    let batch: RecordInput[] = [];
    let bytes = 0;
    for (let offset = a.first; offset <= a.last; offset++) {
      const original = originals.get(offset);
      const headers: RecordHeader[] = [...(original?.headers ?? []), ...dlqHeaders(source, a, offset)];
      const record: RecordInput = { key: original?.key ?? null, value: original?.value ?? null, headers, timestamp: now };
      batch.push(record);
      bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0) + 200;
      if (batch.length >= MAX_RECORDS_PER_BATCH || bytes >= MAX_BATCH_BYTES) {
        await destination.append(buildRecordBatch(batch, { timestamp: now }), { durable: true });
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length > 0) await destination.append(buildRecordBatch(batch, { timestamp: now }), { durable: true });
  }
}

function dlqHeaders(source: DeadLetterSource, a: Archival, offset: number): RecordHeader[] {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  return [
    { key: '__dlq.errors.topic', value: text(source.topic) },
    { key: '__dlq.errors.partition', value: text(String(source.partition)) },
    { key: '__dlq.errors.offset', value: text(String(offset)) },
    { key: '__dlq.errors.group', value: text(source.owner) },
    { key: '__dlq.errors.delivery.count', value: text(String(a.count)) },
    { key: '__dlq.errors.message', value: text(ARCHIVE_REASON_TEXT[a.reason]) },
    { key: '__dlq.errors.reason', value: text(a.reason) },
  ];
}

/** The records stored at offsets [first, last] (compacted-away offsets and control records absent). */
export async function readRange(log: PartitionLog, first: number, last: number): Promise<Map<number, RecordInput>> {
  const out = new Map<number, RecordInput>();
  let offset = Math.max(first, log.logStartOffset);
  while (offset <= last) {
    const r = await log.read(offset, READ_BYTES, { upTo: 'log-end' });
    if (r.kind !== 'records' || r.chunks.length === 0 || r.nextOffset <= offset) break;
    for (const chunk of r.chunks) {
      forEachBatch(chunk, 0, chunk.length, (pos) => {
        if (batchIsControl(chunk, pos)) return;
        forEachRecord(chunk, pos, (rec) => {
          if (rec.offset < first || rec.offset > last) return;
          // Copies: the batch bytes may be reused by the tail cache's owner.
          out.set(rec.offset, {
            key: rec.key ? Buffer.from(rec.key) : null,
            value: rec.value ? Buffer.from(rec.value) : null,
            headers: rec.headers.map((h) => ({ key: h.key, value: h.value ? Buffer.from(h.value) : null })),
          });
        });
      });
    }
    offset = r.nextOffset;
  }
  return out;
}
