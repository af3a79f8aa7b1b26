// Splits a byte stream of concatenated JSON values (`{...}{...}` or one per line), the body of
// REST Proxy v3's streaming produce, into complete values as they arrive, without buffering
// more than the value being read. A value larger than `maxValueBytes` is an error (413), not
// an allocation without bound.

export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class JsonValueSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;

  constructor(private readonly maxValueBytes: number) {}

  /** Feeds a chunk; returns the texts of the values it completed, in order. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (!this.started) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c) {
          start = i + 1;
          continue;
        }
        if (c !== 0x7b /* { */) throw new JsonStreamError(`Unexpected character '${String.fromCharCode(c)}': expected a JSON object`, 400);
        this.started = true;
        start = i;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.take(chunk.subarray(start, i + 1));
          out.push(Buffer.concat(this.pending, this.pendingBytes).toString('utf8'));
          this.pending = [];
          this.pendingBytes = 0;
          this.started = false;
          start = i + 1;
        }
      }
    }
    if (this.started && start < chunk.length) this.take(chunk.subarray(start));
    return out;
  }

  /** True when the stream ended between values (not inside one). */
  get atBoundary(): boolean {
    return !this.started;
  }

  private take(part: Buffer): void {
    this.pendingBytes += part.length;
    if (this.pendingBytes > this.maxValueBytes) throw new JsonStreamError('A record in the request is larger than the gateway accepts.', 413);
    this.pending.push(part);
  }
}
