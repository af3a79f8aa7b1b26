// table.suppress(...): holds back a table's changes per key and emits the latest one when its time
// comes (rules and configs in ../suppressed.ts; Kafka Streams' KTableSuppressProcessor).
//
// Buffer time of a key: for untilWindowCloses, its window's end; for untilTimeLimit, the timestamp
// of the key's first update since it was last emitted (later updates replace the value, not the
// time). Observed stream time is the largest timestamp this processor has seen (kept in the task's
// commit metadata). After each record every key with buffer time <= observed - duration is
// emitted, oldest first, where duration is the window's grace (window close) or the time limit;
// then the buffer bounds are enforced.
//
// The buffer store is a key-value store of serialized key -> serialized entry, so its changelog
// restores it byte for byte and the byte bound counts what is really held. Entry layout (v0):
//   [version int8 = 0][buffer time int64][record timestamp int64]
//   [header count int32]{[key length int32][key utf8][value length int32, -1 = null][value]}*
//   [new value length int32, -1 = null][bytes][prior value length int32, -1 = null, -2 = unknown][bytes]
// An in-memory index (key -> time and size, and a min-heap by time) is rebuilt from the store at init.

import { StreamsError } from '../errors.js';
import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { RecordHeader } from '../engine/transport.js';
import type { Serde } from '../serdes.js';
import type { KeyValueStore } from '../stores/store.js';
import type { BufferConfig } from '../suppressed.js';

export interface SuppressOptions {
  readonly storeName: string;
  /** untilWindowCloses: buffer time is the window end and deletes are dropped. */
  readonly untilWindowCloses: boolean;
  /** Grace (plus gap, for sessions) for window close; the time limit otherwise. */
  readonly durationMs: number;
  readonly windowEnd: ((key: unknown) => number) | undefined;
  readonly buffer: BufferConfig;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
}

interface Indexed {
  readonly time: number;
  readonly seq: number;
  size: number;
  /** Serialized value the key had before its first buffered update (null: none; undefined: unknown). */
  readonly prior: Buffer | null | undefined;
}

interface Decoded {
  readonly timestamp: number;
  readonly headers: RecordHeader[] | undefined;
  readonly value: Buffer | null;
  readonly prior: Buffer | null | undefined;
}

export class SuppressProcessor implements Processor<unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private store!: KeyValueStore<Buffer, Buffer>;
  private readonly index = new Map<string, Indexed>();
  private heap: Array<{ time: number; seq: number; id: string }> = [];
  private seq = 0;
  private bytes = 0;
  private observed = Number.NEGATIVE_INFINITY;
  private readonly position: string;

  constructor(private readonly o: SuppressOptions) {
    this.position = `${o.storeName}.stream-time`;
  }

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.store = ctx.store(this.o.storeName);
    this.observed = ctx.getPosition(this.position) ?? Number.NEGATIVE_INFINITY;
    for (const [key, entry] of this.store.all()) {
      const id = key.toString('latin1');
      const time = Number(entry.readBigInt64BE(1));
      this.track(id, { time, seq: this.seq++, size: key.length + entry.length, prior: decode(entry).prior });
    }
  }

  process(key: unknown, value: unknown, ts: number, oldValue?: unknown): void {
    if (key === null || key === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    if (ts > this.observed) {
      this.observed = ts;
      this.ctx.setPosition(this.position, ts);
    }
    const o = this.o;
    const keyBytes = o.keySerde.serialize(key);
    const id = keyBytes.toString('latin1');
    const existing = this.index.get(id);
    const prior = existing ? existing.prior : oldValue === undefined ? undefined : oldValue === null ? null : o.valueSerde.serialize(oldValue);
    const time = existing ? existing.time : o.windowEnd ? o.windowEnd(key) : ts;
    const valueBytes = value === null || value === undefined ? null : o.valueSerde.serialize(value);
    const entry = encode(time, ts, this.ctx.record?.headers, valueBytes, prior);
    this.store.put(keyBytes, entry);
    const size = keyBytes.length + entry.length;
    if (existing) {
      this.bytes += size - existing.size;
      existing.size = size;
    } else {
      this.track(id, { time, seq: this.seq++, size, prior });
    }
    this.enforce();
  }

  private track(id: string, e: Indexed): void {
    this.index.set(id, e);
    this.bytes += e.size;
    heapPush(this.heap, { time: e.time, seq: e.seq, id });
  }

  private enforce(): void {
    const expiry = this.observed - this.o.durationMs;
    for (let head = this.peek(); head !== undefined && head.time <= expiry; head = this.peek()) this.evict(head.id);
    const b = this.o.buffer;
    if (this.index.size <= b.maxRecords && this.bytes <= b.maxBytes) return;
    if (b.whenFull === 'shut-down') {
      throw new StreamsError(
        'BUFFER_FULL',
        `suppression buffer '${this.o.storeName}' exceeded its bounds: ${this.index.size}/${b.maxRecords} records, ${this.bytes}/${b.maxBytes} bytes`,
      );
    }
    while (this.index.size > 0 && (this.index.size > b.maxRecords || this.bytes > b.maxBytes)) this.evict(this.peek()!.id);
  }

  /** The live heap head (entries whose key was emitted or re-buffered since are skipped). */
  private peek(): { time: number; seq: number; id: string } | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      const live = this.index.get(top.id);
      if (live && live.seq === top.seq) return top;
      heapPop(this.heap);
    }
    return undefined;
  }

  private evict(id: string): void {
    const keyBytes = Buffer.from(id, 'latin1');
    const entry = this.store.get(keyBytes);
    const indexed = this.index.get(id)!;
    this.index.delete(id);
    this.bytes -= indexed.size;
    heapPop(this.heap);
    this.store.delete(keyBytes);
    if (!entry) return;
    const d = decode(entry);
    if (d.value === null && this.o.untilWindowCloses) return; // a closed window's delete carries nothing final
    const o = this.o;
    const key = o.keySerde.deserialize(keyBytes);
    const value = d.value === null ? null : o.valueSerde.deserialize(d.value);
    const prior = d.prior === undefined ? undefined : d.prior === null ? null : o.valueSerde.deserialize(d.prior);
    this.ctx.forwardWithHeaders(key, value, d.timestamp, d.headers, prior);
  }
}

