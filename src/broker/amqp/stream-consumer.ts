// Consumers of stream queues (x-queue-type=stream): a stream is the queue's log read without
// consuming it, as RabbitMQ streams are. Each consumer has its own position, chosen by the consume
// argument x-stream-offset: "first" (the log start), "last" (the last stored batch, RabbitMQ's last
// chunk), "next" (only new messages; the default), a numeric offset, or a timestamp (type T, seconds:
// the first message at or after it). Deliveries carry an x-stream-offset header; acknowledgements
// only return credit (basic.qos prefetch is required, as in RabbitMQ), nothing is removed.
import { decodeProperties, encodeMethodFrame, encodeProperties, fieldString, tableGet, type FieldTable, type FieldValue } from '../../amqp/index.js';
import { batchBaseOffset, forEachBatch } from '../../protocol/records/batch-header.js';
import { readWindow } from '../queues/index.js';
import type { ConsumerChannel } from './consumer-channel.js';
import type { AmqpQueue, StreamReader } from './queue.js';
import { DecodedBatches } from './decoded-batches.js';
import { Reply } from './errors.js';

const READ_BYTES = 256 * 1024;

/** The first offset to read for an x-stream-offset argument. */
export async function streamStart(queue: AmqpQueue, arg: FieldValue | undefined): Promise<number> {
  const log = queue.log;
  if (arg === undefined) return log.highWatermark;
  const text = fieldString(arg);
  if (text === 'first') return log.logStartOffset;
  if (text === 'next') return log.highWatermark;
  if (text === 'last') return lastBatchStart(queue);
  if (arg.type === 'T') {
    const found = await log.offsetForTimestamp(Number(arg.value) * 1000);
    return found ? found.offset : log.highWatermark;
  }
  if (arg.type === 'b' || arg.type === 'B' || arg.type === 's' || arg.type === 'u' || arg.type === 'I' || arg.type === 'i' || arg.type === 'l' || arg.type === 'L') {
    const n = Number(arg.value);
    if (n >= 0) return Math.min(Math.max(n, log.logStartOffset), log.highWatermark);
  }
  throw Reply.preconditionFailed(`invalid arg 'x-stream-offset': ${text ?? arg.type}`);
}

async function lastBatchStart(queue: AmqpQueue): Promise<number> {
  const log = queue.log;
  if (log.highWatermark <= log.logStartOffset) return log.highWatermark;
  // Walk back in steps until a read starting below the end holds a whole batch; keep its base.
  for (let back = 1; back <= log.highWatermark - log.logStartOffset; back *= 16) {
    const read = await readWindow(log, Math.max(log.logStartOffset, log.highWatermark - back), READ_BYTES, null);
    if (read && read.extents.length > 0) return read.extents[read.extents.length - 1]!.first;
  }
  return log.logStartOffset;
}

export class StreamConsumer implements StreamReader {
  cancelled = false;
  unacked = 0;
  private pumping = false;
  private again = false;
  private readonly decoded = new DecodedBatches(1 << 20);

  constructor(
    readonly channel: ConsumerChannel,
    readonly queue: AmqpQueue,
    readonly tag: string,
    private position: number,
    readonly prefetch: number,
  ) {}

  cancelByServer(): void {
    this.channel.serverCancel(this);
  }

  live(): boolean {
    return !this.cancelled && this.channel.open && this.channel.flowActive;
  }

  private credit(): number {
    const own = this.prefetch > 0 ? this.prefetch - this.unacked : Infinity;
    return Math.min(own, this.channel.channelCredit(), 500);
  }

  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.run()
      .catch(() => {})
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  private async run(): Promise<void> {
    for (;;) {
      this.again = false;
      const log = this.queue.log;
      if (!this.live() || this.queue.deleted || this.channel.host.writeBlocked()) return;
      let credit = this.credit();
      if (credit <= 0 || this.position >= log.highWatermark) return;
      if (this.position < log.logStartOffset) this.position = log.logStartOffset;
      const read = await readWindow(log, this.position, READ_BYTES, null);
      if (!read || read.extents.length === 0) return;
      const frames: Buffer[] = [];
      let next = this.position;
      this.decoded.forEachIn(read.chunks, this.position, Infinity, (m) => {
        if (credit <= 0) return;
        credit--;
        next = m.offset + 1;
        const props = decodeProperties(m.properties);
        const headers: FieldTable = [...(props.headers ?? []).filter(([k]) => k !== 'x-stream-offset'), ['x-stream-offset', { type: 'l', value: BigInt(m.offset) }]];
        const tag = this.channel.track(this.queue, m.offset, null);
        this.channel.markStreamDelivery(tag, this);
        this.unacked++;
        frames.push(
          encodeMethodFrame(this.channel.id, { method: 'basic.deliver', consumerTag: this.tag, deliveryTag: tag, redelivered: false, exchange: m.exchange, routingKey: m.routingKey }),
          ...this.channel.contentFrames(encodeProperties({ ...props, headers }), m.body),
        );
      });
      // Offsets without a message (control batches) are passed over.
      if (next === this.position) {
        let end = this.position;
        for (const chunk of read.chunks) forEachBatch(chunk, 0, chunk.length, (pos) => void (end = Math.max(end, batchBaseOffset(chunk, pos))));
        next = Math.max(read.extents[read.extents.length - 1]!.last + 1, end);
      }
      this.position = next;
      if (frames.length > 0) this.channel.host.sendFrames(frames);
    }
  }
}

export function streamOffsetArgument(args: FieldTable): FieldValue | undefined {
  return tableGet(args, 'x-stream-offset');
}
