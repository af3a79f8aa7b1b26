// Windowed stream-stream joins (inner, left, outer), with Kafka Streams' semantics since 3.1
// (KIP-633 grace periods, and the spurious-result fix of KAFKA-10847 for left and outer joins).
//
// Time and windows (JoinWindows in ../windows.ts: before, after, grace)
//   * Stream time is the task's (the largest timestamp seen, either side; ../windows.ts).
//   * A left record at t joins right records with timestamps in [t - before, t + after]; a right
//     record at t joins left records in [t - after, t + before]. The two sides are symmetric with
//     before and after swapped, so "this side's look-ahead" is `after` for left, `before` for right.
//   * Each side buffers its records in a window store (key -> timestamp -> values, duplicates
//     kept) for retention = before + after + grace. A record is *expired* when
//     t <= stream time - retention: it is neither stored nor found by the other side (as Kafka's
//     segmented join stores neither accept nor return it); it is counted in lateDrops. An expired
//     record is still joined against what the other side holds, as in Kafka.
//   * Inner results carry max(t, t_other) as their timestamp; non-joined results their own t.
//
// Left and outer joins: the spurious-result fix
//   A record that finds no partner is not emitted with a null partner at once, since a partner may
//   still arrive within the window and grace. It waits in a shared "unjoined" store until its
//   window closes: a left record at t when t + after + grace < stream time, a right record when
//   t + before + grace < stream time. Then (value, undefined) is emitted. If a partner arrives
//   first, the waiting record is removed and only the inner result is emitted. Exceptions, as in
//   Kafka: a record whose own window end (t + look-ahead) is already below stream time is emitted
//   unjoined at once, and a left/outer record with a null key is emitted unjoined at once (KIP-962).
//   Waiting records are checked when a record at the current stream time arrives (Kafka checks
//   then too, throttled by wall-clock time; Brook checks every such record, so the TestDriver and
//   the runtime emit at exactly the same points).
//
// All three stores are changelogged, so a task that moves (or an instance that fails) resumes
// with its buffers and waiting records; emitting a waiting record deletes it (logged), so it is
// never emitted twice after a restore under exactly-once.

import type { Processor, ProcessorContext } from '../engine/processor.js';
import type { Serde } from '../serdes.js';
import type { WindowStore } from '../stores/store.js';
import type { JoinWindows } from '../windows.js';

export type JoinKind = 'inner' | 'left' | 'outer';

/** A record waiting in the unjoined store for its window to close. */
export interface Unjoined {
  readonly left: boolean;
  readonly value: unknown;
}

/** Per-side configuration; the left side's `lookBehind` is `before`, the right side's is `after`. */
export interface JoinSide {
  readonly isLeft: boolean;
  readonly thisStore: string;
  readonly otherStore: string;
  /** `undefined` when this side never emits unjoined results (inner joins; the right side of a left join). */
  readonly unjoinedStore: string | undefined;
  /** Whether a record of this side without partner is emitted unjoined (left: left and outer; right: outer). */
  readonly emitsUnjoined: boolean;
  readonly windows: JoinWindows;
  /** Always (left value, right value, key), whichever side this is. */
  readonly joiner: (left: unknown, right: unknown, key: unknown) => unknown;
}

