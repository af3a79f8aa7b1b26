// Long-poll support for Fetch (Kafka's DelayedFetch purgatory): a fetch that has not gathered
// minBytes parks on the partitions it reads and is woken by their append listeners (which fire when
// the high watermark advances or the partition goes offline). One timer per parked fetch bounds the
// wait by maxWaitMs; nothing polls.
//
// Lost-wakeup rule: the caller passes the high watermark it saw when it read each partition; if any
// has moved by the time the waiter is registered, it returns at once instead of sleeping through an
// append that landed between the read and the park.
//
// Cancellation: the fetch's connection aborts `signal` when it closes; the park is released at once
// ('cancelled': timer cleared, listeners removed) and the handler answers nothing anyone will read.
import type { PartitionLog } from '../../storage/index.js';
import type { BrokerService, ServiceDeps } from '../service.js';

export interface WatchedPartition {
  log: PartitionLog;
  /** The high watermark the fetch saw when it read this partition. */
  seenHighWatermark: number;
}

export type WakeReason = 'appended' | 'timeout' | 'closed' | 'cancelled';

interface Parked {
  wake(reason: WakeReason): void;
}

export class FetchWaiters implements BrokerService {
  private readonly parked = new Set<Parked>();
  private closed = false;

  constructor(readonly deps: ServiceDeps) {}

  async start(): Promise<void> {}

  /** Wakes every parked fetch (they answer with what they have) and refuses new parks. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of [...this.parked]) p.wake('closed');
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
      let timer: NodeJS.Timeout | null = null;
      const onAbort = (): void => parked.wake('cancelled');
      // One listener for every partition: a park is made for every long poll (about one per produce
      // request when consumers keep up), so it allocates as little as it can.
      const onAppend = (): void => parked.wake('appended');
      const parked: Parked = {
        wake: (reason) => {
          if (!this.parked.delete(parked)) return;
          if (timer) clearTimeout(timer);
          for (const p of partitions) p.log.removeAppendListener(onAppend);
          signal?.removeEventListener('abort', onAbort);
          resolve(reason);
        },
      };
      this.parked.add(parked);
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const p of partitions) p.log.addAppendListener(onAppend);
      if (partitions.some((p) => p.log.highWatermark !== p.seenHighWatermark || p.log.isOffline)) {
        parked.wake('appended');
        return;
      }
      timer = setTimeout(() => parked.wake('timeout'), maxWaitMs);
    });
  }
}
