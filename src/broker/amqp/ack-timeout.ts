// Delivery acknowledgement timeout (RabbitMQ's consumer_timeout, and the x-consumer-timeout queue
// argument of RabbitMQ 3.12+): a channel holding a delivery unacknowledged for longer than the
// timeout is closed with 406 PRECONDITION_FAILED "delivery acknowledgement on channel N timed out.
// Timeout value used: T ms. ..." -- closing the channel then returns every message it held to its
// queue, redelivered. As in rabbit_channel, only the channel's oldest outstanding delivery is
// checked (deliveries are timed from when they were sent, basic.get's included).
//
// Nothing here runs per delivery beyond storing a deadline: one unref'd timer per channel is armed
// for the oldest deadline when the first tracked delivery arrives and re-armed when it fires early.
import { Reply, type AmqpError } from './errors.js';

/** What the timer looks at: a delivery's deadline (Infinity: never times out) and its timeout. */
export interface TimedDelivery {
  readonly deadline: number;
  readonly timeoutMs: number;
}

export class AckTimeout {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly channelId: number,
    private readonly now: () => number,
    /** The channel's oldest outstanding delivery (undefined: none). */
    private readonly oldest: () => TimedDelivery | undefined,
    /** Closes the channel with the error. */
    private readonly expire: (e: AmqpError) => void,
  ) {}

  /** A delivery with this deadline was tracked: makes sure a check is due by then. */
  watch(deadline: number): void {
    if (this.timer !== null || this.stopped || deadline === Infinity) return;
    this.arm(deadline);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(deadline: number): void {
    // At most about 24.8 days per setTimeout; a later deadline is simply checked again then.
    const wait = Math.min(Math.max(0, deadline - this.now()), 0x7fffffff);
    this.timer = setTimeout(() => this.check(), wait);
    this.timer.unref();
  }

  private check(): void {
    this.timer = null;
    if (this.stopped) return;
    const u = this.oldest();
    if (!u || u.deadline === Infinity) return;
    if (u.deadline > this.now()) {
      this.arm(u.deadline);
      return;
    }
    this.stop();
    this.expire(
      Reply.preconditionFailed(
        `delivery acknowledgement on channel ${this.channelId} timed out. Timeout value used: ${u.timeoutMs} ms. This timeout value can be configured, see consumers doc guide to learn more`,
      ),
    );
  }
}
