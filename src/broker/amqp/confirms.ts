// Publisher confirms (RabbitMQ's confirm.select extension): after confirm.select every publish on
// the channel gets a sequence number from 1; the broker answers each with basic.ack once the
// message is safe (routed nowhere; or written to every queue it was routed to, fdatasynced when
// persistent and the queue durable unless a consumer acknowledged it first: unsynced-publishes.ts)
// or basic.nack when a queue refused it (x-overflow reject-publish) or its write failed. Acks are coalesced: when the lowest outstanding number
// settles, one basic.ack with multiple=true covers every settled number up to the next outstanding
// one; a nack is sent at once for its number alone.

const PENDING = 0;
const ACKED = 1;
const NACKED = 2;

export class ConfirmTracker {
  private next = 1;
  /**
   * The state of every number from `head` (the lowest not yet passed by a drain) to next - 1, in a
   * ring (capacity a power of two, grown when full): numbers are taken in order and leave from the
   * front, so no per-message map entry is made or deleted.
   */
  private states = new Uint8Array(256);
  private head = 1;
  /** Outstanding numbers (taken, not nacked, not yet acked to the client). */
  private outstanding = 0;
  /** The highest number acked so far. */
  private acked = 0;

  constructor(private readonly send: (kind: 'ack' | 'nack', tag: number, multiple: boolean) => void) {}

  /** Numbers the next publish. */
  take(): number {
    const n = this.next++;
    if (n - this.head >= this.states.length) this.grow();
    this.states[n & (this.states.length - 1)] = PENDING;
    this.outstanding++;
    return n;
  }

  ack(n: number): void {
    if (this.stateOf(n) !== PENDING) return;
    this.states[n & (this.states.length - 1)] = ACKED;
    this.scheduleDrain();
  }

  nack(n: number): void {
    const state = this.stateOf(n);
    if (state !== PENDING && state !== ACKED) return;
    this.states[n & (this.states.length - 1)] = NACKED;
    this.outstanding--;
    this.send('nack', n, false);
    this.scheduleDrain();
  }

  /** The state of an outstanding number, or -1 when it is not one (never taken, or passed). */
  private stateOf(n: number): number {
    return n >= this.head && n < this.next ? this.states[n & (this.states.length - 1)]! : -1;
  }

  private grow(): void {
    const old = this.states;
    const states = new Uint8Array(old.length * 2);
    for (let n = this.head; n < this.next; n++) states[n & (states.length - 1)] = old[n & (old.length - 1)]!;
    this.states = states;
  }

  private drainScheduled = false;

  /** Settlements of one event-loop turn (one append's worth) become one basic.ack multiple. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    let upTo = 0;
    let count = 0;
    const mask = this.states.length - 1;
    // Settled numbers at the front are passed; nacked ones were answered already and only skipped.
    while (this.head < this.next) {
      const state = this.states[this.head & mask]!;
      if (state === PENDING) break;
      if (state === ACKED) {
        upTo = this.head;
        count++;
      }
      this.head++;
    }
    if (count === 0) return;
    this.outstanding -= count;
    // multiple=true acks every unacked number <= upTo (nacked ones are already settled client-side).
    this.send('ack', upTo, count > 1 || upTo - this.acked > 1);
    this.acked = upTo;
  }

  get pending(): number {
    return this.outstanding;
  }
}
