// A two-way index used by the in-memory window and session stores: entries by key identity (for
// per-key lookups) and by a time (window start, or session end) for in-order scans and expiry.
//
// The distinct times are kept in a sorted array (with a moving head, so expiring the oldest times
// costs what it removes, not the array's length). Times mostly arrive in increasing order, so an
// insert is usually an append; a stream-stream join buffer has a distinct time per record, which
// is why the times are not re-sorted on every scan.

export class TimeIndex<E> {
  private readonly byTime = new Map<number, Map<string, E>>();
  /** Distinct times held, ascending, from `head` on (entries before `head` are spent). */
  private times: number[] = [];
  private head = 0;
  size = 0;

  add(time: number, id: string, entry: E): void {
    let bucket = this.byTime.get(time);
    if (!bucket) {
      bucket = new Map();
      this.byTime.set(time, bucket);
      this.insertTime(time);
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
        const at = this.search(time);
        if (at < this.times.length && this.times[at] === time) this.times.splice(at, 1);
      }
    }
  }

  earliest(): number | undefined {
    return this.size === 0 ? undefined : this.times[this.head];
  }

  /** Entries with from <= time <= to, in time order. */
  range(from: number, to: number): E[] {
    const out: E[] = [];
    if (this.size === 0 || to < from) return out;
    for (let i = this.search(from); i < this.times.length; i++) {
      const t = this.times[i]!;
      if (t > to) break;
      for (const e of this.byTime.get(t)!.values()) out.push(e);
    }
    return out;
  }

  /** Remove and return entries with time < before, in time order. */
  takeBefore(before: number): Array<[number, string, E]> {
    const out: Array<[number, string, E]> = [];
    const times = this.times;
    let i = this.head;
    for (; i < times.length && times[i]! < before; i++) {
      const t = times[i]!;
      const bucket = this.byTime.get(t)!;
      for (const [id, e] of bucket) out.push([t, id, e]);
      this.size -= bucket.size;
      this.byTime.delete(t);
    }
    this.head = i;
    if (this.head > 1024 && this.head * 2 > times.length) {
      this.times = times.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  clear(): void {
    this.byTime.clear();
    this.times = [];
    this.head = 0;
    this.size = 0;
  }

  /** The first index (>= head) whose time is >= t. */
  private search(t: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insertTime(t: number): void {
    const times = this.times;
    if (times.length === this.head || times[times.length - 1]! < t) {
      times.push(t);
      return;
    }
    times.splice(this.search(t), 0, t);
  }
}
