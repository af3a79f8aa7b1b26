// Which of a queue's consumers gets the next delivery turn (RabbitMQ's rabbit_queue_consumers):
//
// - Consumer priorities (basic.consume argument x-priority, default 0): deliveries go to the
//   highest-priority consumers that can take one (credit under basic.qos, channel not flow-paused);
//   lower ones get messages only while every higher one is blocked. Equal priorities take turns
//   (round robin), which is all there is when nobody set a priority.
// - Single active consumer (queue argument x-single-active-consumer=true): one consumer receives;
//   the others wait. The active one is the highest-priority consumer, the earliest registered among
//   equals; when it is cancelled or its channel closes, the next takes over (registration order).
//   A consumer registering later with a higher priority takes over once the active one has no
//   unacknowledged deliveries left (nothing new is delivered meanwhile), as RabbitMQ 3.12+ does,
//   so the queue never has two consumers holding messages at once.

/** What the choice looks at (queue.ts's QueueConsumer has it; kept here so the two do not import each other). */
export interface OrderedConsumer {
  /** basic.consume x-priority (0 without). */
  readonly priority: number;
  /** Deliveries it holds unacknowledged. */
  readonly unacked: number;
  live(): boolean;
  credit(): number;
}

export class ConsumerOrder<QueueConsumer extends OrderedConsumer> {
  private rr = 0;
  private active: QueueConsumer | null = null;
  /** Whether any consumer ever set a priority (else the cheap round robin is exact). */
  private prioritized = false;

  constructor(private readonly single: boolean) {}

  added(c: QueueConsumer): void {
    if (c.priority !== 0) this.prioritized = true;
  }

  /** The single active consumer now, if any (for inspection and tests). */
  get activeConsumer(): QueueConsumer | null {
    return this.active;
  }

  /** The consumer to serve next among `consumers` (registration order), or null when none can take a message. */
  next(consumers: readonly QueueConsumer[]): QueueConsumer | null {
    if (this.single) return this.nextSingle(consumers);
    const n = consumers.length;
    let best: QueueConsumer | null = null;
    let bestK = 0;
    for (let k = 0; k < n; k++) {
      const c = consumers[(this.rr + k) % n]!;
      if (!c.live() || c.credit() <= 0) continue;
      if (!this.prioritized) {
        best = c;
        bestK = k;
        break;
      }
      if (best === null || c.priority > best.priority) {
        best = c;
        bestK = k;
      }
    }
    if (best) this.rr = (this.rr + bestK + 1) % n;
    return best;
  }

  private nextSingle(consumers: readonly QueueConsumer[]): QueueConsumer | null {
    let candidate: QueueConsumer | null = null;
    for (const c of consumers) if (candidate === null || c.priority > candidate.priority) candidate = c;
    if (candidate === null) {
      this.active = null;
      return null;
    }
    if (candidate !== this.active) {
      const current = this.active;
      // A higher-priority newcomer waits until the active consumer has settled what it holds.
      if (current && consumers.includes(current) && current.unacked > 0) return null;
      this.active = candidate;
    }
    const a = this.active!;
    return a.live() && a.credit() > 0 ? a : null;
  }
}
