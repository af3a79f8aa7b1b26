// Client quotas as Kafka enforces them (KIP-13 byte rates, KIP-124 request percentage, KIP-219
// throttling, KIP-612 connection creation rates), over the durable quotas of quota-store.ts:
//
//   producer_byte_rate     bytes of Produce requests per second
//   consumer_byte_rate     bytes of Fetch responses per second
//   request_percentage     time spent handling the client's requests, as a percentage of one thread
//                          over the window (Kafka's network and request handler threads' time; here the
//                          event loop's time decoding, in the handler's synchronous part, and encoding)
//   controller_mutation_rate  partitions created or deleted per second (KIP-599: a token bucket,
//                          controller-mutation-quota.ts)
//   connection_creation_rate  new connections per second from one IP (ip entity), and
//                          max.connection.creation.rate for the whole broker
//
// Each quota is measured with a SampledRate per sharing group (quota-model.ts: a named entity is shared
// by everyone it names, a <default> one per user or client id). A request over its quota is still
// served; its answer carries throttle_time_ms, and the connection reads nothing more for that long
// (KIP-219: the client also backs off), so the client's average comes back to the quota.
// With no quota stored and no broker-wide rate set, `active` is false and the request path pays one branch.
import type { BrokerConfig } from '../config/broker-config.js';
import { normaliseAddress } from '../config/connection-overrides.js';
import { entityKey, IP, precedence } from './quota-model.js';
import type { QuotaStore } from './quota-store.js';
import { SampledRate } from './sampled-rate.js';
import { BucketMutationQuota, TokenBucket, UNBOUNDED_MUTATIONS, type MutationQuota } from './controller-mutation-quota.js';

export type ClientQuotaKey = 'producer_byte_rate' | 'consumer_byte_rate' | 'request_percentage';

interface Resolved {
  bound: number;
  tags: string;
}

/** Sensors idle this long (in windows) are dropped, as Kafka expires quota sensors. */
const IDLE_WINDOWS = 60;
const SWEEP_EVERY = 4096;
const NANOS_TO_PERCENT_SECONDS = 100 / 1e9;

export class ClientQuotas {
  private readonly sensors = new Map<string, { rate: SampledRate; used: number }>();
  private readonly buckets = new Map<string, { bucket: TokenBucket; used: number }>();
  private resolved = new Map<string, Resolved | null>();
  private resolvedVersion = -1;
  private recordings = 0;
  private brokerConnections: SampledRate | null = null;

  constructor(
    private readonly store: QuotaStore,
    private readonly config: BrokerConfig,
  ) {}

  /** Whether any client quota is stored (the request path checks this first). */
  get active(): boolean {
    return this.store.size > 0;
  }

  private get samples(): number {
    return this.config.getNumber('quota.window.num');
  }

  private get windowMs(): number {
    return this.config.getNumber('quota.window.size.seconds') * 1000;
  }

  /** The quota governing (user, clientId) for `key`, or null when none applies. */
  resolve(user: string, clientId: string, key: ClientQuotaKey | 'controller_mutation_rate'): Resolved | null {
    if (this.resolvedVersion !== this.store.version) {
      this.resolved = new Map();
      this.resolvedVersion = this.store.version;
    }
    const cacheKey = `${key}\u0001${user}\u0001${clientId}`;
    let r = this.resolved.get(cacheKey);
    if (r === undefined) {
      r = null;
      for (const level of precedence(user, clientId)) {
        const bound = this.store.get(level.entity)?.get(key);
        if (bound !== undefined) {
          r = { bound, tags: level.tags };
          break;
        }
      }
      if (this.resolved.size > 100_000) this.resolved.clear();
      this.resolved.set(cacheKey, r);
    }
    return r;
  }

  /**
   * Records `value` against the quota of (user, clientId) for `key` and answers the throttle time in
   * ms (0 within quota). `value` is bytes for the byte rates and nanoseconds for request_percentage.
   */
  record(user: string, clientId: string, key: ClientQuotaKey, value: number, now: number): number {
    const q = this.resolve(user, clientId, key);
    if (q === null) return 0;
    const rate = this.sensor(`${key}\u0001${q.tags}`, now);
    rate.record(key === 'request_percentage' ? value * NANOS_TO_PERCENT_SECONDS : value, now);
    return rate.throttleMs(q.bound, now);
  }

