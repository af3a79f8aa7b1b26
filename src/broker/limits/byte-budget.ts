// A count of bytes held against a capacity, optionally nested in a parent budget (a connection's
// budget inside the broker-wide one): every byte held by a child is held by its parent too.
//
// Three ways to take bytes, for the three kinds of holder in the network layer:
//   admit(n)         a request frame whose size is known and whose bytes have not arrived: taken when
//                    every level still has room (used < capacity), even if n then overshoots it, as
//                    Kafka's memory pool (queued.max.request.bytes) admits one request past the line.
//                    Without room nothing is taken and the caller stops reading until `onRelease`.
//                    One exception keeps every client alive when others have used up the broker-wide
//                    budget: a budget holding nothing may always admit one small frame (<= 64 KiB), so
//                    heartbeats, commits and metadata still flow; the overshoot is bounded by that
//                    size times the number of connections (max.connections).
//   takeUpTo(n)      a response the broker is about to build (a Fetch sized by its reservation): as
//                    many bytes as every level can spare, possibly 0; never waits, so no holder ever
//                    waits on another and budgets cannot deadlock.
//   force(n)         bytes that exist already (an encoded response, a batch larger than its fetch's
//                    reservation, KIP-74): always taken, so the count stays true.
//
// Invariant: used = sum of what holders took and have not released; used never exceeds capacity
// by more than the last admitted frame plus what force() added (both bounded by the caller).
/** A frame a budget holding nothing may always admit (see admit). */
export const SMALL_FRAME = 64 * 1024;

export class ByteBudget {
  private usedBytes = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    /** Capacity in bytes; Infinity for none. May be changed at run time (dynamic config). */
    public capacity: number,
    private readonly parent: ByteBudget | null = null,
  ) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Bytes every level can still spare (0 when any level is at or over its capacity). */
  get available(): number {
    const own = Math.max(0, this.capacity - this.usedBytes);
    return this.parent ? Math.min(own, this.parent.available) : own;
  }

  /** True when some level is at or over capacity. */
  get exhausted(): boolean {
    return this.usedBytes >= this.capacity || (this.parent?.exhausted ?? false);
  }

  /** Takes `n` when every level has room (may overshoot by `n`); false and nothing taken otherwise. */
  admit(n: number): boolean {
    const idleSmall = this.usedBytes === 0 && n <= SMALL_FRAME && this.capacity > 0;
    if (this.exhausted && !idleSmall) return false;
    this.add(n);
    return true;
  }

  /** Takes as much of `n` as every level can spare; returns what was taken (maybe 0). */
  takeUpTo(n: number): number {
    const granted = Math.max(0, Math.min(n, this.available));
    if (granted > 0) this.add(granted);
    return granted;
  }

  /** Takes `n` regardless of capacity. */
  force(n: number): void {
    if (n > 0) this.add(n);
  }

  /** Gives back `n` bytes taken earlier and tells waiting readers there may be room. */
  release(n: number): void {
    if (n <= 0) return;
    this.subtract(n);
  }

  /**
   * Calls `listener` after every release anywhere in the tree (listeners live at the root, so a
   * reader paused on a full connection budget and one paused on the full broker-wide budget both
   * hear of room); returns the unsubscribe. Only paused readers subscribe.
   */
  onRelease(listener: () => void): () => void {
    if (this.parent) return this.parent.onRelease(listener);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(n: number): void {
    this.usedBytes += n;
    this.parent?.add(n);
  }

  private subtract(n: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - n);
    if (this.parent) {
      this.parent.subtract(n);
      return;
    }
    if (this.listeners.size === 0) return;
    for (const l of [...this.listeners]) l();
  }
}
