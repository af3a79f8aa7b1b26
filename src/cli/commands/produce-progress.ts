// Counting what `brook produce` sent: a live line on a terminal (redrawn in place) and a
// one-line summary at the end with records, bytes and rate.
import { formatBytes, plural } from '../format/table.js';

export class ProduceProgress {
  records = 0;
  bytes = 0;
  private readonly started = process.hrtime.bigint();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly live: NodeJS.WriteStream | undefined) {
    // Redraw a few times a second: often enough to feel alive, rarely enough to cost nothing.
    if (live) this.timer = setInterval(() => live.write(`\r\u001b[K${this.line()}`), 250).unref();
  }

  add(records: number, bytes: number): void {
    this.records += records;
    this.bytes += bytes;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.live.write('\r\u001b[K');
  }

  seconds(): number {
    return Math.max(Number(process.hrtime.bigint() - this.started) / 1e9, 1e-6);
  }

  line(): string {
    const s = this.seconds();
    return `${plural(this.records, 'record')}, ${formatBytes(this.bytes)}, ${Math.round(this.records / s).toLocaleString('en-US')} records/s`;
  }

  summary(topic: string): string {
    const s = this.seconds();
    return `Produced ${plural(this.records, 'record')} (${formatBytes(this.bytes)}) to ${topic} in ${s.toFixed(2)} s: ${Math.round(this.records / s).toLocaleString('en-US')} records/s, ${formatBytes(Math.round(this.bytes / s))}/s.\n`;
  }
}
