// Tells the broker's own stalls from the machine's (bench/latency-broker.ts). A timer ticks every
// TICK_MS on the broker's event loop; a tick that comes late is a stall of the loop. At every tick the
// main thread's scheduler statistics are read (/proc/self/task/<pid>/schedstat, Linux: nanoseconds on
// a CPU, nanoseconds waiting in a run queue), so each stall splits into
//   - running: the thread had a CPU and spent it on JavaScript, a garbage collection or a synchronous
//     system call (Brook's own stall), and
//   - waiting: the thread was runnable but no CPU was free (the machine's stall: other processes).
// Off Linux (no schedstat) stalls are still counted, without the split.
import { readFileSync } from 'node:fs';

const TICK_MS = 5;
/** A tick later than this is a stall (below it: timer granularity and ordinary turns). */
const STALL_MS = 3;

export interface StallFigures {
  /** Ticks that came more than STALL_MS late. */
  stalls: number;
  /** The longest stall, ms, and how much of it the thread spent running and waiting for a CPU. */
  worst: { ms: number; runningMs: number; waitingMs: number };
  /** Over all stalls: ms running (Brook's) and ms waiting for a CPU (the machine's). */
  runningMs: number;
  waitingMs: number;
  /** Over the whole interval: ms the main thread waited in a run queue (runnable, no CPU free). */
  runQueueMs: number;
}

const schedstatPath = `/proc/self/task/${process.pid}/schedstat`;

/** [ns on a CPU, ns waiting in a run queue], or null when the platform has no schedstat. */
function schedstat(): [number, number] | null {
  try {
    const [run, wait] = readFileSync(schedstatPath, 'latin1').split(' ');
    return [Number(run), Number(wait)];
  } catch {
    return null;
  }
}

export class StallWatch {
  private timer: NodeJS.Timeout | null = null;
  private last = performance.now();
  private lastStat = schedstat();
  private startStat = this.lastStat;
  private figures = StallWatch.empty();

  private static empty(): StallFigures {
    return { stalls: 0, worst: { ms: 0, runningMs: 0, waitingMs: 0 }, runningMs: 0, waitingMs: 0, runQueueMs: 0 };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The figures since the previous call; starts a new interval. */
  take(): StallFigures {
    const out = this.figures;
    const now = schedstat();
    if (now && this.startStat) out.runQueueMs = (now[1] - this.startStat[1]) / 1e6;
    this.startStat = now;
    this.figures = StallWatch.empty();
    return out;
  }

  private tick(): void {
    const t = performance.now();
    const stat = schedstat();
    const late = t - this.last - TICK_MS;
    if (late > STALL_MS) {
      const f = this.figures;
      f.stalls++;
      const runningMs = stat && this.lastStat ? (stat[0] - this.lastStat[0]) / 1e6 : 0;
      const waitingMs = stat && this.lastStat ? (stat[1] - this.lastStat[1]) / 1e6 : 0;
      f.runningMs += runningMs;
      f.waitingMs += waitingMs;
      if (late > f.worst.ms) f.worst = { ms: late, runningMs, waitingMs };
    }
    this.last = t;
    this.lastStat = stat;
  }
}
