// Tells the broker's own stalls from the machine's (bench/latency-broker.ts). A timer ticks every
// TICK_MS on the broker's event loop; a tick that comes late is a stall of the loop. At every tick the
// main thread's scheduler statistics are read (/proc/self/task/<pid>/schedstat, Linux: nanoseconds on
// a CPU, nanoseconds waiting in a run queue), so each stall splits into
//   - running: the thread had a CPU and spent it on JavaScript, a garbage collection or a synchronous
//     system call (Brook's own stall), and
//   - waiting: the thread was runnable but no CPU was free (the machine's stall: other processes), and
//   - blocked: the rest of the interval, when the thread neither ran nor waited for a CPU: asleep in a
//     system call (a synchronous write the file system holds up, a lock) or in a major page fault
//     (the kernel reading back from disk a page it had reclaimed: counted with getrusage, since
//     a machine that pages out idle memory stalls a process through its code and data too).
//     Blocked without page faults is a synchronous system call of Brook's, or the garbage collector
//     waiting for its helper threads (which may themselves be waiting for a CPU).
// Off Linux (no schedstat) stalls are still counted, without the split.
import { closeSync, openSync, readSync } from 'node:fs';

const TICK_MS = 5;
/** A tick later than this is a stall (below it: timer granularity and ordinary turns). */
const STALL_MS = 3;

export interface StallFigures {
  /** Ticks that came more than STALL_MS late. */
  stalls: number;
  /**
   * The longest stall, ms, and how the interval holding it (from the tick before) split: running,
   * waiting for a CPU, blocked.
   */
  worst: { ms: number; runningMs: number; waitingMs: number; blockedMs: number; majorFaults: number };
  /** Over all stalls' intervals: ms running (Brook's), waiting for a CPU (the machine's), blocked in a system call. */
  runningMs: number;
  waitingMs: number;
  blockedMs: number;
  /** Major page faults of the process in stalls' intervals, and over the whole interval. */
  stallMajorFaults: number;
  majorFaults: number;
  /** Over the whole interval: ms the main thread waited in a run queue (runnable, no CPU free). */
  runQueueMs: number;
}

// The schedstat file is read at every tick: kept open and read from position 0 (one pread) instead of
// readFileSync's open, stat, reads and close, which with /proc/self/stat cost the watched process
// ~1,500 system calls a second at a 5 ms tick.
const buffer = Buffer.alloc(1024);

/** A /proc file opened once, read whole at every call; null off Linux. */
class ProcFile {
  private fd: number | null;

  constructor(path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch {
      this.fd = null;
    }
  }

  read(): string | null {
    if (this.fd === null) return null;
    try {
      const n = readSync(this.fd, buffer, 0, buffer.length, 0);
      return buffer.toString('latin1', 0, n);
    } catch {
      return null;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

const schedstatFile = new ProcFile(`/proc/self/task/${process.pid}/schedstat`);

/**
 * The process's major page faults so far (getrusage: one cheap system call; reading /proc/self/stat
 * at every tick cost the broker more than the schedstat read).
 */
function majorFaults(): number {
  return process.resourceUsage().majorPageFault;
}

/** [ns on a CPU, ns waiting in a run queue], or null when the platform has no schedstat. */
function schedstat(): [number, number] | null {
  const text = schedstatFile.read();
  if (text === null) return null;
  const [run, wait] = text.split(' ');
  return [Number(run), Number(wait)];
}

export class StallWatch {
  private timer: NodeJS.Timeout | null = null;
  private last = performance.now();
  private lastStat = schedstat();
  private startStat = this.lastStat;
  private lastFaults = majorFaults();
  private startFaults = this.lastFaults;
  private figures = StallWatch.empty();
  /** The same figures over a shorter window (the time series of a long run), without the run-queue total. */
  private window = StallWatch.empty();

  private static empty(): StallFigures {
    return { stalls: 0, worst: { ms: 0, runningMs: 0, waitingMs: 0, blockedMs: 0, majorFaults: 0 }, runningMs: 0, waitingMs: 0, blockedMs: 0, stallMajorFaults: 0, majorFaults: 0, runQueueMs: 0 };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    schedstatFile.close();
  }

  /** The figures since the previous call; starts a new interval. */
  take(): StallFigures {
    const out = this.figures;
    const now = schedstat();
    if (now && this.startStat) out.runQueueMs = (now[1] - this.startStat[1]) / 1e6;
    this.startStat = now;
    const faults = majorFaults();
    out.majorFaults = faults - this.startFaults;
    this.startFaults = faults;
    this.figures = StallWatch.empty();
    return out;
  }

  /** Stalls since the previous call of this (not of take()): one point of a time series. */
  takeWindow(): StallFigures {
    const out = this.window;
    this.window = StallWatch.empty();
    return out;
  }

  private tick(): void {
    const t = performance.now();
    const stat = schedstat();
    const faults = majorFaults();
    const late = t - this.last - TICK_MS;
    if (late > STALL_MS) {
      const runningMs = stat && this.lastStat ? (stat[0] - this.lastStat[0]) / 1e6 : 0;
      const waitingMs = stat && this.lastStat ? (stat[1] - this.lastStat[1]) / 1e6 : 0;
      const blockedMs = stat && this.lastStat ? Math.max(0, t - this.last - runningMs - waitingMs) : 0;
      for (const f of [this.figures, this.window]) {
        f.stalls++;
        f.runningMs += runningMs;
        f.waitingMs += waitingMs;
        f.blockedMs += blockedMs;
        f.stallMajorFaults += faults - this.lastFaults;
        if (late > f.worst.ms) f.worst = { ms: late, runningMs, waitingMs, blockedMs, majorFaults: faults - this.lastFaults };
      }
    }
    this.last = t;
    this.lastStat = stat;
    this.lastFaults = faults;
  }
}