function encode(time: number, timestamp: number, headers: readonly RecordHeader[] | undefined, value: Buffer | null, prior: Buffer | null | undefined): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(21);
  head.writeInt8(0, 0);
  head.writeBigInt64BE(BigInt(time), 1);
  head.writeBigInt64BE(BigInt(timestamp), 9);
  head.writeInt32BE(headers?.length ?? 0, 17);
  parts.push(head);
  for (const h of headers ?? []) {
    const k = Buffer.from(h.key, 'utf8');
    parts.push(int32(k.length), k, int32(h.value === null ? -1 : h.value.length));
    if (h.value !== null) parts.push(h.value);
  }
  parts.push(int32(value === null ? -1 : value.length));
  if (value !== null) parts.push(value);
  parts.push(int32(prior === undefined ? -2 : prior === null ? -1 : prior.length));
  if (prior) parts.push(prior);
  return Buffer.concat(parts);
}

function decode(b: Buffer): Decoded {
  if (b.length < 21 || b.readInt8(0) !== 0) throw new RangeError('suppression buffer entry: unknown format');
  const timestamp = Number(b.readBigInt64BE(9));
  const count = b.readInt32BE(17);
  let at = 21;
  const bytes = (len: number): Buffer => {
    if (len < 0 || at + len > b.length) throw new RangeError('suppression buffer entry overruns its buffer');
    const out = b.subarray(at, at + len);
    at += len;
    return out;
  };
  const len = (): number => {
    if (at + 4 > b.length) throw new RangeError('suppression buffer entry truncated');
    const n = b.readInt32BE(at);
    at += 4;
    return n;
  };
  let headers: RecordHeader[] | undefined;
  for (let i = 0; i < count; i++) {
    const key = bytes(len()).toString('utf8');
    const vl = len();
    (headers ??= []).push({ key, value: vl < 0 ? null : Buffer.from(bytes(vl)) });
  }
  const vl = len();
  const value = vl < 0 ? null : bytes(vl);
  const pl = len();
  const prior = pl === -2 ? undefined : pl < 0 ? null : bytes(pl);
  return { timestamp, headers, value, prior };
}

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(n, 0);
  return b;
}

type HeapItem = { time: number; seq: number };
const before = (a: HeapItem, b: HeapItem): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

function heapPush<T extends HeapItem>(heap: T[], item: T): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop<T extends HeapItem>(heap: T[]): void {
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
