// controller_mutation_rate (KIP-599): partitions created or deleted per second, charged by CreateTopics,
// CreatePartitions and DeleteTopics, per (user, client id) like the other client quotas.
//
// Kafka measures it with a token bucket (TokenBucket, ControllerMutationQuotaManager), not a sampled
// rate: the bucket holds `rate x controller.quota.window.num x controller.quota.window.size.seconds`
// tokens (a burst of 11 s worth by default), refills at `rate` per second, starts full, and each
// topic takes as many tokens as partitions it creates or deletes. It may go below zero:
//
//   strict (CreateTopics v6+, DeleteTopics v5+, CreatePartitions v3+: versions that know
//   THROTTLING_QUOTA_EXCEEDED)   a topic is refused with that error while the bucket is below zero,
//                                else charged in full, however far below zero that takes it;
//   permissive (older versions)  every topic is charged and done; the response is throttled instead.
//
// The throttle time is how long the bucket needs to come back to zero: -tokens / rate, in ms. As in
// KRaft's ReplicationControlManager, a topic is charged once it has passed every other check, also
// for validateOnly requests.

/** Kafka's TokenBucket: `tokens` may go negative; refilled at `rate`/s up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(burst: number, now: number) {
    this.tokens = burst;
    this.lastMs = now;
  }

  /** Tokens left now (negative: owed). */
  measure(rate: number, burst: number, now: number): number {
    this.tokens = Math.min(burst, this.tokens + (rate * Math.max(0, now - this.lastMs)) / 1000);
    this.lastMs = Math.max(this.lastMs, now);
    return this.tokens;
  }

  take(value: number, rate: number, burst: number, now: number): void {
    this.tokens = Math.min(burst, this.measure(rate, burst, now) - value);
  }
}

/** One request's view of its quota (Kafka's ControllerMutationQuota). */
export interface MutationQuota {
  /** Charges `partitions` for one topic; false when a strict quota refuses the topic (THROTTLING_QUOTA_EXCEEDED). */
  record(partitions: number): boolean;
  /** The throttle time the response carries, in ms (0 within quota). */
  throttleTimeMs(): number;
}

/** No controller_mutation_rate applies: nothing is counted or refused. */
export const UNBOUNDED_MUTATIONS: MutationQuota = { record: () => true, throttleTimeMs: () => 0 };

export class BucketMutationQuota implements MutationQuota {
  private throttledUntil = 0;

  constructor(
    private readonly bucket: TokenBucket,
    private readonly rate: number,
    private readonly burst: number,
    private readonly strict: boolean,
    private readonly now: () => number,
  ) {}

  record(partitions: number): boolean {
    const now = this.now();
    if (this.strict) {
      // Kafka's checkQuotas before record: refused only while the bucket is already below zero.
      const tokens = this.bucket.measure(this.rate, this.burst, now);
      if (tokens < 0) {
        this.noteThrottle(tokens, now);
        return false;
      }
      this.bucket.take(partitions, this.rate, this.burst, now);
      return true;
    }
    this.bucket.take(partitions, this.rate, this.burst, now);
    const tokens = this.bucket.measure(this.rate, this.burst, now);
    if (tokens < 0) this.noteThrottle(tokens, now);
    return true;
  }

  throttleTimeMs(): number {
    return Math.max(0, Math.round(this.throttledUntil - this.now()));
  }

  private noteThrottle(tokens: number, now: number): void {
    this.throttledUntil = now + (-tokens / this.rate) * 1000;
  }
}