  /** Records as record() does, without working out a throttle time (Kafka's recordNoThrottle). */
  recordNoThrottle(user: string, clientId: string, key: ClientQuotaKey, value: number, now: number): void {
    const q = this.resolve(user, clientId, key);
    if (q === null) return;
    this.sensor(`${key}\u0001${q.tags}`, now).record(key === 'request_percentage' ? value * NANOS_TO_PERCENT_SECONDS : value, now);
  }

  /** Takes back a value record() counted (Kafka unrecords a Fetch it answers empty because of a quota). */
  unrecord(user: string, clientId: string, key: ClientQuotaKey, value: number, now: number): void {
    const q = this.resolve(user, clientId, key);
    if (q === null) return;
    this.sensor(`${key}\u0001${q.tags}`, now).record(-(key === 'request_percentage' ? value * NANOS_TO_PERCENT_SECONDS : value), now);
  }

  /**
   * The controller_mutation_rate quota of (user, clientId) for one CreateTopics / CreatePartitions /
   * DeleteTopics request: strict for the versions that can answer THROTTLING_QUOTA_EXCEEDED.
   */
  mutationQuota(user: string, clientId: string, strict: boolean, now: () => number): MutationQuota {
    const q = this.resolve(user, clientId, 'controller_mutation_rate');
    if (q === null || q.bound <= 0) return UNBOUNDED_MUTATIONS;
    const burst = q.bound * this.config.getNumber('controller.quota.window.num') * this.config.getNumber('controller.quota.window.size.seconds');
    const key = `controller_mutation_rate\u0001${q.tags}`;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { bucket: new TokenBucket(burst, now()), used: now() };
      this.buckets.set(key, b);
    }
    b.used = now();
    return new BucketMutationQuota(b.bucket, q.bound, burst, strict, now);
  }

  /**
   * Counts a new connection from `address` against connection_creation_rate (ip entity: the address,
   * else the <default> ip) and max.connection.creation.rate; returns why it must be closed, or null.
   * A refused connection is not counted, so a client retrying in a loop gets in at the quota's rate.
   */
  admitConnection(address: string, now: number): string | null {
    const brokerMax = this.config.getNumber('max.connection.creation.rate');
    if (brokerMax < 2147483647) {
      this.brokerConnections ??= new SampledRate(this.samples, this.windowMs, now);
      if (this.wouldExceed(this.brokerConnections, brokerMax, now)) {
        return `the broker's connection creation rate is over max.connection.creation.rate=${brokerMax}`;
      }
    }
    let ipLimit: number | undefined;
    let tag = '';
    if (this.active) {
      const ip = normaliseAddress(address);
      ipLimit = this.store.get(entityKey(new Map([[IP, ip]])))?.get('connection_creation_rate');
      tag = ip;
      if (ipLimit === undefined) ipLimit = this.store.get(entityKey(new Map([[IP, null]])))?.get('connection_creation_rate');
    }
    if (ipLimit !== undefined) {
      const rate = this.sensor(`connection_creation_rate\u0001${tag}`, now);
      if (this.wouldExceed(rate, ipLimit, now)) return `${tag} is over its connection_creation_rate quota of ${ipLimit}/s`;
      rate.record(1, now);
    }
    this.brokerConnections?.record(1, now);
    return null;
  }

  /** Whether one more event now would put `rate` over `bound` (Kafka records, then unrecords on violation). */
  private wouldExceed(rate: SampledRate, bound: number, now: number): boolean {
    rate.record(1, now);
    const over = rate.measure(now) > bound;
    rate.record(-1, now);
    return over;
  }

  private sensor(key: string, now: number): SampledRate {
    let s = this.sensors.get(key);
    if (s === undefined) {
      s = { rate: new SampledRate(this.samples, this.windowMs, now), used: now };
      this.sensors.set(key, s);
    }
    s.used = now;
    if (++this.recordings % SWEEP_EVERY === 0) this.sweep(now);
    return s.rate;
  }

  private sweep(now: number): void {
    const idle = IDLE_WINDOWS * this.windowMs;
    for (const [k, s] of this.sensors) if (now - s.used > idle) this.sensors.delete(k);
    for (const [k, b] of this.buckets) if (now - b.used > idle) this.buckets.delete(k);
  }
}
