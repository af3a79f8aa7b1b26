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
// - all buffers of one response, and of consecutive ready responses, go out in one write: copied
//   into one buffer when they are small together (COALESCE_BYTES), else as one corked batch so the
//   kernel sees a single writev;
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

/**
 * Ready responses up to this many bytes together are copied into one buffer and written with one
 * write() instead of corked writes of their pieces. A long-polled Fetch answering a few records is a
 * header slice, a record slice or two and a tail slice: copying them costs less than the stream's
 * corked path (a buffered entry per piece, the writev's array and its native walk), and a Produce
 * answer is one piece anyway. Larger responses keep their record bytes uncopied (gather writes).
 */
const COALESCE_BYTES = 16 * 1024;

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
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head]!.done) {
      // The run of ready slots to write together: up to the next one not ready, or through the first
      // with something to run after its write.
      const from = this.head;
      let to = from;
      let bytes = 0;
      let pieces = 0;
      let after: (() => void) | undefined;
      while (to < slots.length && slots[to]!.done) {
        const slot = slots[to++]!;
        if (slot.chunks) {
          for (const c of slot.chunks) bytes += c.length;
          pieces += slot.chunks.length;
        }
        after = slot.afterWrite;
        if (after) break;
      }
      this.head = to;
      this.writeRun(from, to, bytes, pieces);
      if (after) {
        after();
        if (this.closed) return;
      }
    }
    // Compact occasionally so a long-lived connection does not grow the array forever.
    if (this.head > 1024 && this.head * 2 > slots.length) {
      slots.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Writes slots [from, to): `pieces` buffers of `bytes` in all. */
  private writeRun(from: number, to: number, bytes: number, pieces: number): void {
    const slots = this.slots;
    if (pieces === 1 || (pieces > 1 && bytes <= COALESCE_BYTES)) {
      // One write. Its callback tells every slot that had bytes in it; slots without bytes are done now.
      let out: Buffer | null = pieces === 1 ? null : Buffer.allocUnsafe(bytes);
      let at = 0;
      let first: Slot | null = null;
      let more: Slot[] | null = null;
      for (let i = from; i < to; i++) {
        const slot = slots[i]!;
        const chunks = takeChunks(slot);
        if (!chunks) continue;
        if (out === null) out = chunks[0]!;
        else for (const c of chunks) at += c.copy(out, at);
        if (!slot.onWritten) continue;
        if (first === null) first = slot;
        else (more ??= []).push(slot);
      }
      const only = first;
      const rest = more;
      this.sink.write(
        out!,
        only === null
          ? undefined
          : rest === null
            ? () => written(only)
            : () => {
                written(only);
                for (const s of rest) written(s);
              },
      );
      return;
    }
    let corked = false;
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      const chunks = takeChunks(slot);
      if (!chunks) continue;
      if (!corked) {
        this.sink.cork();
        corked = true;
      }
      const last = chunks.length - 1;
      for (let k = 0; k < last; k++) this.sink.write(chunks[k]!);
      this.sink.write(chunks[last]!, slot.onWritten ? () => written(slot) : undefined);
    }
    if (corked) this.sink.uncork();
  }
}

/** The slot's buffers, taken from it; null, and the slot done at once, when it has none to write. */
function takeChunks(slot: Slot): readonly Buffer[] | null {
  const chunks = slot.chunks;
  slot.chunks = null;
  if (chunks && chunks.length > 0) return chunks;
  written(slot);
  return null;
}

function written(slot: Slot): void {
  const done = slot.onWritten;
  slot.onWritten = undefined;
  done?.();
}
