// In-order delivery of pipelined responses on one connection.
//
// Kafka clients pipeline requests and match responses by correlation id, but they also
// rely on responses arriving in request order (librdkafka and the Java client assume it).
// Handlers finish out of order (a long-polling Fetch behind a fast Metadata), so each
// request takes a slot when it is read and the queue writes slots strictly in that order.
//
// Invariants:
// - a slot is written exactly once, after every earlier slot has been written or skipped;
// - a slot resolved with `null` (acks=0 Produce) takes no bytes on the wire;
// - a slot's `afterWrite` runs when the slot's turn comes, after every earlier response went to the
//   socket (a failed acks=0 Produce closes the connection there, so earlier answers are not lost);
// - all buffers of one response, and of consecutive ready responses, go out in one
//   corked batch so the kernel sees a single writev;
// - a slot's `onWritten` runs once its bytes have been handed to the operating system (the socket's
//   write callback), or at once for a slot with no bytes, or when the queue closes: the connection
//   releases the slot's memory budget there (limits/byte-budget.ts).

export interface ResponseSink {
  cork(): void;
  uncork(): void;
  write(chunk: Buffer, callback?: (error?: Error | null) => void): boolean;
}

interface Slot {
  done: boolean;
  chunks: readonly Buffer[] | null;
  afterWrite?: () => void;
  onWritten?: () => void;
}

/** Completes a reserved slot: the response's buffers (null for none), and what to run after. */
export type CompleteSlot = (chunks: readonly Buffer[] | null, afterWrite?: () => void) => void;

export class ResponseQueue {
  private readonly slots: Slot[] = [];
  private head = 0;
  private closed = false;

  constructor(private readonly sink: ResponseSink) {}

  /** Requests read but not yet answered on the wire. */
  get inFlight(): number {
    return this.slots.length - this.head;
  }

  /**
   * Reserves the next position; call the returned function when the response is ready. `onWritten`
   * runs exactly once: when the response's bytes are with the OS, or when the queue closes first.
   */
  reserve(onWritten?: () => void): CompleteSlot {
    const slot: Slot = { done: false, chunks: null, onWritten };
    this.slots.push(slot);
    return (chunks, afterWrite) => {
      if (slot.done) return;
      slot.done = true;
      slot.chunks = chunks;
      slot.afterWrite = afterWrite;
      this.flush();
    };
  }

  /** Stops writing (the connection is going away); later completions are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const left = this.slots.splice(0);
    this.head = 0;
    for (const slot of left) written(slot);
  }

  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.head < this.slots.length && this.slots[this.head]!.done) {
      const slot = this.slots[this.head++]!;
      if (slot.chunks && slot.chunks.length > 0) {
        if (!corked) {
          this.sink.cork();
          corked = true;
        }
        const last = slot.chunks.length - 1;
        for (let i = 0; i < last; i++) this.sink.write(slot.chunks[i]!);
        this.sink.write(slot.chunks[last]!, slot.onWritten ? () => written(slot) : undefined);
      } else {
        written(slot);
      }
      slot.chunks = null;
      if (slot.afterWrite) {
        if (corked) this.sink.uncork();
        corked = false;
        slot.afterWrite();
        if (this.closed) return;
      }
    }
    if (corked) this.sink.uncork();
    // Compact occasionally so a long-lived connection does not grow the array forever.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
  }
}

function written(slot: Slot): void {
  const done = slot.onWritten;
  slot.onWritten = undefined;
  done?.();
}
