// Group commit for one partition. Durable appends wait here; one sync round covers everything
// written before it took its work (the `taken` call), then releases every waiter it covers at once.
// Rounds run one after another: a write landing while a round is in its fdatasync waits for that
// round to end and then for the next one. Overlapping rounds were built and measured: on ext4 a
// second fdatasync of the same file started during the first did not finish sooner, so they added
// bookkeeping and no speed (docs/performance.md, "Overlapping sync rounds"). A request that arrives
// before the running round took its work is covered by that round and starts nothing.
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
  /** A round started but has not taken its work yet: requests until then are covered by it. */
  private starting = false;
  private again = false;
  private idleWaiters: (() => void)[] = [];
  private failure: Error | null = null;
  /** Rounds completed (tests and the bench read it to see group commit at work). */
  rounds = 0;

  constructor(
    /**
     * Syncs everything written before it calls `taken` (which it calls once, before its first
     * sync); resolves to the offset now durable (anything not above the current one: nothing new).
     */
    private readonly syncRound: (taken: () => void) => Promise<number>,
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

  /** Asks for a round soon (background flush); coalesces with a round that has not taken its work. */
  request(): void {
    if (this.failure || this.starting) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  /** Resolves once no round is running (close waits for it before closing the files). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails the flusher from outside (the partition went offline for another reason). */
  fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.flushFailed(e);
  }

  private readonly taken = (): void => {
    this.starting = false;
  };

  private async run(): Promise<void> {
    this.running = true;
    this.starting = true;
    this.again = false;
    let offset: number;
    try {
      offset = await this.syncRound(this.taken);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.starting = false;
      this.finished();
      this.onFailure(err); // the owner maps the error and calls fail() with it
      this.fail(err);
      return;
    }
    this.rounds++;
    this.finished();
    if (offset > this.flushedOffset) {
      this.flushedOffset = offset;
      let i = 0;
      while (i < this.waiters.length && this.waiters[i]!.flushOffset <= this.flushedOffset) i++;
      const done = i > 0 ? this.waiters.splice(0, i) : [];
      this.onFlushed(this.flushedOffset);
      for (const w of done) w.flushed();
    }
    if (this.again && !this.failure) void this.run();
  }

  private finished(): void {
    this.running = false;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }
}

/** Wraps a sync round so `observe` hears its duration in ms (the fsync latency metric); unchanged without one. */
export function timedSyncRound(round: (taken: () => void) => Promise<number>, observe: ((ms: number) => void) | undefined): (taken: () => void) => Promise<number> {
  if (!observe) return round;
  return async (taken) => {
    const started = performance.now();
    try {
      return await round(taken);
    } finally {
      observe(performance.now() - started);
    }
  };
}
