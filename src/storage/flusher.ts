// Group commit for one partition. Durable appends wait here; one sync round covers everything
// written before it started, then releases every waiter it covers at once. Rounds never overlap:
// a request arriving during a round schedules exactly one more round after it.
//
// A failed round is final: the error is kept, every waiter (current and future) is rejected, and
// no further round runs. Retrying an fsync after EIO would report data safe that the kernel may
// already have dropped (PostgreSQL's fsyncgate, 2018), so the partition goes offline instead.

/**
 * Something waiting for every offset below `flushOffset` to be durable. A durable append is its own
 * waiter (append-turn.ts): no promise, closure or record per append beyond the one its caller awaits.
 */
export interface FlushWaiter {
  readonly flushOffset: number;
  flushed(): void;
  flushFailed(e: Error): void;
}

export class Flusher {
  /** In offset order: appends enqueue as they are written, and offsets only grow. */
  private waiters: FlushWaiter[] = [];
  private running = false;
  private again = false;
  private failure: Error | null = null;
  /** Rounds completed (tests and the bench read it to see group commit at work). */
  rounds = 0;

  constructor(
    /** Syncs everything written so far; resolves to the offset now durable. */
    private readonly syncRound: () => Promise<number>,
    /** Offset below which everything is durable. */
    public flushedOffset: number,
    private readonly onFlushed: (offset: number) => void,
    private readonly onFailure: (e: Error) => void,
  ) {}

  get failed(): Error | null {
    return this.failure;
  }

  /** Resolves once every offset below `offset` is durable; starts a round if none is running. */
  waitFor(offset: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (offset <= this.flushedOffset) return Promise.resolve();
    return new Promise((resolve, reject) => this.enqueue({ flushOffset: offset, flushed: resolve, flushFailed: reject }));
  }

  /** `waitFor` without a promise: `w` hears once every offset below its flushOffset is durable. */
  enqueue(w: FlushWaiter): void {
    if (this.failure) return w.flushFailed(this.failure);
    if (w.flushOffset <= this.flushedOffset) return w.flushed();
    this.waiters.push(w);
    this.request();
  }

  /** Asks for a round soon (background flush); coalesces with a running one. */
  request(): void {
    if (this.failure) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  /** Fails the flusher from outside (the partition went offline for another reason). */
  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.flushFailed(e);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      let offset: number;
      try {
        offset = await this.syncRound();
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        this.running = false;
        this.onFailure(err); // the owner maps the error and calls fail() with it
        this.fail(err);
        return;
      }
      this.rounds++;
      if (offset > this.flushedOffset) this.flushedOffset = offset;
      let i = 0;
      while (i < this.waiters.length && this.waiters[i]!.flushOffset <= this.flushedOffset) i++;
      const done = i > 0 ? this.waiters.splice(0, i) : [];
      this.onFlushed(this.flushedOffset);
      for (const w of done) w.flushed();
    } while (this.again && !this.failure);
    this.running = false;
  }
}

/** Wraps a sync round so `observe` hears its duration in ms (the fsync latency metric); unchanged without one. */
export function timedSyncRound(round: () => Promise<number>, observe: ((ms: number) => void) | undefined): () => Promise<number> {
  if (!observe) return round;
  return async () => {
    const started = performance.now();
    try {
      return await round();
    } finally {
      observe(performance.now() - started);
    }
  };
}
