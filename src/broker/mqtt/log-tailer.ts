// Follows every partition of every Kafka topic that holds MQTT messages (topic-mapping.ts) and hands
// each new record to the router, whoever wrote it: an MQTT publish, a will, or a Kafka producer. One
// reader per partition decodes each batch once for all subscribers; batches the MQTT server appended
// itself are not decoded at all (decoded-batches.ts). Delivery follows the high watermark, so
// subscribers see messages in log order, once they are in the log.
//
// A follower wakes on its log's append listener (after a setImmediate, so a burst of appends is read
// in one pass) and reads from its position to the high watermark. With nobody subscribed, batches are
// skipped undecoded. Records from Kafka transactions are read uncommitted (an aborted transaction's
// records reach MQTT subscribers): MQTT has no transactions, and mapped topics are not meant for them.
import type { QoS } from '../../mqtt/index.js';
import type { LogManager, PartitionLog } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import type { TopicService } from '../topics/topic-service.js';
import type { DecodedBatches } from './decoded-batches.js';
import { forEachMessage } from './batch-messages.js';
import type { LogPosition } from './log-appender.js';
import type { MqttMessage } from './message-record.js';
import type { TopicMapping } from './topic-mapping.js';

const READ_BYTES = 1 << 20;

export interface TailerDeps {
  topics: TopicService;
  logs: LogManager;
  mapping: TopicMapping;
  decoded: DecodedBatches;
  logger: Logger;
  kafkaQos: QoS;
  /** Whether anyone could receive a message now (otherwise batches are skipped undecoded). */
  hasSubscribers(): boolean;
  route(m: MqttMessage, position: LogPosition): void;
  /** The partition has been handed out up to `next` (exclusive). */
  handedOut(topic: string, partition: number, next: number): void;
  /** Where to start following a partition found at start (a stored position, or the high watermark). */
  startAt(topic: string, partition: number, log: PartitionLog): number;
}

interface Follower {
  topic: string;
  partition: number;
  log: PartitionLog;
  position: number;
  draining: boolean;
  again: boolean;
  scheduled: boolean;
  stop: () => void;
}

export class LogTailer {
  private readonly followers = new Map<string, Follower>();
  private closed = false;

  constructor(private readonly deps: TailerDeps) {}

  /** Follows every partition of the mapped topics that exists and is not followed yet. */
  refresh(fromStart = false): void {
    for (const topic of this.deps.mapping.allTopics()) {
      const info = this.deps.topics.get(topic);
      if (!info) continue;
      for (let p = 0; p < info.partitions; p++) {
        const id = `${topic}\u0000${p}`;
        const log = this.deps.logs.getLog(topic, p);
        const existing = this.followers.get(id);
        if (existing && existing.log === log && !log.isClosed) continue;
        if (existing) this.unfollow(id);
        if (!log || log.isClosed) continue;
        this.follow(topic, p, log, fromStart ? log.logStartOffset : this.deps.startAt(topic, p, log));
      }
    }
  }

  /** A mapped topic (or partitions of one) appeared while running: its records are all new. */
  topicCreated(): void {
    this.refresh(true);
  }

  /** Reads what is waiting everywhere (after start, for positions restored behind the end). */
  drainAll(): void {
    for (const f of this.followers.values()) this.schedule(f);
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.followers.keys()]) this.unfollow(id);
  }

  private follow(topic: string, partition: number, log: PartitionLog, position: number): void {
    const f: Follower = { topic, partition, log, position, draining: false, again: false, scheduled: false, stop: () => {} };
    f.stop = log.addAppendListener(() => this.schedule(f));
    this.followers.set(`${topic}\u0000${partition}`, f);
    if (position < log.highWatermark) this.schedule(f);
  }

  private unfollow(id: string): void {
    const f = this.followers.get(id);
    if (!f) return;
    f.stop();
    this.followers.delete(id);
  }

  private schedule(f: Follower): void {
    if (f.scheduled || this.closed) return;
    f.scheduled = true;
    // After the appender's own continuation, which files the batch's messages (decoded-batches.ts).
    setImmediate(() => {
      f.scheduled = false;
      void this.drain(f);
    });
  }

  private async drain(f: Follower): Promise<void> {
    if (f.draining) {
      f.again = true;
      return;
    }
    f.draining = true;
    try {
      do {
        f.again = false;
        while (!this.closed && !f.log.isClosed && f.position < f.log.highWatermark) {
          if (f.position < f.log.logStartOffset) f.position = f.log.logStartOffset;
          const r = await f.log.read(f.position, READ_BYTES);
          if (r.kind !== 'records') {
            f.position = r.logStartOffset;
            continue;
          }
          if (r.nextOffset <= f.position) break;
          if (this.deps.hasSubscribers()) for (const chunk of r.chunks) this.dispatchChunk(f, chunk);
          f.position = r.nextOffset;
          this.deps.handedOut(f.topic, f.partition, f.position);
        }
      } while (f.again && !this.closed);
    } catch (e) {
      if (!f.log.isClosed) this.deps.logger.warn('reading a mapped partition for MQTT subscribers failed', { topic: f.topic, partition: f.partition, error: String(e) });
    } finally {
      f.draining = false;
    }
  }

  private dispatchChunk(f: Follower, chunk: Buffer): void {
    forEachMessage(this.deps, f.topic, f.partition, chunk, f.position, (m, offset) => {
      if (m !== null) this.deps.route(m, { topic: f.topic, partition: f.partition, offset });
    });
  }
}
