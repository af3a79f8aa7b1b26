// Per-second rates from cumulative counters, as RabbitMQ's management API reports them beside the
// counts (message_stats.publish_details.rate): the change since an earlier sample of the same
// queue, divided by the seconds between. Samples are taken when the routes are read (no timer): the
// oldest sample younger than the window is the base, so a page polling every few seconds sees the
// rate over the last few seconds, and a queue nobody looked at for a while starts again at 0.
const WINDOW_MS = 10_000;
const MAX_KEYS = 100_000;

interface Sample {
  at: number;
  values: readonly number[];
}

export class MessageRates {
  private readonly samples = new Map<string, Sample[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Rates per second of each counter in `values` (same order each time for one key). */
  rates(key: string, values: readonly number[]): number[] {
    const at = this.now();
    let list = this.samples.get(key);
    if (!list) {
      if (this.samples.size >= MAX_KEYS) this.samples.clear();
      this.samples.set(key, (list = []));
    }
    while (list.length > 1 && at - list[0]!.at > WINDOW_MS) list.shift();
    const base = list[0];
    if (list.length === 0 || at - list[list.length - 1]!.at >= 1000) list.push({ at, values });
    if (!base || at - base.at > WINDOW_MS || at <= base.at) return values.map(() => 0);
    const seconds = (at - base.at) / 1000;
    // A counter that went down (the queue was deleted and declared again) starts over.
    return values.map((v, i) => (v >= base.values[i]! ? round((v - base.values[i]!) / seconds) : 0));
  }

  forget(key: string): void {
    this.samples.delete(key);
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
