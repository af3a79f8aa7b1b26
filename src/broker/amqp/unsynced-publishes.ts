// Persistent messages of a durable queue that are written to its log but not yet fdatasynced, by
// offset, so that a consumer's acknowledgement can settle them first. RabbitMQ's rule since its
// "Introducing Publisher Confirms" announcement (2011): a persistent message is confirmed once it
// is on disk *or* once it has been consumed on every queue it went to. Here "consumed" is a
// basic.ack (or a no-ack delivery); rejects, purges and expiry, which RabbitMQ also counts, still
// wait for the sync.
//
// Why that keeps a confirm's promise: the confirm says the broker took responsibility for the
// message. One that a consumer has received and acknowledged has been handed on, and its
// acknowledgement is in the queue's state log before it counts here (AmqpQueue.settle calls
// `consumed` only once the engine wrote it), so after a kill -9 (the page cache survives) the
// message is neither lost nor delivered again. After a power failure before the sync it may be
// gone from the log, which is what the consumer's acknowledgement allowed. Nothing on disk changes:
// the sync still runs; only the confirm no longer waits for it. A message that is written and not
// yet acknowledged still waits for the fdatasync.
//
// Offsets come from the log itself (AppendOptions.onWritten), never predicted, so an
// acknowledgement settles exactly the message at that offset.

/** A publish waiting for its queue: `settle` runs at most once (UnsyncedPublishes or the sync). */
export interface UnsyncedPublish {
  settled: boolean;
  settle(): void;
}

interface WrittenGroup {
  /** Offset of items[0]; items[i] is at base + i. */
  base: number;
  items: readonly UnsyncedPublish[];
}

export class UnsyncedPublishes {
  /** In offset order (appends are written in order); few: one per append awaiting its sync. */
  private groups: WrittenGroup[] = [];

  /** A durable append's messages are written at base.. (in order), and wait for their sync. */
  written(base: number, items: readonly UnsyncedPublish[]): void {
    this.groups.push({ base, items });
  }

  /** The append starting at `base` is synced (or failed): it is no longer tracked here. */
  synced(base: number): void {
    const i = this.groups.findIndex((g) => g.base === base);
    if (i >= 0) this.groups.splice(i, 1);
  }

  /** Settles the tracked messages at these offsets (sorted ascending): consumers acknowledged them. */
  consumed(offsets: readonly number[]): void {
    if (this.groups.length === 0 || offsets.length === 0) return;
    let k = 0;
    for (const g of this.groups) {
      const end = g.base + g.items.length;
      while (k < offsets.length && offsets[k]! < g.base) k++;
      for (; k < offsets.length && offsets[k]! < end; k++) {
        const item = g.items[offsets[k]! - g.base]!;
        if (item.settled) continue;
        item.settled = true;
        item.settle();
      }
      if (k === offsets.length) return;
    }
  }

  clear(): void {
    this.groups = [];
  }
}