export class StreamStreamJoinProcessor implements Processor<unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;
  private thisBuffer!: WindowStore<unknown, unknown[]>;
  private otherBuffer!: WindowStore<unknown, unknown[]>;
  private unjoined: WindowStore<unknown, Unjoined[]> | undefined;
  private readonly lookBehind: number;
  private readonly lookAhead: number;
  private readonly retention: number;

  constructor(private readonly side: JoinSide) {
    const w = side.windows;
    this.lookBehind = side.isLeft ? w.beforeMs : w.afterMs;
    this.lookAhead = side.isLeft ? w.afterMs : w.beforeMs;
    this.retention = w.beforeMs + w.afterMs + w.graceMs;
  }

  init(ctx: ProcessorContext<unknown, unknown>): void {
    this.ctx = ctx;
    this.thisBuffer = ctx.store(this.side.thisStore);
    this.otherBuffer = ctx.store(this.side.otherStore);
    if (this.side.unjoinedStore) this.unjoined = ctx.store<WindowStore<unknown, Unjoined[]>>(this.side.unjoinedStore);
  }

  process(key: unknown, value: unknown, ts: number): void {
    const side = this.side;
    if (value === null || value === undefined) {
      this.ctx.metrics.skipped++;
      return;
    }
    if (key === null || key === undefined) {
      if (side.emitsUnjoined) this.emitUnjoined(key, value, ts, side.isLeft);
      else this.ctx.metrics.skipped++;
      return;
    }
    const streamTime = this.ctx.streamTime;
    if (this.unjoined && ts === streamTime) this.emitClosed(streamTime);
    const visibleFrom = streamTime - this.retention + 1;
    const from = Math.max(0, ts - this.lookBehind, visibleFrom);
    const to = Math.max(0, ts + this.lookAhead);
    let matched = false;
    if (from <= to) {
      for (const [otherTs, values] of this.otherBuffer.fetch(key, from, to)) {
        matched = true;
        this.removeWaiting(key, otherTs, !side.isLeft);
        const out = ts > otherTs ? ts : otherTs;
        for (const other of values) {
          this.ctx.forward(key, side.isLeft ? side.joiner(value, other, key) : side.joiner(other, value, key), out);
        }
      }
    }
    if (!matched && side.emitsUnjoined) {
      if (!this.unjoined || to < streamTime) this.emitUnjoined(key, value, ts, side.isLeft);
      else this.wait(key, value, ts);
    }
    if (ts < visibleFrom) {
      this.ctx.metrics.lateDrops++; // expired: too old to be stored for the other side
    } else {
      const buffered = this.thisBuffer.get(key, ts);
      this.thisBuffer.put(key, ts, buffered ? [...buffered, value] : [value]);
    }
    const earliest = this.thisBuffer.earliestStart();
    if (earliest !== undefined && earliest < visibleFrom) this.thisBuffer.expire(visibleFrom);
  }

  private emitUnjoined(key: unknown, value: unknown, ts: number, isLeft: boolean): void {
    const j = this.side.joiner;
    this.ctx.forward(key, isLeft ? j(value, undefined, key) : j(undefined, value, key), ts);
  }

  private wait(key: unknown, value: unknown, ts: number): void {
    const store = this.unjoined!;
    const waiting = store.get(key, ts);
    const entry: Unjoined = { left: this.side.isLeft, value };
    store.put(key, ts, waiting ? [...waiting, entry] : [entry]);
  }

  /** A partner arrived for the other side's records at (key, ts): they no longer wait. */
  private removeWaiting(key: unknown, ts: number, left: boolean): void {
    const store = this.unjoined;
    if (!store) return;
    const waiting = store.get(key, ts);
    if (!waiting) return;
    const rest = waiting.filter((u) => u.left !== left);
    if (rest.length === waiting.length) return;
    if (rest.length === 0) store.delete(key, ts);
    else store.put(key, ts, rest);
  }

  /** Emit (and delete) every waiting record whose window and grace have passed, oldest first. */
  private emitClosed(streamTime: number): void {
    const store = this.unjoined!;
    const earliest = store.earliestStart();
    const w = this.side.windows;
    const grace = w.graceMs;
    // Left records close at t + after + grace, right ones at t + before + grace.
    const newestClosed = streamTime - grace - Math.min(w.afterMs, w.beforeMs) - 1;
    if (earliest === undefined || earliest > newestClosed) return;
    for (const entry of store.fetchAll(earliest, newestClosed)) {
      const t = entry.start;
      const closed = entry.value.filter((u) => t + (u.left ? w.afterMs : w.beforeMs) + grace < streamTime);
      if (closed.length === 0) continue;
      for (const u of closed) this.emitUnjoined(entry.key, u.value, t, u.left);
      const open = entry.value.filter((u) => !closed.includes(u));
      if (open.length === 0) store.delete(entry.key, t);
      else store.put(entry.key, t, open);
    }
  }
}

/**
 * The unjoined store's values: a list of tagged entries, each
 * [side: int8, 0 left / 1 right][length: int32 BE][value bytes of that side's serde].
 */
export function unjoinedSerde(left: Serde<unknown>, right: Serde<unknown>): Serde<Unjoined[]> {
  return {
    name: `unjoined(${left.name},${right.name})`,
    serialize: (entries) => {
      const parts: Buffer[] = [];
      for (const e of entries) {
        const bytes = (e.left ? left : right).serialize(e.value);
        const head = Buffer.allocUnsafe(5);
        head.writeInt8(e.left ? 0 : 1, 0);
        head.writeInt32BE(bytes.length, 1);
        parts.push(head, bytes);
      }
      return Buffer.concat(parts);
    },
    deserialize: (b) => {
      const out: Unjoined[] = [];
      let at = 0;
      while (at < b.length) {
        if (at + 5 > b.length) throw new RangeError('truncated unjoined entry header');
        const isLeft = b.readInt8(at) === 0;
        const len = b.readInt32BE(at + 1);
        at += 5;
        if (len < 0 || at + len > b.length) throw new RangeError('unjoined entry overruns its buffer');
        out.push({ left: isLeft, value: (isLeft ? left : right).deserialize(b.subarray(at, at + len)) });
        at += len;
      }
      return out;
    },
  };
}
