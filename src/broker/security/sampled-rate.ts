// A rate over a sampled window, as Kafka's metrics measure quotas (SampledStat + Rate, KIP-13):
// `samples` windows of `windowMs` each (quota.window.num, quota.window.size.seconds). A recording goes
// to the current window; a window older than samples x windowMs no longer counts. The rate is the sum
// of the live windows over the elapsed time, where the elapsed time is at least (samples - 1) full
// windows, so a fresh client's first burst is spread over the whole window instead of measured over
// a few milliseconds.
//
// throttleMs is Kafka's ClientQuotaManager.throttleTime: how long the client must stay silent for its
// rate to come back to the bound, (rate - bound) / bound x window, capped at the whole window.

export class SampledRate {
  private readonly starts: number[];
  private readonly values: number[];
  private current = 0;

  constructor(
    private readonly samples: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.starts = new Array<number>(samples).fill(now);
    this.values = new Array<number>(samples).fill(0);
  }

  record(value: number, now: number): void {
    if (now >= this.starts[this.current]! + this.windowMs) {
      this.current = (this.current + 1) % this.samples;
      this.starts[this.current] = now;
      this.values[this.current] = 0;
    }
    this.values[this.current]! += value;
  }

  /** Per second. */
  measure(now: number): number {
    const horizon = now - this.samples * this.windowMs;
    let total = 0;
    let oldest = now;
    for (let i = 0; i < this.samples; i++) {
      if (this.starts[i]! + this.windowMs <= horizon) {
        // Obsolete: reset it so it neither counts nor holds the window open (Kafka's purgeObsoleteSamples).
        this.starts[i] = now;
        this.values[i] = 0;
        continue;
      }
      total += this.values[i]!;
      if (this.starts[i]! < oldest) oldest = this.starts[i]!;
    }
    return total / (this.elapsedMs(now, oldest) / 1000);
  }

  private elapsedMs(now: number, oldest: number): number {
    let elapsed = now - oldest;
    const fullWindows = Math.floor(elapsed / this.windowMs);
    const minFull = this.samples - 1;
    if (fullWindows < minFull) elapsed += (minFull - fullWindows) * this.windowMs;
    return Math.max(elapsed, 1);
  }

  /** 0 while the rate is within `bound`, else how long to wait (ms) for it to come back. */
  throttleMs(bound: number, now: number): number {
    const rate = this.measure(now);
    if (rate <= bound) return 0;
    let oldest = now;
    for (let i = 0; i < this.samples; i++) if (this.starts[i]! < oldest) oldest = this.starts[i]!;
    const window = this.elapsedMs(now, oldest);
    return Math.min(Math.round(((rate - bound) / bound) * window), this.samples * this.windowMs);
  }
}
