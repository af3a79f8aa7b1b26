// A two-way index used by the in-memory window and session stores: entries by key identity (for
// per-key lookups) and by a time (window start, or session end) for in-order scans and expiry.
// The time buckets are few (one per distinct window start or session end still retained), so
// sorting their times on a scan is cheap; `minTime` makes "is anything old enough?" O(1).

export class TimeIndex<E> {
  private readonly byTime = new Map<number, Map<string, E>>();
  private minTime = Number.POSITIVE_INFINITY;
  size = 0;

  add(time: number, id: string, entry: E): void {
    let bucket = this.byTime.get(time);
    if (!bucket) {
      bucket = new Map();
      this.byTime.set(time, bucket);
      if (time < this.minTime) this.minTime = time;
    }
    if (!bucket.has(id)) this.size++;
    bucket.set(id, entry);
  }

  remove(time: number, id: string): void {
    const bucket = this.byTime.get(time);
    if (bucket?.delete(id)) {
      this.size--;
      if (bucket.size === 0) {
        this.byTime.delete(time);
        if (time === this.minTime) this.recomputeMin();
      }
    }
  }

  earliest(): number | undefined {
    return this.size === 0 ? undefined : this.minTime;
  }

  /** Entries with from <= time <= to, in time order. */
  range(from: number, to: number): E[] {
    const out: E[] = [];
    if (this.size === 0 || to < this.minTime) return out;
    const times = [...this.byTime.keys()].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
    for (const t of times) for (const e of this.byTime.get(t)!.values()) out.push(e);
    return out;
  }

  /** Remove and return entries with time < before, in time order. */
  takeBefore(before: number): Array<[number, string, E]> {
    const out: Array<[number, string, E]> = [];
    if (before <= this.minTime) return out;
    const times = [...this.byTime.keys()].filter((t) => t < before).sort((a, b) => a - b);
    for (const t of times) {
      for (const [id, e] of this.byTime.get(t)!) out.push([t, id, e]);
      this.size -= this.byTime.get(t)!.size;
      this.byTime.delete(t);
    }
    this.recomputeMin();
    return out;
  }

  clear(): void {
    this.byTime.clear();
    this.size = 0;
    this.minTime = Number.POSITIVE_INFINITY;
  }

  private recomputeMin(): void {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.byTime.keys()) if (t < min) min = t;
    this.minTime = min;
  }
}
