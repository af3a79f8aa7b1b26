// Publisher confirms (RabbitMQ's confirm.select extension): after confirm.select every publish on
// the channel gets a sequence number from 1; the broker answers each with basic.ack once the
// message is safe (routed nowhere; or written to every queue it was routed to, fdatasynced when
// persistent and the queue durable unless a consumer acknowledged it first: unsynced-publishes.ts)
// or basic.nack when a queue refused it (x-overflow reject-publish) or its write failed. Acks are coalesced: when the lowest outstanding number
// settles, one basic.ack with multiple=true covers every settled number up to the next outstanding
// one; a nack is sent at once for its number alone.

export class ConfirmTracker {
  private next = 1;
  /** Outstanding sequence numbers in order, with whether they settled. */
  private readonly outstanding = new Map<number, boolean>();
  /** The highest number acked so far. */
  private acked = 0;

  constructor(private readonly send: (kind: 'ack' | 'nack', tag: number, multiple: boolean) => void) {}

  /** Numbers the next publish. */
  take(): number {
    const n = this.next++;
    this.outstanding.set(n, false);
    return n;
  }

  ack(n: number): void {
    if (!this.outstanding.has(n)) return;
    this.outstanding.set(n, true);
    this.scheduleDrain();
  }

  nack(n: number): void {
    if (!this.outstanding.has(n)) return;
    this.outstanding.delete(n);
    this.send('nack', n, false);
    this.scheduleDrain();
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
    // Settled numbers at the front leave the map as they are passed (a Map tolerates deletion
    // while iterating), so each number is visited once however many are outstanding.
    for (const [n, done] of this.outstanding) {
      if (!done) break;
      upTo = n;
      count++;
      this.outstanding.delete(n);
    }
    if (count === 0) return;
    // multiple=true acks every unacked number <= upTo (nacked ones are already settled client-side).
    this.send('ack', upTo, count > 1 || upTo - this.acked > 1);
    this.acked = upTo;
  }

  get pending(): number {
    return this.outstanding.size;
  }
}
