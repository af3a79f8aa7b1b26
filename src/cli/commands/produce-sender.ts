// Sends `brook produce`'s records in batches without holding them back: a line is sent at most
// LINGER_MS after it was read (as kcat's and rpk's producers linger a few milliseconds), so a
// person typing at a terminal or `tail -f | brook produce` sees each line arrive at once, while a
// large file still goes out as a few big Produce requests (a batch is also cut at MAX_RECORDS or
// MAX_BYTES). One request is in flight at a time, which keeps per-partition order; lines read
// meanwhile gather into the next batch. A failed send is reported by the next add() or drain().

export const LINGER_MS = 5;
export const MAX_RECORDS = 2000;
export const MAX_BYTES = 1024 * 1024;

export interface SenderParts<M> {
  send(batch: M[]): Promise<unknown>;
  /** Called after each batch is acknowledged, with its record count and payload bytes. */
  sent(records: number, bytes: number): void;
  lingerMs?: number;
}

export class LingeringSender<M> {
  private batch: M[] = [];
  private batchBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly parts: SenderParts<M>) {}

  /**
   * Queues one record. Resolves at once unless the batch is full while a request is in flight; then it waits until
   * the batch is handed over, so reading stdin slows to the broker's pace instead of piling up in memory.
   */
  async add(message: M, bytes: number): Promise<void> {
    this.throwIfFailed();
    this.batch.push(message);
    this.batchBytes += bytes;
    while (this.isFull() && this.failure === undefined) {
      this.kick();
      if (this.isFull() && this.sending) await this.sending;
    }
    this.throwIfFailed();
    if (this.batch.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.parts.lingerMs ?? LINGER_MS);
    }
  }

  /** Sends whatever is queued and waits until every request is answered; throws the first failure. */
  async drain(): Promise<void> {
    this.clearTimer();
    while (this.failure === undefined && (this.batch.length > 0 || this.sending)) {
      this.kick();
      if (this.sending) await this.sending;
    }
    this.throwIfFailed();
  }

  private isFull(): boolean {
    return this.batch.length >= MAX_RECORDS || this.batchBytes >= MAX_BYTES;
  }

  /** Starts a request for the queued records unless one is in flight (its completion kicks again). */
  private kick(): void {
    if (this.sending || this.batch.length === 0 || this.failure) return;
    this.clearTimer();
    const batch = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    this.sending = (async () => {
      try {
        await this.parts.send(batch);
        this.parts.sent(batch.length, bytes);
      } catch (error) {
        // Kept and rethrown by the next add() or drain(): a timer-started send has nobody to throw to.
        this.failure = { error };
      } finally {
        this.sending = undefined;
      }
      // Records that arrived during the request have waited at least as long as it took: send them now.
      this.kick();
    })();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
