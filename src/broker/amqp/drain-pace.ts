// Publisher flow control's measure of a queue: how many messages its consumers took lately.
//
// A queue holds its publishers (AmqpQueue.backlogOver, AmqpConnection.holdForBacklog) only while
// its consumers stream: they took at least FLOW_MIN_PACE messages within the last FLOW_DRAIN_MS
// (5,000 a second or more) and the ready backlog is over FLOW_BACKLOG. A publisher slightly faster
// than such consumers would otherwise turn publish-to-deliver latency into backlog; held, it goes
// at their pace (never under 5,000 a second) and the backlog stays short. Slower consumers hold
// nobody: a work queue whose workers take a few messages a second buffers everything its
// publishers send, at their speed, as RabbitMQ does. The rule before (hold above 1,000 ready
// messages whenever anything was delivered in the last second) paced a burst of 3,000 jobs to the
// workers' speed: a minute, against RabbitMQ's 0.2 s.

/** A queue holds publishers only above this many ready messages. */
export const FLOW_BACKLOG = 300;
/** The window the consumers' pace is measured over; a hold lasts at most this long. */
export const FLOW_DRAIN_MS = 100;
/** Consumers stream when they took at least this many messages within FLOW_DRAIN_MS. */
export const FLOW_MIN_PACE = 500;

const BUCKETS = 4;
const BUCKET_MS = FLOW_DRAIN_MS / BUCKETS;

/** Messages handed to consumers over the last FLOW_DRAIN_MS, counted in four buckets (so over 75–100 ms). */
export class DrainPace {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  /** Number of the bucket (now / BUCKET_MS) that counts[bucket % BUCKETS] is counting. */
  private bucket = 0;

  /** `n` messages were handed to consumers at `now` (ms). */
  took(n: number, now: number): void {
    this.advance(now);
    this.counts[this.bucket % BUCKETS]! += n;
  }

  /** Messages handed to consumers within the last FLOW_DRAIN_MS before `now`. */
  recent(now: number): number {
    this.advance(now);
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  /** Whether the consumers stream (took at least FLOW_MIN_PACE messages within FLOW_DRAIN_MS). */
  streaming(now: number): boolean {
    return this.recent(now) >= FLOW_MIN_PACE;
  }

  private advance(now: number): void {
    const b = Math.floor(now / BUCKET_MS);
    if (b <= this.bucket) return;
    // Buckets that time passed over start again from zero (all of them after a long quiet).
    for (let i = this.bucket + 1; i <= b && i <= this.bucket + BUCKETS; i++) this.counts[i % BUCKETS] = 0;
    this.bucket = b;
  }
}
