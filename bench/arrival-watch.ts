// How late records reach the broker (bench/latency-broker.ts): at every append, the wall clock less
// the newest record's CreateTime (the batch's max timestamp, which librdkafka takes at the produce
// call; same machine, same clock, millisecond resolution). That is the producer's share of the
// end-to-end latency (its batching, its process getting a CPU, the socket) plus whatever the broker's
// event loop took to read and decode the request (its stalls show in stall-watch.ts); the rest of the
// end-to-end figure is the broker's after the append and the consumer's. Counted in a fixed array of
// 1 ms buckets so the measurement allocates nothing per append.
import { PartitionLog } from '../src/storage/index.js';
import { batchMaxTimestamp, batchTotalSize } from '../src/protocol/records/batch-header.js';

const BUCKETS = 10_000;

export interface ArrivalFigures {
  batches: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Arrival delays in 1 ms buckets over one interval. */
class ArrivalHistogram {
  private counts = new Float64Array(BUCKETS + 1);
  private n = 0;
  private max = 0;

  add(late: number): void {
    this.counts[Math.min(BUCKETS, Math.floor(late))]! += 1;
    this.n++;
    if (late > this.max) this.max = late;
  }

  /** The figures since the previous call (ms); starts a new interval. */
  take(): ArrivalFigures {
    const at = (q: number): number => {
      const want = Math.ceil(q * this.n);
      let seen = 0;
      for (let ms = 0; ms <= BUCKETS; ms++) {
        seen += this.counts[ms]!;
        if (seen >= want && want > 0) return ms;
      }
      return 0;
    };
    const out = { batches: this.n, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: this.max };
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
    return out;
  }
}

export class ArrivalWatch {
  private run = new ArrivalHistogram();
  /** The same over a shorter window: one point of a long run's time series. */
  private window = new ArrivalHistogram();

  /** Wraps PartitionLog.append for the whole process. */
  install(): void {
    const append = PartitionLog.prototype.append;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const watch = this;
    PartitionLog.prototype.append = function (records, options) {
      watch.note(records);
      return append.call(this, records, options);
    };
  }

  /** The figures since the previous call (ms); starts a new interval. */
  take(): ArrivalFigures {
    return this.run.take();
  }

  /** The figures since the previous call of this (not of take()). */
  takeWindow(): ArrivalFigures {
    return this.window.take();
  }

  private note(records: Buffer): void {
    const now = Date.now();
    for (let pos = 0, size = 0; pos + 61 <= records.length; pos += size) {
      size = batchTotalSize(records, pos);
      if (size <= 61) return; // not a batch (validation refuses it after this)
      const late = Math.max(0, now - batchMaxTimestamp(records, pos));
      this.run.add(late);
      this.window.add(late);
    }
  }
}
