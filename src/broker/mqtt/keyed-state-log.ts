// A compacted one-partition internal topic holding the latest value per key: the MQTT server keeps
// its persistent sessions (__mqtt_sessions) and retained messages (__mqtt_retained) this way, as
// Kafka keeps group metadata in __consumer_offsets. Reading it from start to end with the latest
// record per key winning (a null value deletes) gives the same state before and after compaction.
//
// Writes made in one turn of the event loop go out as one record batch and one append; a durable
// write resolves after fdatasync (shared with every other durable write of the partition). The
// topic is created on its first write (LazyInternalTopic), so a broker that never sees MQTT
// sessions or retained messages has no such topic.
import { CONTROL_FLAG_MASK, batchAttributes } from '../../protocol/records/batch-header.js';
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import { forEachRecord } from '../../protocol/records/record-reader.js';
import { scanPartition, type LogManager, type PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import { LazyInternalTopic } from '../groups/lazy-internal-topic.js';
import type { TopicService } from '../topics/topic-service.js';

export const KEYED_STATE_TOPIC_CONFIGS: Record<string, string> = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(16 * 1024 * 1024),
  'segment.ms': String(60 * 60 * 1000),
  'compression.type': 'producer',
  'max.message.bytes': String(8 * 1024 * 1024),
};

/** Records per written batch (a fan-out to many sessions writes many small records at once). */
const MAX_BATCH_RECORDS = 2000;

interface PendingWrite {
  key: Buffer;
  value: Buffer | null;
}

export class KeyedStateLog {
  private readonly topic: LazyInternalTopic;
  private pending: PendingWrite[] = [];
  private durableWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private plainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    topics: TopicService,
    private readonly logs: LogManager,
    readonly name: string,
    private readonly logger: Logger,
  ) {
    this.topic = new LazyInternalTopic(topics, name, 1, KEYED_STATE_TOPIC_CONFIGS, logger);
  }

  /** Calls `each` for every record in log order (the caller keeps the latest per key); resolves to the count. */
  async load(each: (key: Buffer, value: Buffer | null) => void): Promise<number> {
    if (!this.topic.exists) return 0;
    const log = this.log();
    const from = log.logStartOffset;
    let n = 0;
    await scanPartition(log, (chunk, pos) => {
      if ((batchAttributes(chunk, pos) & CONTROL_FLAG_MASK) !== 0) return;
      try {
        forEachRecord(chunk, pos, (r) => {
          if (r.offset < from || r.key === null) return;
          n++;
          each(r.key, r.value);
        });
      } catch (e) {
        this.logger.warn(`skipping an unreadable ${this.name} batch`, { error: String(e) });
      }
    });
    return n;
  }

  /** Queues a write; resolves once written (after fdatasync when `durable`). */
  put(key: Buffer, value: Buffer | null, durable = false): Promise<void> {
    this.pending.push({ key, value });
    const done = new Promise<void>((resolve, reject) => (durable ? this.durableWaiters : this.plainWaiters).push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  /** Queues a write nobody waits for (failures are logged). */
  write(key: Buffer, value: Buffer | null): void {
    this.put(key, value).catch(() => {});
  }

  /** Resolves once every write queued so far is written and fdatasynced. */
  async sync(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    await this.chain;
    if (this.topic.exists) await this.log().flush();
  }

  private log(): PartitionLog {
    const log = this.logs.getLog(this.name, 0);
    if (!log) throw new Error(`${this.name}-0 is not open`);
    return log;
  }

  private flush(): void {
    this.scheduled = false;
    const writes = this.pending;
    const durable = this.durableWaiters;
    const plain = this.plainWaiters;
    this.pending = [];
    this.durableWaiters = [];
    this.plainWaiters = [];
    if (writes.length === 0) return;
    // Appends keep their order: each waits for the one before.
    this.chain = this.chain.then(async () => {
      try {
        await this.topic.ensure();
        const log = this.log();
        const now = Date.now();
        for (let i = 0; i < writes.length; i += MAX_BATCH_RECORDS) {
          await log.append(buildRecordBatch(writes.slice(i, i + MAX_BATCH_RECORDS), { timestamp: now }), { durable: false });
        }
        for (const w of plain) w.resolve();
        if (durable.length > 0) {
          await log.flush();
          for (const w of durable) w.resolve();
        }
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        this.logger.error(`writing ${this.name} failed`, { records: writes.length, error: error.message });
        for (const w of [...plain, ...durable]) w.reject(error);
      }
    });
  }
}
