// A set for long-lived owners whose members come and go all the time (a partition's append listeners,
// the parked long polls, a connection's requests in flight): an array of slots, reused in place.
//
// Why not a Set: V8 rebuilds a Set's or Map's hash table every few additions once deletions have
// filled it, and when the old table lives in the old generation the new one is allocated there too
// (OrderedHashTable::Rehash). A Set that lives as long as its partition or connection, with an add and
// a delete per request, therefore puts a steady stream of garbage straight into the old generation,
// which only a full mark-compact reclaims: at 10,000 records/s that was several incremental marks a
// minute (measured: a long-lived Set with two adds and two deletes per iteration grew old space by
// 7.5 MB per 2 M iterations, 24 mark-compacts; the same churn on an array, none). Here the slot array
// only grows when more members are present at once than ever before, and freeing a slot writes null.
//
// Members are compared by identity; adding a member twice keeps two entries (callers add each once).
export class SlotList<T extends object> {
  private slots: (T | null)[] = [];
  /** Slots in use are all below this index (trailing free slots are not visited). */
  private end = 0;
  private count = 0;
  /** A free slot below `end` (or -1 when none is known). */
  private freeHint = -1;

  get size(): number {
    return this.count;
  }

  add(member: T): void {
    const slots = this.slots;
    let free = this.freeHint >= 0 && this.freeHint < this.end && slots[this.freeHint] === null ? this.freeHint : -1;
    // A hole below `end` is reused, so the array never outgrows the most members present at once.
    if (free < 0 && this.count < this.end) free = slots.indexOf(null);
    this.freeHint = -1;
    this.count++;
    if (free >= 0 && free < this.end) {
      slots[free] = member;
      return;
    }
    if (this.end < slots.length) slots[this.end++] = member;
    else {
      slots.push(member);
      this.end = slots.length;
    }
  }

  /** Removes `member`; false when it was not there. */
  delete(member: T): boolean {
    const slots = this.slots;
    for (let i = this.end - 1; i >= 0; i--) {
      if (slots[i] !== member) continue;
      slots[i] = null;
      this.count--;
      if (i === this.end - 1) {
        let e = i;
        while (e > 0 && slots[e - 1] === null) e--;
        this.end = e;
      } else this.freeHint = i;
      return true;
    }
    return false;
  }

  /**
   * Calls `fn` for each member present when its slot is reached: members removed during the walk are
   * skipped, members added during it may or may not be visited.
   */
  forEach(fn: (member: T) => void): void {
    const slots = this.slots;
    for (let i = 0; i < this.end; i++) {
      const m = slots[i];
      if (m !== null && m !== undefined) fn(m);
    }
  }

  /** The members, as a new array (for walks that remove members and must see each one once). */
  toArray(): T[] {
    const out: T[] = [];
    this.forEach((m) => out.push(m));
    return out;
  }

  clear(): void {
    this.slots = [];
    this.end = 0;
    this.count = 0;
    this.freeHint = -1;
  }
}
