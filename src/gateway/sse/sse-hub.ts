// Every SSE subscriber, grouped by topic: one shared TopicTail per topic (started with its
// first subscriber, stopped with its last), one timer for every subscriber's heartbeat and for
// dropping those paused too long, a cap on subscribers, and a cap on concurrent catch-up
// fetches (subscribers reading history rather than the live tail).
import type { FetchedRecord, LogReader } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { KafkaAccess } from '../kafka-access.js';
import type { SseSettings } from '../options.js';
import type { SseSubscriber } from './sse-subscriber.js';
import { TopicTail } from './topic-tail.js';

const MAX_CONCURRENT_CATCH_UPS = 8;

export class SseHub {
  private readonly tails = new Map<string, { tail: TopicTail; subscribers: Set<SseSubscriber> }>();
  private readonly timer: NodeJS.Timeout;
  private catchUps = 0;
  private readonly catchUpQueue: (() => void)[] = [];
  private catchUpReader: LogReader | null = null;
  dropped = 0;

  constructor(
    private readonly kafka: KafkaAccess,
    readonly settings: SseSettings,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.min(settings.heartbeatMs, 1000)));
    this.timer.unref();
  }

  get subscriberCount(): number {
    let n = 0;
    for (const t of this.tails.values()) n += t.subscribers.size;
    return n;
  }

  get full(): boolean {
    return this.subscriberCount >= this.settings.maxSubscribers;
  }

  /** The shared tail of a topic, started (its partitions as they are now). */
  async tailFor(topic: string, partitions: number[]): Promise<TopicTail> {
    let entry = this.tails.get(topic);
    if (!entry) {
      entry = { tail: new TopicTail(topic, partitions, this.kafka, this.settings.tailRecordsPerPartition, this.logger), subscribers: new Set() };
      this.tails.set(topic, entry);
    }
    await entry.tail.start();
    return entry.tail;
  }

  add(subscriber: SseSubscriber): void {
    const entry = this.tails.get(subscriber.tail.topic);
    if (!entry) throw new Error('subscriber added before its tail');
    entry.subscribers.add(subscriber);
    void subscriber.run().finally(() => this.remove(subscriber));
  }

  /** Runs one catch-up fetch, at most MAX_CONCURRENT_CATCH_UPS at a time across all subscribers. */
  async catchUp(fn: (reader: LogReader) => Promise<FetchedRecord[]>): Promise<FetchedRecord[]> {
    if (this.catchUps >= MAX_CONCURRENT_CATCH_UPS) await new Promise<void>((r) => this.catchUpQueue.push(r));
    this.catchUps++;
    try {
      this.catchUpReader ??= this.kafka.reader(0, 1024 * 1024);
      return await fn(this.catchUpReader);
    } finally {
      this.catchUps--;
      this.catchUpQueue.shift()?.();
    }
  }

  forgetTopic(topic: string): void {
    const entry = this.tails.get(topic);
    if (!entry) return;
    for (const s of entry.subscribers) s.close();
    entry.tail.stop();
    this.tails.delete(topic);
  }

  /** Drops every stream at once, as a crash or a restart would; browsers resume with Last-Event-ID. */
  disconnectAll(): void {
    for (const { subscribers } of this.tails.values()) for (const s of subscribers) s.drop();
  }

  close(): void {
    clearInterval(this.timer);
    for (const topic of [...this.tails.keys()]) this.forgetTopic(topic);
  }

  private remove(subscriber: SseSubscriber): void {
    const entry = this.tails.get(subscriber.tail.topic);
    if (!entry) return;
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size === 0 && entry.tail === subscriber.tail) {
      entry.tail.stop();
      this.tails.delete(subscriber.tail.topic);
    }
  }

  private lastHeartbeat = Date.now();

  private tick(): void {
    const now = Date.now();
    const beat = now - this.lastHeartbeat >= this.settings.heartbeatMs;
    if (beat) this.lastHeartbeat = now;
    for (const { subscribers } of this.tails.values()) {
      for (const s of subscribers) {
        if (s.pausedSince !== null && now - s.pausedSince > this.settings.maxPausedMs) {
          this.dropped++;
          this.logger.info('dropping a slow SSE subscriber', { topic: s.tail.topic, pausedMs: now - s.pausedSince });
          s.drop();
        } else if (beat) s.heartbeat();
      }
    }
  }
}
