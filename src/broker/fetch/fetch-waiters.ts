// Long-poll support for Fetch (Kafka's DelayedFetch purgatory): a fetch that has not gathered
// minBytes parks on the partitions it reads and is woken by their append listeners (which fire when
// the high watermark advances or the partition goes offline). Its wait is bounded by maxWaitMs; nothing
// polls.
//
// Deadlines share one timer, armed for the earliest deadline parked when it was armed. A consumer that
// keeps up parks and is woken by an append for about every produce request (~800 a second in the
// latency bench), nearly always long before its deadline: a timer per park was a setTimeout and a
// clearTimeout (a Timeout object and two timer-list updates) per fetch for a timer that never fired.
// Now a park only compares its deadline with the armed one (later parks with the same max_wait_ms
// have later deadlines), and a wake does nothing to the timer. When the timer fires it times out every
// park whose deadline has come and re-arms for the earliest left, so it fires about once per
// max_wait_ms while fetches keep parking, however many there are.
//
// Lost-wakeup rule: the caller passes the high watermark it saw when it read each partition; if any
// has moved by the time the waiter is registered, it returns at once instead of sleeping through an
// append that landed between the read and the park.
//
// Cancellation: the fetch's connection aborts `signal` when it closes; its parks are released at once
// ('cancelled': timer cleared, listeners removed) and the handler answers nothing anyone will read.
import type { PartitionLog } from '../../storage/index.js';
import { SlotList } from '../../util/slot-list.js';
import type { BrokerService, ServiceDeps } from '../service.js';

export interface WatchedPartition {
  log: PartitionLog;
  /** The high watermark the fetch saw when it read this partition. */
  seenHighWatermark: number;
}

export type WakeReason = 'appended' | 'timeout' | 'closed' | 'cancelled';

/**
 * One parked fetch: what it watches and how to end its wait. A class, so a park costs one object, one
 * listener closure, a timer and the promise the handler awaits.
 */
class Parked {
  /** When the wait ends without an append (performance.now() time); set once parked. */
  deadline = 0;
  /** The append listener it leaves on each watched partition. */
  readonly onAppend = (): void => this.wake('appended');

  constructor(
    private readonly owner: FetchWaiters,
    private readonly partitions: readonly WatchedPartition[],
    readonly signal: AbortSignal | undefined,
    private readonly resolve: (reason: WakeReason) => void,
  ) {}

  wake(reason: WakeReason): void {
    if (!this.owner.unpark(this)) return;
    for (const p of this.partitions) p.log.removeAppendListener(this.onAppend);
    this.resolve(reason);
  }
}

export class FetchWaiters implements BrokerService {
  // Slot lists, not Sets: a park and a wake for about every produce request when consumers keep up
  // (util/slot-list.ts says why that matters to the garbage collector).
  private readonly parked = new SlotList<Parked>();
  /**
   * The parks of each connection (its abort signal). A connection's signal gets one abort listener
   * for its lifetime, not one per park: adding and removing the only listener of a type adds and
   * deletes an entry of the signal's listener map every time.
   */
  private readonly bySignal = new WeakMap<AbortSignal, SlotList<Parked>>();
  private closed = false;
  /** The one deadline timer (null when not armed) and when it fires (performance.now() time). */
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;

  constructor(readonly deps: ServiceDeps) {}

  async start(): Promise<void> {}

  /** Wakes every parked fetch (they answer with what they have) and refuses new parks. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.parked.toArray()) p.wake('closed');
  }

  /** Fetches parked right now (for tests and metrics). */
  get size(): number {
    return this.parked.size;
  }

  /** Resolves when one of `partitions` advances its high watermark, after `maxWaitMs`, or when `signal` aborts. */
  wait(partitions: readonly WatchedPartition[], maxWaitMs: number, signal?: AbortSignal): Promise<WakeReason> {
    if (this.closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('cancelled');
    if (maxWaitMs <= 0) return Promise.resolve('timeout');
    return new Promise<WakeReason>((resolve) => {
      const parked = new Parked(this, partitions, signal, resolve);
      this.parked.add(parked);
      if (signal) this.parksOf(signal).add(parked);
      for (const p of partitions) p.log.addAppendListener(parked.onAppend);
      for (const p of partitions) {
        if (p.log.highWatermark !== p.seenHighWatermark || p.log.isOffline) {
          parked.wake('appended');
          return;
        }
      }
      parked.deadline = performance.now() + maxWaitMs;
      if (this.timer === null || parked.deadline < this.timerAt) this.arm(parked.deadline);
    });
  }

  /** (Re-)arms the deadline timer to fire at `at`. */
  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(at - performance.now())));
  }

  /** Times out the parks whose deadline has come, and re-arms for the earliest one left. */
  private readonly onTimer = (): void => {
    this.timer = null;
    // Node's timers run on the event loop's millisecond clock, which can be up to a millisecond behind
    // performance.now(): a park due within that counts as due, rather than costing another timer.
    const now = performance.now() + 1;
    const due: Parked[] = [];
    let next = Infinity;
    this.parked.forEach((p) => {
      if (p.deadline <= now) due.push(p);
      else if (p.deadline < next) next = p.deadline;
    });
    if (next !== Infinity) this.arm(next);
    for (const p of due) p.wake('timeout');
  };

  /** Forgets `parked`; false when it was not parked (already woken). */
  unpark(parked: Parked): boolean {
    if (!this.parked.delete(parked)) return false;
    if (parked.signal) this.bySignal.get(parked.signal)?.delete(parked);
    return true;
  }

  private parksOf(signal: AbortSignal): SlotList<Parked> {
    let parks = this.bySignal.get(signal);
    if (!parks) {
      const list = (parks = new SlotList<Parked>());
      this.bySignal.set(signal, list);
      signal.addEventListener('abort', () => {
        for (const p of list.toArray()) p.wake('cancelled');
      }, { once: true });
    }
    return parks;
  }
}
