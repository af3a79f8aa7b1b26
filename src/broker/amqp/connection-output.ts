// The outgoing side of one AMQP connection: frames queued during an event-loop turn are written
// together, and the write backlog tells deliveries when to pause (writeBlocked / onDrain).
//
// Output of one event-loop turn goes out in one write: small frames (confirms, deliveries of
// small messages) are copied into one buffer; large bodies are passed as they are (one writev).
// The flush runs in setImmediate, after every I/O callback of the turn (socket reads, finished
// file writes and fsyncs), not after each one: on loopback every socket write also runs the
// receiver's TCP input, so one write per turn instead of one per callback saves real CPU.
import type { Socket } from 'node:net';

const WRITE_HIGH_WATER = 4 * 1024 * 1024;

export class ConnectionOutput {
  /** When output last went to the socket (heartbeats are sent only on an otherwise quiet link). */
  lastSent = 0;
  private out: Buffer[] = [];
  private outBytes = 0;
  private outScheduled = false;
  private drainWaiters: (() => void)[] = [];
  private readonly flushOutBound = (): void => this.flush();

  constructor(
    private readonly socket: Socket,
    private readonly now: () => number,
  ) {
    socket.on('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    });
  }

  queue(b: Buffer): void {
    this.out.push(b);
    this.outBytes += b.length;
    if (!this.outScheduled) {
      this.outScheduled = true;
      setImmediate(this.flushOutBound);
    }
  }

  flush(): void {
    this.outScheduled = false;
    const out = this.out;
    const bytes = this.outBytes;
    this.out = [];
    this.outBytes = 0;
    if (out.length === 0 || this.socket.destroyed) return;
    this.lastSent = this.now();
    if (out.length === 1) this.socket.write(out[0]!);
    else if (bytes <= 256 * 1024) this.socket.write(Buffer.concat(out, bytes));
    else {
      this.socket.cork();
      for (const b of out) this.socket.write(b);
      this.socket.uncork();
    }
  }

  writeBlocked(): boolean {
    return this.socket.writableLength + this.outBytes > WRITE_HIGH_WATER;
  }

  onDrain(fn: () => void): void {
    if (this.drainWaiters.length < 10_000) this.drainWaiters.push(fn);
  }
}
