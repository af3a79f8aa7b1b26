// connections.max.idle.ms, as Kafka's Selector does it: each connection notes when it last read or
// wrote, and one timer sweeps them every few seconds, closing those quiet for longer than the limit.
//
// Why not socket.setTimeout: Node re-arms a socket's timer on every read and write, which costs a
// timer-list update per chunk and per response (measured ~2.6 % of the broker's CPU while
// producing). A timestamp per connection costs one clock read per received chunk; the sweep touches
// each connection once per interval, whatever the traffic. A connection is closed at most one
// interval later than the limit (as in Kafka, where the check runs once per poll).

/** What the sweep needs of a connection. */
export interface IdleTracked {
  /** Milliseconds (performance.now() clock) of the last read or write; the sweep moves it on while busy. */
  lastActiveMs: number;
  /** Whether the connection is busy without I/O (a request being handled, a response being written). */
  readonly busy: boolean;
  /** Closes the connection as idle. */
  closeIdle(): void;
}

/** The longest a sweep interval gets (an idle connection is closed at most this much late). */
const MAX_INTERVAL_MS = 5_000;

export class IdleSweep {
  private readonly tracked = new Set<IdleTracked>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;

  /** idleMs <= 0 disables the sweep (connections are never closed for idleness). */
  constructor(private readonly idleMs: number) {
    this.intervalMs = Math.max(10, Math.min(MAX_INTERVAL_MS, Math.floor(idleMs / 4)));
  }

  get enabled(): boolean {
    return this.idleMs > 0;
  }

  /** Starts watching a connection; returns the function that stops (call it when the connection closes). */
  track(conn: IdleTracked): () => void {
    if (!this.enabled) return () => undefined;
    this.tracked.add(conn);
    if (this.timer === null) {
      this.timer = setInterval(() => this.sweep(performance.now()), this.intervalMs);
      // The sweep never keeps the process alive by itself.
      this.timer.unref();
    }
    return () => {
      this.tracked.delete(conn);
      if (this.tracked.size === 0) this.stop();
    };
  }

  /** Closes every tracked connection idle for longer than the limit at `nowMs`; returns how many. */
  sweep(nowMs: number): number {
    let closed = 0;
    for (const conn of this.tracked) {
      if (conn.busy) {
        // Writing a response slowly read is activity, as a socket timeout would count it.
        conn.lastActiveMs = nowMs;
        continue;
      }
      if (nowMs - conn.lastActiveMs <= this.idleMs) continue;
      this.tracked.delete(conn);
      conn.closeIdle();
      closed++;
    }
    if (this.tracked.size === 0) this.stop();
    return closed;
  }

  /** Stops the timer (shutdown). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
