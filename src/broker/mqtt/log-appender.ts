// Writes MQTT messages to their Kafka topics: the publish path of every connection, wills and the
// messages a Kafka topic receives from MQTT.
//
// Messages for one partition arriving in the same turn of the event loop are gathered into one
// record batch (split to stay under the topic's max.message.bytes) and appended with one write, so a
// thousand devices publishing at once cost a handful of appends rather than a thousand. QoS 1/2
// publishes are acknowledged only once their batch is fdatasynced (log.flush() after the write; the
// partition's group commit shares that fsync with every other durable append), QoS 0 ones once
// written. A mapped topic that does not exist yet is created (num.partitions partitions) on its
// first message, whatever auto.create.topics.enable says: the mapping names it.
import { buildRecordBatch } from '../../protocol/records/batch-builder.js';
import type { RecordInput } from '../../protocol/records/record.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import type { TopicService } from '../topics/topic-service.js';
import type { DecodedBatches } from './decoded-batches.js';
import { partitionForKey } from './key-partitioner.js';
import { messageToRecord, type MqttMessage } from './message-record.js';

/** Where an appended message is: for shared-subscription and session references. */
export interface LogPosition {
  topic: string;
  partition: number;
  offset: number;
}

export class AppendError extends Error {
  override readonly name = 'AppendError';
  constructor(
    readonly kind: 'too-large' | 'storage' | 'no-topic',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  topic: string;
  partition: number;
  log: PartitionLog;
  messages: MqttMessage[];
  records: RecordInput[];
  bytes: number;
  durable: boolean;
  waiters: { resolve: (p: LogPosition) => void; reject: (e: Error) => void; durable: boolean }[];
}

/** Per-record overhead of the v2 format beyond key, value and headers (lengths, deltas, attributes). */
const RECORD_OVERHEAD = 24;
const BATCH_HEADER = 61;
/** Batches stay well under a megabyte even on topics that allow more. */
const BATCH_CAP = 1 << 20;

export class LogAppender {
  private readonly pending = new Map<string, Pending>();
  private readonly creating = new Map<string, Promise<void>>();
  private scheduled = false;
  /** Appends written but not yet answered (close waits for them). */
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly topics: TopicService,
    private readonly logs: LogManager,
    private readonly decoded: DecodedBatches,
    private readonly logger: Logger,
    /** A mapped topic was just created here (before the message that needed it is appended). */
    private readonly onTopicCreated: () => void = () => {},
  ) {}

  /** Appends `message` to `topic`; resolves with its position once written (and fdatasynced when `durable`). */
  async append(topic: string, message: MqttMessage, durable: boolean): Promise<LogPosition> {
    let info = this.topics.get(topic);
    if (!info) {
      await this.ensureTopic(topic);
      info = this.topics.get(topic);
      if (!info) throw new AppendError('no-topic', `topic ${topic} could not be created`);
    }
    const key = Buffer.from(message.topic, 'utf8');
    const partition = partitionForKey(key, info.partitions);
    const log = this.logs.getLog(topic, partition);
    if (!log) throw new AppendError('no-topic', `${topic}-${partition} is not open`);
    const record = messageToRecord(message);
    const size = recordSize(record);
    const limit = Math.min(log.logConfig.maxMessageBytes, BATCH_CAP) - BATCH_HEADER;
    if (size > limit) throw new AppendError('too-large', `a ${size}-byte record exceeds ${topic}'s max.message.bytes`);
    const id = `${topic}\u0000${partition}`;
    let p = this.pending.get(id);
    if (p && p.bytes + size > limit) {
      this.flushOne(p);
      p = undefined;
    }
    if (!p) {
      p = { topic, partition, log, messages: [], records: [], bytes: 0, durable: false, waiters: [] };
      this.pending.set(id, p);
    }
    p.messages.push(message);
    p.records.push(record);
    p.bytes += size;
    p.durable ||= durable;
    const done = new Promise<LogPosition>((resolve, reject) => p.waiters.push({ resolve, reject, durable }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushAll());
    }
    return done;
  }

  /** Creates a mapped topic on first use; concurrent first uses share one creation. */
  ensureTopic(topic: string): Promise<void> {
    if (this.topics.get(topic)) return Promise.resolve();
    let p = this.creating.get(topic);
    if (!p) {
      p = this.topics.create({ name: topic, numPartitions: -1, replicationFactor: -1, configs: {} }).then((outcome) => {
        // TOPIC_ALREADY_EXISTS (a Kafka client created it meanwhile) is as good as created.
        if (!this.topics.get(topic)) throw new AppendError('no-topic', `creating topic ${topic} failed: ${outcome.errorMessage ?? outcome.errorCode}`);
        this.logger.info('created the Kafka topic of an MQTT mapping', { topic, partitions: this.topics.get(topic)!.partitions });
        this.onTopicCreated();
      });
      this.creating.set(topic, p);
      void p.finally(() => this.creating.delete(topic)).catch(() => {});
    }
    return p;
  }

  /** Waits for every append in progress. */
  async idle(): Promise<void> {
    this.flushAll();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flushAll(): void {
    this.scheduled = false;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) this.flushOne(p);
  }

  private flushOne(p: Pending): void {
    if (this.pending.get(`${p.topic}\u0000${p.partition}`) === p) this.pending.delete(`${p.topic}\u0000${p.partition}`);
    const now = Date.now();
    const batch = buildRecordBatch(p.records, { timestamp: now });
    const work = p.log
      .append(batch, { durable: false })
      .then(async (r) => {
        this.decoded.put(p.topic, p.partition, r.baseOffset, p.messages);
        for (let i = 0; i < p.waiters.length; i++) {
          const w = p.waiters[i]!;
          if (!w.durable) w.resolve({ topic: p.topic, partition: p.partition, offset: r.baseOffset + i });
        }
        if (!p.durable) return;
        await p.log.flush();
        for (let i = 0; i < p.waiters.length; i++) {
          const w = p.waiters[i]!;
          if (w.durable) w.resolve({ topic: p.topic, partition: p.partition, offset: r.baseOffset + i });
        }
      })
      .catch((e: unknown) => {
        const error = new AppendError('storage', e instanceof Error ? e.message : String(e));
        this.logger.warn('appending MQTT messages failed', { topic: p.topic, partition: p.partition, messages: p.messages.length, error: error.message });
        for (const w of p.waiters) w.reject(error);
      });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

function recordSize(r: RecordInput): number {
  let n = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers ?? []) n += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  return n;
}
