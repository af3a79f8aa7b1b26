// Timers by key (Kafka's coordinator timer: "session-<group>-<member>", "rebalance-...", ...). A key
// has at most one pending timer; scheduling it again replaces what it runs and when. Rescheduling to
// a later deadline, as every heartbeat does for the session timer, moves a deadline instead of
// clearing and creating a Node timer: the timer that fires early re-arms for the time left.
export class KeyedTimers {
  private readonly entries = new Map<string, { deadline: number; run: () => void; timer: NodeJS.Timeout; firesAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  schedule(key: string, delayMs: number, run: () => void): void {
    const deadline = this.now() + Math.max(delayMs, 0);
    const existing = this.entries.get(key);
    if (existing && existing.firesAt <= deadline) {
      existing.deadline = deadline;
      existing.run = run;
      return;
    }
    if (existing) clearTimeout(existing.timer);
    this.arm(key, deadline, run);
  }

  scheduleIfAbsent(key: string, delayMs: number, run: () => void): void {
    if (!this.entries.has(key)) this.schedule(key, delayMs, run);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  cancel(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    clearTimeout(e.timer);
    this.entries.delete(key);
  }

  /** Cancels every key starting with `prefix` (all timers of a group). */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }

  clear(): void {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }

  private arm(key: string, deadline: number, run: () => void): void {
    const delay = Math.max(deadline - this.now(), 1);
    const entry = { deadline, run, firesAt: this.now() + delay, timer: setTimeout(() => this.fire(key, entry), delay) };
    entry.timer.unref();
    this.entries.set(key, entry);
  }

  private fire(key: string, entry: { deadline: number; run: () => void }): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    if (entry.deadline > this.now()) {
      this.arm(key, entry.deadline, entry.run);
      return;
    }
    entry.run();
  }
}
