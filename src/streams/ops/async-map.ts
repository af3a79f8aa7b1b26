// Async mappers with bounded concurrency that keep per-key order.
//
// * At most `concurrency` records are in flight; when the limit is reached the processor blocks
//   the task (ctx.block), so the runtime stops feeding records until a slot frees.
// * A record starts only after the previous record with the same key has finished *and been
//   forwarded*, so per-key order is preserved downstream; records of different keys overtake
//   each other freely (as with Kafka's parallel consumers keyed ordering).
// * Every record's work is tracked (ctx.track), so a commit waits for it; a rejection fails the
//   task, and the offsets of the failed record are never committed.
// * A result is forwarded with the headers of the record it came from (the continuation runs
//   outside that record, so they are captured when the record arrives).
//
// Key identity for ordering: primitives compare by value, Buffers by bytes, other objects by their
// JSON (the one place the engine stringifies, and only for non-primitive keys).

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { RecordHeader } from '../engine/transport.js';

export type AsyncMapMode = 'map' | 'mapValues';

function orderingKey(key: unknown): unknown {
  if (key === null || typeof key !== 'object') return key;
  if (Buffer.isBuffer(key)) return `b:${key.toString('latin1')}`;
  return `j:${JSON.stringify(key)}`;
}

export class AsyncMapProcessor<K, V> implements Processor<K, V> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private inFlight = 0;
  private readonly tails = new Map<unknown, Promise<void>>();
  private slotWaiters: Array<() => void> = [];

  constructor(
    private readonly mode: AsyncMapMode,
    private readonly fn: (key: K, value: V) => Promise<unknown>,
    private readonly concurrency: number,
  ) {
    if (!(concurrency >= 1)) throw new RangeError('async mapper concurrency must be >= 1');
  }

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
  }

  process(key: K, value: V, ts: number): void {
    const id = orderingKey(key);
    const previous = this.tails.get(id);
    this.inFlight++;
    const headers = this.ctx.record?.headers;
    const chained = (previous ?? Promise.resolve()).then(() => this.run(key, value, ts, headers));
    const settled: Promise<void> = chained.then(
      () => {},
      () => {},
    );
    this.tails.set(id, settled);
    this.ctx.track(chained.finally(() => this.finish(id, settled)));
    if (this.inFlight >= this.concurrency) this.ctx.block(new Promise<void>((resolve) => this.slotWaiters.push(resolve)));
  }

  private async run(key: K, value: V, ts: number, headers: readonly RecordHeader[] | undefined): Promise<void> {
    const out = await this.fn(key, value);
    if (this.mode === 'map') {
      const [k, v] = out as readonly [unknown, unknown];
      this.ctx.forwardWithHeaders(k, v, ts, headers);
    } else {
      this.ctx.forwardWithHeaders(key, out, ts, headers);
    }
  }

  private finish(id: unknown, settled: Promise<void>): void {
    this.inFlight--;
    // Only the newest record of a key may clear its entry, or a later record would lose its predecessor.
    if (this.tails.get(id) === settled) this.tails.delete(id);
    if (this.inFlight < this.concurrency && this.slotWaiters.length > 0) {
      const waiters = this.slotWaiters;
      this.slotWaiters = [];
      for (const w of waiters) w();
    }
  }
}
