// Long poll of a ShareFetch that acquired nothing (Kafka's DelayedShareFetch): it parks on its
// share-partitions until one of them could hand out records -- its log advanced (an append, or the
// partition going offline), or records became available again (released, lock expired, start
// offset moved) -- or until max_wait_ms, or until the connection closes. One timer per parked
// fetch, listeners on the logs and share-partitions it reads; nothing polls.
//
// Lost-wakeup rule: the caller passes the high watermark and share-partition version it saw; a
// change since then wakes the fetch at once instead of sleeping through an event before it parked.
import type { PartitionLog } from '../../../storage/index.js';
import type { QueueEngine, ShareSlot } from '../../queues/index.js';

export type ShareWakeReason = 'changed' | 'timeout' | 'cancelled';

export function waitForShareData(
  engine: QueueEngine,
  watched: readonly { log: PartitionLog; seenHighWatermark: number; slot: ShareSlot; seenVersion: number }[],
  maxWaitMs: number,
  signal: AbortSignal,
): Promise<ShareWakeReason> {
  if (signal.aborted) return Promise.resolve('cancelled');
  if (maxWaitMs <= 0) return Promise.resolve('timeout');
  return new Promise((resolve) => {
    const unsubscribe: (() => void)[] = [];
    let done = false;
    const finish = (reason: ShareWakeReason): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const u of unsubscribe) u();
      signal.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = (): void => finish('cancelled');
    const timer = setTimeout(() => finish('timeout'), maxWaitMs);
    signal.addEventListener('abort', onAbort, { once: true });
    for (const w of watched) {
      unsubscribe.push(w.log.addAppendListener(() => finish('changed')));
      unsubscribe.push(engine.subscribe(w.slot, () => finish('changed')));
    }
    if (watched.some((w) => w.log.highWatermark !== w.seenHighWatermark || w.log.isOffline || w.slot.version !== w.seenVersion)) finish('changed');
  });
}
