// One browser's Server-Sent Events stream: its own position per partition, reading from the
// topic's shared tail (or, when it is behind the tail's ring, with its own bounded fetches),
// writing `id:` / `event: record` / `data:` events to the socket.
//
// Backpressure: when more than `bufferBytes` wait in the socket, the subscriber is paused — it
// reads nothing more until the socket drains — so a slow browser costs at most its buffer. One
// that stays paused longer than the hub's limit is disconnected (the hub checks), and resumes
// later with Last-Event-ID exactly where it stopped.
import type { ServerResponse } from 'node:http';
import type { FetchedRecord, LogReader } from '../../client/index.js';
import { formatEventId } from './event-id.js';
import type { TopicTail } from './topic-tail.js';

export type ValueFormat = 'string' | 'base64' | 'json';

export interface SubscriberOptions {
  bufferBytes: number;
  /** Called with the last delivered offset per partition after deliveries (group commits). */
  onDelivered?: (delivered: ReadonlyMap<number, bigint>) => void;
}

const BATCH = 500;

export class SseSubscriber {
  /** Per partition, the last offset delivered (or the one before the start: see event-id.ts). */
  readonly delivered = new Map<number, bigint>();
  pausedSince: number | null = null;
  closed = false;
  private pumping = false;
  private wakeUp: (() => void) | null = null;
  private readonly unlisten: () => void;

  constructor(
    readonly tail: TopicTail,
    private readonly positions: Map<number, bigint>,
    private readonly response: ServerResponse,
    private readonly format: ValueFormat,
    private readonly catchUp: (fn: (reader: LogReader) => Promise<FetchedRecord[]>) => Promise<FetchedRecord[]>,
    private readonly options: SubscriberOptions,
  ) {
    for (const [p, next] of positions) this.delivered.set(p, next - 1n);
    this.unlisten = tail.onAppend(() => this.wake());
    response.on('drain', () => {
      this.pausedSince = null;
      this.wake();
    });
    response.on('close', () => this.close());
  }

  /** Starts delivering; resolves when the stream ends. */
  async run(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed) {
        if (this.pausedSince !== null) {
          await this.sleep();
          continue;
        }
        const records = await this.nextRecords();
        if (this.closed) return;
        if (records.length === 0) {
          await this.sleep();
          continue;
        }
        this.write(records);
      }
    } catch {
      this.close();
    } finally {
      this.pumping = false;
    }
  }

  heartbeat(): void {
    if (!this.closed && this.pausedSince === null) this.response.write(': heartbeat\n\n');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unlisten();
    this.wake();
    if (!this.response.destroyed) this.response.end();
  }

  /** Ends the connection at once (a subscriber paused too long). */
  drop(): void {
    this.response.destroy();
    this.close();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => (this.wakeUp = resolve));
  }

  /** The next records in offset order per partition: from the shared ring, else by own fetch. */
  private async nextRecords(): Promise<FetchedRecord[]> {
    const out: FetchedRecord[] = [];
    const behind: { partition: number; offset: bigint }[] = [];
    for (const [partition, offset] of this.positions) {
      if (offset >= this.tail.nextOffset(partition)) continue;
      const fromRing = this.tail.read(partition, offset, BATCH);
      if (fromRing === undefined) behind.push({ partition, offset });
      else out.push(...fromRing);
    }
    if (behind.length > 0) {
      const fetched = await this.catchUp((reader) => reader.fetch(behind.map((b) => ({ topic: this.tail.topic, ...b }))).then((r) => r.records));
      for (const r of fetched) if (r.offset < this.tail.nextOffset(r.partition)) out.push(r);
    }
    return out;
  }

  private write(records: FetchedRecord[]): void {
    let chunk = '';
    for (const r of records) {
      const at = this.positions.get(r.partition);
      if (at === undefined || r.offset < at) continue;
      this.delivered.set(r.partition, r.offset);
      this.positions.set(r.partition, r.offset + 1n);
      const data = {
        topic: r.topic,
        partition: r.partition,
        offset: Number(r.offset),
        timestamp: Number(r.timestamp),
        key: this.encode(r.key),
        value: this.encode(r.value),
        headers: Object.fromEntries(r.headers.map(([k, v]) => [k.toString('utf8'), v === null ? null : this.encode(v)])),
      };
      chunk += `id: ${formatEventId(r.partition, r.offset, this.delivered)}\nevent: record\ndata: ${JSON.stringify(data)}\n\n`;
    }
    if (chunk === '') return;
    const accepted = this.response.write(chunk);
    this.options.onDelivered?.(this.delivered);
    // Pause only when write() said so too: then 'drain' is sure to follow.
    if (!accepted && this.response.writableLength > this.options.bufferBytes) this.pausedSince = Date.now();
  }

  private encode(b: Buffer | null): unknown {
    if (b === null) return null;
    if (this.format === 'base64') return b.toString('base64');
    const text = b.toString('utf8');
    if (this.format === 'json') {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text;
  }
}
