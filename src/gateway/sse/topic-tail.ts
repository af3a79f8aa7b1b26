// The live end of one topic, shared by every SSE subscriber of that topic: one fetch loop (one
// long-polling Fetch for all partitions) appends new records to a bounded ring per partition,
// and subscribers read from the rings at their own pace. A thousand browsers on one topic cost
// one Fetch stream, not a thousand.
//
// Bounds: each ring keeps at most `capacity` records; a subscriber whose position falls below a
// ring's start reads that partition with its own (bounded) fetches until it is back in the ring.
import { FETCH_MAX_BYTES, LATEST_TIMESTAMP, listOffsetsAt, type FetchedRecord, type LogReader } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type { KafkaAccess } from '../kafka-access.js';

class Ring {
  private readonly items: FetchedRecord[] = [];
  /** Offset of items[0] (or of the next record when empty). */
  start: bigint;
  /** The next offset the tail will fetch for this partition. */
  next: bigint;

  constructor(
    at: bigint,
    private readonly capacity: number,
  ) {
    this.start = at;
    this.next = at;
  }

  push(r: FetchedRecord): void {
    if (this.items.length === 0) this.start = r.offset;
    this.items.push(r);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.start = this.items[0]!.offset;
    }
    this.next = r.offset + 1n;
  }

  skipTo(offset: bigint): void {
    if (offset <= this.next) return;
    this.next = offset;
    if (this.items.length === 0) this.start = offset;
  }

  /** Records at or after `from`, at most `max`; undefined when `from` is below the ring. */
  from(from: bigint, max: number): FetchedRecord[] | undefined {
    if (from < this.start) return undefined;
    const out: FetchedRecord[] = [];
    // Offsets in a ring are increasing but may have gaps (compaction, control batches).
    let i = 0;
    while (i < this.items.length && this.items[i]!.offset < from) i++;
    for (; i < this.items.length && out.length < max; i++) out.push(this.items[i]!);
    return out;
  }
}

export class TopicTail {
  private readonly rings = new Map<number, Ring>();
  private readonly listeners = new Set<() => void>();
  private running = false;
  private started: Promise<void> | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    readonly topic: string,
    private readonly partitions: number[],
    private readonly kafka: KafkaAccess,
    private readonly capacity: number,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the tail knows where each partition ends. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const ends = await listOffsetsAt(this.kafka.admin, this.partitions.map((partition) => ({ topic: this.topic, partition })), LATEST_TIMESTAMP);
      for (const p of this.partitions) this.rings.set(p, new Ring(ends.get(`${this.topic}:${p}`) ?? 0n, this.capacity));
      this.running = true;
      this.loop = this.run();
    })();
    return this.started;
  }

  stop(): void {
    this.running = false;
    this.notify();
  }

  /** Called after every append (or on stop); returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records of `partition` from `offset` in the ring, or undefined when `offset` is below it. */
  read(partition: number, offset: bigint, max: number): FetchedRecord[] | undefined {
    return this.rings.get(partition)?.from(offset, max);
  }

  /** The next offset the tail will see on `partition` (nothing at or after it is known yet). */
  nextOffset(partition: number): bigint {
    return this.rings.get(partition)?.next ?? 0n;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private async run(): Promise<void> {
    const { reader, close } = this.kafka.longPollReader(`sse-${this.topic}`, 500, FETCH_MAX_BYTES);
    try {
      await this.poll(reader);
    } finally {
      await close();
    }
  }

  private async poll(reader: LogReader): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const round = await reader.fetch(this.partitions.map((partition) => ({ topic: this.topic, partition, offset: this.rings.get(partition)!.next })));
        if (!this.running) return;
        if (round.offsetOutOfRange) {
          // Retention removed the tail's position (or the topic was recreated): jump to the end.
          const ends = await listOffsetsAt(this.kafka.admin, this.partitions.map((partition) => ({ topic: this.topic, partition })), LATEST_TIMESTAMP);
          for (const [k, v] of ends) this.rings.get(Number(k.slice(k.lastIndexOf(':') + 1)))?.skipTo(v);
          continue;
        }
        for (const r of round.records) this.rings.get(r.partition)?.push(r);
        // A round with no data records at all was not cut short by size limits, so anything
        // below a high watermark is control batches or compacted away: skip past it.
        if (round.records.length === 0) for (const [k, hw] of round.highWatermarks) this.rings.get(Number(k.slice(k.lastIndexOf(':') + 1)))?.skipTo(hw);
        if (round.records.length > 0) this.notify();
        backoff = 100;
      } catch (e) {
        if (!this.running) return;
        this.logger.warn('SSE tail fetch failed; retrying', { topic: this.topic, error: e instanceof Error ? e.message : String(e) });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async closed(): Promise<void> {
    await this.loop?.catch(() => undefined);
  }
}
