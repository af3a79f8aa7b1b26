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
//   corked batch so the kernel sees a single writev.

export interface ResponseSink {
  cork(): void;
  uncork(): void;
  write(chunk: Buffer): boolean;
}

interface Slot {
  done: boolean;
  chunks: readonly Buffer[] | null;
  afterWrite?: () => void;
}

export class ResponseQueue {
  private readonly slots: Slot[] = [];
  private head = 0;
  private closed = false;

  constructor(private readonly sink: ResponseSink) {}

  /** Requests read but not yet answered on the wire. */
  get inFlight(): number {
    return this.slots.length - this.head;
  }

  /** Reserves the next position; call `complete` on the returned function when the response is ready. */
  reserve(): (chunks: readonly Buffer[] | null, afterWrite?: () => void) => void {
    const slot: Slot = { done: false, chunks: null };
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
    this.closed = true;
    this.slots.length = 0;
    this.head = 0;
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
        for (const chunk of slot.chunks) this.sink.write(chunk);
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
