// One timer for every acquisition lock of the engine: armed for the earliest deadline among the
// share-partitions that hold locks, it expires the due ones and re-arms itself. Nothing polls;
// a share-partition with no locks costs nothing. The clock and the timer functions are injectable
// so tests drive time themselves.

export interface TimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: TimerFunctions = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class LockTimer<T> {
  private readonly deadlines = new Map<T, number>();
  private handle: unknown = null;
  private armedAt = Infinity;
  private closed = false;

  constructor(
    private readonly now: () => number,
    private readonly timers: TimerFunctions,
    /** Called with every holder whose deadline passed; returns its next deadline (Infinity: none). */
    private readonly expire: (holder: T, now: number) => number,
  ) {}

  /** Records `holder`'s earliest deadline (Infinity: it holds no lock) and re-arms if it is sooner. */
  update(holder: T, deadline: number): void {
    if (this.closed) return;
    if (deadline === Infinity) this.deadlines.delete(holder);
    else this.deadlines.set(holder, deadline);
    if (deadline < this.armedAt) this.arm(deadline);
  }

  forget(holder: T): void {
    this.deadlines.delete(holder);
  }

  close(): void {
    this.closed = true;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
    this.deadlines.clear();
  }

  private arm(at: number): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.armedAt = at;
    this.handle = this.timers.setTimeout(() => this.fire(), Math.max(0, at - this.now()));
  }

  /** Expires every due holder now (the timer calls this; tests may too). */
  fire(): void {
    this.handle = null;
    this.armedAt = Infinity;
    if (this.closed) return;
    const now = this.now();
    let next = Infinity;
    for (const [holder, deadline] of [...this.deadlines]) {
      let d = deadline;
      if (deadline <= now) {
        d = this.expire(holder, now);
        if (d === Infinity) this.deadlines.delete(holder);
        else this.deadlines.set(holder, d);
      }
      if (d < next) next = d;
    }
    if (next !== Infinity) this.arm(next);
  }
}
