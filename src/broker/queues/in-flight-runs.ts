// The delivery state of every offset in a share-partition's window, kept as runs: maximal ranges of
// consecutive offsets whose state, delivery count, owner and lock deadline are all equal (Kafka's
// SharePartition keeps "in-flight batches" that split into per-offset state on demand; runs are
// the same idea with merging, so a long stretch of acknowledged or available records costs one
// entry however long it is).
//
// Invariants (checked by the property tests):
// - runs are sorted, non-empty, and contiguous: runs[0].first = start, each run starts right after
//   the previous one ends, the last ends at end - 1; no runs when start = end;
// - two neighbours never have equal attributes (they would have been merged);
// - offsets at or past `end` have never been acquired: they are Available with delivery count 0.
import { DeliveryState } from './delivery-state.js';

export interface RunAttributes {
  state: DeliveryState;
  /** Deliveries so far (incremented by each acquisition). */
  count: number;
  /** The member holding the lock (Acquired only), else null. */
  owner: string | null;
  /** Lock deadline in ms (Acquired only), else 0. */
  deadline: number;
}

export interface Run extends RunAttributes {
  first: number;
  last: number;
}

function sameAttributes(a: RunAttributes, b: RunAttributes): boolean {
  return a.state === b.state && a.count === b.count && a.owner === b.owner && a.deadline === b.deadline;
}

export class InFlightRuns {
  private list: Run[] = [];
  private startOffset: number;
  private endOffset: number;

  constructor(start: number) {
    this.startOffset = start;
    this.endOffset = start;
  }

  /** The share-partition start offset: every offset below it is done. */
  get start(): number {
    return this.startOffset;
  }

  /** One past the last offset ever acquired (Kafka's end offset + 1). */
  get end(): number {
    return this.endOffset;
  }

  /** Records in the window (what group.share.partition.max.record.locks bounds). */
  get size(): number {
    return this.endOffset - this.startOffset;
  }

  get runs(): readonly Run[] {
    return this.list;
  }

  /** Index of the run holding `offset` (start <= offset < end). */
  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.list[mid]!.first <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The run holding `offset`, or null outside the window. */
  runAt(offset: number): Run | null {
    if (offset < this.startOffset || offset >= this.endOffset) return null;
    return this.list[this.indexOf(offset)]!;
  }

  /** Makes `offset` the first offset of a run (no-op at the window's edges). Returns its index. */
  private splitAt(offset: number): number {
    if (offset <= this.startOffset) return 0;
    if (offset >= this.endOffset) return this.list.length;
    const i = this.indexOf(offset);
    const run = this.list[i]!;
    if (run.first === offset) return i;
    this.list.splice(i + 1, 0, { ...run, first: offset });
    run.last = offset - 1;
    return i + 1;
  }

  /** Merges runs i-1/i and i/i+1 where their attributes are equal. */
  private mergeAround(from: number, to: number): void {
    const lo = Math.max(1, from);
    for (let i = Math.min(to, this.list.length - 1); i >= lo; i--) {
      const prev = this.list[i - 1]!;
      const cur = this.list[i]!;
      if (sameAttributes(prev, cur)) {
        prev.last = cur.last;
        this.list.splice(i, 1);
      }
    }
  }

  /** Extends the window with [end, last], all with `attributes`. */
  extend(last: number, attributes: RunAttributes): void {
    if (last < this.endOffset) throw new RangeError(`extend to ${last} below the end ${this.endOffset}`);
    this.list.push({ first: this.endOffset, last, ...attributes });
    this.endOffset = last + 1;
    this.mergeAround(this.list.length - 1, this.list.length - 1);
  }

  /** Sets the attributes of [first, last] (inside the window). */
  set(first: number, last: number, attributes: RunAttributes): void {
    if (first < this.startOffset || last >= this.endOffset || first > last) {
      throw new RangeError(`set [${first}, ${last}] outside the window [${this.startOffset}, ${this.endOffset})`);
    }
    const i = this.splitAt(first);
    const j = this.splitAt(last + 1);
    this.list.splice(i, j - i, { first, last, ...attributes });
    this.mergeAround(i, i + 1);
  }

  /**
   * Calls fn for each run overlapping [first, last], clipped to it. The runs passed are copies and
   * fn must not change the window (collect, then mutate through set()).
   */
  forEachIn(first: number, last: number, fn: (run: Run) => void): void {
    const from = Math.max(first, this.startOffset);
    const to = Math.min(last, this.endOffset - 1);
    if (from > to) return;
    for (let i = this.indexOf(from); i < this.list.length; i++) {
      const r = this.list[i]!;
      if (r.first > to) break;
      fn({ ...r, first: Math.max(r.first, from), last: Math.min(r.last, to) });
    }
  }

  /**
   * Moves the start offset to `offset` (never backwards), dropping the runs below it. Past the end,
   * the window becomes empty at `offset` (retention or DeleteRecords passed every in-flight record).
   */
  advanceStart(offset: number): void {
    if (offset <= this.startOffset) return;
    if (offset >= this.endOffset) {
      this.list = [];
      this.startOffset = offset;
      this.endOffset = offset;
      return;
    }
    const i = this.splitAt(offset);
    this.list.splice(0, i);
    this.startOffset = offset;
  }

  /** Moves the start past the leading run(s) in a terminal state; returns whether it moved. */
  advancePastDone(): boolean {
    let k = 0;
    while (k < this.list.length && (this.list[k]!.state === DeliveryState.Acknowledged || this.list[k]!.state === DeliveryState.Archived)) k++;
    if (k === 0) return false;
    const next = k < this.list.length ? this.list[k]!.first : this.endOffset;
    this.list.splice(0, k);
    this.startOffset = next;
    return true;
  }

  /** Resets to an empty window at `start` (AlterShareGroupOffsets, auto offset reset). */
  reset(start: number): void {
    this.list = [];
    this.startOffset = start;
    this.endOffset = start;
  }

  /** Number of offsets in [first, last] whose state matches. */
  count(predicate: (run: Run) => boolean): number {
    let n = 0;
    for (const r of this.list) if (predicate(r)) n += r.last - r.first + 1;
    return n;
  }
}
